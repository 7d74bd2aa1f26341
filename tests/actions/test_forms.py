"""The consultation form's validation: parsing answers, skipping known slots, stopping on red flags."""
import pytest

from actions.clinic.findings import CONSULTATION_SLOTS, Findings
from actions.forms import AskSlotAction, ValidateConsultationForm, derived_slot_values
from tests.support.trackers import make_tracker, run_action, slot_sets, texts

FORM = ValidateConsultationForm()


def form_tracker(*args, **kwargs):
    return make_tracker(*args, form_run=True, **kwargs)


def test_opening_message_fills_what_it_says_and_asks_something_else():
    tracker = form_tracker(
        "tight band round my head on both sides after long days at the laptop, neck is stiff"
    )
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert "pressing_tight" in slots["pain_quality"]
    assert slots["pain_location"]
    assert slots["requested_slot"] in CONSULTATION_SLOTS
    assert slots["requested_slot"] not in ("pain_quality", "pain_location")
    assert "pressing_tight" in slots["findings"]["qualities"]


def test_answer_fills_the_requested_slot():
    tracker = form_tracker("about 3 hours usually", intent="inform", slots={"requested_slot": "duration"})
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert slots["duration"] == 180
    assert slots["requested_slot"] != "duration"


def test_dont_know_fills_unknown_and_moves_on():
    tracker = form_tracker("no idea really", intent="dont_know", slots={"requested_slot": "frequency"})
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert slots["frequency"] == "unknown"
    assert slots["requested_slot"] != "frequency"


def test_not_sure_to_the_red_flag_screen_ends_the_form():
    tracker = form_tracker("hmm not sure", intent="dont_know", slots={"requested_slot": "red_flags"})
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert slots["red_flags"] == ["unknown"]
    assert slots["requested_slot"] is None
    assert slots["findings"].get("uncertain")


def test_red_flag_in_an_answer_ends_the_form():
    tracker = form_tracker(
        "both sides, and since this morning my left arm has gone weak",
        intent="inform",
        slots={"requested_slot": "pain_location"},
    )
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert slots["requested_slot"] is None


def test_digression_is_left_to_the_rules():
    tracker = form_tracker("what is shiatsu?", intent="ask_technique", slots={"requested_slot": "triggers"})
    events, messages = run_action(FORM, tracker)
    assert events == [] and messages == []


def test_an_emergency_label_the_verdict_set_aside_is_an_answer_attempt_never_a_rejection():
    """The policy sends an `emergency`-labelled message to the form only when the safety verdict
    found nothing to announce; the form must answer it (a rejection would leave no reply)."""
    slots = {"requested_slot": "red_flags"}
    events, messages = run_action(FORM, form_tracker("gosh that is a long list, wibble", intent="emergency", slots=slots))
    assert events and "didn't quite catch" in texts(messages)


@pytest.mark.parametrize("intent", ["restart", "delete_my_data"])
def test_a_control_label_without_the_words_is_an_answer_attempt(intent):
    """A medicine answer the classifier labelled `restart` is read, never wiped or rejected."""
    slots = {"requested_slot": "medication_use"}
    events, messages = run_action(FORM, form_tracker("ibuprofen, I went back on it again in march", intent=intent, slots=slots))
    assert events
    events, messages = run_action(FORM, form_tracker("start over please", intent="restart", slots=slots))
    assert events == [] and messages == []  # the words ask for it: the rules confirm first


def test_unclear_answer_is_clarified_then_skipped():
    slots = {"requested_slot": "pain_location"}
    events, messages = run_action(FORM, form_tracker("blorp", intent="nlu_fallback", slots=slots))
    first = slot_sets(events)
    assert "didn't quite catch" in texts(messages)
    assert first["requested_slot"] == "pain_location" and first["unparsed_attempts"] == 1
    slots.update(unparsed_attempts=1)
    second = slot_sets(run_action(FORM, form_tracker("blorp again", intent="nlu_fallback", slots=slots))[0])
    assert second["pain_location"] == ["unknown"]
    assert second["requested_slot"] != "pain_location"


