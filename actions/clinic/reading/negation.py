"""Negation and hedge scope for clinical phrases (NegEx / ConText style, pure Python).

Given a tokenised message and the token spans of matched phrases ("fever", "stiff neck"), decide
which spans are denied ("no fever or stiff neck") and which are hedged ("maybe some weakness").
Cue words come from the ``negation`` and ``hedges`` sections of ``data/kb/lexicon.yml``.

Scope rules:
- a *pre* cue ("no", "haven't had", "without") covers the following words up to a terminator
  ("but", "apart from", "and i"), a punctuation mark or ``MAX_WINDOW`` words;
- a comma ends the scope unless the rest of the clause is a short "or"-list
  ("no fever, stiff neck or rash" denies all three);
- subject terminators ("i have", "i'm") end a scope only after it has covered a phrase, so
  "no fever i have a stiff neck" denies only the fever but "i don't think i have a fever" denies it;
- a *post* cue ("fever: none", "nausea has gone", "stiff neck? not that i know of") covers the
  phrases just before it when it closes the clause;
- a *pseudo* cue ("not sure", "no idea") looks like a negation but is not one; it stops a scope.
Cue words inside a matched phrase are ignored ("never had a headache like this" is a phrase).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple


from .clauses import CLAUSE_PUNCTUATION, RAW_SENTENCE_BREAK
from .lexicon import cue_words
from .tokens import Span, Token, normalize_word, phrase_words, tokenize


MAX_WINDOW = 8  # words a pre cue reaches forward
_EMBEDDING = frozenset({"where", "what", "who", "how", "when", "whether", "which"})
POST_WINDOW = 4  # words a post cue reaches back (phrase words not counted)
LIST_MAX_WORDS = 12  # longest "or"-list a comma may continue

HARD_PUNCT = frozenset(CLAUSE_PUNCTUATION) - {","}  # a comma may continue an "or"-list (below)
PUNCT = HARD_PUNCT | {","}
# punctuation a post cue may reach back over when it directly follows it: "fever? no", "fever, none"
POST_BRIDGE = frozenset({"?", ":", ",", "-", "–", "—"})
SUBJECT_WORDS = frozenset({"i", "im", "ive", "id", "she", "he", "they", "we", "but", "it", "its"})
# terminators starting with these end a scope only once it has covered a phrase
_FIRST_PERSON = frozenset({"i", "im", "ive", "id"})
# hedges that may follow the phrase they qualify: "fever maybe", "weakness? not sure"
POST_HEDGES = (
    "maybe", "possibly", "perhaps", "probably", "not sure", "unsure", "i think", "i guess",
    "i suppose", "not certain", "or not", "i dunno",
)

# --- cue tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CueTable:
    """Cue phrases indexed by first word; each entry is (words, kinds), longest first."""

    index: Dict[str, Tuple[Tuple[Tuple[str, ...], FrozenSet[str]], ...]]

    def match(self, words: Sequence[str], i: int, blocked: Set[int]) -> Tuple[int, FrozenSet[str]]:
        """Longest cue starting at word ``i`` that avoids ``blocked`` words: (end, kinds)."""
        entries = self.index.get(words[i])
        if not entries:
            return i, frozenset()
        n = len(words)
        for cue, kinds in entries:
            end = i + len(cue)
            if end <= n and (end == i + 1 or tuple(words[i:end]) == cue):
                if not any(j in blocked for j in range(i, end)):
                    return end, kinds
        return i, frozenset()


def _build_table(groups: Dict[str, Iterable[str]]) -> CueTable:
    kinds: Dict[Tuple[str, ...], Set[str]] = {}
    for kind, phrases in groups.items():
        for phrase in phrases:
            words = phrase_words(str(phrase))
            if words:
                kinds.setdefault(words, set()).add(kind)
    index: Dict[str, list] = {}
    for words, kind_set in kinds.items():
        index.setdefault(words[0], []).append((words, frozenset(kind_set)))
    return CueTable({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()})


def _split_terminators(terms: List[str]) -> Tuple[List[str], List[str]]:
    subject = [t for t in terms if phrase_words(t) and phrase_words(t)[0] in _FIRST_PERSON]
    return [t for t in terms if t not in subject], subject


@lru_cache(maxsize=1)
def negation_table() -> CueTable:
    cues = cue_words()
    terms, subject = _split_terminators(cues["terminators"])
    return _build_table(
        {
            "pre": cues["pre"] + cues["hedge_no"],
            "post": cues["post"] + cues["hedge_no"],
            "term": terms,
            "subj": subject,
            "pseudo": cues["hedge_yes"] + cues["hedge_unknown"],
        }
    )


@lru_cache(maxsize=1)
def hedge_table() -> CueTable:
    cues = cue_words()
    terms, subject = _split_terminators(cues["terminators"])
    return _build_table(
        {
            "pre": cues["hedge_yes"] + cues["hedge_unknown"],
            "post": list(POST_HEDGES) + cues["hedge_unknown"],
            "term": terms,
            "subj": subject,
            "pseudo": cues["hedge_no"],
        }
    )


# --- scope --------------------------------------------------------------------------------------


@dataclass
class _Cue:
    start: int
    end: int
    kinds: FrozenSet[str]


def _find_cues(words: Sequence[str], covered: Set[int], table: CueTable) -> Dict[int, _Cue]:
    cues: Dict[int, _Cue] = {}
    i = 0
    while i < len(words):
        if i in covered or words[i] in PUNCT:
            i += 1
            continue
        end, kinds = table.match(words, i, covered)
        if kinds:
            cues[i] = _Cue(i, end, kinds)
            i = end
        else:
            i += 1
    return cues


def _comma_continues(words: Sequence[str], j: int, cues: Dict[int, _Cue]) -> bool:
    """After a comma inside a scope: is the rest of the clause a short "or"-list?"""
    segment: List[str] = []
    k = j + 1
    while k < len(words) and words[k] not in HARD_PUNCT:
        cue = cues.get(k)
        if cue and cue.kinds & {"term", "subj", "pre", "pseudo"}:
            break
        segment.append(words[k])
        k += 1
    return (
        bool({"or", "nor"} & set(segment))
        and len(segment) <= LIST_MAX_WORDS
        and not SUBJECT_WORDS & set(segment)
    )


# "nobody's said I'm confused", "no one has noticed she was slurring": nobody reports the sign, so
# the denial reaches through the report to what would have been said
_NOBODY = frozenset({"nobody", "nobodys", "noone", "noones"})
_REPORT_WORDS = frozenset({"has", "have", "s", "ever", "said", "says", "thinks", "thought", "noticed", "mentioned",
                           "told", "me", "that", "reckons", "seen", "saw"})
_REPORTED_SUBJECTS = frozenset({"i", "im", "ive", "id", "he", "hes", "she", "shes", "they", "theyre", "m", "am", "was", "is"})


def _past_the_report(words, cue: _Cue) -> int:
    """Where the reported words start after a "nobody said" cue (else the cue's end)."""
    said = " ".join(words[cue.start:cue.end])
    if not (words[cue.end - 1] in _NOBODY or said in ("no one", "no ones")):
        return cue.end
    j = cue.end
    while j < len(words) and j - cue.end < 4 and words[j] in _REPORT_WORDS:
        j += 1
    if j == cue.end:
        return cue.end
    while j < len(words) and j - cue.end < 7 and words[j] in _REPORTED_SUBJECTS:
        j += 1
    return j


def _scope_forward(words, cue: _Cue, cues, starts: Dict[int, List[int]], spans, hits: Set[int]):
    budget, seen_span, j = MAX_WINDOW, False, _past_the_report(words, cue)
    reported = j != cue.end  # "nobody said I talk oddly or I am confused": one report, several subjects
    while j < len(words) and budget > 0:
        word = words[j]
        if word in ("(", ")"):
            j += 1  # a gloss in brackets belongs to the word before: "no enjoo (nausea)"
            continue
        if word in PUNCT:
            if word == "," and _comma_continues(words, j, cues):
                budget, j = MAX_WINDOW, j + 1
                continue
            return
        other = cues.get(j)
        # "never been muddled about where I am or passed out": "I am" inside a clause that a wh-word
        # opens is no new subject, and the denial goes on past it
        if other and j > 0 and words[j - 1] in _EMBEDDING and "pre" not in other.kinds:
            other = None
        if other and j not in starts:
            if "term" in other.kinds or "pre" in other.kinds or "pseudo" in other.kinds:
                return
            if "subj" in other.kinds and seen_span and not reported:
                return
        if j in starts:
            end = max(spans[index][1] for index in starts[j])
            for k in range(j, end):  # nested/overlapping spans inside the one covered
                hits.update(starts.get(k, ()))
            seen_span = True
            j = end
            budget -= 1
            continue
        budget -= 1
        j += 1


def _closes_clause(words: Sequence[str], cue: _Cue, cues: Dict[int, _Cue]) -> bool:
    if cue.end >= len(words) or words[cue.end] in PUNCT:
        return True
    nxt = cues.get(cue.end)
    return bool(nxt and nxt.kinds & {"term", "subj", "post"})


# a post cue does not reach back over a contrast: what comes before "but" is another clause
_CONTRAST = frozenset({"but", "however", "although", "though", "whereas", "yet"})
_BACK_REFERENCE = frozenset({"it", "its", "that", "thats", "they", "theyre", "this", "now", "all", "which"})


# "weakness, speaking, seeing, all no", "fever, stiff neck, rash - no", "Weakness or numbness: no":
# a post cue after "all" / "both", or set off by a colon or a dash, answers the whole list before
# it, item by item back across its commas, "and"s and "or"s, as long as each item is a bare
# phrase (no verb: "my arm went weak, fever - no" keeps the arm)
_LIST_CLOSERS = frozenset({"all", "both"})
_LIST_BRIDGES = frozenset({":", "-", "–", "—"})
_LIST_JOINS = frozenset({",", "and", "or", "&", "/"})
_LIST_ITEM_WORDS = 4
_PREDICATES = frozenset(
    "is are was were am be been being went gone go goes get got gets getting has have had feel feels felt "
    "feeling seem seems seemed looks looked came come comes started starts keep keeps kept".split()
)


def _close_list(words, cue: _Cue, spans, hits: Set[int]) -> bool:
    """Mark every bare item of a list the cue closes; False when it closes no list of bare items
    (the cue's ordinary scope then applies)."""
    i = cue.start
    quantified = i > 0 and words[i - 1] in _LIST_CLOSERS
    if quantified:
        i -= 1
    bridged = i > 0 and words[i - 1] in _LIST_BRIDGES
    if not (quantified or bridged):
        return False
    if i > 0 and words[i - 1] in POST_BRIDGE:
        i -= 1
    end = region = i
    while i > 0:
        start = i
        while start > 0 and words[start - 1] not in _LIST_JOINS and words[start - 1] not in HARD_PUNCT:
            start -= 1
        segment = words[start:i]
        if not segment or len(segment) > _LIST_ITEM_WORDS or set(segment) & _PREDICATES:
            break
        region = start  # (an item the reader does not name is passed over: "talking, eyesight")
        if start == 0 or words[start - 1] in HARD_PUNCT:
            break
        i = start - 1
    inside = [k for k, (a, b) in enumerate(spans) if a >= region and b <= end]
    hits.update(inside)
    return bool(inside)


def _answers_a_list(words, cue: _Cue) -> bool:
    """A denial set off by a colon or a dash that ends its clause: the answer to what comes before."""
    i = cue.start - 1 if cue.start > 0 and words[cue.start - 1] in _LIST_CLOSERS else cue.start
    closes = i > 0 and (words[i - 1] in _LIST_BRIDGES or i < cue.start)
    return closes and (cue.end >= len(words) or words[cue.end] in PUNCT)


def _scope_backward(words, cue: _Cue, ends: Dict[int, List[int]], spans, hits: Set[int]):
    if _close_list(words, cue, spans, hits):
        return
    budget, j = POST_WINDOW, cue.start
    if j > 0 and words[j - 1] in POST_BRIDGE:
        j -= 1
    while j > 0 and budget > 0:
        if j in ends:
            start = min(spans[index][0] for index in ends[j])
            for k in range(start + 1, j + 1):  # nested/overlapping spans inside the one covered
                hits.update(ends.get(k, ()))
            j = start
            continue
        if words[j - 1] in PUNCT:
            return
        if words[j - 1] in _CONTRAST and words[j] not in _BACK_REFERENCE:
            return  # "eye waters but my sight is fine": the "fine" is the sight's ("but it's fine" is not)
        budget -= 1
        j -= 1


def scope_indices(words: Sequence[str], spans: Sequence[Span], table: CueTable) -> Set[int]:
    """Indices of ``spans`` (word spans over normalised ``words``) inside a cue's scope."""
    covered = {j for start, end in spans for j in range(start, end)}
    cues = _find_cues(words, covered, table)
    starts: Dict[int, List[int]] = {}
    ends: Dict[int, List[int]] = {}
    for index, (start, end) in enumerate(spans):
        starts.setdefault(start, []).append(index)
        ends.setdefault(end, []).append(index)
    hits: Set[int] = set()
    for cue in cues.values():
        if "pre" in cue.kinds and "pseudo" not in cue.kinds:
            _scope_forward(words, cue, cues, starts, spans, hits)
        if "post" in cue.kinds and _closes_clause(words, cue, cues):
            _scope_backward(words, cue, ends, spans, hits)
        elif "pre" in cue.kinds and _answers_a_list(words, cue):
            _close_list(words, cue, spans, hits)  # "Fainting: never.", "fits - none"
    return hits


# --- public API ---------------------------------------------------------------------------------


def _merge_clitics(tokens: Sequence[str]) -> Tuple[List[str], List[int]]:
    """Join spaCy-style clitics ("do" + "n't", "i" + "'m") so cues match either tokenisation."""
    words: List[str] = []
    word_of_token: List[int] = []
    for token in tokens:
        raw = token.strip()
        is_clitic = bool(words and raw) and (raw[0] in "'’" or raw.lower() in {"n't", "n’t"})
        norm = normalize_word(raw) if raw else "\n"
        if is_clitic and words:
            words[-1] += norm
        else:
            words.append(norm)
        word_of_token.append(len(words) - 1)
    return words, word_of_token


def _token_scope(tokens: Sequence[str], spans: Sequence[Span], table: CueTable) -> Set[int]:
    words, word_of = _merge_clitics(tokens)
    word_spans = [
        (word_of[start], word_of[end - 1] + 1) if start < end <= len(tokens) else (0, 0)
        for start, end in spans
    ]
    valid = [i for i, (s, e) in enumerate(word_spans) if e > s]
    hits = scope_indices(words, [word_spans[i] for i in valid], table)
    return {valid[i] for i in hits}


def negated_indices(tokens: List[str], spans: List[Tuple[int, int]]) -> Set[int]:
    """Indices into ``spans`` (token index spans, end exclusive) that are negated."""
    return _token_scope(tokens, spans, negation_table())


def hedged_indices(tokens: List[str], spans: List[Tuple[int, int]]) -> Set[int]:
    """Indices into ``spans`` that are hedged ("maybe", "not sure if") rather than asserted."""
    return _token_scope(tokens, spans, hedge_table())


def char_to_word_spans(tokens: Sequence[Token], spans: Sequence[Span]) -> List[Span]:
    """Map character spans onto word spans of ``tokenize`` output; (0, 0) when nothing overlaps."""
    out: List[Span] = []
    for start, end in spans:
        inside = [i for i, (_, s, e) in enumerate(tokens) if s < end and e > start]
        out.append((inside[0], inside[-1] + 1) if inside else (0, 0))
    return out


def _char_scope(text: str, spans: Sequence[Span], table: CueTable) -> Set[int]:
    tokens = tokenize(text)
    word_spans = char_to_word_spans(tokens, spans)
    valid = [i for i, (s, e) in enumerate(word_spans) if e > s]
    hits = scope_indices([w for w, _, _ in tokens], [word_spans[i] for i in valid], table)
    return {valid[i] for i in hits}


def negated_char_spans(text: str, spans: List[Tuple[int, int]]) -> Set[int]:
    """Indices into ``spans`` (character offsets into ``text``, end exclusive) that are negated."""
    return _char_scope(text, spans, negation_table())


def hedged_char_spans(text: str, spans: List[Tuple[int, int]]) -> Set[int]:
    """Indices into ``spans`` (character offsets) that are hedged."""
    return _char_scope(text, spans, hedge_table())


# --- negation over character spans (the NLU's mentions in the raw text) -------------------------
# The rules above decide which spans a cue covers; the NLU's mentions also need three readings of
# the span's own surroundings: a denial that covers a whole "or"-list, a denial inside the mention
# ("scalp isn't tender"), and a denied predicate whose scope ends at the next clause.

_LIST_GAP = re.compile(
    r"^(?:\s*(?:,|/|&|\bor\b|\bnor\b|\band\b|\bno\b|\bany\b|\bnot\b|\bthe\b|\ba\b|\ban\b|\beven\b|\beither\b))*\s*$",
    re.I,
)


def extend_negation(text: str, spans: Sequence[Tuple[int, int]], flags: List[bool]) -> List[bool]:
    """A denial covers the whole "or"-list it starts, even when another clause follows
    ("no numbness, weakness or speech problems, it's just my migraine")."""
    flags = list(flags)
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    chain: List[int] = []
    gaps: List[str] = []

    def close() -> None:
        if len(chain) > 1 and any(re.search(r"\b(?:or|nor)\b", g, re.I) for g in gaps):
            first = next((k for k, i in enumerate(chain) if flags[i]), None)
            if first is not None:
                for i in chain[first:]:
                    flags[i] = True

    for i in order:
        if chain:
            gap = text[spans[chain[-1]][1] : spans[i][0]]
            if _LIST_GAP.match(gap):
                chain.append(i)
                gaps.append(gap)
                continue
            close()
        chain, gaps = [i], []
    close()
    return flags


# A denial inside a mention, between the thing and its state: "my arm is not weak", "face isnt
# drooping", "scalp isn't tender", "neck's not stiff". One list of the words that deny this way,
# read by the red-flag wording rules (the gap between a body part and a sign, ``wording``) and by
# the NLU's mention spans (``denied_inside``).
INSIDE_NEGATORS: FrozenSet[str] = frozenset(
    {"no", "not", "isnt", "arent", "wasnt", "werent", "doesnt", "dont", "didnt", "never", "nothing",
     "without", "nor", "neither", "hasnt", "havent", "fine", "normal", "ok", "okay", "nobody", "noone"}
)


def denies_between(words: Iterable[str]) -> bool:
    """Do the words between a thing and its state deny it ("is not", "isnt", "feels fine")?"""
    return not INSIDE_NEGATORS.isdisjoint(words)


# A mention read as denied from inside only when its last word names the symptom state itself
# (SYMPTOM_STATES); "isn't making sense", "isn't clear", "isn't right", "isn't responding"
# describe a red flag with a negative, and "can't bend my neck" states an inability.
SYMPTOM_STATES = frozenset(
    {"tender", "stiff", "swollen", "sore", "numb", "weak", "blurry", "blurred", "dizzy", "painful",
     "red", "runny", "blocked", "puffy", "droopy", "drooping", "slurred", "confused", "sick",
     "nauseous", "queasy", "sensitive", "hot", "feverish", "tingly", "watery", "watering", "foggy",
     "fuzzy", "tight", "raised", "high", "bruised", "throbbing", "pounding", "aching"}
)


def denied_inside(text: str, spans: Sequence[Tuple[int, int]], flags: List[bool]) -> List[bool]:
    """A mention that ends in a symptom state denied from inside ("scalp isn't tender") is negated."""
    out = []
    for flag, (a, b) in zip(flags, spans):
        if flag:
            out.append(True)
            continue
        words = [word for word, _, _ in tokenize(text[a:b])]
        clause = words[max((i for i, w in enumerate(words) if w in CLAUSE_PUNCTUATION), default=-1) + 1 :]
        out.append(len(clause) > 1 and clause[-1] in SYMPTOM_STATES and denies_between(clause[:-1]))
    return out


# "paracetamol doesn't help and ibuprofen barely touches it": the "doesn't" denies "help", and
# the scope ends at the "and" that starts the next clause.
_DENIED_PREDICATE_AND = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not|won'?t|isn'?t|wasn'?t|never|not)\s+"
    r"(?:really\s+|even\s+|seem to\s+|always\s+|actually\s+)?"
    r"(?:help|helps|helped|work|works|worked|matter|touch|shift|last|stop|go away|bother me|change|improve|"
    r"ease|affect|make (?:a|any|much) difference|do (?:anything|much|a thing))\b[^,.;!?]*?\b(?:and|but|so)\b",
    re.I,
)


