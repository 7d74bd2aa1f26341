"""Turn engine results and knowledge-base entries into what the user reads (or hears).

Pure functions, no Rasa imports: every fact and phrase comes from the knowledge base
(`data/kb/knowledge.yml`), this module only arranges them. `voice=True` gives short, plain
sentences without markdown, emoji or lists.
"""
from __future__ import annotations

import os
from typing import Dict, Iterable, List, Optional

from actions.clinic import assess, load_knowledge
from actions.clinic.assessment import Assessment
from actions.clinic.findings import Findings
from actions.clinic.verdict import verdict

LEVEL_ICONS = {"emergency": "🚨", "urgent": "⚠️", "see_doctor": "🩺", "self_care": "✅"}


def emergency_number() -> str:
    """The deployment's emergency number (HEADEASE_EMERGENCY_NUMBER), else the KB's generic one."""
    return os.environ.get("HEADEASE_EMERGENCY_NUMBER") or load_knowledge().emergency_number


def _bullets(lines: Iterable[str], voice: bool) -> str:
    lines = [line for line in lines if line]
    if voice:
        return " ".join(line if line.endswith(".") else f"{line}." for line in lines)
    return "\n".join(f"• {line}" for line in lines)


def _title(level: str, voice: bool) -> str:
    title = load_knowledge().messages["triage"][level]["title"]
    return f"{title}." if voice else f"{LEVEL_ICONS[level]} **{title}**"


def technique_name(technique_id: str) -> str:
    return load_knowledge().technique(technique_id)["name"]


def alert_messages(assessment: Assessment, number: str, voice: bool = False) -> List[str]:
    """Urgent/emergency advice: what to do now first, then why. No massage content at all."""
    kb = load_knowledge()
    level = assessment.triage_level
    action = kb.triage_message(level, number)
    if "rf_carbon_monoxide" in assessment.red_flag_ids:
        action = kb.render(kb.messages["triage"]["emergency"]["carbon_monoxide"], number)
    unsure = {hit.id for hit in assessment.red_flags if hit.uncertain}
    said = [kb.red_flag_info(rf)["finding"] for rf in assessment.red_flag_ids if rf not in unsure]
    not_ruled_out = [kb.red_flag_info(rf)["finding"] for rf in assessment.red_flag_ids if rf in unsure]
    first = f"{_title(level, voice)} {action}" if voice else f"{_title(level, voice)}\n{action}"
    messages = [first]
    if said:
        because = "You mentioned " if voice else "Why: you mentioned\n"
        messages.append(because + _bullets(said, voice))
    if not_ruled_out:
        # signs the person could not rule out are not told back as things they said (reference 4.3)
        because = "These signs were not ruled out: " if voice else "These signs were not ruled out:\n"
        messages.append(because + _bullets(not_ruled_out, voice))
        messages.append(kb.note("uncertain_answers"))
    return messages


def assessment_messages(assessment: Assessment, number: str, voice: bool = False) -> List[str]:
    """The full assessment for self_care / see_doctor outcomes (alerts use `alert_messages`)."""
    if assessment.triage_level in ("urgent", "emergency"):
        return alert_messages(assessment, number, voice) + [load_knowledge().disclaimer(number)]
    kb = load_knowledge()
    pattern = kb.pattern_phrase(assessment.headache_type)
    if assessment.background_type:
        pattern += f" ({kb.headache_type_info(assessment.background_type)['name']} in the background)"
    summary = [f"{_title(assessment.triage_level, voice)}", pattern]
    if assessment.reasons:
        summary.append(("Because: " if voice else "Why:\n") + _bullets(assessment.reasons, voice))
    messages = ["\n".join(summary) if not voice else " ".join(summary)]
    messages.append(assessment.doctor_advice or kb.triage_message(assessment.triage_level, number))
    if assessment.recommended_techniques:
        lines = []
        for advice in assessment.recommended_techniques:
            name = technique_name(advice.id)
            caveat = f" ({advice.caveat})" if advice.caveat else ""
            lines.append(f"{name}: {advice.why}{caveat}" if voice else f"**{name}**: {advice.why}{caveat}")
        intro = "Massage options that may help: " if voice else "Massage options that may help:\n"
        messages.append(intro + _bullets(lines, voice))
    if assessment.ruled_out and not voice:
        lines = [f"{technique_name(r.id)}: {r.reason}" for r in assessment.ruled_out]
        messages.append("Not suitable for you right now:\n" + _bullets(lines, voice))
    if assessment.notes:
        messages.append(_bullets(assessment.notes, voice))
    messages.append(kb.disclaimer(number))
    return messages


