"""Assessment and red-flag alert actions: outcome slots, payload contract, emergency wording."""
from actions.assessment import ActionGiveAssessment, ActionRedFlagAlert
from actions.clinic.findings import TECHNIQUES, Findings
from tests.support.trackers import custom, make_tracker, run_action, slot_sets, texts

TENSION = Findings(
    age=34,
    locations={"both_sides", "band_around_head"},
    qualities={"pressing_tight"},
    intensity=4,
    duration_minutes=180,
    days_per_month=6,
    aggravated_by={"sustained_posture"},
    absent_symptoms={"nausea", "vomiting"},
    symptoms={"light_sensitivity"},
    triggers={"stress", "posture_desk_work"},
    origins={"neck"},
    red_flag_screen_negative=True,
    simple_analgesic_days=4,
    months_present=24,
)
PAYLOAD_KEYS = {"headache_type", "triage_level", "recommended_techniques", "red_flags", "reasons", "disclaimer"}


def test_self_care_assessment_sets_outcome_slots_and_payload():
    tracker = make_tracker("", slots={"findings": TENSION.to_dict()}, latest_action="consultation_form")
    events, messages = run_action(ActionGiveAssessment(), tracker)
    slots = slot_sets(events)
    assert slots["headache_type"] == "tension_type"
    assert slots["triage_level"] == "self_care"
    assert slots["recommended_techniques"][0] == "trigger_point_therapy"
    assert set(slots["recommended_techniques"]) <= set(TECHNIQUES)
    payload = custom(messages, "assessment")
    assert PAYLOAD_KEYS <= set(payload)
    assert payload["recommended_techniques"] == slots["recommended_techniques"]
    body = texts(messages)
    assert "pattern often seen in" in body and "not a diagnosis" in body
    assert "you have tension" not in body.lower()


def test_alert_for_emergency_text_stops_the_form_and_says_call_now():
    tracker = make_tracker(
        "my arm suddenly went numb and my speech is slurred",
        intent="inform",
        slots={"requested_slot": "triggers"},
        active_loop="consultation_form",
    )
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    slots = slot_sets(events)
    assert slots["triage_level"] == "emergency"
    assert slots["recommended_techniques"] == []
    assert slots["requested_slot"] is None
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert "call" in texts(messages).lower()
    assert custom(messages, "assessment")["red_flags"]


def test_emergency_intent_alone_asks_the_emergency_screen():
    """Reference 4.3: a learned guess is not a finding; the screen question is asked at once."""
    tracker = make_tracker("please help something is really wrong", intent="emergency")
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    slots = slot_sets(events)
    assert slots["requested_slot"] == "red_flags"
    assert "triage_level" not in slots and custom(messages, "assessment") is None
    assert any(e["event"] == "active_loop" and e["name"] == "consultation_form" for e in events)
    assert "worst-ever headache" in texts(messages) and messages[-1]["buttons"]


def test_yes_to_that_screen_question_gets_the_advice_at_once_and_no_goes_on():
    def answer(text):
        tracker = make_tracker(text, intent="emergency", slots={"requested_slot": "red_flags"}, active_loop="consultation_form")
        return run_action(ActionRedFlagAlert(), tracker)

    for text in ("yes", "not sure"):  # yes or not sure -> the emergency advice (4.3)
        events, messages = answer(text)
        assert slot_sets(events)["triage_level"] == "emergency", text
        assert "999" in texts(messages) or "emergency" in texts(messages).lower()
    events, messages = answer("no, none of those")
    assert [e for e in events if e["event"] == "followup"][0]["name"] == "consultation_form"
    assert messages == []


def test_an_urgent_flag_is_announced_and_the_emergency_screen_still_asked():
    tracker = make_tracker("I'm 67, these headaches are new, my scalp is tender and it hurts to chew", intent="describe_headache")
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    slots = slot_sets(events)
    assert slots["triage_level"] == "urgent" and slots["requested_slot"] == "red_flags"
    assert any(e["event"] == "active_loop" and e["name"] == "consultation_form" for e in events)
    assert "today" in texts(messages) and "more safety questions" in texts(messages)


def test_alert_on_voice_has_no_payload_or_emoji():
    tracker = make_tracker("worst headache of my life, came on in seconds", intent="emergency", channel="voice")
    _, messages = run_action(ActionRedFlagAlert(), tracker)
    assert custom(messages, "assessment") is None
    assert "🚨" not in texts(messages)


# --- the NLU's emergency intent on an ordinary answer (voice front-end report) -----------------
MIGRAINE_SO_FAR = Findings(qualities={"throbbing"}, history={"known_migraine"}, red_flag_screen_negative=True, age=30)


