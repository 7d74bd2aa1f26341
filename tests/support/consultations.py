"""Blind consultations: hold each written case over the REST webhook as a client would, and score it.

The cases (``tests/conversations/cases/*.yml``) were written from the clinical reference alone;
``tests/conversations/split.yml`` assigns each case to the ``study`` or the ``sealed`` half once;
a case in neither is a ``fresh`` one whose first-look figures have not been recorded yet. See
``tests/conversations/README.md`` for the discipline that keeps the set blind.

The client: it sends the opening message, then answers whatever question is pending (the
tracker's ``requested_slot`` while the form is active) with the case's answer for that slot;
when no question is pending but the bot offered buttons, it presses the first one, at most twice
in a consultation; it stops at the assessment (an assessment payload with no question pending)
or after ``MAX_TURNS`` user messages.

The ``stubborn`` answer style (issue: a consultation that never gets stuck) answers each question
first with the case's answer to a *different* question, then, if asked again, with a filler
("hmm", "what do you mean?"), then "I don't know"; what it measures is progress (an assessment,
no question asked more than twice, the number of turns), not triage.

Transcripts are kept only for cases outside the sealed half: the sealed half reports aggregates.
"""
from __future__ import annotations

import random
import statistics
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "tests" / "conversations" / "cases"
SPLIT_FILE = ROOT / "tests" / "conversations" / "split.yml"
SPLIT_SEED = 20261204
MAX_TURNS = 30
MAX_BUTTON_PRESSES = 2
# The answer when a case has none for the question asked (counted in the report).
NO_ANSWER = "I'm not sure"
STYLES = ("cooperative", "stubborn")
# The stubborn client's replies when a question comes back (the second time, then later).
FILLERS = ("hmm", "what do you mean?", "sorry?", "eh", "i'm not sure what you're asking")
DONT_KNOW = "I don't know"
LEVELS = ("self_care", "see_doctor", "urgent", "emergency")
RANK = {level: rank for rank, level in enumerate(LEVELS)}
TECHNIQUES = (
    "trigger_point_therapy", "shiatsu", "trager_approach", "swedish_massage",
    "myofascial_release", "suboccipital_release", "craniosacral_therapy", "self_massage",
)
HALVES = ("study", "sealed", "fresh")


@dataclass(frozen=True)
class Case:
    id: str
    writer: str
    opening: str
    answers: Dict[str, str]
    red_flags_present: List[str]
    triage_level: str
    headache_type: str
    acceptable_types: List[str]
    acceptable_techniques: List[str]
    forbidden_techniques: List[str]
    rationale: str
    persona: str = ""


def _case(raw: dict, writer: str) -> Case:
    expected = raw["expected"]
    level = expected["triage_level"]
    if level not in RANK:
        raise ValueError(f"{raw['id']}: unknown triage level {level!r}")
    htype = expected["headache_type"]
    return Case(
        id=str(raw["id"]),
        writer=writer,
        opening=str(raw["opening"]),
        answers={str(k): str(v) for k, v in (raw.get("answers") or {}).items() if v is not None},
        red_flags_present=list(raw.get("red_flags_present") or []),
        triage_level=level,
        headache_type=htype,
        acceptable_types=[htype, *(expected.get("also_acceptable_types") or [])],
        acceptable_techniques=list(expected.get("acceptable_techniques") or []),
        forbidden_techniques=list(expected.get("forbidden_techniques") or []),
        rationale=str(raw.get("rationale") or ""),
        persona=str(raw.get("persona") or ""),
    )


def load_cases(directory: Path = CASES_DIR) -> List[Case]:
    cases: List[Case] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        writer = str(data.get("writer") or path.stem)
        cases += [_case(raw, writer) for raw in data["cases"]]
    ids = Counter(case.id for case in cases)
    duplicated = [case_id for case_id, n in ids.items() if n > 1]
    if duplicated:
        raise ValueError(f"duplicate case ids: {duplicated}")
    return cases


def load_split(path: Path = SPLIT_FILE) -> Dict[str, List[str]]:
    if not path.exists():
        return {"study": [], "sealed": []}
    data = yaml.safe_load(path.read_text()) or {}
    return {"study": list(data.get("study") or []), "sealed": list(data.get("sealed") or [])}


