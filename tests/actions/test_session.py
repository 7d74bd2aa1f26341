"""Session start carries an unfinished consultation over, and nothing else."""
from actions.session import ActionSessionStart
from tests.support.trackers import make_tracker, run_action, slot_sets, texts


def test_unfinished_consultation_resumes_with_its_question():
    tracker = make_tracker(
        "", slots={"requested_slot": "age", "pain_location": ["both_sides"], "findings": {"locations": ["both_sides"]}}
    )
    events, messages = run_action(ActionSessionStart(), tracker)
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    slots = slot_sets(events)
    assert slots["pain_location"] == ["both_sides"] and slots["requested_slot"] == "age"
    assert any(e["event"] == "active_loop" and e["name"] == "consultation_form" for e in events)
    assert "Welcome back" in texts(messages)
    assert messages[0]["buttons"][-1]["payload"] == "start over"


def test_finished_or_new_conversations_start_fresh():
    finished = make_tracker("", slots={"requested_slot": None, "assessment": {"triage_level": "self_care"}})
    events, messages = run_action(ActionSessionStart(), finished)
    assert [e["event"] for e in events] == ["session_started", "action"] and messages == []