def test_returning_after_a_digression_does_not_reparse_the_question():
    tracker = form_tracker(
        "what is shiatsu?",
        intent="ask_technique",
        slots={"requested_slot": "age"},
        latest_action="action_explain_technique",
    )
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert "age" not in slots
    assert slots["requested_slot"] == "age"


def test_derived_values_cover_volunteered_details():
    findings = Findings(locations={"one_side", "forehead"}, intensity=7, days_per_month=3.0, age=40, symptoms={"nausea"})
    values = derived_slot_values(findings)
    # (a side alone, said in passing, does not say where it hurts: questions.is_answered)
    assert "pain_location" not in derived_slot_values(Findings(locations={"one_side"}))
    assert values == {
        "pain_location": ["forehead", "one_side"],
        "severity": 7,
        "frequency": 3.0,
        "age": 40,
        "associated_symptoms": ["nausea"],
    }


def test_every_question_has_buttons_and_voice_speaks_them():
    for slot in CONSULTATION_SLOTS:
        action = type("Ask", (AskSlotAction,), {"slot": slot})()
        _, web = run_action(action, form_tracker("x"))
        assert web[0]["text"] and web[0]["buttons"], slot
        _, voice = run_action(action, form_tracker("x", channel="voice"))
        assert not voice[0]["buttons"] and "You can say" in voice[0]["text"], slot


def test_contradicting_answer_wins_and_is_confirmed():
    earlier = Findings(locations={"both_sides"}).to_dict()
    tracker = form_tracker(
        "only on the left side actually", intent="inform", slots={"requested_slot": "pain_location", "findings": earlier}
    )
    events, messages = run_action(FORM, tracker)
    slots = slot_sets(events)
    assert "both_sides" not in slots["findings"]["locations"]
    assert "Just to check" in texts(messages)


def test_an_answer_to_another_question_is_kept_without_a_complaint():
    tracker = form_tracker(
        "maybe 5 or 6 days a month", intent="inform", slots={"requested_slot": "associated_symptoms"}
    )
    events, messages = run_action(FORM, tracker)
    slots = slot_sets(events)
    assert slots["frequency"] == 5.5
    assert slots["requested_slot"] == "associated_symptoms"
    assert "didn't quite catch" not in texts(messages)
    # the same question again, with a word that what was said is kept
    assert "noted" in texts(messages).lower()


def test_an_understood_answer_moves_on_without_the_noted_word():
    events, messages = run_action(FORM, form_tracker("about 4 days a month", intent="inform", slots={"requested_slot": "frequency"}))
    assert slot_sets(events)["requested_slot"] != "frequency"
    assert "noted" not in texts(messages).lower()


# --- after the red-flag alert set aside an emergency intent (voice front-end report) -------------


def _handed_back(requested_slot):
    """The form's (events, messages) after the alert handed "i feel sick and light bothers me" back."""
    tracker = form_tracker(
        "i feel sick and light bothers me",
        intent="emergency",
        slots={"requested_slot": requested_slot, "red_flags": ["none"], "age": 30},
        latest_action="action_red_flag_alert",
    )
    return run_action(FORM, tracker)


def test_form_reads_the_message_the_alert_handed_back():
    slots = slot_sets(_handed_back("associated_symptoms")[0])
    assert slots["associated_symptoms"] == ["light_sensitivity", "nausea"]
    assert {"nausea", "light_sensitivity"} <= set(slots["findings"]["symptoms"])
    assert slots["requested_slot"] not in (None, "associated_symptoms")


def test_a_free_message_the_alert_handed_back_is_kept_and_the_question_asked_again():
    events, messages = _handed_back("pain_location")
    slots = slot_sets(events)
    assert events  # not rejected as a digression
    assert slots["associated_symptoms"] == ["light_sensitivity", "nausea"]
    assert slots["requested_slot"] == "pain_location"
    assert "didn't quite catch" not in texts(messages)


