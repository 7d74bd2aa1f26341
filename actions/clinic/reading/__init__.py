"""The one reader of the user's words (pure Python, no Rasa import).

Every place that reads what a user wrote goes through this package: the safety verdict and the
consultation's answer parsers (``scan``, ``parse_answer``), the NLU's entity extractor
(``mentions.scan_mentions``, ``numbers.find_quantities``, ``negation.mention_negation``) and the
kiosk. Its modules, from the bottom up:

- ``tokens``: words, numbers and clause punctuation with their offsets;
- ``clauses``: where a clause or a sentence ends (one list, flat and raw forms);
- ``lexicon``: the one loader of ``data/kb/lexicon.yml``, canonical ids, typo correction;
- ``phrases``: lexicon phrases in a message's words, fillers skipped, compound phrases;
- ``text``: a message as flat words with clauses and sentences (``FlatText``);
- ``negation``: negation and hedge scope (NegEx/ConText style), over words and character spans;
- ``numbers``: severity, durations, frequencies, ages, pregnancy weeks, and quantity mentions;
- ``history``: history and contraindication rules (data: ``data/kb/recognition/history_rules.yml``);
- the red-flag wording rules (data: ``data/kb/recognition/red_flag_wording.yml``), in ``wording``;
- ``scan``: free text into ``Findings``; ``answers``: the answer to one question into a slot value
  (with ``followups`` for the follow-up questions); ``entities``: NLU entities into ``Findings``;
  ``mentions``: the scan's findings as mentions over the raw text, for the NLU.
"""
from .answers import SlotAnswer, is_yes, parse_answer
from .entities import entities_to_findings, quantity_findings
from .lexicon import ENTITY_VOCABULARIES, RED_FLAG_HISTORY, RED_FLAG_SYMPTOMS, SCREEN_ITEMS, load_lexicon
from .scan import scan, unexplained_words

__all__ = [
    "ENTITY_VOCABULARIES",
    "RED_FLAG_HISTORY",
    "RED_FLAG_SYMPTOMS",
    "SCREEN_ITEMS",
    "SlotAnswer",
    "entities_to_findings",
    "is_yes",
    "load_lexicon",
    "parse_answer",
    "quantity_findings",
    "scan",
    "unexplained_words",
]
