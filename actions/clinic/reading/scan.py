"""The scan: free text into clinical ``Findings`` (the safety net).

``scan`` runs on every user message, whatever intent a learned model predicted, so a danger sign
in a long rambling message with typos is never missed. It reads the message once as a
``FlatText`` and applies, in order: lexicon phrases (``phrases``) with negation and hedges
(``negation``), the red-flag wording rules and their suppressions (``wording``), the history and
contraindication rules (``history``) with the handlers below (other people, past events,
worries), aggravators, onset, medication days, numbers (``numbers``) and the derived findings
(worsening, radicular signs, aura tingling). ``unexplained_words`` lists the words of a message
that no reader used (for the "did I understand you?" check).
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from . import wording
from ..findings import EXERTION_AGGRAVATORS, HISTORY, Findings
from . import numbers
from .history import CONTRA_RULES, HISTORY_RULES, Rule, history_pattern
from .lexicon import load_lexicon
from .negation import hedge_table, negation_table, scope_indices
from .phrases import COMPOUND_SYMPTOMS, Match, find_matches, match_phrase, person_neutral
from .text import SENTENCE_SPLIT, FlatText, char_span, clause_end, clause_start

# Answers whose time words are about something else than how long the headaches have existed.
# Answers whose dates belong to something else ("the morning sickness stopped a few weeks ago",
# "the baby came 3 weeks ago", "they've crept up over the last two years" dates the change): they
# do not say how long the headaches have gone on
NOT_ABOUT_THE_PATTERN = frozenset(
    {"red_flags", "flag_check", "other_conditions", "associated_symptoms", "pregnancy", "progression"}
)
CURRENT_ATTACK_MONTHS = 0.2  # under about 6 days, a time span describes the current attack
_NUMW = r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|a few|couple of|a couple of|several)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)"

_PAST_WORDS = re.compile(r"\b(?:had|was|were|ago|remission|all clear|survivor|survived|cleared|treated|in the past|history of|beat|beaten|years back|used to)\b")


# A condition named as a fear or a search, not as a history ("convinced myself it's a tumour").
# _FEARED: said in fear or after a search; _WORRY_WORDS adds the hedges ("I think", "is it") that
# make a named cancer or stroke a worry (an infection "I think I have" still counts, _fever_infection)
_FEAR_ALTERNATIVES = (
    r"worr\w*|scare\w*|afraid|fear\w*|frighten\w*|terrif\w*|convinc\w*|paranoi\w*|panic\w*|reckon\w*"
    r"|could it be|what if|in case|rule out|googl\w*|search\w*|online|internet"
)
_FEARED = re.compile(rf"\b(?:{_FEAR_ALTERNATIVES}|freak\w*)\b")
_WORRY_WORDS = re.compile(
    rf"\b(?:{_FEAR_ALTERNATIVES}|concern\w*|anxious|spooked|think|thinking|thought|obsess\w*|is it|is this|might be|wonder\w*"
    r"|check for|read|reading|looked (?:it )?up|look(?:ing)? (?:it )?up|symptoms? checker|dr google)\b"
)


_OTHER_PERSON = re.compile(r"\b(?:mum|mom|mother|dad|father|sister|brother|aunt|uncle|gran|grandma|grandmother|grandad|grandfather|family|friend|mate|mates|pal|buddy|wife|husband|partner|cousin|nan|son|daughter"
                           r"|flatmate|roommate|housemate|colleague|coworker|boss|neighbou?r|boyfriend|girlfriend|niece|nephew)\b")


_PAST_PREGNANCY = re.compile(r"\b(?:(?:when|while|whilst) (?:i|she) was pregnant|(?:i|she) was pregnant (?:with|last|in|before|\d|years|months|back|then|once|twice)|last pregnancy|previous pregnanc\w*|my pregnancies|during pregnancy i|in pregnancy i|pregnancy test (?:was |is )?negative|not pregnant|(?:years|months) ago)\b")


# --- timing of an event ("bumped my head yesterday") --------------------------------------------

_AGO = re.compile(rf"\b({_NUMW}) (hour|day|night|week|month|year)s? ago\b")


_WORD_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "few": 3, "a few": 3, "couple of": 2, "a couple of": 2, "several": 3}


_UNIT_DAYS = {"hour": 1 / 24, "day": 1, "night": 1, "week": 7, "month": numbers.CALENDAR_MONTH_DAYS, "year": numbers.DAYS_PER_YEAR}


_WHEN_WORDS: Tuple[Tuple[re.Pattern, float], ...] = tuple(
    (re.compile(rf"\b(?:{p})\b"), days)
    for p, days in (
        (r"today|this morning|this afternoon|this evening|tonight|earlier today|an hour ago|just now|earlier", 0.0),
        (r"yesterday|last night", 1.0),
        # a weekday named alone dates an event too ("cracked me head on a pole monday"), not a
        # weekday that recurs ("every monday", "mondays")
        (rf"(?:on|last|this) {_WEEKDAY}|(?<!every )(?<!each )(?<!most )(?<!next ){_WEEKDAY}(?!s)|at the weekend|this week|the other day|few days ago|couple of days ago", 4.0),
        (r"last week|a week ago|the other week", 7.0),
        (r"weeks ago|few weeks|couple of weeks|this month", 21.0),
        (r"last month|a month ago", 30.0),
        (r"months ago|few months|couple of months", 90.0),
        (r"last year|a year ago|years ago|as a (?:child|kid|teenager)|when i was (?:a |young|little|\d+)|in (?:19|20)\d\d|long time ago|ages ago", 730.0),
    )
)


POSTPARTUM_DAYS = 42  # "within 6 weeks after birth" (4.2 rf_pregnancy_postpartum)


def days_ago(clause: str) -> Optional[float]:
    """How many days ago an event in ``clause`` happened, if it says ("2 weeks ago" -> 14)."""
    match = _AGO.search(clause)
    if match:
        count = match.group(1)
        value = float(count) if count[0].isdigit() else _WORD_COUNTS.get(count, 1)
        return value * _UNIT_DAYS[match.group(2)]
    for pattern, days in _WHEN_WORDS:
        if pattern.search(clause):
            return days
    return None


# --- aggravators, side, onset cues ---------------------------------------------------------------

_AGG_ACTIVITY = {
    "routine_activity": r"walk\w*|climb\w*|stairs|mov(?:e|es|ing|ement)(?! (?:my|his|her|their|your) (?:head|neck))|bend\w*(?! (?:over|on|down over|down to) (?:the |my |his |her |their |a )?(?:books?|desk|phones?|mobiles?|laptops?|computers?|screens?|keyboards?|work|papers|studies))|physical activity|activity|house ?work|doing anything|being active|carrying|hoovering|vacuuming|(?:running|rushing|dashing) (?:about|around|round)|on my feet",
    "neck_movement": r"cran\w* (?:my |the |his |her |their |your )?neck|(?:twist\w*|bend\w*|crick\w*|jerk\w*|stretch\w*) (?:my |the |his |her |their |your )?neck|turn\w* (?:my |the |his |her |their |your )?(?:head|neck)|mov\w* (?:my |the |his |her |their |your )?(?:neck|head)|look\w* (?:back |round |around )?(?:up|down|over (?:my|your|his|her|the) shoulders?|behind|sideways|round|around)|tilt\w* (?:my |the |his |her |their |your )?head|(?:neck|head) (?:movements?|turning)|rotat\w* (?:my |his |her |their |your )?(?:neck|head)|reversing|check\w* my blind spot",
    "sustained_posture": r"sit\w* (?:at|in front of|for|all day|still|down)|bend\w* (?:over|on|down over) (?:the |my |his |her |their |a )?(?:books?|phones?|mobiles?|laptops?|screens?|papers|studies)|desk|computer|laptop|reading|driving|looking down|long drives|sitting|posture|slouch\w*|hunch\w*|same position|one position|typing",
    # lying down itself, not an activity done in bed ("reading in bed" is a posture)
    "lying_down": r"(?:lying|lie|laying|lay) (?:down|flat|in bed)|when i go to bed|(?<!ing )in bed|lying back",
    # a change to upright, not a working day spent standing ("standing all day" is a workload)
    # a change to upright ("when I stand up", "on standing"), not a working posture ("standing
    # hunched at the counter", "standing all day" is a workload)
    "standing_up": r"(?:stand|stands|standing|stood) up|(?:when|whenever|if|once|as soon as|on|after|while) (?:i |im |i am |he |hes |she |shes |they |theyre |you |youre |were )?(?:stand|stands|standing|stood)\b(?!\s+(?:all|the whole|for (?:hours|long|the whole|whole)|long hours|at|behind|hunched|bent|around|about|over|in|on|by|next|with|still)\b)|get\w* up|sitting up|upright|getting out of bed",
    "cough_strain_sneeze": r"cough\w*|sneez\w*|strain\w*|on the toilet|bowel movements?|going to the toilet|bearing down|lift\w* (?:heavy|something)|laugh\w*|blow\w* my nose",
    # ("my exercises", "the neck exercises the physio gave me" are rehabilitation, not exertion)
    "exercise": r"(?<!\bmy )(?<!\bthe )(?<!neck )(?<!physio )(?<!\bhome )(?<!stretching )exercis\w*|excercis\w*|work(?:ing)? ?out(?! (?:what|how|why|whether|if|which|when|where|who)\b)|workout|gym|running(?! (?:about|around|round|after|on|late|low|out|short)\b)|jogging|sports?|training|lifting weights|swimming|cycling|football|tennis|exertion|exert\w*|cardio|sprint\w*"
                r"|squat\w*|deadlift\w*|bench(?:ing| press\w*)|weights|weightlifting|powerlifting|leg day|heavy (?:sessions?|lifts?|lifting|sets?)|go(?:ing)? heavy|lift\w* heavy"
                # the act as a verb after its doer ("when I run", "while she swam"; not "I ran out of
                # pills", "we run a shop"), and runs as things done ("my long runs", "on running days")
                r"|\b(?:i|we|he|she|they|you) (?:go |went |goes |do |did |start |started )?(?:for a )?(?:run|runs|ran|jog|jogs|jogged|swim|swims|swam|row|rows|rowed|spar|spars|sparred)\b"
                r"(?! (?:out|into|low|late|over|away|off|down|a (?:business|shop|company|team|meeting|store|pub|bar|cafe)|the (?:business|shop|company|team|show|place|house|risk)|my (?:fingers|hand|hands)|through|across|after|errands|around|about))"
                r"|(?:my|long|short|morning|evening|weekend|training|easy|hard|big|first|last) runs\b|running days|run days|training days"
                r"|(?:a|my|the) (?:jog|swim|hike)|bike|biking|mountain bik\w*|hill reps|reps|crossfit|hiit|spin(?:ning)? class\w*|rowing|press-?ups|push-?ups|pull-?ups|burpees|intervals|races?|matches|games? of \w+",
    "sex": r"sex|intercourse|orgasm\w*|making love|climax\w*|masturbat\w*|sexual activity|being intimate",
}


_AGG_PATTERNS = {k: re.compile(rf"\b(?:{v})\b") for k, v in _AGG_ACTIVITY.items()}
# driving for work, where a "run" is a trip, not running
_DRIVING_WORK = re.compile(
    r"\b(?:(?:lorry|truck|bus|coach|van|taxi|cab|delivery|hgv|tipper|tanker|long haul|haulage) drivers?|driving (?:for a living|for work|lorries|trucks|buses|a lorry|a truck|a bus|a taxi|a van)|"
    r"lorry|lorries|hgv|haulage|long haul|trucker|truckers|trucking|cabbie|courier)\b"
)
_A_RUN = re.compile(r"\b(?:run|runs)\b")
_SCHOOL_RUN = re.compile(r"\bschool runs?\b")
# an act said not to happen: "hours at the desk without getting up", "instead of standing up"
_WITHOUT = re.compile(r"\b(?:without|instead of|rather than) (?:\w+ )?$")


_AGG_WORSE = re.compile(
    r"\b(?:worse|worsens?|worsened|worsening|aggravat\w*|triggers?|triggered|brings? (?:it|them|one|on)|brought on|sets? (?:it|them) off|set off"
    r"|makes? (?:it|them|the pain|the headache|my head) (?:worse|hurt|throb|pound)|hurts? (?:more|worse)|more painful|intensif\w*|kicks? in|comes? on|came on"
    r"|starts?|started|flares? up|pounds|throbs|spikes?|unbearable|explodes?|awful|terrible|horrendous|agony|agonising|agonizing|excruciating)\b"
)
_BANG = re.compile(r"(?:then |and )?(?:bang|boom|wham|whack|bam|pow)")


_SINCE_START = re.compile(r"\bsince (?:\w+ ){0,3}?(?:started|starting|began|begun)\b(?: (?:at|with|going to|on|again))?")


# a sore or stiff body part said to come from the activity, with no word for the headache
_BODY_NOT_HEAD = re.compile(r"\b(?:neck|shoulders?|muscles?|back|legs?|arms?|traps|quads)\b")


# words that say the activity starts the headache, not that it worsens one already there
_AGG_ONSET = re.compile(
    r"\b(?:triggers?|triggered|brings? (?:it|them|one|on)|brought on|sets? (?:it|them|one) off|set off|kicks? in|comes? on"
    r"|came on|starts?|started|begins?|began|flares? up|during|while|whilst|mid|every time|each time|as soon as|whenever)\b"
)


_AGG_LOOSE = re.compile(r"\b(?:headaches?|pain|hurts?|hurting|during|while|after|mid)\b")


_AGG_RELIEF = re.compile(r"\b(?:better|eases?|eased|helps?|helped|relieves?|relieved|improves?|goes away|settles)\b")


_OR_GOES_ON = re.compile(r"\s*(?:or|nor)\b")


_AGG_NEGATED = re.compile(r"\b(?:not|no|never|doesnt|dont|isnt|wasnt|didnt|nor|neither|arent|wont)\b")


# "while" is not a break: "it kicks in while I'm coughing" says when it comes on
# ("the cough's a tickle and doesn't set it off": an "and" or "but" before a denied verb with no
# subject of its own goes on with the same subject, so the denial is that clause's)
_AGG_SPLIT = re.compile(
    r"\b(?:and|but)\b(?! (?:it |that )?(?:doesnt|does not|dont|do not|didnt|did not|never|wont|isnt|is not|cant|hasnt)\b)"
    r"|\b(?:whereas|though|although)\b|[,;.!?:\n]"
)


_AFTER = re.compile(r"\b(?:after|afterwards|post)\b")


_DURING = re.compile(
    r"\b(?:during|while|whilst|mid|when|whenever|every time|each time|as soon as|(?:right|straight|immediately|just|minutes|seconds) after"
    r"|within (?:a )?(?:few |couple of )?(?:minutes|seconds))\b"
)


# a free sentence names the headache (or refers to it) before a loose "after the gym" counts
_ABOUT_HEADACHE = re.compile(r"\b(?:head\w*|migraines?|it|this|they|them|one|ones)\b")


_LOOSE_AGGRAVATORS = frozenset({"cough_strain_sneeze", "sex", "exercise"})


_PLACE_PREPOSITIONS = frozenset({"behind", "above", "over", "around", "in", "at", "on", "across", "between", "under", "round"})


_WHEN = re.compile(r"\b(?:when|whenever|every time|each time|if)\b")


_AGG_DELAY = re.compile(
    r"\b(?:(?:\d+|a few|few|several|couple of|a couple of|some) hours? (?:later|after)|(?<!\d )(?<!\bfew )hours later|later (?:on|that)|next (?:day|morning)"
    r"|the day after|that (?:evening|night)|in the evening after|hours after|the morning after"
    r"|after (?:the |my )?(?:\w+ ){0,2}(?:yesterday|last night|last week)"
    # "not during training, it comes later"
    r"|(?:comes?|came|starts?|started|hits?|begins?|began|kicks? in|arrives?|turns? up|shows? up) later|(?:not|never) (?:during|while|whilst))\b"
)


_SIDE_LOCKED = re.compile(
    r"\b(?:always|only ever|every time|each time|only) (?:on )?(?:the )?(?:same side|left|right|one side)|same side every time|never (?:switches|changes|moves) sides?|always the same side"
    # the side word first: "right side always", "left side only", "the right only, never the left"
    r"|(?:left|right|same|one) side (?:only|always|every time|each time|all the time)|(?:left|right) only|never (?:on )?the (?:left|right)(?: side)?\b"
)


_SIDE_SHIFTS = re.compile(r"\b(?:switch\w*|chang\w*|alternat\w*|swap\w*|moves?) (?:sides?|from side to side|between (?:the )?sides)|sometimes (?:on )?(?:the )?left,? (?:and )?sometimes (?:on )?(?:the )?right|sometimes (?:on )?(?:the )?right,? (?:and )?sometimes (?:on )?(?:the )?left|either side|side varies\b")


_ONSET_CUE = frozenset(
    {"came", "comes", "come", "coming", "started", "starts", "start", "starting", "began", "begins", "begin",
     "hit", "hits", "builds", "built", "build", "building", "peaked", "peaks", "peak", "peaking", "developed",
     "develops", "onset", "headache", "headaches", "pain", "went", "goes", "creeps", "crept", "got", "gets", "it"}
)


_LOOSE_ONSET_WORDS = frozenset(
    {"sudden", "suddenly", "instantly", "instant", "quickly", "fast", "rapidly", "slow", "slowly", "gradually",
     "gradual", "steadily", "immediately", "bang", "burst", "popped", "snap", "snapped", "exploded", "exploding",
     "explosive", "creeping", "suddently", "sudenly", "suddendly", "gradualy", "graduallly", "at", "once"}
)


_ONSET_RANK = {"sudden_peak_lt_1m": 3, "peak_1_5m": 2, "gradual": 1}


_PEAK_TIME = re.compile(
    r"\b(?:peaks?|peaked|peaking|reach\w* (?:its |the |full |max\w* )?(?:peak|worst|max\w*|full strength|full intensity|top)|at (?:its|full) (?:worst|strength|peak|intensity)"
    r"|builds? (?:up )?to (?:its )?(?:worst|peak|max\w*)|full blown|maxed out|hits? (?:its )?(?:max\w*|peak)|worst)\b[^.,;!?]{0,25}?\b(?:with)?in (?:about |around |less than |under )?(.{1,25}?)(?:$|[.,;!?])"
)


def find_aggravators(flat: str, answering: bool = False) -> Set[str]:
    """Activities said to make the headache worse ("worse when i climb stairs" -> routine_activity).

    ``answering``: the text answers "does anything bring it on?", so the question supplies the
    "brings it on" that a free message must say itself ("when I cough or lift boxes")."""
    found: Set[str] = set()
    # "hours after training", "after the gym my neck is stiff and the next day the headache
    # comes", "deadlift days. it comes later that night": not brought on by it (4.2), wherever in
    # the message the delay is said
    delayed = bool(_AGG_DELAY.search(flat))
    # a driver's "run" is a trip ("after long runs", "by the end of a run"), and so is the school run
    flat = _SCHOOL_RUN.sub("school trip", flat)
    if _DRIVING_WORK.search(flat):
        flat = _A_RUN.sub("trip", flat)
    for sentence in SENTENCE_SPLIT.split(flat):
        found |= _sentence_aggravators(sentence, answering, delayed)
    if "neck_movement" in found and not re.search(_AGG_ACTIVITY["routine_activity"], flat.replace("move my", "")):
        found.discard("routine_activity")
    return found


def _exertion_unplaced(flat: str, findings: Findings, answering: bool) -> Set[str]:
    """ "Heavy training, long sitting" to "what brings it on?": exertion named, but not when the
    headache starts. rf_valsalva_exertion is a headache that starts during the cough, strain or
    exercise or within minutes of it (4.2), so that is asked (flag_check), not assumed (4.3).
    Returns the exertion named (it still answers the question)."""
    if not answering:
        return set()
    unplaced = (findings.aggravated_by & EXERTION_AGGRAVATORS) - find_aggravators(flat, answering=False)
    if not unplaced or _DURING.search(flat):
        return set()
    findings.aggravated_by -= unplaced
    findings.to_confirm.add("exertion_onset")
    return unplaced


def _sentence_aggravators(sentence: str, answering: bool, delayed: bool) -> Set[str]:
    found: Set[str] = set()
    listing = False  # "worse when I'm checking mirrors and reversing": a short clause continues a list
    negated = False
    clauses = _clauses(sentence)
    for k, clause in enumerate(clauses):
        # "it never comes on while lifting, or when I cough": an "or" goes on with the denial before it
        negated = _AGG_NEGATED.search(clause) is not None or (negated and _OR_GOES_ON.match(clause) is not None)
        if negated or (_AGG_RELIEF.search(clause) and not _AGG_WORSE.search(clause)):
            listing = False
            continue
        # "since the gym started", "since I started at the gym": when, not what brings it on
        timeless = _SINCE_START.sub(" ", clause)
        worse_words = _AGG_WORSE.search(timeless)
        # "when I sit long at the computer, my head starts to hurt": the act in a when-clause, the
        # pain coming on in the clause that follows
        leads_in = bool(_WHEN.match(clause.strip())) and k + 1 < len(clauses) and bool(_AGG_WORSE.search(clauses[k + 1]))
        # "lift a drum or sneeze and bang, sharp pain": the act, then the pain's arrival as an interjection
        bang_next = k + 1 < len(clauses) and bool(_BANG.fullmatch(clauses[k + 1].strip()))
        strict = answering or bool(worse_words) or leads_in or bang_next or (listing and len(clause.split()) <= 4)
        listing = strict
        loose = bool(_AGG_LOOSE.search(clause)) and (answering or bool(_ABOUT_HEADACHE.search(sentence)))
        # "...when I turn my head"; "my head hurts when I stand up": pain said to come with the act
        when = bool(_WHEN.search(clause))
        for aggravator, pattern in _AGG_PATTERNS.items():
            provoked = when and (aggravator == "neck_movement" or (loose and aggravator != "sustained_posture"))
            done = any(not _WITHOUT.search(clause, 0, m.start()) for m in pattern.finditer(clause))
            if done and (strict or provoked or (loose and aggravator in _LOOSE_AGGRAVATORS)):
                if delayed and aggravator in _LOOSE_AGGRAVATORS:
                    continue
                if aggravator == "exercise" and _AFTER.search(clause) and not _DURING.search(clause):
                    continue  # "a headache after big pull days": not said to start during it (4.2)
                if aggravator == "exercise" and _BODY_NOT_HEAD.search(clause) and not _ABOUT_HEADACHE.search(clause):
                    continue  # "the stiff neck is only from the gym": the muscles, not the headache (4.2)
                if aggravator == "exercise" and not answering and worse_words and not _AGG_ONSET.search(timeless):
                    # "running about makes it worse": an attack made worse by activity (3.3 M), not
                    # a headache brought on by exertion (4.2 rf_valsalva_exertion)
                    aggravator = "routine_activity"
                found.add(aggravator)
    return found


# "Does an old whiplash count as a head injury?", "is this a sign of a stroke?", "should I watch
# for a fever?": the words after "count as" / "a sign of" / "watch for" in a question name a
# category the person asks about, not a finding.
_CATEGORY_QUESTION = re.compile(
    r"\b(?:counts? as|counted as|class(?:ed)? as|considered(?: as)?|(?:a )?signs? of|(?:a )?symptoms? of|the same as"
    r"|mean (?:i have|its|it s|it is|ive got|i ve got|that i have)"
    # "should I watch for a fever?", "what if I get a stiff neck?": a sign asked about ahead
    r"|(?:watch|look) (?:out )?for|keep an eye (?:out )?for|worry about|what if (?:i|he|she) (?:get|gets|got|have|has|had|start)"
    r"|in case of|what (?:should|do) i do if)\b[^?.!;]*\?"
)


def _in_category_question(text: FlatText, start: int, end: int) -> bool:
    """Whether words ``start``..``end`` lie in the asked-about part of such a question."""
    lo, hi = text.starts[start], text.starts[end - 1]
    return any(m.start() <= lo and hi < m.end() for m in _CATEGORY_QUESTION.finditer(text.flat))


# "I want to hit my head on the wall", "I nearly banged my head", "feels like someone hit me on the
# head": an event wished, about to happen, nearly happened or used as a likeness did not happen
_NOT_HAPPENED = re.compile(
    r"\b(?:want|wants|wanted|wanna|feel like|felt like|feels like|like to|ready to|going to|gonna|about to|almost"
    r"|nearly|could have|trying not to|try not to|wish|as if|as though)\b(?: \w+){0,3}$"
)


def _not_happened(rule: Rule, text: FlatText, start: int) -> bool:
    if rule.cid not in _EVENT_HISTORY:
        return False
    return bool(_NOT_HAPPENED.search(" ".join(text.words[clause_start(text, start):start])))


def _rule_hits(text: FlatText) -> List[Tuple[Rule, Tuple[int, int]]]:
    """History/contraindication rules found in the text, then negation and hedge scope computed
    once for them and the lexicon matches together (stored on ``text``)."""
    hits = [
        (rule, text.word_span(match.start(), match.end()))
        for rule in HISTORY_RULES + CONTRA_RULES
        for match in rule.pattern.finditer(text.flat)
    ]
    hits = [(rule, span) for rule, span in hits if not _in_category_question(text, *span) and not _not_happened(rule, text, span[0])]
    spans = [(m.start, m.end) for m in text.matches] + [span for _, span in hits]
    text.negated = scope_indices(text.words, spans, negation_table()) | text.denied
    text.hedged = scope_indices(text.words, spans, hedge_table()) - text.denied
    return hits


def _apply_history(text: FlatText, hits: List[Tuple[Rule, Tuple[int, int]]], findings: Findings) -> None:
    offset = len(text.matches)
    for k, (rule, span) in enumerate(hits):
        if offset + k in text.negated:
            if not _time_reference(rule, text.words, span[0]):
                _deny(rule, findings)
        elif rule.cid == "pregnant" and _HEADACHE_OF_OTHER.search(text.flat):
            # "My sister has had a headache since this morning. She is pregnant.": written for the
            # person with the headache, her pregnancy is the patient's
            _pregnant(text.clause_of(*span), text.sentence_of(*span), offset + k in text.hedged, findings, for_her=True)
        else:
            _assert(rule, text.clause_of(*span), text.sentence_of(*span), offset + k in text.hedged, findings)


# the message is about someone else's headache ("my sister is having headache", "she has a migraine")
_HEADACHE_OF_OTHER = re.compile(
    r"\b(?:she|shes|her|my (?:\w+ )?(?:wife|partner|girlfriend|sister|daughter|mum|mom|mother|friend|niece|fiancee|daughter in law|sister in law))"
    r"(?: \w+){0,3}? (?:has|have|is having|is getting|s got|has got|got|gets|had|keeps getting|complains of|complaining of|suffers|is suffering"
    # "she is with a strong headache" (the Romance-language "está con")
    r"|is with|s with|is feeling|s feeling)"
    r"(?: \w+){0,3}? (?:headaches?|head aches?|migraines?|pain in (?:her|the) head)\b"
)


# "not before the pregnancy", "never since my pregnancy": the pregnancy dates something else that
# is denied ("no headache like this, not before the pregnancy"); the pregnancy itself is not denied
_TIME_PREPOSITIONS = frozenset({"before", "since", "after", "until", "till", "during", "in"})
_DETERMINERS = frozenset({"the", "my", "this", "her", "our", "that"})


_PAST_STATE = frozenset({"was", "were"})
_WHEN_CONJUNCTIONS = frozenset({"when", "while", "whilst"})


def _time_reference(rule: Rule, words, start: int) -> bool:
    """ "before my pregnancy", "not even when I was pregnant": a pregnancy named as a time, which a
    negation before it does not deny (whether she is pregnant or has just given birth is asked)."""
    if rule.cid != "pregnant":
        return False
    j = start - 1
    if j >= 0 and words[j] in _DETERMINERS:
        j -= 1
    if j >= 2 and words[j] in _PAST_STATE and words[j - 2] in _WHEN_CONJUNCTIONS:
        return True  # "when i was pregnant", "while she was pregnant"
    return j >= 0 and words[j] in _TIME_PREPOSITIONS


def _deny(rule: Rule, findings: Findings) -> None:
    if rule.cid in HISTORY:
        findings.absent_history.add(rule.cid)
    if rule.cid == "pregnant":
        findings.pregnant = False
    if rule.cid == "neck_injury":
        findings.absent_history.update({"neck_injury_recent", "neck_injury_past"})


def _assert(rule: Rule, clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    handler = _HANDLERS.get(rule.cid)
    if handler:
        handler(clause, sentence, hedged, findings)
    elif rule.kind == "contra":
        findings.contraindications.add(rule.cid)
    elif hedged:
        findings.uncertain.add(rule.cid)
    else:
        findings.history.add(rule.cid)


def _days_said(clause: str, sentence: str) -> Optional[float]:
    """Days since the event the clause tells of: said in the clause, else in its sentence."""
    ago = days_ago(clause)
    return ago if ago is not None else days_ago(sentence)


def _when(clause: str, sentence: str) -> Optional[float]:
    """``_days_said``, or a past calendar year in the sentence ("the whiplash was 2016, got
    rear-ended")."""
    ago = _days_said(clause, sentence)
    if ago is not None:
        return ago
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", sentence)]
    this_year = _dt.date.today().year
    past = [y for y in years if 1900 < y < this_year]
    return 365.0 * (this_year - max(past)) if past else None


# the injury told as happening now or just now: its time is plain without a date
_INJURY_NOW = re.compile(
    r"\b(?:just|now|today|tonight|this (?:morning|afternoon|evening|week)|earlier|since (?:then|that|it)|ever since|afterwards"
    r"|after (?:it|that|the (?:fall|knock|bump|blow|accident))|still)\b"
)
# a head injury named as a thing once had ("the concussion I had at rugby"), not a blow told as
# the story of today's headache ("fell and banged my head")
_INJURY_NAMED = re.compile(r"\b(?:concussion|concussed|head (?:injury|injuries|trauma|wound)|skull fracture|brain injury)\b")
# a short stretch of time, said without a number ("a few days ago", "last weekend")
# the blow itself told ("hit", "banged", "knocked"...), beside a named injury
_BLOW_TOLD = re.compile(r"\b(?:hit|bumped|banged|bashed|knocked|smacked|whacked|cracked|fell|clash\w*|collided|kicked|punched|struck)\b")
_INJURY_RECENT = re.compile(r"\b(?:last (?:week|weekend|night|month)|the other day|recently|a few (?:days|weeks) ago)\b")


def _head_injury(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    ago = _when(clause, sentence)
    if (ago is not None and ago > 92) or (ago is None and _LONG_PAST.search(clause)):
        return
    named = _INJURY_NAMED.search(clause)
    if named and _WORRY_WORDS.search(clause[:named.start()]) and not _BLOW_TOLD.search(clause):
        # "could it be concussion?", "worried it's a head injury": the diagnosis asked about, not a
        # blow told; whether there was a knock to the head is asked directly (4.3)
        findings.to_confirm.add("head_injury")
        return
    if ago is None and not hedged and named and not (_INJURY_NOW.search(sentence) or _INJURY_RECENT.search(sentence)):
        # "the concussion I had at rugby": a head injury with no time said, and no word that it is
        # happening now; whether it was within 3 months is asked, not assumed (4.2 rf_head_injury, 4.3)
        findings.to_confirm.add("head_injury")
        return
    target = findings.uncertain if hedged else findings.history
    target.add("head_injury")
    if ago is not None and ago <= 5:
        target.add("head_injury_recent_days")
    findings.contraindications.add("ci_acute_injury")


# "years back", "as a teenager", "in my forties": a time long past; with "an old whiplash", an
# injury said to be long past ("old" alone is not a time: "my 5 year old hit her head")
_LONG_AGO_TIME = (
    r"years (?:back|ago)|long ago|a long time ago|ages ago|as a (?:kid|child|teen|teenager|student|baby|toddler|youngster|boy|girl|lad)|when i was (?:young|little|a kid|a child|a teenager|a baby|a toddler)"
    # a school year or stage named as when ("knocked out at rugby in year 9", "back in grade 7")
    r"|(?:back )?in (?:year|grade|form|standard|class) (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)|(?:back )?in (?:primary|elementary|middle|junior) school"
    r"|in my (?:early |mid |late )?(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|20s|30s|40s|50s|60s|70s)"
)
_LONG_PAST = re.compile(rf"\b(?:{_LONG_AGO_TIME})\b")
_LONG_AGO = re.compile(rf"\b(?:old|{_LONG_AGO_TIME})\b")
def placed_long_ago(clause: str) -> bool:
    """Is what ``clause`` tells placed over 3 months back ("I banged my head years ago", "as a kid",
    "in 2015")? Then it is no sign of now (the screen asks about recent events and new signs)."""
    ago = _when(clause, clause)
    return bool(_LONG_PAST.search(clause)) or (ago is not None and ago > 90)


# headaches "since" an event (an accident, a fall, a birth): the event dates their start
_SINCE_EVENT = re.compile(r"\b(?:headaches?|migraines?|them|they|these|it)\b(?: \w+){0,6}? since (?:a|an|the|my|that|his|her) \w+")


def _neck_injury(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    ago = _when(clause, sentence)
    if ago is None and _LONG_AGO.search(sentence):
        ago = 365.0
    findings.triggers.add("neck_injury")
    if ago is None:
        # "after the whiplash", no time said: whether it was in the last 4 weeks is asked, not
        # counted (4.3); an injury dated in another message settles it (Findings.merge)
        findings.to_confirm.add("neck_injury_recent")
    elif ago <= 28:
        (findings.uncertain if hedged else findings.history).add("neck_injury_recent")
    else:
        findings.history.add("neck_injury_past")
    if ago is None or ago <= 92:
        findings.contraindications.add("ci_acute_injury")


def _neck_manipulation(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.contraindications.add("ci_neck_manipulation")
    if re.search(r"\b(?:cracked|clicked|manipulated|adjusted|popped|had|got|did|done|doing|gave|given|giving|saw|seen|visited|went|been|back|session|appointment|treated|treatment)\b", clause):
        ago = _days_said(clause, sentence)
        if ago is None or ago <= 28:
            findings.history.add("neck_injury_recent")
        else:
            findings.history.add("neck_injury_past")


# the medicine helps the headache: it did not start after it
_MEDICINE_HELPS = re.compile(
    r"\b(?:down to|fewer|less (?:often|frequent|bad|severe)|better|improved|helps?|helped|reduced|halved|cut (?:down|them)|dropped|gone|stopped them|only (?:get|have))\b"
)


def _new_medicine(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    """rf_new_drug (4.2): a headache that began after starting a medicine that is new. A medicine
    started long ago is not new; one said to have made the headaches better did not start them."""
    ago = _when(clause, sentence)
    # ("reviewed it a few years back when she started me on the tablets": long ago, not new)
    if (ago is not None and ago > 92) or _MEDICINE_HELPS.search(sentence) or _LONG_PAST.search(sentence):
        return
    (findings.uncertain if hedged else findings.history).add("new_medicine")


# something else said to worsen: "it's my sleep that's got worse", "work is getting worse"
_OTHER_WORSENING = re.compile(
    r"\b(?:sleep|sleeping|stress|work|job|boss|eyesight|eyes|vision|mood|back|knees?|hips?|arthritis|asthma|cough|cold|memory"
    r"|hearing|periods?|flushes|sweats|anxiety|depression|traffic|weather|money|kids?|baby|dad|mum|mother|father|husband|wife|neck)"
    r"\b(?: \w+){0,3}? (?:got|gets|getting|has got|have got|s got|is getting|are getting|has been getting|became|becoming) "
    r"(?:\w+ )?(?:worse|more)\b"
)


def _progressive(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _OTHER_WORSENING.search(clause) and not re.search(r"\b(?:headaches?|migraines?|head|pain)\b[^.]*\b(?:worse|more)\b", clause):
        return  # the worsening is said of something else
    (findings.uncertain if hedged else findings.history).add("progressive")


_STOPPED = re.compile(r"\b(?:off|stopped|stop|quit|no longer|used to|gave up|switched (?:me )?(?:from|away from)|not on|never on|came off)\b")


def _hormonal_contraception(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    """The combined pill taken now; not one stopped ("my GP moved me off the combined pill")."""
    if _STOPPED.search(clause):
        return
    (findings.uncertain if hedged else findings.history).add("hormonal_contraception")


def _anticoagulant(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    (findings.uncertain if hedged else findings.history).add("anticoagulant")
    findings.contraindications.add("ci_anticoagulant")


def _with_lead_in(clause: str, sentence: str) -> str:
    """A clause that is only a noun phrase ("google says maybe it is that, a tumour in the brain")
    names what the clause before it was saying: read with that clause."""
    if not re.match(r"^\s*(?:a|an|the|some|like)\b", clause):
        return clause
    at = sentence.find(clause)
    if at <= 0:
        return clause
    lead = re.split(r"[,;:]", sentence[:at].rstrip(" ,;:"))[-1]
    return f"{lead} {clause}"


# cancer talked about in general, not had: "young for a tumour", "a sign of cancer", "the risk of a
# brain tumour", "tumours can happen at any age"
_CANCER_IN_GENERAL = re.compile(
    r"\b(?:young|old|early|late|likely|unlikely|rare|common|typical|usual|risk|risks|chance|chances|odds|sign|signs"
    r"|symptom|symptoms|cause|causes|rule out|ruled out|screen\w*|test\w* for) (?:for|of|out|with)? ?(?:a |an |the )?(?:brain )?"
    r"(?:cancer|cancers|tumou?rs?)\b"
    r"|\b(?:cancers?|tumou?rs?) (?:can|could|may|might|do|does) (?:happen|occur|start|strike|affect|run)\b"
)


def _cancer(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _WORRY_WORDS.search(_with_lead_in(clause, sentence)) or _OTHER_PERSON.search(clause) or _CANCER_IN_GENERAL.search(clause):
        return
    findings.history.add("cancer")
    if re.search(r"\bbone (?:metastases|mets|cancer)\b", clause):
        findings.contraindications.add("ci_osteoporosis")
    if not _PAST_WORDS.search(clause):
        findings.contraindications.add("ci_cancer")


def _immunosuppression(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _OTHER_PERSON.search(clause) or _WORRY_WORDS.search(clause):
        return
    (findings.uncertain if hedged else findings.history).add("immunosuppression")


# A very high reading (4.2 rf_hypertensive: "known very high blood pressure reading", e.g. 180/120
# or more), as opposed to a history of high blood pressure ("well controlled on tablets").
_VERY_HIGH_READING = re.compile(
    r"\b(?:very high|really high|extremely high|dangerously high|through the roof|sky high|off the (?:scale|charts?)"
    r"|(?:1[89]\d|2\d\d)(?:/| over )\d{2,3}|\d{2,3}(?:/| over )(?:1[2-9]\d))\b"
)


_BP_WORDS = re.compile(r"\b(?:blood pressure|bp|pressure machine|pressure monitor|pressure cuff)\b")
_BP_DEVICE = re.compile(r"\b(?:machine|monitor|cuff|reading|readings|systolic|diastolic)\b")


def _blood_pressure_reading(findings: Findings, text: FlatText) -> None:
    """A very high reading given anywhere in a message that names the blood pressure ("checked my
    blood pressure on the machine, it said 214 over 122"; "High blood pressure, run out of tablets.
    The machine said 218 over 124")."""
    named = bool(_BP_WORDS.search(text.flat))
    for sentence in re.split(r"[;!?\n]|\.(?!\d)", text.flat):
        if (named or _BP_DEVICE.search(sentence)) and _VERY_HIGH_READING.search(sentence) and not _AGG_NEGATED.search(sentence[: _VERY_HIGH_READING.search(sentence).start()][-12:]):
            findings.history.add("very_high_bp_reading")
            return


def _blood_pressure(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.add("high_blood_pressure")
    if re.search(r"\b(?:uncontrolled|not controlled|out of control|very high|really high|through the roof|sky high|(?:1[6-9]\d|2\d\d)(?:/| over )\d{2,3})\b", clause):
        findings.contraindications.add("ci_uncontrolled_bp")
    if _VERY_HIGH_READING.search(clause):
        findings.history.add("very_high_bp_reading")


_OTHER_PREGNANT = re.compile(
    r"\b(?:wife|partner|girlfriend|sister|daughter|mum|mom|mother|friend|colleague|she|her|cousin|niece|aunt|fiancee|"
    r"sister in law|daughter in law|boss|neighbour|neighbor)(?: s| is| was| has been| got| is now| just got| being)?(?: \w+)? (?:pregnant|pregnancy|expecting)\b"
)


def _pregnant(clause: str, sentence: str, hedged: bool, findings: Findings, for_her: bool = False) -> None:
    if _PAST_PREGNANCY.search(clause):
        return
    if not for_her and _OTHER_PREGNANT.search(clause) and not re.search(r"\b(?:i m|im|i am|i was|ive been|i ve been|me) (?:\w+ )?(?:pregnant|expecting)\b", clause):
        return  # someone else's pregnancy
    findings.pregnant = True
    findings.history.add("pregnant")
    findings.contraindications.add("ci_pregnancy")
    if hedged:
        findings.uncertain.add("pregnant")
    weeks = numbers.parse_pregnancy_weeks(sentence)
    if weeks:
        findings.pregnancy_weeks = weeks


def _someone_elses(clause: str) -> bool:
    """The clause is about another person only ("my husband has the flu"), not the writer too."""
    return bool(_OTHER_PERSON.search(clause)) and not re.search(r"\b(?:i|im|ive|me|we|both)\b", clause)


def _postpartum(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    if _someone_elses(clause):
        return
    ago = _days_said(clause, sentence)
    if ago is None or ago <= POSTPARTUM_DAYS:
        findings.history.add("postpartum")


def _passing_cause(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    # a hangover or a cold said of someone else, or only guessed at, does not make the headache secondary
    if _someone_elses(clause) or _EARLIER_HEADACHES.search(clause):
        return
    (findings.uncertain if hedged else findings.history).add("passing_cause")


# "before, only normal headaches when hangover", "I used to get them with a cold": the cause of
# other, earlier headaches, not of this one ("hangovers normally clear by teatime" is still this one)
_EARLIER_HEADACHES = re.compile(
    r"\b(?:before|used to|in the past|previously|other headaches?|normal headaches?|only (?:get|got|had) (?:a )?headaches?)\b"
)


_PAST_YEAR = re.compile(r"\b(?:in |since |back in )?(?:(?:spring|summer|autumn|fall|winter) )?(?:19|20)\d\d\b")
_FIRST_LONG_AGO_DAYS = 90  # a first attack over 3 months ago began the pattern; this one is not the first


# "the first time it happened I thought...": the first of a pattern told as a past event with no
# date close by ("the first time it happened, last Tuesday" and "yesterday was the first time it
# happened" are this one)
_FIRST_TOLD_AS_PAST = re.compile(
    r"(?<!\bis the )(?<!\bs the )(?<!\bwas the )(?<!\bbe the )(?<!\bthis )\bfirst (?:time|one|attack) (?:it|this|that|they|these|i had it|i got it|i had one|i got one)"
    r" (?:happened|came|started|hit|struck|occurred|began)\b"
)


# "(I) thought I was going blind the first time": "the first time" as when something happened back
# then, in a sentence that says it has come again, is an earlier episode, not this one
_FIRST_TIME_BACK_THEN = re.compile(
    r"\b(?:thought|was|were|did|had|felt|freaked|panicked|scared|went|got|happened)\b[^.;!?]{0,60}?\bthe first time\b"
    r"(?! (?:ever|i ever|in my life|i have|ive|i ve|this|its|it s|it has|that|thats|that s)\b)"
)
_COME_AGAIN = re.compile(r"\b(?:again|once more|as usual|like always|as always|every time|each time)\b")
# "the first time ... I was 16", "when I was a teenager the first one came": the first of a pattern
# dated at an earlier age of the person's life, not this attack
_FIRST_AT_AN_AGE = re.compile(
    r"\bfirst (?:time|one|attack|ever)\b[^.;!?]{0,80}?\b(?:i was|she was|he was|when (?:i|she|he) was|at (?:the age of )?|aged?)\s*"
    r"(?:about |around |only |just )?(?:\d{1,2}|a (?:kid|child|teenager|teen|student|boy|girl)|in (?:school|college|uni|university))\b"
    r"|\b(?:when|since) (?:i|she|he) was (?:about |around |only |just )?(?:\d{1,2}|a (?:kid|child|teenager|teen|student|boy|girl))\b[^.;!?]{0,60}?\bfirst (?:time|one|attack)\b"
    # the first one set in a long-past time beside it: "the very first time, back in my thirties",
    # "years ago, the first one"
    rf"|\bfirst (?:time|one|attack)\b\s*,?\s*(?:(?:was|came|happened|i had it|i got it) )?(?:back )?(?:{_LONG_AGO_TIME})\b"
    rf"|\b(?:{_LONG_AGO_TIME})\s*,?\s*(?:when )?(?:i had |i got |came |was )?the (?:very )?first (?:time|one|attack)\b"
)


def _first_ever(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    """ "first time ever" makes this the first attack, but "the first time was in 2019" or "first
    one years ago" dates the start of a pattern the person has had since."""
    ago = days_ago(clause)
    if _LONG_AGO.search(clause) or _PAST_YEAR.search(clause) or (ago is not None and ago > _FIRST_LONG_AGO_DAYS):
        return
    if _FIRST_TOLD_AS_PAST.search(clause) and _days_said(clause, sentence) is None:
        return
    if _FIRST_TIME_BACK_THEN.search(sentence) and _COME_AGAIN.search(sentence):
        return
    if _FIRST_AT_AN_AGE.search(sentence):
        return
    if _FREE_SPELL.search(numbers.normalize(clause)):
        return  # "the first one in over a year": the first after a spell free of them, not the first ever
    findings.history.add("first_ever")
    findings.new_headache = True
    findings.lifetime_attacks = findings.lifetime_attacks or 1


def _spinal(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.add("spinal_procedure")
    if "epidural" in clause and re.search(r"\b(?:birth|labour|labor|baby|delivery)\b", sentence):
        _postpartum(clause, sentence, hedged, findings)


def _neck_assessed(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    findings.history.update({"neck_problem_assessed", "cervical_spine_problem"} if re.search(r"\b(?:disc|spondylosis|arthritis|vertebra\w*|cervical|spine)\b", clause) else {"neck_problem_assessed"})


# the headache itself, or what stands for it: "it's like always", "the attacks are as usual"
_HEADACHE_WORDS = re.compile(
    r"\b(?:head\w*|migraines?|pain|aches?|attacks?|bouts?|episodes?|clusters?|it|its|this|they|theyre|them|one|ones)\b"
)
_SHORT_ANSWER_WORDS = 4


def _same_as_usual(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    """ "like always", "as usual" say the headache is the usual one only when the clause is about the
    headache or is a short answer ("same as always"): "I read the paper like always" is not."""
    # (a year is an earlier time too, for something had then: "the same thing I had in 2023")
    tied_to_an_earlier_time = re.search(
        r"\bsame\b.*\b(?:ago|before|last|back|previous|earlier|other times|other ones|others"
        r"|(?:had|got|suffered|went through)\b.*\b(?:19|20)\d\d)\b", clause)
    # ("the trouble with my eye came back": something come back is an earlier one)
    come_back = re.search(r"\b(?:come|came|is|are|s|re|has|have) back\b", clause)
    if not _HEADACHE_WORDS.search(clause) and len(clause.split()) > _SHORT_ANSWER_WORDS and not (tied_to_an_earlier_time or come_back):
        return
    (findings.uncertain if hedged else findings.history).add("same_as_usual")


def _fever_infection(clause: str, sentence: str, hedged: bool, findings: Findings) -> None:
    """An infection named as a fear or by someone else ("mate reckons stiff neck plus headache =
    meningitis??") is not one the person has; "I think I have the flu" is (a possible infection
    is enough to hold massage back, 5.2)."""
    if _FEARED.search(_with_lead_in(clause, sentence)) or _OTHER_PERSON.search(clause):
        return
    findings.contraindications.add("ci_fever_infection")


_HANDLERS = {
    "ci_fever_infection": _fever_infection,
    "same_as_usual": _same_as_usual,
    "head_injury": _head_injury,
    "new_medicine": _new_medicine,
    "hormonal_contraception": _hormonal_contraception,
    "progressive": _progressive,
    "neck_injury": _neck_injury,
    "neck_manipulation": _neck_manipulation,
    "anticoagulant": _anticoagulant,
    "cancer": _cancer,
    "immunosuppression": _immunosuppression,
    "high_blood_pressure": _blood_pressure,
    "pregnant": _pregnant,
    "postpartum": _postpartum,
    "passing_cause": _passing_cause,
    "first_ever": _first_ever,
    "spinal_procedure": _spinal,
    "neck_problem_assessed": _neck_assessed,
}


_DOCTOR_NO = re.compile(
    r"\b(?:never (?:seen|been to|visited|consulted|spoke to|talked to|asked|been checked by) (?:a |my |the |any )?(?:doctor|gp|anyone|neurologist|physician)"
    r"|(?:havent|have not|didnt|did not|not) (?:yet )?(?:seen|been to|consulted|asked|spoken to) (?:a |my |the |any )?(?:doctor|gp|anyone|neurologist|physician)"
    r"|never been diagnosed|not been diagnosed|undiagnosed|self diagnosed|no diagnosis|never been checked)\b"
)


_DOCTOR_YES = re.compile(
    r"\b(?:(?:doctor|doc|gp|neurologist|consultant|physician|specialist|neuro|headache clinic|hospital|dr \w+)"
    # (with a second clinician: "my GP and a physiotherapist diagnosed it")
    r"(?: and (?:a |an |the |my )?(?:physio|physiotherapist|doctor|gp|specialist|consultant|neurologist|osteopath|optician|nurse))?(?: both)? (?:said|says|told me|diagnosed|confirmed|thinks|thought|called it|agreed)"
    r"|diagnosed (?:with|as|me)|been diagnosed|got a diagnosis|was diagnosed|officially diagnosed)\b"
)


_LIFETIME = re.compile(r"\b(\d+) (?:attacks|episodes|of these|of them|times|headaches like this) (?:in (?:my|total)|ever|before|so far|in my life|altogether)\b")


_ARM_WORDS = re.compile(r"\b(?:arm|arms|hand|hands|finger|fingers|wrist|shoulder)\b")


_NECK_SYMPTOMS = frozenset({"neck_pain", "stiff_neck", "reduced_neck_movement"})


_TRIGGER_CUE = re.compile(
    r"\b(?:trigger\w*|brings?|brought|sets?|setting|causes?|caused|gives?|gave|makes?|made|after|when|whenever|if|during|from|due|because"
    r"|worse|around|before|related|linked|seems?|usually|always|tends?|starts?|started|comes?|came|lack|too much|not enough|without"
    r"|skip\w*|miss\w*|forget|get them|get it|blame|think its|think it s|often|sometimes)\b"
)


_ORIGIN_CUE = frozenset({"from", "starts", "started", "starting", "begins", "began", "comes", "coming", "came", "originates",
                         "stems", "due", "caused", "because", "radiates", "spreads", "travels", "tension", "tight", "tense",
                         "knots", "knotted", "stiff", "blame", "source", "root", "behind", "up"})


# "the back of my head goes numb and heavy" may describe the pain itself; a deficit is numbness of
# the face or a limb (4.2 rf_neuro_deficit), so numbness said only of the head is asked about first.
_HEAD_WORDS = re.compile(r"\b(?:head|scalp|skull|forehead|temples?|crown|top of my head)\b")


_DEFICIT_PLACES = re.compile(
    r"\b(?:face|facial|cheeks?|lips?|mouth|tongue|jaw|chin|arms?|hands?|fingers?|legs?|feet|foot|toes?|side of (?:my|the|his|her) body"
    r"|(?:left|right|one) side|half)\b"
)


def _numb_head(cid: str, clause: str) -> bool:
    return cid == "numbness" and bool(_HEAD_WORDS.search(clause)) and not _DEFICIT_PLACES.search(clause)


_SIDE_WORDS = frozenset({"left", "right"})


_BOTH_WORDS = frozenset({"both", "and", "either", "each", "or"})


def _everyday_wording(span: Sequence[str], cid: str) -> bool:
    """The sign's words end in one of its everyday phrases (lexicon ``confirm_first``): "she's a
    bit out of it" may be tiredness; the sign is asked about before it counts (4.3). Words after
    the phrase make it specific ("a rash that doesn't fade"). The phrase is matched as the sign's
    own phrases are (optional words and fillers skipped: "never had headache like this" is "never
    had a headache like this"), so leaving out a word never turns an everyday phrase into a sign."""
    return any(
        match_phrase(span, start, phrase) == len(span)
        for phrase in load_lexicon().confirm_first.get(cid, ())
        for start in range(len(span))
    )


# a headache said to come again and again: "every evening", "for two years", "whenever I..."
_COMES_AGAIN = re.compile(
    r"\b(?:(?:every|most|each) (?:evenings?|mornings?|nights?|days?|afternoons?|weeks?|time)|in the (?:evening|evenings|mornings)"
    r"|(?:for|already) (?:\d+|many|some|a few|few|several|two|three|four|five|ten) (?:years|months)|for years|for ages"
    r"|whenever|usually|normally|always|(?:\d+|two|three|four|five) times (?:a|in|per) (?:week|month))\b"
)


def _likeness_of_a_recurring_pain(text: FlatText, m: Match) -> bool:
    """ "in the evening my head is like somebody hit it with a hammer": a likeness describing a
    headache that keeps coming back is how it feels; whether one came on as a worst-ever bang is
    asked before it counts (4.3 everyday meaning; 4.2 the thunderclap is a first or different one)."""
    return m.cid == "worst_ever" and text.words[m.start] == "like" and bool(_COMES_AGAIN.search(text.flat))


def _lexical_findings(text: FlatText, findings: Findings, answer_slot: Optional[str] = None) -> None:
    """Turn lexicon matches into findings, honouring negation and hedges."""
    for i, m in enumerate(text.matches):
        _lexical_match(text, m, i in text.negated, i in text.hedged, findings, answer_slot)


# A weakness, clumsiness or numbness dated years back, or since an old event and "no worse": a
# long-standing deficit, not the new one that rf_neuro_deficit is about (4.2 "new")
_DEFICITS = frozenset({"weakness", "numbness", "balance_loss", "speech_difficulty", "vision_loss", "double_vision"})
# warning signs that are events: one placed long ago is history, not a sign of now
_EVENT_SIGNS = frozenset({"fainting", "seizure", "confusion", "memory_loss"})
_OLD_DEFICIT = re.compile(
    r"\b(?:for (?:\d+|many|several|a few|few|two|three|four|five|ten|twenty) years|years ago|for years|since (?:19|20)\d\d"
    r"|since (?:childhood|birth|i was (?:a child|born|little|young|a kid))|all (?:my|his|her) life|always been)\b"
)
_SINCE_AN_EVENT = re.compile(r"\b(?:ever )?since (?:my|the|his|her|that) (?:stroke|accident|operation|surgery|injury|bleed|crash)\b")
_NO_WORSE = re.compile(r"\b(?:no worse|not (?:any )?worse|hasnt changed|has not changed|unchanged|never been right since|same as (?:always|ever|before))\b")
# "zigzags wiped out half my vision": the sight lost to an aura is the aura (3.2), its own flags apply
_AURA_SIGHTS = re.compile(r"\b(?:zig ?zags?|auras?|flashing lights|flickering lights|sparkl\w*|shimmer\w*|squiggl\w*|wavy lines|kaleidoscope)\b")


def _old_or_aura(cid: str, clause: str, sentence: str) -> bool:
    """A deficit's mention (``cid`` in _DEFICITS) that is long-standing or part of an aura."""
    if cid == "vision_loss" and _AURA_SIGHTS.search(clause):
        return True
    return bool(_OLD_DEFICIT.search(clause) or (_SINCE_AN_EVENT.search(clause) and _NO_WORSE.search(sentence)))


_SIDE_OF_ANOTHER_PART = re.compile(
    r"of (?:my|his|her|their|the|your) (?:nose|nostril|face|neck|body|chest|jaw|mouth|tongue|lip|back|bed|road|room|house|desk)\b"
)


# A feature of the attacks said to have come with one of them only ("once I felt a bit sick, usually
# nothing", "I threw up the one time"): not a feature of the pattern (3.3 counts what attacks have).
# A one-off warning sign still counts: only these pattern features are left out.
_ATTACK_FEATURES = frozenset({"nausea", "vomiting", "light_sensitivity", "sound_sensitivity", "smell_sensitivity"})
_ONE_OCCASION = re.compile(
    r"\b(?:(?:only once|just once|only the once|just the once|the once|one time|1 time|only one time|on one occasion)\b"
    r"(?! (?:a|an|per|every|each|or twice|in a while|in a blue moon)\b)"
    r"|once (?:i|he|she|they|it|we) (?:felt|was|were|got|had|threw|did|went|made)\b)"
)


def one_occasion(clause: str) -> bool:
    """The clause says something came with one attack only ("once I felt sick", "the one time")."""
    return bool(_ONE_OCCASION.search(clause))


def clause_around(flat: str, at: int) -> str:
    """The clause of a plain string around character ``at`` (between punctuation marks)."""
    start = max(flat.rfind(mark, 0, at) for mark in ",.;:!?") + 1
    ends = [i for i in (flat.find(mark, at) for mark in ",.;:!?") if i >= 0]
    return flat[start:min(ends) if ends else len(flat)]


def _lexical_match(text: FlatText, m: Match, negated: bool, hedged: bool, findings: Findings, answer_slot: Optional[str]) -> None:
    clause = text.clause_of(m.start, m.end)
    if m.entity == "symptom":
        if not negated and m.cid in _ATTACK_FEATURES and one_occasion(clause):
            return
        if not negated and m.cid in _DEFICITS and _old_or_aura(m.cid, clause, text.sentence_of(m.start, m.end)):
            return
        if not negated and m.cid in _DEFICITS | _EVENT_SIGNS and placed_long_ago(clause):
            return  # "got knocked out at rugby in year 9", "a fit as a child": long past, no sign of now
        if negated:
            findings.absent_symptoms.add(m.cid)
        elif _everyday_wording(text.words[m.start:m.end], m.cid) or _numb_head(m.cid, clause) or _likeness_of_a_recurring_pain(text, m):
            findings.to_confirm.add(m.cid)  # everyday wording (hedged or not): asked before it counts (4.3)
        elif hedged:
            findings.uncertain.add(m.cid)
        else:
            findings.symptoms.add(m.cid)
        return
    if negated:
        if m.entity == "medication":
            setattr(findings, MEDICATION_DAY_FIELDS[m.cid], 0.0)
        return
    if m.entity == "pain_location":
        if m.cid == "one_side" and _SIDE_OF_ANOTHER_PART.match(" ".join(text.words[m.end:m.end + 3])):
            return  # "the left side of his nose runs": the side of another part, not of the head
        findings.locations.add(m.cid)
        # "behind my LEFT eye", "my right forehead": the side word may sit just before the place
        before = [] if text.words[m.start] in _PLACE_PREPOSITIONS else text.words[max(0, m.start - 2):m.start]
        around = set(before) | set(text.words[m.start:m.end])  # ("right behind my eyes": an adverb)
        if _SIDE_WORDS & around and not _BOTH_WORDS & around:
            findings.locations.add("one_side")  # "behind my LEFT eye": the eye, and one side
    elif m.entity == "pain_quality":
        findings.qualities.add(m.cid)
    elif m.entity == "trigger":
        if answer_slot == "triggers" or _TRIGGER_CUE.search(clause):
            findings.triggers.add(m.cid)
    elif m.entity == "origin":
        window = set(text.words[max(0, m.start - 4): m.end + 2]) | set(text.words[m.start:m.end])
        if answer_slot == "origin" or window & _ORIGIN_CUE:
            findings.origins.add(m.cid)
    elif m.entity == "onset":
        if answer_slot == "aura_history" and not _PAIN_WORDS.search(text.sentence_of(m.start, m.end)):
            return  # to the aura question, a sentence without the pain in it is about the aura
        _onset_match(text, m, findings, answer_slot == "onset")


# How fast an aura spreads ("the zigzag spreads across my vision over a few minutes") is not how the
# headache started: a clause about the aura that names no pain gives no onset.
_AURA_WORDS = re.compile(
    r"\b(?:auras?|zig ?zags?|zigzagg?\w*|flashing|flashes|flickery|flicker\w*|shimmer\w*|sparkl\w*|blind spots?|vision|sight|lights?|spots"
    r"|tingl\w*|pins and needles|warning signs?)\b"
)


_PAIN_WORDS = re.compile(
    r"\b(?:head\w*|pain\w*|ache\w*|migraines?|hurts?|hurting|throb\w*|pound\w*|thump\w*|(?:came|comes|come|coming) on|hit|hits|kicked in)\b"
)


def _about_the_aura(clause: str) -> bool:
    return bool(_AURA_WORDS.search(clause)) and not _PAIN_WORDS.search(clause)


def _onset_match(text: FlatText, m: Match, findings: Findings, answering: bool) -> None:
    words = text.words[m.start:m.end]
    if _about_the_aura(text.clause_of(m.start, m.end)):
        return
    if words[-1] == "second" and not {"a", "split", "within", "one"} & set(words):
        return  # "in second year", "in second place": the ordinal, not a second of time
    loose = all(w in _LOOSE_ONSET_WORDS for w in words)
    if loose and set(words) & _BURST_WORDS and set(text.words[max(0, m.start - 4): m.start]) & _SIMILE_WORDS:
        return  # "paining like it will burst", "feels as if it's going to explode": pressure, not onset
    if loose and not answering:
        window = set(text.words[max(0, m.start - 4): m.end + 4])
        if not window & _ONSET_CUE:
            return
    if _latency_after_something(text, m) or _how_long_it_lasts(text, m):
        return
    if loose and (_describes_a_movement(text, m) or _inside_a_likeness(text, m)):
        return
    if _likeness_of_a_noise(text, m) or _feared_event(text, m):
        return
    set_onset(findings, m.cid)


# "my neck cracks like a gunshot when I turn": a likeness after a noise word describes the noise
# (of a joint, a neck, a back), not how fast the headache came; the head's own noise keeps it
_NOISE_WORDS = frozenset(
    {"crack", "cracks", "cracked", "cracking", "click", "clicks", "clicked", "clicking", "pop", "pops", "popped",
     "popping", "crunch", "crunches", "crunched", "crunching", "creak", "creaks", "creaked", "creaking", "grind",
     "grinds", "grinding", "clunk", "clunks", "clunked", "noise", "noises", "sound", "sounds", "sounded"}
)
_HEAD_ITSELF_WORDS = frozenset({"head", "skull", "brain", "headache", "it"})


def _likeness_of_a_noise(text: FlatText, m: Match) -> bool:
    if text.words[m.start] not in ("like", "as"):
        return False
    before = text.words[max(clause_start(text, m.start), m.start - 3):m.start]
    noise = [i for i, word in enumerate(before) if word in _NOISE_WORDS]
    return bool(noise) and not _HEAD_ITSELF_WORDS & set(before[:noise[-1]])


# "worried I've snapped something", "scared it might burst": an event feared, not how it started
_FEAR_WORDS = frozenset({"worried", "worry", "worrying", "scared", "afraid", "frightened", "terrified", "panicked",
                         "fear", "feared", "fearing", "wondering", "wonder"})


def _feared_event(text: FlatText, m: Match) -> bool:
    lo = clause_start(text, m.start)
    return bool(_FEAR_WORDS & set(text.words[max(lo, m.start - 4):m.start]))


def _inside_a_likeness(text: FlatText, m: Match) -> bool:
    """ "cracking, like plaster when it dries too fast": the word is the likeness's, not the pain's
    (a pain word between the "like" and the word keeps it: "like the pain came on fast")."""
    lo = clause_start(text, m.start)
    likes = [i for i in range(lo, m.start) if text.words[i] == "like"]
    if not likes:
        return False
    after_like = text.words[likes[-1] + 1:m.start]
    # "like it exploded", "like the pain came on fast": the likeness is the headache's own event
    return bool(after_like) and after_like[0] not in _SELF_WORDS and not _PAIN_WORDS.search(" ".join(after_like))


_SELF_WORDS = frozenset({"it", "its", "i", "im", "my", "me", "the", "this", "that", "something", "someone", "somebody", "a", "an"})


# "when I turn my head fast", "if I stand up too quickly": the word says how the person moved (a
# posture or a movement that brings the pain on, read elsewhere), not how fast the headache peaked
_MOVEMENT_VERBS = frozenset(
    {"turn", "turns", "turned", "turning", "move", "moves", "moved", "moving", "stand", "stands", "stood", "standing",
     "get", "gets", "got", "getting", "sit", "sits", "sat", "sitting", "bend", "bends", "bent", "bending", "look",
     "looks", "looked", "looking", "twist", "twists", "twisted", "twisting", "tilt", "tilts", "tilted", "tilting",
     "lean", "leans", "leaned", "leant", "leaning", "walk", "walks", "walked", "walking", "run", "runs", "ran",
     "running", "climb", "climbs", "climbed", "climbing", "jump", "jumps", "jumped", "jumping", "lift", "lifts",
     "lifted", "lifting", "rise", "rises", "rose", "rising", "roll", "rolls", "rolled", "rolling", "nod", "nods",
     "nodded", "shake", "shakes", "shook", "shaking", "eat", "eats", "ate", "eating", "drink", "drinks", "drank",
     "drinking", "swim", "swims", "swam", "swimming", "lie", "lies", "lay", "lying"}
)
_MOVEMENT_OBJECT = frozenset(
    {"my", "the", "his", "her", "their", "your", "head", "neck", "up", "down", "round", "around", "over", "back",
     "forward", "forwards", "backwards", "sideways", "to", "left", "right", "side", "too", "very", "so", "really",
     "a", "bit", "little", "it", "something", "cold"}
)


def _describes_a_movement(text: FlatText, m: Match) -> bool:
    lo = clause_start(text, m.start)
    i = m.start - 1
    while i >= max(lo, m.start - 5) and text.words[i] in _MOVEMENT_OBJECT:
        i -= 1
    return i >= lo and text.words[i] in _MOVEMENT_VERBS


# "only lasts a few minutes", "it goes on for a couple of minutes": how long it lasts, not how fast
# it peaked (the duration reader takes it); "takes a few minutes to peak" stays an onset
_LASTING_WORDS = frozenset({"lasts", "lasting", "lasted", "last", "for", "only", "just", "stays", "gone", "goes"})
_TIME_WORDS = frozenset({"minute", "minutes", "second", "seconds", "moment", "moments", "min", "mins"})


def _how_long_it_lasts(text: FlatText, m: Match) -> bool:
    words = text.words[m.start:m.end]
    if not _TIME_WORDS & set(words) or {"within", "in", "over"} & set(words):
        return False
    lo = clause_start(text, m.start)
    before = set(text.words[max(lo, m.start - 3): m.start])
    around = set(text.words[max(lo, m.start - 6): m.end + 4])
    return bool(before & _LASTING_WORDS) and not around & _PEAK_WORDS


# "comes back within minutes of sitting up", "a few minutes after I stand": how soon the pain follows
# a posture or an activity (a positional or exertional sign, read elsewhere), not how fast it peaked;
# "peaked within a minute of bending down" still says how fast it peaked
_LATENCY_LINK = frozenset({"of", "after", "once"})
_PEAK_WORDS = frozenset({"peak", "peaked", "peaks", "worst", "maximum", "max", "full", "strongest"})


def _latency_after_something(text: FlatText, m: Match) -> bool:
    if m.cid not in ("sudden_peak_lt_1m", "peak_1_5m"):
        return False
    following = text.words[m.end: m.end + 1]
    if not following or following[0] not in _LATENCY_LINK:
        return False
    return not set(text.words[max(0, m.start - 4): m.end]) & _PEAK_WORDS


_BURST_WORDS = frozenset({"burst", "exploded", "exploding", "explode", "popped", "pop", "bang"})


# what might happen, not what did ("like it will burst", "as if it's going to explode"); a past
# "felt like it exploded" describes the event itself and stays an onset
_SIMILE_WORDS = frozenset({"going", "gonna", "about", "ready", "will", "would", "could", "might"})


def set_onset(findings: Findings, onset: str) -> None:
    """Keep the most abrupt onset said (the cautious reading)."""
    if findings.onset is None or _ONSET_RANK[onset] > _ONSET_RANK[findings.onset]:
        findings.onset = onset


# how long it climbs before it peaks: "it climbs for like ten, fifteen minutes before it reaches the
# top", "builds over about 20 minutes until it's at its worst"
_RISE_TIME = re.compile(
    r"\b(?:climb\w*|build\w*|ris\w*|ramp\w*|grow\w*|goes up|going up|creep\w* up)(?: up)? (?:for|over) (?:like |about |around |maybe |roughly )?"
    r"(.{1,30}?) (?:before|until|till|til) (?:it |the pain |the headache |its |it s )?(?:reach\w*|gets? to|hits?|peaks?|is at|at (?:its|the))\b"
)


# the time it takes, then where it gets to: "about ten minutes to the top", "perhaps ten minutes
# from a faint niggle to unbearable"
_TO_THE_TOP = re.compile(
    r"\b((?:\w+ ){0,3}?(?:seconds?|minutes?|mins?|hours?|hrs?))(?: or so)? (?:from [^.,;!?]{1,40}? )?to "
    r"(?:the |its |full )?(?:top|worst|peak|max\w*|full (?:strength|blast|whack|power|on)|unbearable)\b"
)


def onset_after(minutes: float) -> str:
    """The onset category for the minutes a headache took to reach its worst (reference 3.1)."""
    return "sudden_peak_lt_1m" if minutes < 1 else "peak_1_5m" if minutes <= 5 else "gradual"


# the rise said with its time alone: "it builds over a quarter of an hour or so", "it climbs
# over about ten minutes"
_RISE_OVER = re.compile(
    r"\b(?:builds?|building|built|climbs?|climbing|ris(?:es|ing)|rose|ramps? up|creeps? up|comes? on|came on|creeps? in)"
    r"(?: up)? (?:over|across|within) (?:about |around |like |maybe |roughly |a good )?((?:\w+ ){0,4}?(?:seconds?|minutes?|mins?|hours?|hrs?))\b"
    # ("within a few minutes of getting up" times it from an event, not the rise to its worst)
    r"(?! (?:of|after|from|since)\b)"
)


def _onset_from_peak_time(text: FlatText, findings: Findings, answering_aura: bool = False) -> None:
    """How fast it peaked, from the time it took. A measured time says what "quick" or "fast" meant
    ("builds quickly ... ten minutes to the top" is not within 5 minutes); a word of an abrupt
    start ("suddenly", "in seconds") is kept whatever time is said with it (the cautious reading).
    To the aura question, a sentence without the pain in it is about the aura ("spreads out over a
    few minutes")."""

    def about_the_aura(match: re.Match) -> bool:
        sentence = SENTENCE_SPLIT.split(text.flat[match.start():])[0]
        before = SENTENCE_SPLIT.split(text.flat[:match.start()])[-1]
        return _about_the_aura(match.group(0)) or (answering_aura and not _PAIN_WORDS.search(before + sentence))

    timed = []
    for pattern in (_RISE_OVER, _RISE_TIME, _TO_THE_TOP):
        for match in pattern.finditer(text.flat):
            minutes = numbers.parse_duration(match.group(1))
            if isinstance(minutes, float) and minutes < 24 * 60 and not about_the_aura(match):
                timed.append(onset_after(minutes))
    for match in _PEAK_TIME.finditer(text.flat):
        if about_the_aura(match):
            continue
        minutes = numbers.parse_duration(match.group(1))
        if isinstance(minutes, float):
            timed.append(onset_after(minutes))
        elif re.search(r"\bseconds?\b|\binstant", match.group(1)):
            timed.append("sudden_peak_lt_1m")
    if not timed:
        return
    if findings.onset == "peak_1_5m":
        findings.onset = None  # a speed word measured by the time said with it
    for onset in timed:
        set_onset(findings, onset)


MEDICATION_DAY_FIELDS = {"simple_analgesic": "simple_analgesic_days", "specialist": "specialist_med_days"}


def _medication_days(text: FlatText, findings: Findings) -> Set[Tuple[int, int]]:
    """Pair each painkiller mention with the frequency said next to it; returns the med segments."""
    indices = [i for i, m in enumerate(text.matches) if m.entity == "medication"]
    meds = [text.matches[i] for i in indices]
    segments: Set[Tuple[int, int]] = set()
    for i, med in enumerate(meds):
        if indices[i] in text.negated:
            continue
        lo, hi = clause_start(text, med.start), clause_end(text, med.end)
        if i > 0 and meds[i - 1].end > lo:
            lo = meds[i - 1].end
        if i + 1 < len(meds) and meds[i + 1].start < hi:
            hi = meds[i + 1].start
        after, before = " ".join(text.words[med.end:hi]), " ".join(text.words[lo:med.start])
        segment = " ".join(text.words[lo:hi])
        days = numbers.parse_frequency(after)
        if days is None:
            days = numbers.parse_frequency(before)
        if days is None:
            days = _only_frequency(text.sentence_of(med.start, med.end))
        segments.add((clause_start(text, med.start), clause_end(text, med.end)))
        if days is not None:
            name = MEDICATION_DAY_FIELDS[med.cid]
            setattr(findings, name, max(days, getattr(findings, name) or 0.0))
            months = numbers.parse_months_present(segment)
            if months is not None:
                findings.meds_months = months
    return segments


def _only_frequency(sentence: str) -> Optional[float]:
    """The sentence's frequency when it states exactly one ("ibuprofen, about 3 days a week")."""
    found = numbers.find_frequencies(numbers.normalize(numbers.without_non_medicines(sentence)))
    return round(found[0].days_per_month, 2) if len(found) == 1 else None


_EVENT_HISTORY = frozenset({"head_injury", "neck_injury", "neck_manipulation", "postpartum", "new_medicine", "cancer", "spinal_procedure", "pregnant"})


# A life event dated in the same clause ("lost my Ron four years ago", "retired two years back",
# "we moved house in March"): the date is the event's, not the headache's
_LIFE_EVENT = re.compile(
    r"\b(?:lost (?:my|our|his|her)|(?:he|she|they|mum|dad|mom|my \w+) (?:died|passed(?: away| on)?)|buried|funeral|bereave\w*|widowed"
    r"|retired|retirement|redundan\w*|moved (?:house|home|here|in|out|to|over)"
    r"|got married|married|divorced|divorce|split up|broke up|left (?:school|work|my job|the army|uni|college)"
    r"|(?:started|began|changed) (?:my |a |the |a new )?(?:job|work|school|uni|college|course)|graduated|emigrated|bought (?:a|the|our) (?:house|flat))\b"
)


_ABOUT_THE_HEADACHE = re.compile(r"\b(?:head\w*|migraines?|pain|aches?|attacks?|since|started|began|begun)\b")


def _event_clauses(text: FlatText) -> List[Tuple[int, int]]:
    """Word ranges of sentences that date an event (injury, birth, a life event), not the headache."""
    out = []
    for match in _LIFE_EVENT.finditer(text.flat):
        s, e = text.word_span(match.start(), match.end())
        lo, hi = clause_start(text, s), clause_end(text, e)
        # ("headaches since I retired" dates the headaches by the event: kept)
        if not _ABOUT_THE_HEADACHE.search(" ".join(text.words[lo:hi])):
            out.append((lo, hi))
    for rule in HISTORY_RULES:
        if rule.cid in _EVENT_HISTORY or rule.cid in _DATED_MEDICINES:
            for match in rule.pattern.finditer(text.flat):
                s, e = text.word_span(match.start(), match.end())
                lo, hi = clause_start(text, s), clause_end(text, e)
                if rule.cid in _EVENT_HISTORY:
                    out.append((lo, hi))
                    continue
                # ("... since she was a teenager and about two months ago started the combined pill"
                # dates the pill; "the headaches began when I started the pill" dates the headaches)
                joins = [k for k in range(lo, s) if text.words[k] in _CLAUSE_JOINS]
                lo = joins[-1] + 1 if joins else lo
                if not _HEADACHE_NAMED.search(" ".join(text.words[lo:hi])):
                    out.append((lo, hi))
    return out


# a regular medicine whose start, said in its own clause, is not the headache's
_DATED_MEDICINES = frozenset({"hormonal_contraception"})
_CLAUSE_JOINS = frozenset({"and", "but", "so", "then", "plus"})
_HEADACHE_NAMED = re.compile(r"\b(?:head\w*|migraines?|pain|aches?|attacks?|them|they)\b")


def _headache_text(text: FlatText, excluded: Iterable[Tuple[int, int]]) -> str:
    """The message without the sentences about painkillers or dated events."""
    drop = {j for lo, hi in excluded for j in range(lo, hi)}
    return " ".join(w for j, w in enumerate(text.words) if j not in drop)


_DURATION_SKIP_AFTER = re.compile(r"^\s*(?:ago|a day|per day|a night|of sleep|sleep|on (?:screens?|the computer)|at (?:my|a|the) (?:desk|computer)|each day|every day|later)\b")


# "a two-hour commute", "after a 10 hour shift": a length used as an adjective (a number with a
# singular unit, then a noun) measures that thing, not one headache ("a 3 hour headache" does)
_LENGTH_OF_SOMETHING_ELSE = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d*[2-9]|\d+\d)\s*-?\s*(?:hour|hr|minute|min|day|week)"
    r"(?=\s+(?!(?:and|or|then|maybe|max|maximum|tops|at|each|every|a|an|the|more|less|long|before|after|until|till|to|when"
    r"|if|but|so|usually|mostly|about|plus|i|it|its|roughly|approx|approximately|sometimes|often|per|in|on|of|with|without"
    r"|headaches?|head ?aches?|migraines?|pain|ache|attacks?|episodes?|bouts?|stretch|straight|non ?stop|long|later|ago)\b)[a-z])",
    re.I,
)


# ("at 2h" is a time of day)
_DURATION_SKIP_BEFORE = re.compile(r"\b(?:every|within|in|after|since|over|peaks?|peaked|reaches|reached|than|at)\s*(?:about |around |roughly |less than |under )?$")


_LEADING_AGE = re.compile(
    r"^\W*(1[2-9]|[2-9]\d|10\d)\s*(?:,|\s+(?:y/?o|yo|yrs?|m|f|male|female|man|woman)\b)"
    r"(?!\s*(?:\w+\s+){0,2}?\d)"  # ("12, maybe 15 days a month" is a count)
)


def _numbers_into(findings: Findings, text: FlatText, headache_text: str, answer_slot: Optional[str] = None) -> None:
    """Severity, durations, frequency, time present, age, aura length."""
    severity = numbers.parse_severity(text.raw)
    if severity is not None:
        findings.intensity = severity
    # "in my forties" in the answer to another question is usually when something happened
    age = numbers.parse_age(text.raw, decades=answer_slot in (None, "age"))
    if age is None and answer_slot is None:
        # a message that opens with the writer's age, as forms do: "75, new headache", "34 f, ..."
        opening_age = _LEADING_AGE.match(numbers.normalize(text.raw))
        age = int(opening_age.group(1)) if opening_age else None
    if age is not None:
        findings.age = age
    low = numbers.normalize(headache_text)
    aura_minutes = _aura_minutes(text, findings, answering_aura=answer_slot == "aura_history")
    # ("it is constant" to "has it been getting worse?" says it is unchanging, not never-ending)
    if numbers.says_continuous(low) and answer_slot != "progression":
        findings.continuous = True
    # An answer's time words belong to its question: "every day the last 10 days" answers how
    # often, not how long one attack lasts; a free message may say anything.
    durations, lengths = [], low
    if answer_slot in (None, "duration"):
        # ("a two-hour commute" blanked first: it measures the commute)
        lengths = numbers.normalize(_LENGTH_OF_SOMETHING_ELSE.sub(" ", headache_text))
        durations = numbers.attack_durations(lengths, or_any=answer_slot == "duration")
    for start, end, minutes in durations:
        if _DURATION_SKIP_AFTER.match(lengths[end:]) or _DURATION_SKIP_BEFORE.search(lengths[:start]):
            continue
        if minutes == aura_minutes:
            continue
        if minutes < 1440 or re.search(r"\b(?:lasts?|lasting|lasted|goes on|go on|went on|each|one attack|usually|typically)\b[^.,;]*$", lengths[:start]) or re.search(r"\b(?:this|a|the) headache\b", lengths[:start][-40:]):
            findings.duration_minutes = minutes
            break
    if answer_slot in (None, "frequency"):
        # (a free message's count of something the writer does is not a headache count)
        said = numbers.frequency_said(headache_text if answer_slot else numbers.without_activity_counts(numbers.normalize(headache_text)))
        if said is not None:
            findings.days_per_month, findings.days_estimated = said
        per_day = numbers.parse_attacks_per_day(headache_text)
        if per_day is not None:
            findings.attacks_per_day = per_day
    if answer_slot in NOT_ABOUT_THE_PATTERN:
        return  # "I've been like that for years" to the red-flag screen is about the sign, not the headache
    started_age = numbers.parse_started_age(headache_text)
    if started_age is None and _SINCE_EVENT.search(text.flat):
        # "headaches since a car accident in my forties": the event's time is when they began
        started_age = numbers.parse_started_age(text.flat)
    if started_age is not None:
        findings.started_age = started_age
    months = numbers.parse_months_present(headache_text)
    if months is not None:
        findings.months_present = months
        # "since this morning" is how long this attack has lasted, not how old the pattern is; a
        # recent start after a stated spell free of them ("before that nothing for two years")
        # dates this run, not the pattern: the history question settles that (ask, don't assume)
        if findings.new_headache is None and months >= CURRENT_ATTACK_MONTHS and not (months <= 3 and _FREE_SPELL.search(low)):
            findings.new_headache = months <= 3
    lifetime = _LIFETIME.search(low)
    if lifetime:
        findings.lifetime_attacks = int(lifetime.group(1))


# A spell free of headaches before the present run: "before that nothing for almost two years", "the
# first in over a year", "after 18 months clear", "hadn't had one for ages before this"
_SPAN = r"(?:years?|yrs?|months?|ages|a long time|a long while)"
_FREE_SPELL = re.compile(
    r"\b(?:nothing|none|no (?:headaches?|attacks?|pain|bouts?|episodes?|trouble)|(?:headache |pain |attack )?free|clear|fine)"
    r" (?:at all )?(?:for|in) (?:\w+ ){0,3}?" + _SPAN + r"\b"
    r"|\bfirst (?:(?:one|1|attack|bout|episode|headache) )?(?:\w+ ){0,2}(?:in|for) (?:\w+ ){0,3}?" + _SPAN + r"\b"
    r"|\bafter (?:\w+ ){0,3}?" + _SPAN + r" (?:free|clear|off|without (?:one|1|any|them)|of nothing)\b"
    r"|\b(?:hadn'?t|had not|haven'?t|have not) had (?:one|1|any|them|a headache|1 headache|an attack|1 attack)"
    r" (?:for|in) (?:\w+ ){0,3}?" + _SPAN + r"\b"
)


def _aura_minutes(text: FlatText, findings: Findings, answering_aura: bool = False) -> Optional[float]:
    """How long the aura lasts: a duration in the clause that names it; in an answer to the aura
    question ("how long do they usually last?") every duration is the aura's, and the longest one
    counts ("usually 20 minutes, but today almost two hours": over an hour, 4.2 rf_aura_atypical)."""
    if answering_aura:
        lengths = [minutes for _, _, minutes in numbers.find_durations(numbers.normalize(text.raw)) if minutes <= 24 * 60]
        if lengths:
            findings.aura_minutes = max(lengths)
            return findings.aura_minutes
    for m in text.matches:
        if m.entity == "symptom" and m.cid.startswith("aura_"):
            found = numbers.find_durations(numbers.normalize(text.clause_of(m.start, m.end)))
            if found and found[0][2] <= 24 * 60:
                findings.aura_minutes = found[0][2]
                return found[0][2]
    return None


def _side_lock(flat: str, findings: Findings) -> None:
    if _SIDE_SHIFTS.search(flat):
        findings.side_locked = False
    elif _SIDE_LOCKED.search(flat):
        findings.side_locked = True


def _doctor(flat: str, findings: Findings) -> None:
    if _DOCTOR_NO.search(flat):
        findings.doctor_confirmed = False
    elif _DOCTOR_YES.search(flat):
        findings.doctor_confirmed = True


# "a new headache", "new kind of headaches", "started getting headaches last month": a new pattern.
_NEW_HEADACHE = re.compile(
    r"\b(?:new|brand new|new kind of|new type of|new sort of) (?:headaches?|head ?aches?|head pains?|pains? in (?:my|the) head)\b"
    r"|(?<!before that )(?<!before then )(?<!before this )(?<!before it )(?<!before they )(?<!before that i was )(?<!until then i was )\bnever (?:been )?(?:a headache person|one for headaches|(?:had|got|get|suffered (?:from|with)) headaches)\b"
    r"|\b(?:the |this |these |my )?(?:headaches?|head ?aches?|pain) (?:is|are|feels?) (?:completely |totally |quite |all |brand )?new\b"
    r"|\b(?:started|began|begun) (?:getting|having|to get) (?:headaches|these headaches|them|these)"
    r"(?: (?:in the )?(?:last|past|this) (?:few )?(?:days?|weeks?|month)| (?:a few|few|\d+|two|three) (?:days|weeks) ago)\b"
)


# A worsening placed in the recent past without a number: "lately", "these last weeks", or a course
# told day by day or week by week (4.2 rf_progressive: "over days to weeks")
_RECENT_COURSE = re.compile(
    r"\b(?:lately|recently|of late|just lately|this (?:week|month)|these (?:last |past )?(?:few |couple of )?(?:days|weeks)"
    r"|(?:every|each) (?:day|week|morning|night)|by the (?:day|week)|day by day|day after day|week (?:by|after) week"
    r"|(?:the )?(?:last|past) (?:few |couple of )?(?:days|weeks)|(?:over|in|across) (?:the )?(?:days|weeks)"
    r"|(?:every|each|by the) hour|hour by hour)\b"
)
# now waking the person is a change in the headache's character, not a course to be dated
_NOW_WAKES = re.compile(r"\bwak\w* (?:me|him|her|them|us)\b")


def _dated_recent(sentence: str) -> Optional[bool]:
    """Is a worsening said in ``sentence`` placed within the last 3 months? None: not placed at all."""
    span = numbers.parse_months_present(sentence)
    if span is not None:
        return span <= 3
    return True if _RECENT_COURSE.search(sentence) else None


def _worsening_undated(findings: Findings, text: FlatText, answer_slot: Optional[str]) -> None:
    """A worsening said with no time ("my migraines have got more frequent since my periods
    stopped") is not assumed recent: when it began is what rf_progressive hinges on (4.2: "the
    worsening starting within the last 3 months"), so the progression question, which asks about
    the last three months, settles it (4.3: ask, don't assume). A headache itself begun within 3
    months dates any worsening of it; the answer to the progression question is read as dated."""
    if answer_slot == "progression" or "progressive" not in findings.history or findings.has("different_from_usual"):
        return
    if findings.new_headache or (findings.months_present is not None and findings.months_present <= 3):
        return
    pattern = history_pattern("progressive")
    said = [sentence for sentence in re.split(r"[.;!?]", text.flat) if pattern.search(sentence)]
    placed = [True if _NOW_WAKES.search(sentence) else _dated_recent(sentence) for sentence in said]
    if placed and all(p is None for p in placed):
        findings.history.discard("progressive")


def _worsening_over_months(findings: Findings, text: FlatText) -> None:
    """Worsening that the user places over more than 3 months ("more frequent over the past two
    years") is not a recent progression (reference 4.2, rf_progressive: "Not this flag"); the
    frequency and medication rules judge it instead."""
    if "progressive" not in findings.history or findings.has("different_from_usual"):
        return
    pattern = history_pattern("progressive")
    spans = [numbers.parse_months_present(sentence) for sentence in re.split(r"[.;!?]", text.flat) if pattern.search(sentence)]
    if spans and all(span is not None and span > 3 for span in spans):
        findings.history.discard("progressive")


# "every time it is different", "different each time": attacks that vary, not a change from usual
# ("different different": the reduplication of South Asian English, "all kinds of")
_VARIES = re.compile(
    r"\b(?:every|each|any) (?:time|one|attack|headache)\b[^.;]{0,25}\bdifferent\b|\bdifferent (?:every|each) (?:time|one)\b|\balways different\b|\bdifferent different\b"
    # "never the same twice", "no real pattern", "it varies from one attack to the next"
    r"|\bnever the same (?:twice|two times|from one|each time|way twice)\b|\bno (?:real |set |fixed |clear )?pattern\b"
    r"|\b(?:varies|vary|varied|changes) (?:a lot )?(?:from|between|with) (?:\w+ )?(?:time|one|attack|headache|episode)s?\b"
)


# "before 2-3 days a month, now nearly every day": a then-and-now contrast of how often
_NOW = re.compile(
    r"\b(?:now|these days|nowadays|lately|at the moment|currently|this (?:month|week)"
    r"|these (?:few |past |last )?(?:weeks|days)|the (?:last|past) (?:few |couple of )?weeks)\b"
)


_THEN = re.compile(
    r"\b(?:before|used to|previously|at first|in the past|earlier|normally|usually|it was|they were|was|were|back (?:in|then|when)|last time"
    r"|last (?:year|spring|summer|autumn|winter|month)|(?:a|two|three|few|couple of) (?:months?|weeks?) ago)\b"
)


def _frequency_rising(findings: Findings, text: FlatText) -> None:
    """Headaches said to come far more often now than before are getting worse (rf_progressive),
    however the contrast is worded; how recent the change is is judged by the next rule."""
    sentences = [s for s in re.split(r"[;!?\n]|\.(?!\d)", text.flat) if s.strip()]
    for i, sentence in enumerate(sentences):
        now = _NOW.search(sentence)
        if not now:
            continue
        before = sentence[: now.start()] if _THEN.search(sentence[: now.start()]) else ""
        after = sentence[now.start():] if before else sentence
        for j in (i - 1, i + 1):  # "Before 2-3 days a month. Now nearly every day." (either order)
            if not before and 0 <= j < len(sentences) and _THEN.search(sentences[j]) and not _NOW.search(sentences[j]):
                before = sentences[j]
        now_days = numbers.parse_frequency(after)
        if not before or not now_days:
            continue
        if numbers.GAP.search(before):
            # "before this bout nothing for a year": a bout after a remission (an episodic
            # pattern, or a new headache judged by its own rules), not headaches coming more often
            continue
        before_days = numbers.parse_frequency(before)
        if before_days is None:  # "12 days a month now. It was 4 or 5 ...": the same unit
            then_n, now_n = numbers.first_number(before), numbers.first_number(after)
            before_days = now_days * then_n / now_n if then_n and now_n else None
        # an undated change ("before 2-3 times a month, only now almost daily") is not assumed
        # recent: the progression question, about the last three months, dates it (4.3)
        dated_recent = _dated_recent(before + " " + after)
        if before_days and now_days >= max(8.0, 2 * before_days) and dated_recent:
            findings.history.add("progressive")
            if findings.new_headache and not _NEW_HEADACHE.search(text.flat) and not findings.has("first_ever"):
                # "used to be twice a month, the last few weeks three times a week": the weeks date the
                # change, not the pattern, which came before it
                findings.new_headache, findings.months_present = None, None
            return


# The strength of the usual attacks, said beside this one's: "my usual ones are a 6 or 7",
# "normally they're about 5/10"
_USUAL_STRENGTH = re.compile(
    r"\b(?:(?:my |the )?(?:usual|normal|typical|regular|other) (?:ones?|headaches?|migraines?|attacks?)"
    r"|(?:(?:they|mine|it|(?:my |the )?(?:migraines?|headaches?|attacks?)) (?:are|is|s|re)|theyre|its) (?:usually|normally|typically)"
    r"|(?:usually|normally|typically),? (?:(?:they|mine|it)(?: (?:are|is|s|re))?|theyre|its))"
    r"(?: (?:are|is|s|re))?(?: (?:usually|normally|typically|only|about|around|like|maybe))* (?:an? )?"
    r"(\d+(?:\.\d)?)(?:(?: or |-| to |/)(\d+(?:\.\d)?))?(?! ?(?:days?|hours?|minutes?|mins?|times?|weeks?|months?|years?|%))"
)


# the likeness itself denied: "doesn't feel like", "isn't like", "nothing like", "unlike"
_UNLIKE = re.compile(r"\b(?:not|doesnt|dont|didnt|isnt|wasnt|arent|nothing|never)(?: \w+){0,2}? (?:like|the same as|same as)\b|\bunlike\b")
_STRONGER_THAN_THE_USUAL = re.compile(
    r"\b(?:worse|stronger|more painful|more severe|more intense|heavier|harder|much worse|far worse|way worse) than"
    r" (?:my|the|her|his|their|any of (?:my|her|his|the)) (?:usual|normal|other|typical|regular|old) (?:ones?|headaches?|migraines?|attacks?)\b"
)


def stronger_than_usual(findings: Findings, text: FlatText) -> None:
    """This attack at least 2 points stronger than the usual ones, both said ("a 9. My usual ones are
    a 6 or 7"): not "the usual attack", so how it started is asked (4.2 rf_thunderclap "Still this
    flag: an attack that differs from the usual ones"); not by itself a change of character."""
    if findings.intensity is None or findings.intensity < 7:
        return
    if _STRONGER_THAN_THE_USUAL.search(text.flat):  # "9. Worse than my usual ones."
        findings.history.add("stronger_than_usual")
        return
    for match in _USUAL_STRENGTH.finditer(numbers.normalize(text.raw).replace("'", "")):
        usual = max(float(match.group(1)), float(match.group(2) or 0))
        if usual <= 10 and findings.intensity >= usual + 2:
            findings.history.add("stronger_than_usual")
            return


# A word of a sudden start beside "the worst ever" ("bang" as a noise, not "didn't bang my head")
# (a start word denied is no sudden start: "they build up over 10-15 minutes, not instantly")
_NOT_BEFORE = r"(?<!didnt )(?<!did not )(?<!not )(?<!never )(?<!wasnt )(?<!isnt )(?<!wasnt so )(?<!not so )(?<!not that )(?<!not really )"
_SUDDEN_WITH_WORST = re.compile(
    _NOT_BEFORE + r"\b(?:sudden\w*|suddently|instant\w*|out of nowhere|out of the blue|all at once|exploded|thunderclap|within seconds"
    r"|in seconds|immediately)\b|" + _NOT_BEFORE + r"\bbang\b(?! (?:my|his|her|their|the|into|against|on|it|head)\b)"
)


# questions about what the attacks are like: an answer that they vary says the attacks differ
_PATTERN_ANSWERS = frozenset({"pain_location", "pain_quality", "duration", "associated_symptoms", "severity"})


def _derived(findings: Findings, text: FlatText, answer_slot: Optional[str] = None) -> None:
    """Facts implied by combinations: worst-ever + sudden, a skin contraindication, radicular pain."""
    stronger_than_usual(findings, text)
    _frequency_rising(findings, text)
    _worsening_over_months(findings, text)
    _worsening_undated(findings, text, answer_slot)
    if "same_as_usual" in findings.absent_history and "same_as_usual" not in findings.history and _UNLIKE.search(text.flat):
        # "this doesn't feel like one of my usual ones": unlike the usual headaches is a change (a
        # "no" that answers the question before "same as always" is not a denial of the likeness)
        findings.history.add("different_from_usual")
    known_pattern = findings.history & {"known_cluster", "known_migraine", "same_as_usual"}
    if findings.new_headache and known_pattern and not findings.has("first_ever") and "different_from_usual" not in findings.history:
        findings.new_headache = False  # "my clusters are back, started ten days ago": a new bout, not a new pattern
    if _VARIES.search(text.flat) and ("different_from_usual" in findings.history or answer_slot in _PATTERN_ANSWERS):
        # "every time it is different" said of the attacks, or to a question about what they are like
        findings.history.discard("different_from_usual")
        findings.history.add("varies_between_attacks")
    if findings.has("worst_ever") and _SUDDEN_WITH_WORST.search(text.flat):
        set_onset(findings, "sudden_peak_lt_1m")
    if findings.new_headache is None and _NEW_HEADACHE.search(text.flat):
        findings.new_headache = True
    if "band_around_head" in findings.locations and not findings.qualities:
        findings.qualities.add("pressing_tight")  # "like a tight band" describes the quality too
    if "neck_to_head" in findings.locations:
        findings.origins.add("neck")
    # (a fever's contraindication is derived when techniques are chosen, recommend.contraindications:
    # stored here it would outlive a fever the person later denies)
    if "rash_non_blanching" in findings.symptoms:
        findings.contraindications.add("ci_skin")
    if findings.pregnancy_weeks and findings.pregnant is None:
        findings.pregnant = True
        findings.contraindications.add("ci_pregnancy")
    _hand_tingling(findings, text)
    _arm_symptoms_stable(findings, text)
    _blood_pressure_reading(findings, text)
    _radicular(findings, text)


_INTERMITTENT = re.compile(
    r"\b(?:comes? and goes?|coming and going|came and went|on and off|off and on|now and (?:again|then)|from time to time|occasionally"
    r"|sometimes|intermittent\w*|at times|here and there|every so often|once in a while"
    r"|some (?:days|evenings|nights|mornings|afternoons)|the odd (?:day|evening|night))\b"
)


_ARM_CHANGING = re.compile(r"\b(?:constant\w*|all the time|non ?stop|spread\w*|getting worse|worse and worse|worsening|moving up)\b")


_TINGLE = r"tingl\w*|pins and needles|prickl\w*|buzzing"
_ARM_SENSATION = re.compile(rf"\b(?:{_TINGLE}|numb\w*)\b")
_NON_ARM_SITE = re.compile(
    r"\b(?:face|facial|cheeks?|lips?|mouth|tongue|chin|legs?|feet|foot|toes?|side of (?:my|the|his|her) (?:body|face)"
    r"|(?:left|right|one) side of (?:my|the|his|her) (?:body|face)|half (?:my|the|his|her) (?:body|face))\b"
)


def _arm_symptoms_stable(findings: Findings, text: FlatText) -> None:
    """Tingling or numbness in an arm or hand said to come and go for weeks or more, without
    weakness and not spreading or constant: the stable radicular row of 3.4 (see a doctor), not a
    new deficit."""
    if not (findings.has("arm_tingling") or "numbness" in findings.symptoms) or "weakness" in findings.symptoms:
        return
    sentences = re.split(r"[.;!?\n]", text.flat)
    # a numb face, leg or side elsewhere in the message is another sensation, perhaps a new one
    if any(_ARM_SENSATION.search(sentence) and _NON_ARM_SITE.search(sentence) for sentence in sentences):
        return
    for sentence in sentences:
        if not (_ARM_SENSATION.search(sentence) and _INTERMITTENT.search(sentence)) or _ARM_CHANGING.search(sentence):
            continue
        months = numbers.parse_months_present(sentence)
        if months is not None and months >= 0.5:
            findings.history.add("arm_symptoms_stable")
            return


# What makes tingling an aura (3.2): it spreads or moves, reaches the face, or comes before the pain.
_AURA_TINGLING = re.compile(
    r"\b(?:spread\w*|creep\w*|mov(?:es|ed|ing) up|travel\w*|march\w*|works? (?:its way )?up|(?:goes|went|going) up|up (?:my|the|his|her) arm"
    r"|face|lips?|tongue|mouth|cheek|before (?:the|my|a|his|her|it) (?:head|headache|migraine|pain|attack)|then (?:the|my|a) (?:head|headache|migraine|pain))\b"
)


_TINGLE_WORDS = re.compile(rf"\b(?:{_TINGLE})\b")
_HAND_WORDS = re.compile(r"\b(?:hands?|fingers?|thumbs?|wrists?|arms?|palms?)\b")
_SPREAD_DENIED = re.compile(r"\b(?:havent|hasnt|doesnt|dont|didnt|not|never|no)(?: \w+)? (?:spread\w*|moved|move|moving|travel\w*)\b")


def _hand_tingling(findings: Findings, text: FlatText) -> None:
    """Pins and needles in the hand or fingers that neither spread, nor reach the face, nor come
    before the pain are a nerve sign (arm_tingling), not a sensory aura; with one of those they
    are an aura as well. Pins and needles said to stay put ("they haven't spread"), with no place
    and nothing before the pain, are not an aura either (3.2: an aura spreads)."""
    if "arm_tingling" in findings.absent_symptoms and "arm_tingling" not in findings.symptoms:
        findings.symptoms.discard("aura_sensory")  # "in the arm no tingling": the tingling is denied
    if "arm_tingling" not in findings.symptoms and "aura_sensory" in findings.symptoms:
        undenied = _SPREAD_DENIED.sub(" ", text.flat)
        in_hand = any(_TINGLE_WORDS.search(sentence) and _HAND_WORDS.search(sentence) and not _NON_ARM_SITE.search(sentence)
                      for sentence in re.split(r"[.;!?\n]", text.flat))
        if in_hand and not _AURA_TINGLING.search(undenied):
            # "the two small fingers of my left hand have pins and needles, on and off": in the hand
            findings.symptoms.discard("aura_sensory")
            findings.symptoms.add("arm_tingling")
        elif _SPREAD_DENIED.search(text.flat) and not _AURA_TINGLING.search(undenied):
            findings.symptoms.discard("aura_sensory")
    if "arm_tingling" not in findings.symptoms:
        return
    if _AURA_TINGLING.search(_SPREAD_DENIED.sub(" ", text.flat)):
        findings.symptoms.add("aura_sensory")  # "tingling in my hand that spreads to my face" ("hasn't spread" is no spreading)
    else:
        findings.symptoms.discard("aura_sensory")


def _radicular(findings: Findings, text: FlatText) -> None:
    arm = findings.has("arm_tingling") or findings.has("shoulder_arm_pain_same_side") or any(
        m.cid == "numbness" and _ARM_WORDS.search(" ".join(text.words[m.start:m.end + 3]))
        for m in text.matches
    )
    neck = bool(_NECK_SYMPTOMS & (findings.symptoms | findings.uncertain)) or "neck" in findings.origins or "neck_to_head" in findings.locations
    if arm and neck and "neck_problem_assessed" not in findings.history:
        findings.contraindications.add("ci_radicular")


def _all_matches(parsed: "FlatText") -> List[Match]:
    found = _compound_matches(parsed)
    # a compound inside a longer one of the same entity ("right side of my head" inside "the left
    # and the right side of my head") is part of it
    compound = [m for m in found if not any(
        c.entity == m.entity and c.start <= m.start and m.end <= c.end and (c.end - c.start) > (m.end - m.start)
        for c in found)]
    lexical = [m for m in find_matches(person_neutral(parsed.words))
               if not any(c.start <= m.start and m.end <= c.end and c.entity == m.entity for c in compound)]
    return sorted(lexical + compound, key=lambda m: (m.start, m.entity))


def _apply_patterns(parsed: "FlatText") -> None:
    """Add the generalising red-flag rule hits to the lexicon matches and apply the idiom and
    benign-cause suppressions (``wording``) to both."""
    flat, words, starts = parsed.flat, parsed.words, parsed.starts
    suppressions = wording.suppressions(flat, words, starts)
    candidates: List[Tuple[Match, bool]] = [(m, False) for m in parsed.matches]
    for hit in wording.find(flat, words, starts):
        start, end = parsed.word_span(hit.start, hit.end)
        candidates.append((Match(hit.entity, hit.cid, start, end), hit.denied))
    kept: Dict[Match, bool] = {}
    for m, denied in candidates:
        if m.entity == "symptom" and _in_category_question(parsed, m.start, m.end):
            continue
        if m.entity == "symptom" and suppressions:
            lo, hi = char_span(parsed, m)
            over = [s for s in suppressions if m.cid in s.cids and s.start < hi and lo < s.end]
            if over and not any(s.deny for s in over):
                continue  # an idiom or a benign cause: not a finding at all
            denied = denied or bool(over)
        kept[m] = kept.get(m, False) or denied
    # a word inside a denied rule span ("blurry" in "things are not blurry") is denied with it: the
    # negator sits inside the span, where the scope rules do not look
    for m in kept:
        if not kept[m] and any(
            kept[d] and d.cid == m.cid and d.entity == m.entity and d.start <= m.start and m.end <= d.end for d in kept
        ):
            kept[m] = True
    parsed.matches = sorted(kept, key=lambda m: (m.start, m.entity))
    parsed.denied = {i for i, m in enumerate(parsed.matches) if kept[m]}


_COURSE = re.compile(r"\b(?:days|weeks|months|more often|more days|more frequent\w*|worse and worse|getting worse|every day now)\b")


_ONE_OFF_EVENT = re.compile(
    r"\b(?:yesterday|last night|this morning|this week|tonight|today|the other day|days? ago|a week ago"
    r"|(?:on|since|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend|weekend))\b"
)


def analyse(text: str, answer_slot: Optional[str] = None) -> Tuple[Findings, FlatText]:
    parsed = FlatText.of(text)
    parsed.matches = _all_matches(parsed)
    _apply_patterns(parsed)
    findings = Findings()
    hits = _rule_hits(parsed)
    _lexical_findings(parsed, findings, answer_slot)
    _apply_history(parsed, hits, findings)
    _visual_aura(parsed, findings)
    _temperature_reading(parsed, findings)
    _onset_from_peak_time(parsed, findings, answering_aura=answer_slot == "aura_history")
    findings.aggravated_by |= find_aggravators(parsed.flat, answering=answer_slot == "triggers")
    parsed.exertion_unplaced = _exertion_unplaced(parsed.flat, findings, answering=answer_slot == "triggers")
    med_segments = _medication_days(parsed, findings)
    excluded = list(med_segments) + _event_clauses(parsed)
    _numbers_into(findings, parsed, _headache_text(parsed, excluded), answer_slot)
    _side_lock(parsed.flat, findings)
    _doctor(parsed.flat, findings)
    if answer_slot == "onset" and not _COURSE.search(parsed.flat):
        # "creeps up, there by lunchtime" to "how did it start?": how one attack builds, not a
        # worsening course (unless the answer names the weeks or the growing number of days)
        findings.history.discard("progressive")
    if answer_slot == "triggers" and findings.onset == "peak_1_5m":
        # "if I drink beer it comes very fast": how soon a trigger brings it on, not how fast it peaks
        findings.onset = None
    if answer_slot == "triggers" and not _ONE_OFF_EVENT.search(parsed.flat):
        # what brings the headaches on ("too much coffee, then no coffee") is a trigger of a
        # pattern (3.1 caffeine_change, alcohol); a passing cause is one dated event ("I quit
        # coffee on Monday"), said as such
        findings.history.discard("passing_cause")
    _derived(findings, parsed, answer_slot)
    if answer_slot in _NEWNESS_QUESTIONS:
        _never_like_it_is_new(findings, parsed)
    _worst_denied_by_degree(findings, parsed)
    findings.uncertain -= findings.absent_symptoms | findings.absent_history
    return findings, parsed


# A measured temperature decides the fever question by its number: 38.0 C (100.4 F) or more is a
# fever, a lower reading says there is none ("temperature is 37.0", "temp 99.1 this morning"),
# whatever the word "temperature" alone would suggest.
_TEMP_WORDS = re.compile(r"\b(?:temp\w*|thermometer|fever|feverish|febrile|degrees|celsius|fahrenheit)\b")
_TEMP_VALUE = re.compile(r"(?<![\d.])(\d{2,3}(?:[.,]\d)?)\s*(?:degrees?|deg|c|f|celsius|fahrenheit)?\b")
FEVER_C, FEVER_F = 38.0, 100.4


# a temperature measured and found normal, said in words: "I took my temperature this morning and
# it was normal", "checked my temp, all fine" (not with a raised one: "normal yesterday, 38.5 now")
_TEMP_MEASURED = re.compile(r"\b(?:took|taken|take|checked|check|checking|measured|measure|did|done|tested) (?:my |his |her |their |the |a )?(?:temp\w*)\b")
_TEMP_FINE = re.compile(r"\b(?:normal|fine|ok|okay|alright|all right|good|no fever|nothing)\b")
_TEMP_RAISED = re.compile(r"\b(?:high|raised|up|hot|fever|feverish|febrile|burning)\b")


def _temperature_reading(parsed: FlatText, findings: Findings) -> None:
    for sentence in re.split(r"[;!?\n]|\.(?!\d)", parsed.flat):
        words = _TEMP_WORDS.search(sentence)
        if not words:
            continue
        readings = [float(m.group(1).replace(",", ".")) for m in _TEMP_VALUE.finditer(sentence, words.start())]
        readings = [t for t in readings if 34.0 <= t <= 43.0 or 93.0 <= t <= 110.0]
        if readings:
            fever = any(t >= (FEVER_C if t <= 43.0 else FEVER_F) for t in readings)
        else:
            measured = _TEMP_MEASURED.search(sentence)
            if not (measured and _TEMP_FINE.search(sentence, measured.end()) and not _TEMP_RAISED.search(sentence, measured.end())):
                continue
            fever = False  # measured and said to be normal, in words
        for bucket in (findings.symptoms, findings.uncertain, findings.to_confirm, findings.absent_symptoms):
            bucket.discard("fever")
        (findings.symptoms if fever else findings.absent_symptoms).add("fever")


# A visual disturbance that comes before the headache, told as the person's recurring pattern ("I get
# migraines where half my vision goes, then the headache hits"; "my sight always blurs before a
# migraine") is the typical aura of 3.2, not a new deficit (4.2: "new" means sudden or within the
# last days). It is read as aura, whose own rules then decide (first-ever, over 60 minutes, first
# after 50). Told as something new ("never", "first time", "today", "suddenly") it stays a deficit.
_VISION_LOSS_SIGNS = ("vision_loss", "blurred_vision", "vision_greying")
_HEADACHE_FOLLOWS = re.compile(
    r"\b(?:then|followed by|leads? (?:in)?to|turns? into|after that|afterwards?|and next)\b.{0,40}?"
    r"\b(?:head\w*|pain|ache|migraines?|hits?|kicks? in|comes? on|starts?|arrives?)\b"
    r"|\b(?:before|ahead of|prior to|until) (?:the |my |a |an |every |each |it turns into a )?(?:head\w*|migraines?|pain|attacks?)\b"
)
_RECURRING = re.compile(
    r"\b(?:i (?:always |usually |often |normally |sometimes )?get|always|every time|each time|whenever|usually|normally"
    r"|my migraines?|my usual|as usual|like always|it always|they always"
    # the habitual present: "my sight goes blurry ... then the migraine kicks in"
    r"|goes|go|turns|gets|comes|starts"
    # how often it happens: "every few weeks I lose half my vision for 20 minutes, then ..."
    r"|every (?:few |couple of |other |single )?(?:days?|weeks?|wks?|months?|years?|time)|(?:\d+|once|twice|a few|several) times a (?:week|month|year)"
    r"|each (?:week|month|time)|now and (?:then|again)|from time to time|every so often|for years|for ages)\b"
)
_NOVEL = re.compile(r"\b(?:never|first (?:time|ever|one)|new|today|tonight|this time|sudden\w*|this morning|just now|right now|yesterday)\b")


def _visual_aura(parsed: FlatText, findings: Findings) -> None:
    known = bool(findings.history & {"known_migraine", "same_as_usual"})
    for m in parsed.matches:
        if m.entity != "symptom" or m.cid not in _VISION_LOSS_SIGNS:
            continue
        sentence = parsed.sentence_of(m.start, m.end)
        if not _HEADACHE_FOLLOWS.search(sentence) or _NOVEL.search(sentence):
            continue
        if not (known or _RECURRING.search(sentence)):
            continue
        for bucket in (findings.symptoms, findings.to_confirm, findings.uncertain):
            if m.cid in bucket:
                bucket.discard(m.cid)
                bucket.add("aura_visual")


# Questions about whether the headaches are new: "never had anything like it" answers them.
_NEWNESS_QUESTIONS = frozenset({"headache_history", "attack_history", "aura_history"})


def _never_like_it_is_new(findings: Findings, parsed: FlatText) -> None:
    """To "is this new?", "never had anything like this" says first-ever, not worst-ever (the
    emergency screen asks about a worst-ever headache itself)."""
    worst = [m for m in parsed.matches if m.cid == "worst_ever"]
    if worst and all(parsed.words[m.start] == "never" for m in worst):
        findings.symptoms.discard("worst_ever")
        findings.uncertain.discard("worst_ever")
        findings.history.add("first_ever")


# A comparison that denies the superlative: "nowhere near the worst headache ever", "not even
# close to the worst", "far from the worst I've had" (said right before it).
_DEGREE_DENIAL = re.compile(
    r"\b(?:nowhere near|not (?:even |anywhere )?(?:near|close to)|far from|nothing like)"
    r"(?: as bad as)?(?: the| my| a| an)?(?: very)?$"
)


def _worst_denied_by_degree(findings: Findings, parsed: FlatText) -> None:
    """A worst-ever headache denied by a comparison is denied (not a hedge, not a yes)."""
    worst = [m for m in parsed.matches if m.cid == "worst_ever"]
    if not worst:
        return
    denied = [m for m in worst if _DEGREE_DENIAL.search(" ".join(parsed.words[max(0, m.start - 6):m.start]))]
    if denied and len(denied) == len(worst):
        for bucket in (findings.symptoms, findings.uncertain, findings.to_confirm):
            bucket.discard("worst_ever")
        findings.absent_symptoms.add("worst_ever")


def scan(text: str, answer_slot: Optional[str] = None) -> Findings:
    """Everything ``text`` states, negation- and hedge-aware. Never raises on odd input.

    ``answer_slot``: the question the text answers, so its time words are read in that context.
    A message is read several times per turn (the NLU, the safety verdict, the dialogue): the
    readings of the last few messages are kept (a reading depends on the text, the question and
    today's date) and each caller gets its own copy."""
    if not text or not text.strip():
        return Findings()
    return Findings.from_dict(_reading(text, answer_slot, _dt.date.today()))


# How many recent readings are kept: enough for one turn's repeated reads of its message (and
# for replies many users send alike, such as a button's), too few to remember whole
# conversations (a benchmark that replays the same consultations must not read them from memory).
READINGS_KEPT = 16


@functools.lru_cache(maxsize=READINGS_KEPT)
def _reading(text: str, answer_slot: Optional[str], today: _dt.date) -> Dict[str, object]:
    return analyse(text, answer_slot)[0].to_dict()


# Words that say nothing on their own: function words, "feel"/"get", how often, the headache itself.
_PLAIN_MESSAGE_WORDS = frozenset(
    """i im ive id me my mine myself we us our you it its itll thats this that these those they them
    their there theres here the a an and or but also too as plus with without when whenever while
    during after before if then so because since of in on at to for from by up out over about around
    into onto like just only really very quite pretty bit little lot lots much more most some any all
    both either sometimes usually often always mostly mainly generally normally typically often
    occasionally again still already now currently lately recently am is are was were be been being
    do does did have has had having get gets got getting gotten feel feels felt feeling can could will
    would may might make makes made bother bothers bothering bothered hurt hurts hurting yes yeah yep
    ok okay oh um uh er erm well hmm no not dont doesnt didnt never nor headache headaches migraine
    migraines pain pains attack attacks episode episodes head one ones time times day days daily week
    weeks weekly month months monthly hour hours minute minutes mins year years every each per a
    usual normal typical worse none nothing nope nah neither thing things fine comes came come coming
    starts started start first few ago new""".split()
)


# A limb or the face named in the message is never explained away (the sites of a focal deficit).
_DEFICIT_SITES = frozenset({("body_part", "arm"), ("body_part", "leg"), ("body_part", "face")})


def unexplained_words(text: str) -> List[str]:
    """The words of ``text`` that no lexicon phrase or rule reads and that are not plain words.

    Empty when the deterministic reading accounts for the whole message ("i feel sick and light
    bothers me"); "help", "dying", "scared" or any wording the lexicon lacks stay unexplained.
    """
    if not text or not text.strip():
        return []
    _, parsed = analyse(text)
    covered = {j for m in parsed.matches if (m.entity, m.cid) not in _DEFICIT_SITES for j in range(m.start, m.end)}
    return [
        w for j, w in enumerate(parsed.words)
        if j not in covered and any(c.isalpha() for c in w) and w not in _PLAIN_MESSAGE_WORDS
    ]


def _clauses(text: str) -> List[str]:
    return [c.strip() for c in _AGG_SPLIT.split(text) if c and c.strip()]


def _compound_matches(parsed: "FlatText") -> List[Match]:
    """ "light and sound sensitivity" names two symptoms with one phrase."""
    out: List[Match] = []
    for pattern, entity, ids in COMPOUND_SYMPTOMS:
        for found in pattern.finditer(parsed.flat):
            start, end = parsed.word_span(found.start(), found.end())
            out.extend(Match(entity, cid, start, end) for cid in ids)
    return out
