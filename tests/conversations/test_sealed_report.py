"""The sealed half of the blind consultations, held against the real bot: CI prints its figures.

A report, not a gate, for the figures themselves (tests/conversations/README.md); the test fails
only when the instrument cannot do its job (a case that could not be held).
"""
import json
import time

import pytest

from tests.support import consultations as cs

pytestmark = pytest.mark.e2e


def test_sealed_half_report(bot_stack, capsys):
    split = cs.load_split()
    cases = [c for c in cs.load_cases() if cs.half_of(c.id, split) == "sealed"]
    assert cases, "no sealed cases"
    outcomes = cs.hold_all(cases, cs.Client(bot_stack.say, bot_stack.tracker), f"sealed{int(time.time())}")
    result = cs.report(cases, outcomes, split)
    (cs.ROOT / "reports").mkdir(exist_ok=True)
    (cs.ROOT / "reports" / "conversations_sealed.json").write_text(json.dumps(result["aggregates"], indent=1))
    with capsys.disabled():
        print("\n\nBlind consultations, sealed half (a report, not a gate):\n" + result["table"] + "\n")
    sealed = result["aggregates"]["sealed"]
    assert sealed["cases"] == len(cases)
    assert sealed["transport_errors"] == 0, "some consultations could not be held over REST"
