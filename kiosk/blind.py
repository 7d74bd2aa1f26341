"""The blind consultations (tests/conversations/) as things a visitor says to the kiosk.

Each case has an opening message and answers keyed by the question they answer. Spoken to the
kiosk, an opening is decoded with the general model and an answer with its question's model (the
kiosk's answer context), exactly as ``kiosk.session`` would after the bot asked that question.

Discipline (tests/conversations/README.md): cases are split once into a ``study`` half and a
``sealed`` half; cases in neither are a fresh batch.

  * only the study half may become training text (``training_utterances``), and not all of it: a
    fixed fifth of the study cases (``is_dev_case``) is kept out of the language models as the
    kiosk's own development set (``dev_utterances``), the only consultation text that recognition
    errors are looked at on;
  * the sealed half is only ever synthesised and scored in aggregate (bench/voice_bench.py); its
    sentences are never printed, written to a report, put into a language model, an adaptation
    set or a word list (tests/kiosk/test_kiosk_blind.py checks the training text);
  * fresh cases are neither trained on nor measured here.
"""
from __future__ import annotations

import hashlib
import random
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from kiosk.textnorm import say_text, spoken_words

ROOT = Path(__file__).resolve().parents[1]
GENERAL = "general"
OPENING = "opening"
DEV_EVERY = 5          # one study case in five (by a hash of its id) is the kiosk's dev set


@dataclass(frozen=True)
class BlindUtterance:
    case_id: str
    slot: str        # "opening" or the question slot the answer is for
    text: str        # as the writer typed it

    @property
    def context(self) -> str:
        """The answer context the kiosk would decode it in."""
        return GENERAL if self.slot == OPENING else self.slot

    @property
    def say(self) -> str:
        """What a person reading it out says (kiosk.textnorm.say_text): the synthesiser's input."""
        return say_text(self.text)

    @property
    def words(self) -> List[str]:
        """The reference transcript."""
        return spoken_words(self.text)


def _consultations():
    if str(ROOT) not in sys.path:  # tests/support is imported from the repository root
        sys.path.insert(0, str(ROOT))
    from tests.support import consultations

    return consultations


@lru_cache(maxsize=1)
def _cases() -> Tuple[Tuple[object, str], ...]:
    """(case, half) pairs; half is study, sealed or fresh."""
    consultations = _consultations()
    split = consultations.load_split()
    return tuple((case, consultations.half_of(case.id, split)) for case in consultations.load_cases())


def is_dev_case(case_id: str) -> bool:
    return int(hashlib.sha1(case_id.encode()).hexdigest()[:8], 16) % DEV_EVERY == 0


def case_ids(half: str) -> List[str]:
    return [case.id for case, h in _cases() if h == half]


def _utterances(cases) -> List[BlindUtterance]:
    out = []
    for case in cases:
        out.append(BlindUtterance(case.id, OPENING, case.opening))
        for slot, answer in case.answers.items():
            if answer.strip():
                out.append(BlindUtterance(case.id, slot, answer))
    return [u for u in out if u.words]


def utterances(half: str) -> List[BlindUtterance]:
    """Every opening and answer of one half (``study``, ``sealed`` or ``fresh``)."""
    return _utterances(case for case, h in _cases() if h == half)


def training_utterances() -> List[BlindUtterance]:
    """The study half less the dev cases: the only consultation text the kiosk learns from."""
    return _utterances(case for case, h in _cases() if h == "study" and not is_dev_case(case.id))


def dev_utterances() -> List[BlindUtterance]:
    """The study cases kept out of training (``is_dev_case``): the kiosk's tuning set."""
    return _utterances(case for case, h in _cases() if h == "study" and is_dev_case(case.id))


def sample(items: Sequence[BlindUtterance], count: Optional[int], seed: int) -> List[BlindUtterance]:
    """A fixed subset of ``count`` utterances (all when count is None or larger): every case keeps
    its opening when count allows, the answers are drawn with a fixed seed; the order is stable."""
    items = list(items)
    if count is None or count >= len(items):
        return items
    rng = random.Random(seed)
    openings = [u for u in items if u.slot == OPENING]
    answers = [u for u in items if u.slot != OPENING]
    share = min(len(openings), count * len(openings) // len(items))
    chosen = rng.sample(openings, share) + rng.sample(answers, count - share)
    order = {id(u): i for i, u in enumerate(items)}
    return sorted(chosen, key=lambda u: order[id(u)])