def half_of(case_id: str, split: Dict[str, List[str]]) -> str:
    for half in ("study", "sealed"):
        if case_id in split[half]:
            return half
    return "fresh"


def make_split(case_ids: Sequence[str], seed: int = SPLIT_SEED) -> Dict[str, List[str]]:
    """Half the cases, at random with a fixed seed, stratified by writer (the id prefix)."""
    by_writer: Dict[str, List[str]] = {}
    for case_id in sorted(case_ids):
        by_writer.setdefault(case_id.rsplit("-", 1)[0], []).append(case_id)
    rng = random.Random(seed)
    split = {"study": [], "sealed": []}
    for writer in sorted(by_writer):
        ids = by_writer[writer]
        rng.shuffle(ids)
        half = len(ids) // 2
        split["sealed"] += sorted(ids[:half])
        split["study"] += sorted(ids[half:])
    return split


# --- holding one consultation ------------------------------------------------------------------
@dataclass
class Outcome:
    case_id: str
    transcript: List[dict] = field(default_factory=list)
    questions: List[str] = field(default_factory=list)
    assessments: List[dict] = field(default_factory=list)
    final_slots: Dict = field(default_factory=dict)
    unanswered_slots: List[str] = field(default_factory=list)
    error: Optional[str] = None
    turns: int = 0

    @property
    def reached_assessment(self) -> bool:
        return bool(self.assessments) or self.final_slots.get("triage_level") is not None

    @property
    def triage_level(self) -> Optional[str]:
        levels = [a.get("triage_level") for a in self.assessments] + [self.final_slots.get("triage_level")]
        known = [level for level in levels if level in RANK]
        return max(known, key=RANK.__getitem__) if known else None

    @property
    def headache_type(self) -> Optional[str]:
        if self.final_slots.get("headache_type"):
            return self.final_slots["headache_type"]
        return self.assessments[-1].get("headache_type") if self.assessments else None

    @property
    def techniques(self) -> List[str]:
        if self.assessments:
            return list(self.assessments[-1].get("recommended_techniques") or [])
        return list(self.final_slots.get("recommended_techniques") or [])

    @property
    def emergency_flags(self) -> List[str]:
        """The warning signs behind the emergency advice (rf ids, from the assessment payloads)."""
        flags = set()
        for a in self.assessments:
            if a.get("triage_level") == "emergency":
                flags |= {f if isinstance(f, str) else f.get("id", "") for f in a.get("red_flags") or []}
        return sorted(f for f in flags if f)

    @property
    def emergency_not_ruled_out(self) -> bool:
        """Emergency advice that rests on a sign not ruled out (an unsure or unreadable answer to a
        red-flag question counted as yes, 4.3), not on a sign read in the person's words."""
        findings = self.final_slots.get("findings") or {}
        return self.emergency_advice_given and bool(findings.get("uncertain"))

    @property
    def emergency_advice_given(self) -> bool:
        return any(a.get("triage_level") == "emergency" for a in self.assessments) or (
            self.final_slots.get("triage_level") == "emergency"
        )


