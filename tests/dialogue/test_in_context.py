"""The consultation as a person meets it: answers read in context, safety asked not assumed,
nothing lost without a confirmed restart, and every consultation moving on (real bot over REST).

The wording here is this file's own; none is taken from the blind consultations.
"""
import pytest

pytestmark = pytest.mark.e2e


def _texts(reply):
    return " ".join(m.get("text") or "" for m in reply)


def _state(stack, sender):
    tracker = stack.tracker(sender)
    return tracker["slots"], (tracker.get("active_loop") or {}).get("name")


def _open_until(stack, sender, opening, answers, wanted=None):
    """Open, answer by slot until a question outside `answers` (or `wanted`) is pending."""
    stack.say(sender, opening)
    for _ in range(14):
        slot = stack.tracker(sender)["slots"].get("requested_slot")
        if slot is None or slot == wanted or slot not in answers:
            return slot
        stack.say(sender, answers[slot])
    return None


SCREEN_CLEAR = {"red_flags": "none of those", "age": "41"}
# where it hurts is asked after the other pattern questions, when it can still change the advice
# (questions._location_could_matter): a moderate headache with sickness leaves it open
BEFORE_THE_PLACE = {**SCREEN_CLEAR, "severity": "about 6", "duration": "a few hours",
                    "associated_symptoms": "I feel a bit sick with it", "frequency": "about 3 days a month",
                    "progression": "no, same as always"}


def test_a_learned_emergency_guess_asks_the_screen_and_no_lets_the_check_go_on(bot_stack):
    sender = "screen-no"
    bot_stack.say(sender, "please help me, something is really wrong")
    slots, loop = _state(bot_stack, sender)
    if slots.get("triage_level") == "emergency":
        pytest.skip("the rules read an emergency in this wording; the guess path was not taken")
    assert slots["requested_slot"] == "red_flags" and loop == "consultation_form"
    bot_stack.say(sender, "no, none of that")
    slots, loop = _state(bot_stack, sender)
    assert slots.get("triage_level") in (None, "self_care", "see_doctor")
    assert loop == "consultation_form" and slots["requested_slot"] not in (None, "red_flags")


def test_not_sure_to_the_screen_gives_the_emergency_advice(bot_stack):
    sender = "screen-unsure"
    _open_until(bot_stack, sender, "my head has been aching on and off", {})
    reply = bot_stack.say(sender, "not sure")
    slots, _ = _state(bot_stack, sender)
    assert slots["triage_level"] == "emergency"
    assert "call" in _texts(reply).lower()


def test_an_early_urgent_finding_still_asks_the_screen_and_a_later_emergency_wins(bot_stack):
    sender = "urgent-then-emergency"
    reply = bot_stack.say(sender, "I'm 66 and these headaches are new this month, my scalp is sore when I brush my hair")
    slots, loop = _state(bot_stack, sender)
    assert slots["triage_level"] == "urgent" and "today" in _texts(reply)
    assert loop == "consultation_form" and slots["requested_slot"] == "red_flags"
    reply = bot_stack.say(sender, "yes actually, my left arm went weak an hour ago")
    slots, _ = _state(bot_stack, sender)
    assert slots["triage_level"] == "emergency" and "call" in _texts(reply).lower()


def test_an_urgent_finding_with_a_clear_screen_stays_urgent(bot_stack):
    sender = "urgent-clear-screen"
    bot_stack.say(sender, "I'm 70, first time I've had headaches like this, started 2 weeks ago, and my jaw hurts when I chew")
    bot_stack.say(sender, "no, none of those")
    slots, loop = _state(bot_stack, sender)
    # what could still make it an emergency is asked next (a first-ever headache's strength and
    # start, its other symptoms, what brought it on); benign answers to each leave it urgent and
    # end the consultation
    benign = {"severity": "about 4", "onset": "gradually over a few hours", "associated_symptoms": "nothing else really",
              "triggers": "nothing I can think of"}
    asked = []
    while loop is not None and slots.get("requested_slot") in benign and len(asked) < len(benign):
        assert slots["triage_level"] == "urgent"
        asked.append(slots["requested_slot"])
        bot_stack.say(sender, benign[slots["requested_slot"]])
        slots, loop = _state(bot_stack, sender)
    assert "associated_symptoms" in asked
    assert slots["triage_level"] == "urgent" and loop is None