def test_emergency_intent_on_ordinary_symptoms_goes_back_to_the_consultation():
    tracker = make_tracker(
        "i feel sick and light bothers me",
        intent="emergency",
        slots={"requested_slot": "associated_symptoms", "findings": MIGRAINE_SO_FAR.to_dict()},
        active_loop="consultation_form",
    )
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    assert events == [{"event": "followup", "timestamp": None, "name": "consultation_form"}]
    assert messages == []


def test_emergency_intent_on_ordinary_symptoms_starts_a_consultation():
    events, messages = run_action(ActionRedFlagAlert(), make_tracker("i feel sick and i throw up", intent="emergency"))
    assert [e["name"] for e in events if e["event"] == "followup"] == ["consultation_form"]
    assert messages == []


def test_emergency_intent_on_anything_more_than_ordinary_symptoms_asks_the_screen_again():
    for text in ("i feel sick and light bothers me, help", "i feel sick and my neck is stiff", "help me please"):
        tracker = make_tracker(text, intent="emergency", slots={"findings": MIGRAINE_SO_FAR.to_dict(), "red_flags": ["none"]},
                               active_loop="consultation_form")
        slots = slot_sets(run_action(ActionRedFlagAlert(), tracker)[0])
        assert slots["requested_slot"] == "red_flags" and slots["red_flags"] is None, text
        assert "red_flag_screen_negative" not in slots["findings"], text
        assert "triage_level" not in slots, text


def test_an_extractor_tag_the_clinical_reader_does_not_bear_out_is_confirmed_not_alerted():
    """One reader decides red flags: the NLU's own tag alone is a guess; the rules' emergency label
    is read again in context, and the tagged sign waits for one direct question."""
    tracker = make_tracker("i feel sick and light bothers me, help", intent="emergency")
    tracker.latest_message["headease_red_flags"] = {"found": ["rf_neuro_deficit"], "classified_as": "inform"}
    tracker.latest_message["entities"] = [{"entity": "symptom", "value": "weakness", "start": 0, "end": 1}]
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    assert [e["name"] for e in events if e["event"] == "followup"] == ["consultation_form"]
    assert messages == []
    from actions.common import safety_verdict
    assert "weakness" in safety_verdict(tracker).findings.to_confirm


def test_a_request_for_an_ambulance_gets_the_emergency_advice():
    tracker = make_tracker("call an ambulance please", intent="emergency")
    slots = slot_sets(run_action(ActionRedFlagAlert(), tracker)[0])
    assert slots["triage_level"] == "emergency"


def test_emergency_intent_after_an_alert_repeats_the_alert():
    tracker = make_tracker(
        "i feel sick and light bothers me", intent="emergency",
        slots={"alerted_level": "emergency", "triage_level": "emergency"},
    )
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    assert not [e for e in events if e["event"] == "followup"]
    assert "call" in texts(messages).lower()


def test_learned_emergency_over_a_complete_urgent_reading_gives_the_urgent_advice():
    """Giant-cell arteritis signs the rules read completely stay `urgent` when only DIET said emergency."""
    tracker = make_tracker("I'm 67, this headache is new, my scalp is tender and it hurts to chew", intent="emergency")
    slots = slot_sets(run_action(ActionRedFlagAlert(), tracker)[0])
    assert slots["triage_level"] == "urgent"


def test_learned_emergency_with_an_unread_word_gives_the_urgent_advice_and_asks_the_screen():
    tracker = make_tracker("I'm 67, this headache is new, my scalp is tender and it hurts to chew, please help", intent="emergency")
    slots = slot_sets(run_action(ActionRedFlagAlert(), tracker)[0])
    assert slots["triage_level"] == "urgent" and slots["requested_slot"] == "red_flags"


def test_a_guess_after_the_same_alert_goes_to_the_pending_question():
    """An urgent alert already given, a question pending: the classifier's guess on the answer
    ("7") adds nothing, so the consultation reads the answer instead of alerting again."""
    urgent = Findings(age=70, new_headache=True, symptoms={"jaw_pain_chewing"}, red_flag_screen_negative=True)
    tracker = make_tracker(
        "7", intent="emergency", active_loop="consultation_form",
        slots={"requested_slot": "severity", "alerted_level": "urgent", "triage_level": "urgent",
               "findings": urgent.to_dict()},
    )
    events, messages = run_action(ActionRedFlagAlert(), tracker)
    assert [e for e in events if e["event"] == "followup"][0]["name"] == "consultation_form"
    assert not messages