# A direct question about one warning sign that everyday words suggested (slot `flag_check`):
# the person knows whether they have it, which the case records as the red flags present.
_NEURO = {"rf_neuro_deficit", "rf_neck_artery", "rf_aura_atypical", "rf_papilloedema"}
_CONSCIOUS = {"rf_altered_consciousness", "rf_head_injury_severe", "rf_hypertensive"}
_EYE = {"rf_glaucoma", "rf_gca_visual", "rf_preeclampsia", "rf_hypertensive", "rf_neuro_deficit"}
SIGN_FLAGS = {
    "memory_loss": _CONSCIOUS, "confusion": _CONSCIOUS, "drowsiness": _CONSCIOUS, "fainting": _CONSCIOUS,
    "personality_change": _CONSCIOUS,
    "worst_ever": {"rf_thunderclap"},
    "weakness": _NEURO, "numbness": _NEURO, "speech_difficulty": _NEURO, "aura_speech": _NEURO,
    "balance_loss": _NEURO, "vision_loss": _EYE, "double_vision": _EYE, "blurred_vision": _EYE,
    "haloes": {"rf_glaucoma"}, "painful_red_eye": {"rf_glaucoma"}, "vision_greying": {"rf_papilloedema"},
    "seizure": {"rf_seizure", "rf_head_injury_severe"},
    "fever": {"rf_fever_meningism", "rf_fever_rash", "rf_gca"}, "stiff_neck": {"rf_fever_meningism", "rf_neck_artery"},
    "rash_non_blanching": {"rf_fever_rash"}, "very_unwell": {"rf_fever_rash", "rf_gca", "rf_preeclampsia"},
    "face_hand_swelling": {"rf_preeclampsia"}, "upper_belly_pain": {"rf_preeclampsia"},
    "chest_pain": {"rf_hypertensive"}, "breathlessness": {"rf_hypertensive"},
    "clear_fluid_nose_ear": {"rf_head_injury_severe"},
    "jaw_pain_chewing": {"rf_gca", "rf_gca_visual"}, "scalp_tenderness": {"rf_gca", "rf_gca_visual"},
    "others_in_building_affected": {"rf_carbon_monoxide"}, "better_away_from_home": {"rf_carbon_monoxide"},
    "neck_injury_recent": {"rf_neck_artery"},
    "head_injury": {"rf_head_injury", "rf_head_injury_severe"},
    "exertion_onset": {"rf_valsalva_exertion", "rf_thunderclap"},
}


@lru_cache(maxsize=1)
def _sign_questions() -> Dict[str, str]:
    """The bot's direct question for each warning sign (what the person reads, so what they answer)."""
    knowledge = yaml.safe_load((ROOT / "data" / "kb" / "knowledge.yml").read_text(encoding="utf-8"))
    return dict(knowledge["questions"]["flag_check"]["signs"])


def _asked_sign(asked: str, slots: Dict) -> Optional[str]:
    """Which sign the bot just asked about: by its question's words, else the tracker's next one."""
    for sign, question in _sign_questions().items():
        if question and question.lower() in asked.lower():
            return sign
    findings = slots.get("findings") or {}
    settled = set(findings.get("symptoms", [])) | set(findings.get("absent_symptoms", [])) | set(findings.get("uncertain", []))
    pending = sorted(set(findings.get("to_confirm", [])) - settled)
    return pending[0] if pending else None


def _confirmation(case: Case, slot: str, slots: Dict, asked: str = "") -> Optional[str]:
    if slot != "flag_check":
        return None
    sign = _asked_sign(asked, slots)
    if sign is None:
        return None
    return "yes" if SIGN_FLAGS.get(sign, set()) & set(case.red_flags_present) else "no"


def _last_bot_text(outcome: Outcome) -> str:
    for entry in reversed(outcome.transcript):
        if "bot" in entry and entry.get("buttons"):
            return entry["bot"]
    return ""


class Client:
    """What a consultation needs from a running bot: say a message, read the tracker."""

    def __init__(self, say: Callable[[str, str], List[dict]], tracker: Callable[[str], dict]):
        self.say = say
        self.tracker = tracker


def _pending_question(tracker: dict) -> Optional[str]:
    active = (tracker.get("active_loop") or {}).get("name")
    return tracker.get("slots", {}).get("requested_slot") if active else None


def _record_bot(outcome: Outcome, messages: List[dict]) -> List[dict]:
    buttons: List[dict] = []
    for message in messages:
        custom = message.get("custom") or {}
        if "assessment" in custom:
            outcome.assessments.append(custom["assessment"])
        if message.get("buttons"):
            buttons = list(message["buttons"])
        outcome.transcript.append(
            {"bot": message.get("text") or ("[assessment card]" if "assessment" in custom else "[custom]"),
             **({"buttons": [b.get("title") for b in message["buttons"]]} if message.get("buttons") else {})}
        )
    return buttons