def technique_explanation(
    technique_id: str, assessment: Optional[Dict] = None, voice: bool = False
) -> str:
    """What a technique is, its evidence, dose and cautions, tailored to an assessment if any."""
    kb = load_knowledge()
    tech = kb.technique(technique_id)
    evidence = tech["evidence"]
    parts = [
        f"{tech['name']}: {tech['what_it_is']}" if voice else f"**{tech['name']}**: {tech['what_it_is']}",
        f"Evidence for headache: {evidence['summary']}",
        f"Typical sessions: {tech['dose']}",
    ]
    if evidence.get("caveat"):
        parts.append(evidence["caveat"])
    if assessment:
        parts.append(_fit_for_user(technique_id, assessment))
    if tech.get("cautions") and not voice:
        parts.append("Cautions:\n" + _bullets(tech["cautions"], voice))
    return "\n\n".join(parts) if not voice else " ".join(parts)


def _fit_for_user(technique_id: str, assessment: Dict) -> str:
    kb = load_knowledge()
    level = assessment.get("triage_level")
    if level in ("urgent", "emergency"):
        return "For you right now: no massage until a doctor has seen you, because of the warning signs you mentioned."
    ruled_out = assessment.get("ruled_out") or {}
    if technique_id in ruled_out:
        return f"For you right now: not suitable. {ruled_out[technique_id]}"
    reasons = assessment.get("technique_reasons") or {}
    if technique_id in reasons:
        rank = assessment["recommended_techniques"].index(technique_id) + 1
        return f"For you: it is option {rank} on your list. {reasons[technique_id]}"
    type_name = kb.headache_type_info(assessment.get("headache_type") or "unclear")["name"]
    return f"For you: it is not among the best fits for a pattern like {type_name}."


def self_massage_guide(voice: bool = False, routine_ids: Optional[List[str]] = None) -> List[str]:
    """Step-by-step self-massage routines with the general rules and the stop conditions."""
    kb = load_knowledge()
    guide = kb.self_massage
    routine_ids = routine_ids or list(guide["routines"])
    messages = ["Self-massage, 5-10 minutes in total:\n" + _bullets(guide["general_rules"], voice)]
    for rid in routine_ids:
        routine = guide["routines"][rid]
        if voice:
            steps = " ".join(f"Step {i}: {s}" for i, s in enumerate(routine["steps"], 1))
            messages.append(f"{routine['name']}. {steps}")
        else:
            steps = "\n".join(f"{i}. {s}" for i, s in enumerate(routine["steps"], 1))
            messages.append(f"**{routine['name']}**\n{steps}")
    stop_list = "; ".join(guide["stop_conditions"])
    messages.append(kb.render(guide["stop_message"], stop_list=stop_list))
    return messages


def self_massage_not_allowed(assessment: Dict, number: str) -> str:
    kb = load_knowledge()
    level = assessment.get("triage_level")
    if level in ("urgent", "emergency"):
        return (
            "Because of the warning signs you mentioned, please don't try self-massage for now. "
            + kb.triage_message(level, number)
        )
    reason = (assessment.get("ruled_out") or {}).get("self_massage", "")
    return f"Self-massage isn't suitable for you right now. {reason}".strip()


def when_to_see_doctor(assessment: Optional[Dict], number: str, voice: bool = False) -> List[str]:
    """General doctor advice, plus what applies to this user when there is an assessment."""
    kb = load_knowledge()
    general = [
        kb.render("Call {emergency_number} now for: " + _join(_findings_at("emergency")), number),
        "Get seen today for: " + _join(_findings_at("urgent")) + ".",
        "Book a GP appointment for: " + _join(_findings_at("see_doctor")) + ".",
    ]
    messages = []
    if assessment:
        level = assessment["triage_level"]
        messages.append(f"For you: {kb.triage_message(level, number)}")
    messages.append(("When to get medical help: " if voice else "When to get medical help:\n") + _bullets(general, voice))
    messages.extend(kb.self_massage["not_enough"][:2])
    return messages