def test_long_standing_headaches_after_50_are_not_counted_as_new(bot_stack):
    sender = "over-50-long-standing"
    slot = _open_until(
        bot_stack, sender, "I'm 62 and I've had the same tension headaches since my thirties, tight band, mild",
        {"red_flags": "no"},
    )
    slots, _ = _state(bot_stack, sender)
    assert slot != "headache_history"
    assert slots.get("triage_level") not in ("urgent", "emergency")


def test_an_unknown_start_after_50_is_asked_not_assumed(bot_stack):
    sender = "over-50-unknown-start"
    slot = _open_until(bot_stack, sender, "pressure headache across my forehead", {"red_flags": "no", "age": "58"},
                       wanted="headache_history")
    assert slot == "headache_history"
    bot_stack.say(sender, "oh I've had these for decades, nothing new")
    slots, _ = _state(bot_stack, sender)
    assert slots.get("triage_level") not in ("urgent", "emergency")
    assert slots["requested_slot"] != "headache_history"


def test_an_answer_with_over_or_start_in_it_is_not_a_restart(bot_stack):
    sender = "answer-not-restart"
    slot = _open_until(bot_stack, sender, "I get headaches", dict(BEFORE_THE_PLACE), wanted="pain_location")
    assert slot == "pain_location"
    bot_stack.say(sender, "it starts over my eyebrows and spreads over the top")
    slots, loop = _state(bot_stack, sender)
    assert loop == "consultation_form" and slots["age"] is not None  # nothing was wiped
    assert slots["pain_location"] and slots["requested_slot"] != "pain_location"


def test_start_over_is_confirmed_and_no_keeps_everything(bot_stack):
    sender = "restart-confirm"
    _open_until(bot_stack, sender, "throbbing headache on one side", dict(SCREEN_CLEAR), wanted="pain_quality")
    reply = bot_stack.say(sender, "start over")
    assert "forget" in _texts(reply).lower()
    bot_stack.say(sender, "no, keep going")
    slots, loop = _state(bot_stack, sender)
    assert slots["age"] is not None and loop == "consultation_form" and slots.get("reset_pending") is None
    bot_stack.say(sender, "start over")
    bot_stack.say(sender, "yes")
    slots, loop = _state(bot_stack, sender)
    assert slots.get("age") is None and not slots.get("findings")


def test_no_question_is_asked_more_than_twice(bot_stack):
    sender = "never-stuck"
    slot = _open_until(bot_stack, sender, "I have a headache", dict(SCREEN_CLEAR))
    assert slot is not None
    for filler in ("hmm", "what do you mean?", "hello?"):
        bot_stack.say(sender, filler)
    slots, _ = _state(bot_stack, sender)
    assert max((slots.get("question_counts") or {}).values()) <= 2
    assert slots["requested_slot"] != slot or slots.get("triage_level")


def test_a_dose_question_at_the_opening_gets_its_answer_and_the_check_starts(bot_stack):
    sender = "dose-opening"
    reply = bot_stack.say(sender, "how many paracetamol can I take for this headache?")
    slots, loop = _state(bot_stack, sender)
    assert "dose" in _texts(reply).lower() or "pharmacist" in _texts(reply).lower()
    assert loop == "consultation_form" and slots["requested_slot"] is not None


def test_a_technique_question_at_the_opening_starts_the_check(bot_stack):
    sender = "technique-opening"
    bot_stack.say(sender, "what massage would be safe for me, I have a slipped disc in my neck?")
    slots, loop = _state(bot_stack, sender)
    assert loop == "consultation_form" and slots["requested_slot"] is not None
    assert slots.get("recommended_techniques") in (None, [])


RAW_ID = __import__("re").compile(
    r"\b(?:rf|ci)_[a-z_]+\b|\b(?:trigger_point_therapy|trager_approach|swedish_massage|myofascial_release"
    r"|suboccipital_release|craniosacral_therapy|self_massage|tension_type|medication_overuse)\b"
)


