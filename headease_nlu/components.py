"""HeadacheEntityExtractor: lexicon entities, regex quantities and learned entities merged.

Runs after DIETClassifier (which, in config.yml, classifies intents only; any learned entity
extractor placed before this component is merged the same way). For every message it
1. takes the entity_ruler mentions from the spaCy doc SpacyNLP made (canonical id = ruler
   ent_id_), plus typo-tolerant matches for words no dictionary knows ("nausia" -> nausea);
2. decides origin vs body part for words that can be either ("neck", "jaw", "shoulders") from
   the wording around them (`resolve_origin`);
3. adds severity / duration / frequency mentions from the clinical reader (`actions.clinic.reading.numbers`);
4. merges with the entities already on the message (DIET's): where spans overlap the
   deterministic mention wins, except that a lexicon hit inside a longer learned mention of a
   more important type (a body part inside "can't lift my left arm") does not erase it, so a
   learned component can add a red-flag symptom but the rules never delete one;
5. gives DIET-only mentions a canonical value from the lexicon when the wording is known;
6. marks negated mentions with role "negated" using the deterministic negation rules in
   `actions.clinic.reading.negation` (a learned role is never trusted to switch a symptom off).

All entities leave with extractor "HeadacheEntityExtractor" (so `rasa test` scores what the bot
actually sees) and a `source` of "lexicon", "pattern" or the learned extractor's name.
The final list has no two entities on overlapping spans.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Sequence, Set, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE, SPACY_DOCS
from rasa.shared.nlu.constants import INTENT_RANKING_KEY
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.clinic.inputcheck import is_deletion_request, worries_about_emergency
from actions.clinic.verdict import RED_FLAG_KEY, emergency_flags
from actions.clinic.reading.negation import mention_negation
from headease_nlu import context_rules, intent_rules, scan_bridge
from headease_nlu.lexicon import DETERMINERS, ENTITY_PRIORITY, key_from_words
from actions.clinic.reading.numbers import find_quantities, severity_score

logger = logging.getLogger(__name__)

NEGATED = "negated"
EMERGENCY = "emergency"
DELETE_INTENT = "delete_my_data"
FALLBACK_INTENT = "nlu_fallback"
QUANTITY_ENTITIES = ("severity", "duration", "frequency")
# Most important first; decides which of two nested mentions survives (see module docstring).
TYPE_PRIORITY = ENTITY_PRIORITY[:2] + QUANTITY_ENTITIES + ENTITY_PRIORITY[2:]
_CONFIDENCE_ROLE = "confidence_role"
_MIN_FUZZY_LEN = 5
# "neck", "shoulders", "jaw" are both a headache origin and a body part. Origin means "where the
# headache starts", so it needs wording that says so around the mention ("it starts in my neck",
# "comes up from my jaw", "neck ... up into my head"); without it the word is a body part
# ("massage my neck", "my shoulders are tight"). A DIET label still overrides either reading.
_ORIGIN_CUE_BEFORE = re.compile(
    r"\b(from|start(s|ed|ing)?|begin(s|ning)?|began|com(e|es|ing)|came|spread(s|ing)?|radiat\w*|"
    r"travel\w*|originat\w*|caused by|due to|because of|kicks? off|linked to|related to)\b"
    r"[\w' ]{0,25}$"
)
_ORIGIN_CUE_AFTER = re.compile(
    r"^[\w' ]{0,20}\b(up|into|to|over) (my|the) (head|skull|forehead|temples?|eyes?)\b"
    r"|^[\w' ]{0,20}\b(spreads?|radiates?|travels?|moves?|goes|works? its way|creeps?) (up|into|over|to)\b"
    r"|^[\w' ]{0,25}\bfirst\b"
)
_CLAUSE_BREAK = re.compile(r"[.,;!?]|\b(and then|but|and)\b")
# Everyday words one letter away from a lexicon word that the lemma table does not know.
_NOT_TYPOS = frozenset({"alive", "aliens", "advice", "advise", "seizes", "tender", "temper", "tempt"})


def _rank(entity_type: Text) -> int:
    return TYPE_PRIORITY.index(entity_type) if entity_type in TYPE_PRIORITY else len(TYPE_PRIORITY)


def _overlaps(a: Dict[Text, Any], b: Dict[Text, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _contains(outer: Dict[Text, Any], inner: Dict[Text, Any]) -> bool:
    return (
        outer["start"] <= inner["start"]
        and inner["end"] <= outer["end"]
        and (outer["end"] - outer["start"]) > (inner["end"] - inner["start"])
    )


def origin_context(text: Text, start: int, end: int, after: bool = True) -> bool:
    """Does the wording around text[start:end] say the headache starts there?"""
    before = text[max(0, start - 40) : start].lower()
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    after_text = text[end : end + 40].lower()
    cut = re.search(r"[.;!?]", after_text)
    if cut:
        after_text = after_text[: cut.start()]
    return bool(_ORIGIN_CUE_BEFORE.search(before) or (after and _ORIGIN_CUE_AFTER.search(after_text)))


def resolve_origin(mentions: List[Dict[Text, Any]], text: Text) -> List[Dict[Text, Any]]:
    """Origin vs body part for lexicon mentions that can be either (see _ORIGIN_CUE_*).

    "my head" / "in my head" is the origin `head` only where the wording says the pain starts
    there ("it starts in my head itself"); in "my head hurts" it is no entity at all.
    """
    out = []
    for m in mentions:
        kinds = {c[0] for c in m.get("candidates", [])}
        if (
            m[ENTITY_ATTRIBUTE_TYPE] == "origin"
            and m[ENTITY_ATTRIBUTE_VALUE] == "head"
            and kinds == {"origin"}
            and not origin_context(text, m["start"], m["end"], after=False)
        ):
            continue  # "my head" is where it starts only when said before it ("starts in my head")
        out.append(m)
        if not {"origin", "body_part"} <= kinds:
            continue
        wanted = "origin" if origin_context(text, m["start"], m["end"]) else "body_part"
        if m[ENTITY_ATTRIBUTE_TYPE] != wanted:
            for cand in m["candidates"]:
                if cand[0] == wanted:
                    m[ENTITY_ATTRIBUTE_TYPE], m[ENTITY_ATTRIBUTE_VALUE] = cand
                    break
    return out


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one insertion, deletion, substitution or swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_CORRECTIONS_KEPT = 4096


class _LexiconIndex:
    """What the component needs from the spaCy model: phrase index, vocabularies."""

    def __init__(self, nlp: Any) -> None:
        meta = nlp.meta.get("headease") or {}
        self.nlp = nlp
        self._corrections: Dict[str, Optional[str]] = {}  # word -> its correction (see `correction`)
        self.phrases: Dict[str, List[Tuple[str, str]]] = {
            k: [tuple(c) for c in v] for k, v in (meta.get("phrase_index") or {}).items()
        }
        self.lexicon_words: Set[str] = {
            w for key in self.phrases for w in key.split() if w.isalpha() and len(w) >= _MIN_FUZZY_LEN
        }
        self.english: Set[str] = set()
        if "lemmatizer" in nlp.pipe_names:
            table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {})
            self.english = {str(v) for v in table.values()}
            self._table = table
        else:
            self._table = {}
        if not self.phrases:
            logger.warning(
                "spaCy model has no HeadEase phrase index: build it with "
                "`python -m headease_nlu.build_spacy_model`"
            )

    def is_known_word(self, word: str) -> bool:
        return word in self.lexicon_words or word in self.english or word in self._table

    def correction(self, word: str) -> Optional[str]:
        """The lexicon word within one edit of an unknown word, when that reading is unambiguous.

        Several hits are fine when they mean the same ("nausous": "nauseous", "nausious"). The
        search compares the word with every lexicon word, so the answers for the last words
        looked up are kept (words recur from message to message; at most `_CORRECTIONS_KEPT`).
        """
        if len(word) < _MIN_FUZZY_LEN or not word.isalpha() or self.is_known_word(word) or word in _NOT_TYPOS:
            return None
        kept = self._corrections
        if word not in kept:
            if len(kept) >= _CORRECTIONS_KEPT:
                kept.clear()
            kept[word] = self._search_correction(word)
        return kept[word]

    def _search_correction(self, word: str) -> Optional[str]:
        hits = sorted(
            w for w in self.lexicon_words if abs(len(w) - len(word)) <= 1 and within_one_edit(word, w)
        )
        if len(hits) > 1:
            meanings = {tuple(self.phrases.get(w, ())) for w in hits}
            if len(meanings) != 1 or meanings == {()}:
                return None
        return hits[0] if hits else None

    def candidates(self, words: Sequence[str], lemmas: Sequence[str]) -> List[Tuple[str, str]]:
        for key in (key_from_words(words), key_from_words(lemmas)):
            if key in self.phrases:
                return list(self.phrases[key])
        return []


def intent_confidence(message: Message) -> float:
    return float((message.get(INTENT) or {}).get("confidence") or 0.0)


def set_rule_intent(message: Message, name: Text) -> Text:
    """A rule's intent on top of the ranking (``intent_rules.relabel``: the classifier's guesses stay
    below at half confidence, so the FallbackClassifier does not call the decision ambiguous)."""
    parse = intent_rules.relabel({"intent_ranking": message.get(INTENT_RANKING_KEY)}, name)
    message.set(INTENT, parse["intent"], add_to_output=True)
    message.set(INTENT_RANKING_KEY, parse["intent_ranking"], add_to_output=True)
    return name


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
    model_from="SpacyNLP",
)
class HeadacheEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Deterministic lexicon/regex entities merged with DIET's; negation roles applied."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # correct one-letter typos of lexicon words that no dictionary knows
            "fuzzy": True,
            # add severity / duration / frequency from the regex grammars
            "quantities": True,
            # add the safety scan's symptom/onset matches and red-flag rules (scan_bridge.py)
            "scan": True,
            # apply the annotation convention's context rules (context_rules.py) and the span negation rules
            "conventions": True,
            # a stated emergency-level red flag makes the intent `emergency` (intent_rules.py)
            "emergency_intent": True,
            # a yes/no/don't-know answer that names a finding is an `inform` (intent_rules.py)
            "answers_with_content": True,
            # a `delete_my_data` guess without deletion wording is not acted on (fallback instead)
            "deletion_guard": True,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self._index: Optional[_LexiconIndex] = None
        self._index_for: Optional[int] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "HeadacheEntityExtractor":
        return cls(config)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    def _lexicon(self, nlp: Any) -> _LexiconIndex:
        if self._index is None or self._index_for != id(nlp):
            self._index, self._index_for = _LexiconIndex(nlp), id(nlp)
        return self._index

    # --- extraction -------------------------------------------------------------------------
    def _doc(self, message: Message, nlp: Any) -> Any:
        """SpacyNLP's doc when its offsets match the raw text, else a fresh (lowercased) one."""
        text = message.get(TEXT)
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None or len(doc.text) != len(text) or doc.text.lower() != text.lower():
            lowered = text.lower()
            # offsets must index the raw text; a few characters change length when lowercased
            doc = nlp(lowered if len(lowered) == len(text) else text)
        return doc

    def _mention(self, index: _LexiconIndex, span: Any, offset_doc: Any = None) -> Optional[Dict]:
        tokens = list(span)
        while len(tokens) > 1 and tokens[0].lower_ in DETERMINERS:
            tokens = tokens[1:]  # "my neck" matches, but the mention is "neck"
        words = [t.lower_ for t in tokens]
        lemmas = [(t.lemma_ or t.lower_).lower() for t in tokens]
        cands = index.candidates(words, lemmas)
        own = (span.label_, span.ent_id_ or key_from_words(words))
        cands = [own] + [c for c in cands if c != own]
        src = offset_doc if offset_doc is not None else span.doc
        first, last = src[tokens[0].i], src[tokens[-1].i]
        return {
            ENTITY_ATTRIBUTE_TYPE: own[0],
            ENTITY_ATTRIBUTE_VALUE: own[1],
            ENTITY_ATTRIBUTE_START: first.idx,
            ENTITY_ATTRIBUTE_END: last.idx + len(last.text),
            "candidates": cands,
            "source": "lexicon",
        }

    def _lexicon_mentions(self, doc: Any, index: _LexiconIndex) -> List[Dict[Text, Any]]:
        mentions = [m for m in (self._mention(index, ent) for ent in doc.ents) if m]
        if not self._config["fuzzy"]:
            return mentions
        covered = {t.i for ent in doc.ents for t in ent}
        fixes = {}
        for tok in doc:
            if tok.i not in covered:
                fixed = index.correction(tok.lower_)
                if fixed:
                    fixes[tok.i] = fixed
        if not fixes:
            return mentions
        from spacy.tokens import Doc

        words = [fixes.get(t.i, t.lower_) for t in doc]
        fixed_doc = Doc(index.nlp.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
        for _, proc in index.nlp.pipeline:
            fixed_doc = proc(fixed_doc)
        for ent in fixed_doc.ents:
            if any(i in fixes for i in range(ent.start, ent.end)):
                m = self._mention(index, ent, offset_doc=doc)
                if m and not any(_overlaps(m, other) for other in mentions):
                    m["fuzzy"] = True
                    mentions.append(m)
        return mentions

    def _canonical(self, ent: Dict[Text, Any], doc: Any, index: _LexiconIndex) -> Any:
        """Lexicon id (or normalised quantity) for a learned mention; its text otherwise."""
        kind, start, end = ent[ENTITY_ATTRIBUTE_TYPE], ent["start"], ent["end"]
        if kind in QUANTITY_ENTITIES:
            span_text = doc.text[start:end]
            for q in find_quantities(span_text):
                if q["entity"] == kind:
                    return q["value"]
            if kind == "severity":  # a bare score DIET found from context ("kinda a five")
                score = severity_score(span_text)
                if score is not None:
                    return score
            return ent.get(ENTITY_ATTRIBUTE_VALUE)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return ent.get(ENTITY_ATTRIBUTE_VALUE)
        words = [t.lower_ for t in span]
        lemmas = [(t.lemma_ or t.lower_).lower() for t in span]
        for cands in (
            index.candidates(words, lemmas),
            index.candidates([index.correction(w) or w for w in words], lemmas),
        ):
            for entity_type, canonical in cands:
                if entity_type == kind:
                    return canonical
        return ent.get(ENTITY_ATTRIBUTE_VALUE)

    def _merge(
        self,
        rules: List[Dict[Text, Any]],
        quantities: List[Dict[Text, Any]],
        learned: List[Dict[Text, Any]],
    ) -> List[Dict[Text, Any]]:
        final: List[Dict[Text, Any]] = []
        dropped_learned: Set[int] = set()
        for det in rules + quantities:
            if any(_overlaps(det, kept) for kept in final):
                continue  # rules + quantities are non-overlapping among themselves but be safe
            overlapping = [(i, e) for i, e in enumerate(learned) if _overlaps(det, e)]
            # A DIET hint chooses between the lexicon's candidates for the same words.
            for _, e in overlapping:
                for cand in det.get("candidates", []):
                    if cand[0] == e[ENTITY_ATTRIBUTE_TYPE]:
                        det[ENTITY_ATTRIBUTE_TYPE], det[ENTITY_ATTRIBUTE_VALUE] = cand
                        det["_learned_type"] = True  # the context rules keep a learned choice
                        break
            keeps_learned = [
                (i, e)
                for i, e in overlapping
                if _contains(e, det) and _rank(e[ENTITY_ATTRIBUTE_TYPE]) < _rank(det[ENTITY_ATTRIBUTE_TYPE])
            ]
            if keeps_learned:
                continue  # the longer, more important learned mention stays (below)
            dropped_learned.update(i for i, _ in overlapping)
            final.append(det)
        for i, e in enumerate(learned):
            if i not in dropped_learned and not any(_overlaps(e, kept) for kept in final):
                final.append(e)
        return sorted(final, key=lambda e: (e["start"], e["end"]))

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Replace each message's entities with the merged, canonical, negation-aware list."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            index = self._lexicon(model.model)
            doc = self._doc(message, model.model)
            rules = self._lexicon_mentions(doc, index)
            rules = resolve_origin(rules, text)
            if self._config["scan"]:
                scanned, suppressed = scan_bridge.scan_mentions(text)
                rules = scan_bridge.add_scan_mentions(rules, scanned, suppressed, _rank, text)
            quantities = []
            if self._config["quantities"]:
                for q in find_quantities(text):
                    clash = [r for r in rules if _overlaps(q, r)]
                    # "every weekend" is how often, not the let-down trigger "weekend"
                    if clash and q["entity"] == "frequency" and all(
                        r[ENTITY_ATTRIBUTE_TYPE] == "trigger" and _contains(q, r) for r in clash
                    ):
                        rules = [r for r in rules if r not in clash]
                        clash = []
                    if not clash:
                        quantities.append({**q, "source": "pattern"})
            learned = []
            for e in message.get(ENTITIES, []) or []:
                e = dict(e)
                e["source"] = e.get(EXTRACTOR) or "unknown"
                e.pop(ENTITY_ATTRIBUTE_ROLE, None)
                e.pop(_CONFIDENCE_ROLE, None)
                e[ENTITY_ATTRIBUTE_VALUE] = self._canonical(e, doc, index)
                learned.append(e)
            merged = self._merge(rules, quantities, learned)
            intent = (message.get(INTENT) or {}).get("name")
            if self._config["conventions"]:
                merged = context_rules.apply(merged, text, intent, origin_context, gate=False)
            spans = [
                (e["start"], e["end"]) for e in merged if e[ENTITY_ATTRIBUTE_TYPE] not in QUANTITY_ENTITIES
            ]
            types = [e[ENTITY_ATTRIBUTE_TYPE] for e in merged if e[ENTITY_ATTRIBUTE_TYPE] not in QUANTITY_ENTITIES]
            flags = mention_negation(text, spans, types, context_rules=self._config["conventions"])
            flag_iter = iter(flags)
            out = []
            for e in merged:
                e.pop("candidates", None)
                e.pop("text", None)
                denied = e.pop("_denied", False)
                e.pop("_learned_type", None)
                e.setdefault(ENTITY_ATTRIBUTE_CONFIDENCE_TYPE, 1.0)
                if e[ENTITY_ATTRIBUTE_TYPE] not in QUANTITY_ENTITIES and (next(flag_iter) or denied):
                    e[ENTITY_ATTRIBUTE_ROLE] = NEGATED
                out.append(e)
            if self._config["emergency_intent"] and intent_rules.overridable(intent, text):
                # the clinical core's verdict on the message alone decides (one place for red flags)
                flags_found = emergency_flags(text, out)
                if flags_found:
                    intent = self._set_emergency(message, flags_found)
            if (
                self._config["emergency_intent"]
                and intent_rules.may_worry(intent, intent_confidence(message))
                and worries_about_emergency(text)
            ):
                # "is this an emergency?": no finding, so the dialogue asks the emergency screen
                intent = set_rule_intent(message, EMERGENCY)
            if self._config["answers_with_content"] and intent in intent_rules.BARE_ANSWERS and out:
                # "no fever", "yes, nausea": an answer that names something is an inform
                intent = set_rule_intent(message, intent_rules.INFORM)
            if self._config["answers_with_content"] and intent_rules.detail_answer(
                intent, intent_confidence(message), out, text
            ):
                intent = set_rule_intent(message, intent_rules.INFORM)
            if self._config["deletion_guard"] and intent == DELETE_INTENT and not is_deletion_request(text):
                # deleting cannot be undone: the bot asks what was meant (with "Delete my data"
                # among the choices) instead of acting on the classifier's guess
                intent = set_rule_intent(message, FALLBACK_INTENT)
            if self._config["conventions"]:
                # an unsure classifier does not get to remove entities
                gate_intent = intent if intent_confidence(message) >= intent_rules.GATE_CONFIDENCE else None
                out = context_rules.by_intent(out, text, gate_intent)
            message.set(ENTITIES, self.add_extractor_name(out), add_to_output=True)
        return messages

    @staticmethod
    def _set_emergency(message: Message, found: List[Text]) -> Text:
        """A stated red flag makes the message an emergency, whatever the classifier said."""
        previous = message.get(INTENT) or {}
        set_rule_intent(message, EMERGENCY)
        message.set(RED_FLAG_KEY, {"found": found, "classified_as": previous.get("name")}, add_to_output=True)
        return EMERGENCY