def _findings_at(level: str) -> List[str]:
    kb = load_knowledge()
    return [info["finding"] for info in kb.data["red_flags"].values() if info["level"] == level]


def _join(items: List[str]) -> str:
    return "; ".join(items)


SUMMARY_FIELDS = (
    ("Age", "age"),
    ("Where", "pain_location"),
    ("Feels like", "pain_quality"),
    ("Strength (0-10)", "severity"),
    ("Attack length", "duration"),
    ("How often", "frequency"),
    ("Onset", "onset"),
    ("Other symptoms", "associated_symptoms"),
    ("Triggers", "triggers"),
    ("Origin", "origin"),
    ("Headache medicines", "medication_use"),
)


def _plain(value) -> str:
    if value is None:
        return "not asked"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("_", " ")


def _minutes(value) -> str:
    """480 -> "8 hours", 45 -> "45 minutes", 4320 -> "3 days" (an attack's length)."""
    minutes = float(value)
    for size, unit in ((1440, "day"), (60, "hour")):
        if minutes >= size:
            amount = round(minutes / size, 1)
            amount = int(amount) if float(amount).is_integer() else amount
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{int(round(minutes))} minutes"


def _summary_value(name: str, value) -> str:
    """A slot value in words with its unit (durations in minutes/hours/days, days a month)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if name == "duration":
            return _minutes(value)
        if name in ("frequency", "medication_use"):
            return f"{_plain(float(value))} days a month"
    if name == "duration" and value == "continuous":
        return "constant, it does not stop"
    return _plain(value)


def doctor_summary(slots: Dict, findings: Findings, assessment: Optional[Dict], date: str) -> str:
    """A concise structured text a user can hand to a doctor."""
    lines = [f"HeadEase headache summary ({date})", "Reported by the user; not a diagnosis.", ""]
    lines += [f"{label}: {_summary_value(name, slots.get(name))}" for label, name in SUMMARY_FIELDS]
    if findings.absent_symptoms:
        lines.append(f"Denied: {_plain(sorted(findings.absent_symptoms))}")
    if findings.history:
        lines.append(f"History: {_plain(sorted(findings.history))}")
    lines.append("")
    screen = slots.get("red_flags")
    lines.append(f"Red-flag screen answer: {_plain(screen)}")
    if assessment:
        kb = load_knowledge()
        flags = assessment.get("red_flags") or []
        found = "; ".join(kb.red_flag_info(rf)["finding"] for rf in flags)
        lines.append(f"Warning signs found: {found or 'none'}")
        lines.append(f"Pattern suggested: {kb.headache_type_info(assessment['headache_type'])['name']}")
        lines.append(f"Triage: {_plain(assessment['triage_level'])}")
        if assessment.get("reasons"):
            lines.append("Reasons: " + "; ".join(assessment["reasons"]))
        techniques = assessment.get("recommended_techniques") or []
        lines.append("Suggested massage options: " + (", ".join(technique_name(t) for t in techniques) or "none"))
    else:
        lines.append("No assessment has been completed yet.")
    return "\n".join(lines)


def safety_net_message(key: str, number: str) -> str:
    """One of the messages that end with the emergency signs and number (`outage`,
    `not_received`, `rate_limited`), rendered for `number`."""
    kb = load_knowledge()
    signs = kb.render(kb.messages["emergency_signs"], number)
    return kb.render(kb.messages[key], number, emergency_signs=signs)


def outage_messages(text: Optional[str], number: str, voice: bool = False, key: str = "outage") -> List[str]:
    """What to say when the consultation cannot go on (action server down or an action failed;
    `key="not_received"` when the message was not taken in at all, e.g. a store outage).

    Works from the message text alone, with the same deterministic red-flag screen as every other
    turn: a red flag in this message still gets its alert first, and every answer ends with the
    emergency signs and number.
    """
    found = verdict(text)
    messages: List[str] = []
    if found.alerts:
        assessment = assess(found.findings)
        messages.extend(alert_messages(assessment, number, voice))
    messages.append(safety_net_message(key, number))
    return messages
