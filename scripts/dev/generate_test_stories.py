"""Regenerates tests/test_stories.yml: intent + entity steps that pin the dialogue behaviour.

Run from the repository root: `.venv/bin/python scripts/dev/generate_test_stories.py`.
"""
from pathlib import Path

import yaml
S = []
def story(name, steps): S.append({"story": name, "steps": steps})
def u(intent, **ents):
    step = {"intent": intent}
    if ents:
        es = []
        for k, v in ents.items():
            if isinstance(v, dict): es.append(v)
            else: es.append({k: v})
        step["entities"] = es
    return step
def a(name): return {"action": name}
def loop(name): return {"active_loop": name}
FORM = [a("consultation_form"), loop("consultation_form")]
F = [a("consultation_form")]
END = [a("consultation_form"), loop(None), a("action_give_assessment")]
def neg(entity, value): return {"entity": entity, "value": value, "role": "negated"}
OPEN_TENSION = u("describe_headache", pain_location="both_sides", pain_quality="pressing_tight")
TENSION_TAIL = [u("deny")] + F + [u("dont_know")] + F

story("greeting", [u("greet"), a("utter_greet")])
story("greeting then goodbye", [u("greet"), a("utter_greet"), u("goodbye"), a("utter_goodbye")])
story("bot challenge", [u("bot_challenge"), a("utter_iamabot")])
story("chit-chat", [u("chitchat"), a("utter_chitchat")])
story("out of scope", [u("out_of_scope"), a("utter_out_of_scope")])
story("thanks", [u("thank"), a("utter_you_are_welcome")])
story("drug dose declined", [u("ask_drug_dose"), a("utter_drug_dose")])
story("not understood -> clarifying buttons", [u("nlu_fallback"), a("action_clarify")])
story("emergency in the opening message", [u("emergency"), a("action_red_flag_alert")])
story("red-flag symptom in a headache description interrupts at once",
      [u("describe_headache", symptom="weakness"), a("action_red_flag_alert")])
story("fever with stiff neck in the opening message",
      [u("describe_headache", symptom="fever"), a("action_red_flag_alert")])
story("yes outside a consultation offers what comes next", [u("affirm"), a("action_offer_more")])
story("no outside a consultation closes politely", [u("deny"), a("utter_goodbye")])
story("a lone I don't know invites a description", [u("dont_know"), a("utter_ask_describe")])
story("delete my data", [u("delete_my_data"), a("action_delete_my_data")])
story("restart", [u("restart"), a("action_restart")])
story("technique question without a consultation", [u("ask_technique", technique="shiatsu"), a("action_explain_technique")])
story("self-massage before screening is deferred", [u("ask_self_massage"), a("action_self_massage_guide")])
story("when to see a doctor without a consultation", [u("ask_when_doctor"), a("action_when_to_see_doctor")])

# consultations ---------------------------------------------------------------------------------
story("red flag given at the red-flag question", [OPEN_TENSION] + FORM + [u("affirm", symptom="numbness"), a("action_red_flag_alert")])
story("not sure at the red-flag question ends the form with the assessment",
      [OPEN_TENSION] + FORM + [u("dont_know")] + END)
story("red flag given at the age question", [OPEN_TENSION] + FORM + [u("deny")] + F + [u("inform", symptom="confusion"), a("action_red_flag_alert")])
story("digression at the red-flag question: technique, then resume",
      [OPEN_TENSION] + FORM + [u("ask_technique", technique="trager_approach"), a("action_explain_technique")] + FORM)
story("digression at the age question: why do you ask, then resume",
      [OPEN_TENSION] + FORM + [u("deny")] + F + [u("ask_why"), a("action_explain_question")] + FORM)
story("digression: when to see a doctor, then resume",
      [OPEN_TENSION] + FORM + [u("ask_when_doctor"), a("action_when_to_see_doctor")] + FORM)
story("digression: self-massage, then resume",
      [OPEN_TENSION] + FORM + [u("deny")] + F + [u("ask_self_massage"), a("action_self_massage_guide")] + FORM)
story("digression: chit-chat, then resume", [OPEN_TENSION] + FORM + [u("chitchat"), a("utter_chitchat")] + FORM)
story("digression: bot challenge, then resume", [OPEN_TENSION] + FORM + [u("deny")] + F + [u("bot_challenge"), a("utter_iamabot")] + FORM)
story("digression: out of scope, then resume", [OPEN_TENSION] + FORM + [u("out_of_scope"), a("utter_out_of_scope")] + FORM)
story("digression: drug dose, then resume", [OPEN_TENSION] + FORM + [u("deny")] + F + [u("ask_drug_dose"), a("utter_drug_dose")] + FORM)
story("digression: summary request mid-consultation, then resume", [OPEN_TENSION] + FORM + [u("ask_summary"), a("action_doctor_summary")] + FORM)
story("stop during the consultation", [OPEN_TENSION] + FORM + [u("stop"), a("utter_stop"), a("action_deactivate_loop"), loop(None)])
story("goodbye during the consultation", [OPEN_TENSION] + FORM + [u("deny")] + F + [u("goodbye"), a("utter_goodbye"), a("action_deactivate_loop"), loop(None)])
story("emergency wording during the consultation", [OPEN_TENSION] + FORM + [u("deny")] + F + [u("emergency"), a("action_red_flag_alert")])
open(Path(__file__).resolve().parents[2] / "tests" / "test_stories.yml", "w").write(
    "# End-to-end dialogue tests for `rasa test core` (tests/dialogue/test_rasa_stories.py).\n"
    "# Intent + entity steps (no text): NLU is tested on its own (tests/nlu); these check the dialogue.\n"
    + yaml.safe_dump({"version": "3.1", "stories": S}, sort_keys=False, width=100)
)
print(len(S))
