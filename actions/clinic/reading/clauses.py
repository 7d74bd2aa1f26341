"""Where a clause or a sentence ends: the one list every reader of the user's words uses.

The scan, the red-flag wording rules and the negation scope read the *flat* text (lowercase
words, punctuation as separate tokens); the NLU's context rules read the *raw* text. Both forms
below are built from the same word lists, so a clause ends at the same places for all of them:
punctuation, and a contrast word ("but", "however", "although", "though", "whereas"). The NLU
also ends a clause at a sequence word ("and then", "then": "it starts at the back and then my
arm goes numb" tells two events), which the flat readers do not need: their rules look at words
inside one clause and a "then" does not change what a word means.
"""
from __future__ import annotations

import re

CONTRAST_WORDS = ("but", "however", "although", "though", "whereas")
SEQUENCE_WORDS = ("and then", "then")
SENTENCE_PUNCTUATION = (".", "!", "?", ";", "\n")
# a dash or a bracket ends a clause in the flat text, where it is a token of its own
CLAUSE_PUNCTUATION = SENTENCE_PUNCTUATION + (",", ":", "-", "–", "—", "(", ")")

# flat text: tokens that end a clause / a sentence
CLAUSE_BREAKS = frozenset(CLAUSE_PUNCTUATION + CONTRAST_WORDS)
SENTENCE_BREAKS = frozenset(SENTENCE_PUNCTUATION)
# a flat-text word that is not a clause break (for rules that look a few words ahead)
WORD_IN_CLAUSE = rf"(?!(?:{'|'.join(CONTRAST_WORDS)})\b)[^\s,.;:!?()]+"

# raw text: a comma or sentence punctuation (a hyphen in "3-4 hours" is not a break there)
_RAW_PUNCTUATION = "[" + re.escape("".join(SENTENCE_PUNCTUATION) + ",") + "]"
RAW_CLAUSE_BREAK = re.compile(
    rf"{_RAW_PUNCTUATION}|\b(?:{'|'.join(CONTRAST_WORDS + SEQUENCE_WORDS)})\b", re.I
)
RAW_SENTENCE_BREAK = re.compile("[" + re.escape("".join(SENTENCE_PUNCTUATION)) + "]")