def _stubborn_reply(case: Case, slot: str, times: int) -> str:
    """The first time a question is asked, the answer to another question (the next one in the
    case's list that differs); the second time a filler; after that "I don't know"."""
    if times == 1:
        slots = [s for s in case.answers if case.answers.get(s)]
        start = slots.index(slot) + 1 if slot in slots else 0
        for other in slots[start:] + slots[:start]:
            if other != slot and case.answers[other] != case.answers.get(slot):
                return case.answers[other]
    if times == 2:
        return FILLERS[(len(case.id) + len(slot)) % len(FILLERS)]
    return DONT_KNOW


def hold(case: Case, client: Client, sender: str, max_turns: int = MAX_TURNS, style: str = "cooperative") -> Outcome:
    outcome = Outcome(case.id)
    presses = 0
    text = case.opening
    try:
        while True:
            outcome.transcript.append({"user": text})
            outcome.turns += 1
            buttons = _record_bot(outcome, client.say(sender, text))
            tracker = client.tracker(sender)
            outcome.final_slots = dict(tracker.get("slots") or {})
            slot = _pending_question(tracker)
            if outcome.turns >= max_turns:
                break
            if slot and style == "stubborn":
                outcome.questions.append(slot)
                text = _stubborn_reply(case, slot, outcome.questions.count(slot))
            elif slot:
                outcome.questions.append(slot)
                text = case.answers.get(slot) or _confirmation(case, slot, outcome.final_slots, _last_bot_text(outcome))
                if text is None:
                    outcome.unanswered_slots.append(slot)
                    text = NO_ANSWER
            elif outcome.assessments:
                break
            elif buttons and presses < MAX_BUTTON_PRESSES:
                presses += 1
                text = buttons[0].get("payload") or buttons[0].get("title")
            else:
                break
    except Exception as error:  # a transport failure is reported, never hidden
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def hold_all(cases: Iterable[Case], client: Client, run_id: str, workers: int = 4, style: str = "cooperative") -> List[Outcome]:
    cases = list(cases)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # a stubborn client needs up to two replies a question: twice the turns
        turns = MAX_TURNS * (2 if style == "stubborn" else 1)
        return list(pool.map(lambda c: hold(c, client, f"blind-{run_id}-{c.id}", turns, style), cases))


# --- scoring ----------------------------------------------------------------------------------
def technique_ok(case: Case, techniques: List[str]) -> bool:
    """No forbidden technique; none at all when none is acceptable; else the first one acceptable."""
    if set(techniques) & set(case.forbidden_techniques):
        return False
    if not case.acceptable_techniques:
        return not techniques
    return bool(techniques) and techniques[0] in case.acceptable_techniques


def score_case(case: Case, outcome: Outcome) -> Dict:
    got = outcome.triage_level
    asked = Counter(outcome.questions)
    return {
        "id": case.id,
        "expected_triage": case.triage_level,
        "triage": got,
        "triage_ok": got == case.triage_level,
        "under_triage": got is None or RANK[got] < RANK[case.triage_level],
        "over_triage": got is not None and RANK[got] > RANK[case.triage_level],
        "emergency_advice": outcome.emergency_advice_given,
        "emergency_flags": outcome.emergency_flags if outcome.emergency_advice_given else [],
        "emergency_not_ruled_out": outcome.emergency_not_ruled_out,
        "expected_type": case.headache_type,
        "type": outcome.headache_type,
        "type_ok": outcome.headache_type in case.acceptable_types,
        "techniques": outcome.techniques,
        "techniques_ok": technique_ok(case, outcome.techniques),
        "assessed": outcome.reached_assessment,
        "questions": len(outcome.questions),
        "asked": list(outcome.questions),  # which questions, in order (study and fresh reports only)
        "turns": outcome.turns,
        "most_asked": max(asked.values(), default=0),
        "unanswered_slots": sorted(set(outcome.unanswered_slots)),
        "error": outcome.error,
    }


def _rate(numerator: int, denominator: int) -> Optional[float]:
    return round(numerator / denominator, 3) if denominator else None


