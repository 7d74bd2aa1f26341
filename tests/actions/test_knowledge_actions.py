"""Technique explanations, self-massage guidance, doctor advice, summary and clarification."""
from actions.conversation import ActionClarify, ActionExplainQuestion
from actions.knowledge import ActionExplainTechnique, ActionSelfMassageGuide, ActionWhenToSeeDoctor
from actions.summary import ActionDoctorSummary
from tests.support.trackers import custom, make_tracker, run_action, slot_sets, texts

SELF_CARE = {
    "headache_type": "tension_type",
    "triage_level": "self_care",
    "recommended_techniques": ["trigger_point_therapy", "self_massage", "myofascial_release"],
    "technique_reasons": {"trigger_point_therapy": "a", "self_massage": "b", "myofascial_release": "c"},
    "ruled_out": {},
    "red_flags": [],
    "reasons": ["band-like pressure on both sides"],
}
URGENT = dict(SELF_CARE, triage_level="urgent", recommended_techniques=[], technique_reasons={})


def test_misspelt_alias_is_resolved():
    events, messages = run_action(ActionExplainTechnique(), make_tracker("what is Traeger?", intent="ask_technique"))
    assert slot_sets(events)["technique"] == "trager_approach"
    assert "Trager Approach" in texts(messages)


def test_second_one_refers_to_the_recommendation_list():
    tracker = make_tracker(
        "tell me more about the second one",
        intent="ask_technique",
        slots={"recommended_techniques": SELF_CARE["recommended_techniques"], "assessment": SELF_CARE},
    )
    events, messages = run_action(ActionExplainTechnique(), tracker)
    assert slot_sets(events)["technique"] == "self_massage"
    assert "option 2" in texts(messages)


def test_unknown_technique_after_an_assessment_gets_choices():
    tracker = make_tracker("tell me about massage", intent="ask_technique", slots={"assessment": SELF_CARE})
    _, messages = run_action(ActionExplainTechnique(), tracker)
    assert len(messages[0]["buttons"]) == 8


def test_which_massage_before_any_check_starts_the_check():
    events, messages = run_action(ActionExplainTechnique(), make_tracker("which massage is safe for me?", intent="ask_technique"))
    assert "few short questions" in texts(messages) and not messages[0].get("buttons")
    assert [e for e in events if e["event"] == "followup"][0]["name"] == "consultation_form"


def test_self_massage_waits_for_screening():
    _, messages = run_action(ActionSelfMassageGuide(), make_tracker("how do i massage myself", intent="ask_self_massage"))
    assert "warning signs" in texts(messages)
    assert "Temples" not in texts(messages)


def test_self_massage_steps_after_a_self_care_assessment():
    tracker = make_tracker("how do i do it myself", intent="ask_self_massage", slots={"assessment": SELF_CARE})
    body = texts(run_action(ActionSelfMassageGuide(), tracker)[1])
    assert "Temples" in body and "Stop at once" in body


def test_no_self_massage_when_urgent():
    tracker = make_tracker("how do i do it myself", intent="ask_self_massage", slots={"assessment": URGENT})
    body = texts(run_action(ActionSelfMassageGuide(), tracker)[1])
    assert "don't try self-massage" in body


def test_when_to_see_doctor_mentions_emergency_number():
    body = texts(run_action(ActionWhenToSeeDoctor(), make_tracker("when should i see a doctor", intent="ask_when_doctor"))[1])
    assert "Call" in body and "today" in body


def test_summary_has_text_file_and_payload():
    tracker = make_tracker(
        "summary for my doctor please",
        intent="ask_summary",
        slots={"assessment": SELF_CARE, "pain_location": ["both_sides"], "severity": 4, "red_flags": ["none"]},
    )
    _, messages = run_action(ActionDoctorSummary(), tracker)
    summary = custom(messages, "doctor_summary")
    assert summary["filename"].endswith(".txt")
    assert "Where: both sides" in summary["text"] and "Triage: self care" in summary["text"]
    assert custom(messages, "assessment") == SELF_CARE


def test_why_do_you_ask_explains_the_current_question():
    tracker = make_tracker("why do you ask", intent="ask_why", slots={"requested_slot": "age"})
    assert "age" in texts(run_action(ActionExplainQuestion(), tracker)[1]).lower()


def test_clarify_offers_plain_text_buttons_then_gives_up_guessing():
    ranking = [{"name": "ask_when_doctor", "confidence": 0.4}, {"name": "ask_technique", "confidence": 0.3}]
    _, messages = run_action(ActionClarify(), make_tracker("docter??", intent="nlu_fallback", ranking=ranking))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == "When should I see a doctor?"
    assert not any(p.startswith("/") for p in payloads)
    again = make_tracker("??", intent="nlu_fallback", events=[{"event": "action", "name": "action_clarify"}])
    assert run_action(ActionClarify(), again)[1][0]["response"] == "utter_default"


def test_clarify_starts_the_check_when_the_message_already_describes_a_headache():
    entities = [{"entity": "symptom", "value": "worst_ever", "start": 0, "end": 4}]
    tracker = make_tracker("head feels like its going to burst", intent="nlu_fallback", entities=entities,
                           ranking=[{"name": "emergency", "confidence": 0.28}])
    events, messages = run_action(ActionClarify(), tracker)
    assert events == [{"event": "followup", "name": "consultation_form", "timestamp": None}]
    assert messages == []


def test_clarify_still_asks_when_the_only_detail_is_denied_or_a_check_was_given():
    denied = [{"entity": "symptom", "value": "fever", "role": "negated", "start": 3, "end": 8}]
    _, messages = run_action(ActionClarify(), make_tracker("no fever ??", intent="nlu_fallback", entities=denied))
    assert messages[0]["buttons"]
    # after an assessment the check is not restarted by a guess: the options are offered
    detail = [{"entity": "pain_location", "value": "temples", "start": 0, "end": 7}]
    done = make_tracker("temples hmm", intent="nlu_fallback", entities=detail, slots={"assessment": {"triage_level": "self_care"}})
    events, messages = run_action(ActionClarify(), done)
    assert events == [] and messages[0]["buttons"]


def test_every_clarify_button_is_read_as_its_own_intent_whatever_a_classifier_makes_of_it():
    from actions.clinic.clarify import load_options
    from headease_nlu.short_replies import classify

    table = load_options()
    assert {o.intent for o in table.options} >= {"emergency", "describe_headache", "ask_when_doctor"}
    for option in table.options:
        assert classify(option.reply) == option.intent, option


def test_clarify_options_are_checked_when_loaded(tmp_path):
    import pytest
    from actions.clinic.clarify import read_options

    bad = tmp_path / "options.yml"
    bad.write_text("options:\n  - {intent: a, for: [a], title: A, reply: x}\n  - {intent: b, for: [a], title: B, reply: y}\n")
    with pytest.raises(ValueError, match="offers two options"):
        read_options(bad)
    bad.write_text("options:\n  - {intent: a, for: [a], title: A}\n")
    with pytest.raises(ValueError, match="lacks reply"):
        read_options(bad)
    bad.write_text("options:\n  - {intent: a, for: [a], title: A, reply: x}\ndefaults: [b]\n")
    with pytest.raises(ValueError, match="defaults name no option"):
        read_options(bad)
