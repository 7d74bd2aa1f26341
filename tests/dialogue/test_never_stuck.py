"""Property: whatever a person answers, the consultation moves on and ends with an assessment.

Hypothesis drives consultations with random sequences drawn from a broad pool: answers meant for
other questions, chit-chat, off-topic, questions back, other languages, typos, emoji, very long
messages, "I don't know". Every consultation must reach an assessment within a bounded number of
turns, no question may be asked more than twice, and no raw id may reach the user.
"""
import itertools

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.dialogue.test_in_context import RAW_ID, _all_texts

pytestmark = pytest.mark.e2e

OPENINGS = [
    "I have a headache",
    "my head hurts on both sides, like pressure",
    "throbbing pain behind my left eye",
    "how many ibuprofen can I take?",
    "what massage helps headaches?",
]
POOL = [
    # answers meant for other questions
    "both sides", "about 5 out of 10", "a few hours", "3 days a month", "stress and screens", "I'm 45",
    "it builds up slowly", "feeling a bit sick", "from my shoulders", "paracetamol now and then",
    # fillers, questions back, chit-chat, off-topic
    "hmm", "what do you mean?", "why do you ask?", "hello?", "thanks", "lol ok", "what's the weather like",
    "are you a bot?", "tell me a joke",
    # other languages, typos, emoji, very long
    "no sé", "je ne sais pas", "hedache relly bad", "👍", "🙃🙃",
    "so basically " + "it has been a long week at work and I have not been sleeping well and " * 8 + "yeah",
    # unclear and plain
    "I don't know", "not sure", "no", "none of those", "maybe",
]
MAX_TURNS = 60


def _consult(stack, sender, opening, answers):
    replies = [stack.say(sender, opening)]
    assessed = any("assessment" in (m.get("custom") or {}) for m in replies[0])
    feed = itertools.cycle(answers)
    for _ in range(MAX_TURNS):
        tracker = stack.tracker(sender)
        pending = (tracker.get("active_loop") or {}).get("name") and tracker["slots"].get("requested_slot")
        if assessed and not pending:
            break
        if not pending and tracker["slots"].get("triage_level"):
            break
        reply = stack.say(sender, next(feed))
        replies.append(reply)
        assessed = assessed or any("assessment" in (m.get("custom") or {}) for m in reply)
    return replies, stack.tracker(sender)


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    opening=st.sampled_from(OPENINGS),
    answers=st.lists(st.sampled_from(POOL), min_size=5, max_size=12),
    case=st.integers(min_value=0, max_value=10**9),
)
def test_every_consultation_reaches_an_assessment(bot_stack, opening, answers, case):
    sender = f"never-stuck-{case}-{abs(hash((opening, tuple(answers))))}"
    replies, tracker = _consult(bot_stack, sender, opening, answers)
    slots = tracker["slots"]
    assert slots.get("triage_level"), f"no assessment after {len(replies)} turns: {answers}"
    assert max((slots.get("question_counts") or {}).values(), default=0) <= 2, slots.get("question_counts")
    leaks = [t for r in replies for t in _all_texts(r) if RAW_ID.search(t)]
    assert not leaks, leaks[:2]