def aggregate(scores: List[Dict]) -> Dict:
    n = len(scores)
    emergencies = [s for s in scores if s["expected_triage"] == "emergency"]
    others = [s for s in scores if s["expected_triage"] != "emergency"]
    self_care = [s["questions"] for s in scores if s["expected_triage"] == "self_care"]
    return {
        "cases": n,
        "triage_agreement": _rate(sum(s["triage_ok"] for s in scores), n),
        "emergency_recall": _rate(sum(s["triage"] == "emergency" for s in emergencies), len(emergencies)),
        "emergencies": len(emergencies),
        "emergency_advice_to_non_emergency": _rate(sum(s["emergency_advice"] for s in others), len(others)),
        "non_emergencies": len(others),
        # why the non-emergencies that got emergency advice got it, as counts only (the sealed
        # half is reported in aggregate): signs not ruled out vs read in words, and by warning sign
        "emergency_advice_not_ruled_out": sum(s["emergency_advice"] and s.get("emergency_not_ruled_out", False) for s in others),
        "emergency_advice_by_sign": dict(sorted(Counter(
            flag for s in others if s["emergency_advice"] for flag in s.get("emergency_flags") or []).items())),
        "under_triage": _rate(sum(s["under_triage"] for s in scores), n),
        "over_triage": _rate(sum(s["over_triage"] for s in scores), n),
        "type_agreement": _rate(sum(s["type_ok"] for s in scores), n),
        "technique_agreement": _rate(sum(s["techniques_ok"] for s in scores), n),
        "no_assessment": sum(not s["assessed"] for s in scores),
        "most_times_one_question_asked": max((s["most_asked"] for s in scores), default=0),
        "median_questions_self_care": statistics.median(self_care) if self_care else None,
        "most_turns": max((s.get("turns", 0) for s in scores), default=0),
        "transport_errors": sum(bool(s["error"]) for s in scores),
    }


ROWS = (
    ("cases", "cases", "{}"),
    ("triage_agreement", "triage agreement", "{:.0%}"),
    ("emergency_recall", "emergency recall", "{:.0%}"),
    ("emergency_advice_to_non_emergency", "emergency advice to non-emergencies", "{:.0%}"),
    ("under_triage", "under-triage", "{:.0%}"),
    ("over_triage", "over-triage", "{:.0%}"),
    ("type_agreement", "type agreement", "{:.0%}"),
    ("technique_agreement", "technique agreement", "{:.0%}"),
    ("no_assessment", "consultations without an assessment", "{}"),
    ("most_times_one_question_asked", "most times one question was asked", "{}"),
    ("median_questions_self_care", "median questions (self-care cases)", "{}"),
    ("most_turns", "most user messages in one consultation", "{}"),
    ("transport_errors", "transport errors", "{}"),
)


def table(aggregates: Dict[str, Dict]) -> str:
    """A markdown table, one column per half."""
    halves = [h for h in HALVES + ("all",) if h in aggregates]
    lines = ["| figure | " + " | ".join(halves) + " |", "|---|" + "---:|" * len(halves)]
    for key, label, fmt in ROWS:
        cells = []
        for half in halves:
            value = aggregates[half].get(key)
            cells.append("–" if value is None else fmt.format(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(cases: List[Case], outcomes: List[Outcome], split: Dict[str, List[str]]) -> Dict:
    """Aggregates per half; per-case scores and transcripts of failures outside the sealed half."""
    by_id = {case.id: case for case in cases}
    scored: Dict[str, List[Dict]] = {half: [] for half in HALVES}
    failures = []
    for outcome in outcomes:
        case = by_id[outcome.case_id]
        half = half_of(case.id, split)
        score = score_case(case, outcome)
        scored[half].append(score)
        failed = not (score["triage_ok"] and score["assessed"]) or score["most_asked"] > 2 or score["error"]
        if failed and half != "sealed":
            failures.append({
                **score, "half": half, "rationale": case.rationale,
                "transcript": outcome.transcript,
            })
    aggregates = {half: aggregate(scores) for half, scores in scored.items() if scores}
    open_scores = [s for half in ("study", "fresh") for s in scored[half]]
    return {
        "aggregates": aggregates,
        "table": table(aggregates),
        "cases": open_scores,  # the sealed half's cases are not listed one by one
        "failures": failures,
    }