def test_question_after_the_alert_handed_back_is_not_a_resumption():
    tracker = form_tracker("i feel sick and light bothers me", intent="emergency",
                           slots={"requested_slot": "pain_location"}, latest_action="action_red_flag_alert")
    ask = next(cls for cls in AskSlotAction.__subclasses__() if cls.slot == "pain_location")
    _, messages = run_action(ask(), tracker)
    assert "Where do you feel" in texts(messages)
    assert not texts(messages).startswith("Back to your headache")


@pytest.mark.parametrize("text", ["i don't have any of them", "i have none of those", "I haven't had any of those"])
def test_denial_of_all_red_flags_moves_on_without_an_alert(text):
    tracker = form_tracker(text, intent="deny", slots={"requested_slot": "red_flags"})
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert slots["red_flags"] == ["none"]
    assert slots["requested_slot"] is not None
    assert slots["findings"]["red_flag_screen_negative"] is True
    assert not slots["findings"].get("uncertain")


def test_the_validation_asks_the_next_question_itself_once_and_counts_it():
    """One action call per form turn (headease_rasa/form_asks.py): the question goes out with the
    validation's events, and the slot's ask action, if Rasa still calls it, sends nothing."""
    from actions.clinic.questions import question

    tracker = form_tracker("about 3 hours usually", intent="inform", slots={"requested_slot": "duration",
                                                                         "question_counts": {"duration": 1}})
    events, messages = run_action(FORM, tracker)
    slots = slot_sets(events)
    asked = slots["requested_slot"]
    assert slots["question_counts"] == {"duration": 1, asked: 1}
    assert messages[-1]["text"] == question(asked, Findings.from_dict(slots["findings"]))["text"]
    assert messages[-1]["buttons"]
    # the same turn as Rasa hands it to the ask action: the validation's events already applied
    after = make_tracker("about 3 hours usually", intent="inform", form_run=True,
                         events=[{"event": "slot", "name": "question_counts", "value": {"duration": 1}}],
                         slots={**slots})
    after.events.extend({"event": "slot", "name": k, "value": v, "timestamp": None} for k, v in slots.items())
    ask = type("Ask", (AskSlotAction,), {"slot": asked})()
    assert run_action(ask, after) == ([], [])


def test_the_ask_action_still_asks_when_nothing_asked_in_this_turn():
    # resuming after a digression: no validation ran, the ask action asks (and counts)
    tracker = make_tracker("what is shiatsu?", intent="ask_technique", latest_action="action_explain_technique",
                           events=[{"event": "slot", "name": "question_counts", "value": {"onset": 1}}],
                           slots={"requested_slot": "onset", "question_counts": {"onset": 1}})
    ask = type("Ask", (AskSlotAction,), {"slot": "onset"})()
    events, messages = run_action(ask, tracker)
    assert messages and slot_sets(events)["question_counts"] == {"onset": 2}


def test_a_value_taken_from_earlier_words_is_asked_once_it_no_longer_answers():
    """ "One side" from the opening answered where it hurts; once neck movement brings it on,
    whether it keeps to one side matters (3.3 G): the slot is emptied, to be asked in its turn (after
    the other pattern questions)."""
    earlier = Findings(red_flag_screen_negative=True, age=40, locations={"one_side"}, origins={"neck"},
                       intensity=5, new_headache=False)
    tracker = form_tracker(
        "turning my head to reverse the van sets it off",
        intent="inform",
        slots={"requested_slot": "triggers", "pain_location": ["one_side"], "findings": earlier.to_dict(),
               "question_counts": {"red_flags": 1, "age": 1, "triggers": 1}, "red_flags": ["none"], "age": 40},
    )
    slots = slot_sets(run_action(FORM, tracker)[0])
    assert slots["requested_slot"] != "triggers"
    assert slots["pain_location"] is None