def _all_texts(reply):
    """Every string a user can see in a reply: texts, button titles, and the card's words."""
    out = []
    for message in reply:
        out.append(message.get("text") or "")
        out += [b.get("title") or "" for b in message.get("buttons") or []]
        card = (message.get("custom") or {}).get("assessment") or {}
        out += [card.get("doctor_advice") or ""] + list(card.get("reasons") or []) + list(card.get("warning_signs") or [])
        summary = (message.get("custom") or {}).get("doctor_summary") or {}
        out.append(summary.get("text") or "")
    return out


def test_no_raw_id_reaches_the_user(bot_stack):
    """Warning signs, techniques and types are shown in words in texts, buttons, the card and the
    doctor summary (the ids stay in the payload's machine-readable fields)."""
    seen = []
    sender = "no-raw-ids-urgent"
    seen += _all_texts(bot_stack.say(sender, "I'm 70, these headaches are new this month and my jaw hurts when I chew"))
    seen += _all_texts(bot_stack.say(sender, "no, none of those"))
    seen += _all_texts(bot_stack.say(sender, "can I have a summary for my doctor?"))
    sender = "no-raw-ids-self-care"
    answers = {"red_flags": "none of those", "age": "34", "pain_location": "both sides", "pain_quality": "pressing",
               "severity": "4", "duration": "3 hours", "associated_symptoms": "nothing else", "frequency": "4 days a month",
               "origin": "neck muscles", "triggers": "desk work", "medication_use": "rarely", "onset": "gradually"}
    seen += _all_texts(bot_stack.say(sender, "tight band round my head after long days at the desk"))
    for _ in range(14):
        slot = bot_stack.tracker(sender)["slots"].get("requested_slot")
        if slot is None:
            break
        seen += _all_texts(bot_stack.say(sender, answers.get(slot, "I don't know")))
    seen += _all_texts(bot_stack.say(sender, "can I have a summary for my doctor?"))
    leaks = [text for text in seen if RAW_ID.search(text)]
    assert not leaks, leaks[:3]
    assert any("Warning signs found:" in text for text in seen)


def test_a_greeting_that_describes_a_headache_starts_the_check(bot_stack):
    sender = "greeting-with-details"
    bot_stack.say(sender, "hello there! throbbing pain on the left side of my head since tuesday, feel a bit sick")
    slots, loop = _state(bot_stack, sender)
    assert loop == "consultation_form" and slots["requested_slot"] is not None
    assert "one_side" in (slots.get("findings") or {}).get("locations", [])


def _crisis_guidance(reply):
    text = _texts(reply).lower()
    return "samaritans" in text or "988" in text or "116 123" in text


def test_crisis_words_repeated_to_a_question_do_not_hold_the_consultation(bot_stack):
    """Crisis guidance comes first every time; going on is offered, and a yes resumes the
    consultation where it stood, the open question still counting its asks."""
    sender = "crisis-repeated"
    slot = _open_until(bot_stack, sender, "I get headaches", dict(BEFORE_THE_PLACE), wanted="pain_location")
    assert slot == "pain_location"
    for _ in range(3):
        reply = bot_stack.say(sender, "honestly it hurts so much I wish I was dead")
        assert _crisis_guidance(reply)
        assert any(m.get("buttons") for m in reply)  # the offer to go on, a choice
    slots, loop = _state(bot_stack, sender)
    assert loop is None and slots["severity"] is not None  # stopped, nothing lost
    bot_stack.say(sender, "yes, go on with the headache check")
    slots, loop = _state(bot_stack, sender)
    assert loop == "consultation_form" and slots["severity"] is not None
    assert max((slots.get("question_counts") or {}).values()) <= 2


def test_crisis_words_in_an_opening_that_describes_a_headache_keep_it_and_offer_the_check(bot_stack):
    sender = "crisis-opening"
    reply = bot_stack.say(sender, "ugh i could just die, want to die honestly, the throbbing over my left eye started at breakfast")
    assert _crisis_guidance(reply) and any(m.get("buttons") for m in reply)
    slots, loop = _state(bot_stack, sender)
    assert loop is None and "one_side" in (slots.get("findings") or {}).get("locations", [])
    bot_stack.say(sender, "ok yes")
    slots, loop = _state(bot_stack, sender)
    assert loop == "consultation_form" and slots["requested_slot"] is not None
    assert "one_side" in (slots.get("findings") or {}).get("locations", [])