def restrict_negation(
    text: str, spans: Sequence[Tuple[int, int]], flags: List[bool], types: Sequence[str] = ()
) -> List[bool]:
    """Mentions after "<cue> <verb> ... and" are negated only by cues in their own clause; "is ok"
    after a medicine asks whether it is safe ("how much paracetamol is ok"), it denies nothing."""
    flags = list(flags)
    for i, (a, b) in enumerate(spans):
        if flags[i] and re.match(r"(?i)\s+(?:is|are)\s+(?:ok|okay|fine|safe|alright)\b", text[b : b + 20]) and not re.search(
            r"(?i)\b(?:no|not|never|without|don'?t|didn'?t|haven'?t)\b[^,.;!?]*$", text[max(0, a - 40) : a]
        ) and i < len(types) and types[i] in ("medication", "trigger"):
            flags[i] = False
    for m in _DENIED_PREDICATE_AND.finditer(text):
        cut = m.end()
        end = RAW_SENTENCE_BREAK.search(text, cut)
        stop = end.start() if end else len(text)
        later = [i for i, (a, b) in enumerate(spans) if cut <= a and b <= stop and flags[i]]
        if not later:
            continue
        rest = text[cut:]
        again = negated_char_spans(rest, [(spans[i][0] - cut, spans[i][1] - cut) for i in later])
        for k, i in enumerate(later):
            flags[i] = k in again
    return flags


def mention_negation(
    text: str, spans: List[Tuple[int, int]], types: Sequence[str] = (), context_rules: bool = True
) -> List[bool]:
    """One flag per character span of ``text``: is the mention denied? With ``context_rules``,
    the "or"-list, inside-the-mention and denied-predicate readings apply too."""
    negated = negated_char_spans(text, spans) if spans else set()
    flags = [i in negated for i in range(len(spans))]
    if context_rules:
        flags = restrict_negation(text, spans, flags, types)
        flags = extend_negation(text, spans, flags)
        flags = denied_inside(text, spans, flags)
    return flags
