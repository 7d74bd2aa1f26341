"""Adversarial red-flag recall: unseen wording must still raise the alert (clinical reference 4.2).

Every emergency/urgent red flag is phrased several ways (lay UK/US wording, typos, no punctuation,
buried in long rambling messages), plus negative controls (denials, everyday idioms, benign
look-alikes) that must raise no alert. The test asserts on what the dialogue uses on every message:
``safety.alert_level(scan(text))``; a flag that hinges on one fact the message leaves out ("worst
headache of my life": how fast it came on) is caught when the consultation asks that fact first
and a "yes" to it gives the alert (4.3: ask, don't assume). Recall and false-alarm rates are printed in the terminal
summary (see conftest.py).

Clinical decisions taken in the controls:
- generalised weakness ("I feel weak and run down with this cold") is not a focal deficit: no alert;
- heaviness/weakness/pins and needles with an obvious benign cause stated in the same clause
  (gym, carrying shopping, sitting cross-legged) is not an alert; without a cause it is;
- intensity idioms ("killing me", "worst week ever") are not thunderclap wording.
"""
from __future__ import annotations

from typing import Optional

import pytest

from actions.clinic.findings import TRIAGE_RANK
from actions.clinic.redflags import ids, screen
from actions.clinic.questions import plan_questions
from actions.clinic.safety import alert_level
from actions.clinic.verdict import Context, verdict
from actions.clinic.reading import scan

from .conftest import RED_FLAG_RESULTS

E, U = "emergency", "urgent"

# (text, lowest acceptable alert level, red flag id that must be among the hits or None)
POSITIVES = [
    # --- rf_thunderclap: sudden / worst ever -------------------------------------------------
    ("it came on like a thunderclap about an hour ago", E, "rf_thunderclap"),
    ("felt like someone hit me over the head with a baseball bat out of nowhere", E, "rf_thunderclap"),
    ("never felt anything like it in my life, went from zero to ten in seconds", E, "rf_thunderclap"),
    ("worst head pain I have ever experienced, started while I was straining on the loo", E, "rf_thunderclap"),
    ("like being shot in the back of the head, totally out of the blue", E, "rf_thunderclap"),
    ("i was lifting weights and BANG the most horrendous pain in my head", E, "rf_thunderclap"),
    ("my head felt like it exploded during sex last night", E, "rf_thunderclap"),
    ("sudden excrutiating headache that maxed out in a few seconds", E, "rf_thunderclap"),
    ("this is the worst pain ive ever been in, nothing like my migraines", E, "rf_thunderclap"),
    ("its the worst headahce ive ever had", E, "rf_thunderclap"),
    ("worst headache i have had in my entire life", E, "rf_thunderclap"),
    ("instant agony in my head like a gunshot", E, "rf_thunderclap"),
    ("a sudden explosion of pain at the back of my skull", E, "rf_thunderclap"),
    ("felt like i had been kicked in the head by a horse, came on in a split second", E, "rf_thunderclap"),
    ("never had a headache this bad before", E, "rf_thunderclap"),
    ("it felt like something popped inside my head and then the pain was unreal", E, "rf_thunderclap"),
    ("Worst. Headache. Ever. Came from nowhere.", E, "rf_thunderclap"),
    ("ok so long story, normal day at my desk answering emails, then without any warning the back of "
     "my head felt like it split open, honestly never experienced pain like it, took my breath away",
     E, "rf_thunderclap"),
    # --- rf_neuro_deficit: weakness ----------------------------------------------------------
    ("since this morning my left arm has gone weak", E, "rf_neuro_deficit"),
    ("my right leg keeps giving way when I walk", E, "rf_neuro_deficit"),
    ("i cant lift my left arm above my head since the headache started", E, "rf_neuro_deficit"),
    ("half my face has dropped and my smile is crooked", E, "rf_neuro_deficit"),
    ("my left hand wont grip properly, i keep dropping my cup", E, "rf_neuro_deficit"),
    ("my arm feels really heavy and useless", E, "rf_neuro_deficit"),
    ("the left side of my body feels weak", E, "rf_neuro_deficit"),
    ("my leg went all floppy about an hour ago", E, "rf_neuro_deficit"),
    ("my wife says the corner of my mouth is drooping", E, "rf_neuro_deficit"),
    ("cant hold my phone in my right hand, theres no strength in it", E, "rf_neuro_deficit"),
    ("im struggling to move my right arm", E, "rf_neuro_deficit"),
    ("my arm went dead and it wont do what i tell it", E, "rf_neuro_deficit"),
    ("weakness all down my right side", E, "rf_neuro_deficit"),
    ("my hand just stopped working properly this afternoon", E, "rf_neuro_deficit"),
    ("My left arm is paralyzed", E, "rf_neuro_deficit"),
    ("my face looks lopsided in the mirror", E, "rf_neuro_deficit"),
    ("im dragging my left leg when i walk", E, "rf_neuro_deficit"),
    ("my arm has gone wek", E, "rf_neuro_deficit"),
    ("my legg feels so weeak", E, "rf_neuro_deficit"),
    ("I couldn't raise my right arm to brush my hair this morning", E, "rf_neuro_deficit"),
    ("one side of my face wont move properly when i smile", E, "rf_neuro_deficit"),
    ("headache since lunch and now my left arm and leg feel strange and heavy", E, "rf_neuro_deficit"),
    ("sorry for typing badly my right hand isnt working right and my head is pounding", E, "rf_neuro_deficit"),
    ("maybe my arm is a bit weak, not sure", E, "rf_neuro_deficit"),
    ("my left leg just isnt right, it keeps buckling", E, "rf_neuro_deficit"),
    ("i'm losing the strength in my grip", E, "rf_neuro_deficit"),
    ("her face has gone droopy on one side", E, "rf_neuro_deficit"),
    ("the right half of my body feels heavy", E, "rf_neuro_deficit"),
    # --- rf_neuro_deficit: numbness ----------------------------------------------------------
    ("the right side of my face has gone numb", E, "rf_neuro_deficit"),
    ("ive lost feeling down my left side", E, "rf_neuro_deficit"),
    ("my left hand feels dead since lunch", E, "rf_neuro_deficit"),
    ("my lips and tongue on one side feel numb", E, "rf_neuro_deficit"),
    ("can't feel my left foot properly", E, "rf_neuro_deficit"),
    ("pins and needles all down my left leg and arm", E, "rf_neuro_deficit"),
    ("half my body feels numb", E, "rf_neuro_deficit"),
    ("numb feeling in my cheek and lip", E, "rf_neuro_deficit"),
    ("lost sensation in my right hand", E, "rf_neuro_deficit"),
    ("my face feels numb on the left", E, "rf_neuro_deficit"),
    ("my foot went numm and tingly", E, "rf_neuro_deficit"),
    ("theres no feeling in my fingers on the right", E, "rf_neuro_deficit"),
    # --- rf_neuro_deficit: speech ------------------------------------------------------------
    ("my speech went all slurry and thick", E, "rf_neuro_deficit"),
    ("hes slurring his words like hes drunk but he hasnt had a drink", E, "rf_neuro_deficit"),
    ("i couldnt get my words out properly for about 10 minutes", E, "rf_neuro_deficit"),
    ("my words were coming out garbled", E, "rf_neuro_deficit"),
    ("i open my mouth and the wrong words come out", E, "rf_neuro_deficit"),
    ("cant speak properly since the headache started", E, "rf_neuro_deficit"),
    ("my voice sounds weird and my speech is slow", E, "rf_neuro_deficit"),
    ("speach is slured", E, "rf_neuro_deficit"),
    ("I was trying to talk but it was just nonsense coming out", E, "rf_neuro_deficit"),
    ("my mouth wont form the words", E, "rf_neuro_deficit"),
    # --- rf_neuro_deficit: vision ------------------------------------------------------------
    ("lost the sight in my right eye for a few minutes", E, "rf_neuro_deficit"),
    ("its like a curtain came down over my left eye", E, "rf_neuro_deficit"),
    ("everything looks double when i look to the side", E, "rf_neuro_deficit"),
    ("i can only see half of things", E, "rf_neuro_deficit"),
    ("theres a black patch in the middle of my vision that wont go", E, "rf_neuro_deficit"),
    ("went blind in one eye briefly", E, "rf_neuro_deficit"),
    ("i cant see properly out of my left eye", E, "rf_neuro_deficit"),
    ("seeing two of everything", E, "rf_neuro_deficit"),
    ("my sight went dark on one side", E, "rf_neuro_deficit"),
    ("a dark shadow came across the vision in my right eye", E, "rf_neuro_deficit"),
    ("i see 2 of everything since this afternoon", E, "rf_neuro_deficit"),
    ("im seeing everything twice", E, "rf_neuro_deficit"),
    ("my eyesight went black for a minute", E, "rf_neuro_deficit"),
    # --- rf_neuro_deficit: balance -----------------------------------------------------------
    ("i keep veering to the left and cant walk in a straight line", E, "rf_neuro_deficit"),
    ("im staggering around like im drunk", E, "rf_neuro_deficit"),
    ("i cant stand up without toppling over", E, "rf_neuro_deficit"),
    ("my balance has gone completely", E, "rf_neuro_deficit"),
    ("my coordination is all off and i keep bumping into things", E, "rf_neuro_deficit"),
    # --- rf_altered_consciousness ------------------------------------------------------------
    ("my husband is really drowsy and hard to wake up", E, "rf_altered_consciousness"),
    ("i passed out for a few seconds in the shower", E, "rf_altered_consciousness"),
    ("she doesnt know where she is or what day it is", E, "rf_altered_consciousness"),
    ("i keep forgetting where i am and my head is splitting", E, "rf_altered_consciousness"),
    ("our toddler has a high temperature and is very floppy, seems to have a headache", E, None),
    ("had a spinal tap on monday and the headache is terrible when i stand, fine lying down", U, "rf_positional"),
    ("he isn't sure what day it is and has a bad headache", E, "rf_altered_consciousness"),
    ("i keep losing track of what im saying and feel really muddled", E, "rf_altered_consciousness"),
    ("hes acting completely out of character", E, "rf_altered_consciousness"),
    ("i blacked out at work", E, "rf_altered_consciousness"),
    ("feinted this morning", E, "rf_altered_consciousness"),
    ("cant keep my eyes open and feel totally out of it", E, "rf_altered_consciousness"),
    ("i woke up on the floor and dont remember how i got there", E, "rf_altered_consciousness"),
    ("my mum is not making any sense and seems really spaced out", E, "rf_altered_consciousness"),
    ("i can barely stay awake and it's only noon", E, "rf_altered_consciousness"),
    ("my dad keeps asking the same questions over and over", E, "rf_altered_consciousness"),
    ("I dont know where I am", E, "rf_altered_consciousness"),
    ("he's not really responding when we talk to him", E, "rf_altered_consciousness"),
    # --- rf_seizure -------------------------------------------------------------------------
    ("i had a fit this morning and now my head is pounding", E, "rf_seizure"),
    ("my son had a seizure and now has a bad headache", E, "rf_seizure"),
    ("i was shaking all over and jerking and couldnt stop it", E, "rf_seizure"),
    ("my partner said my whole body was twitching and i wasnt responding", E, "rf_seizure"),
    ("convulsed on the kitchen floor", E, "rf_seizure"),
    ("she was fitting on the floor for a minute", E, "rf_seizure"),
    ("had what looked like an epileptic attack", E, "rf_seizure"),
    ("I had a siezure", E, "rf_seizure"),
    # --- rf_fever_meningism ------------------------------------------------------------------
    ("high temp and my neck is so stiff I cant look down", E, "rf_fever_meningism"),
    ("im burning up and it hurts to bend my head forward", E, "rf_fever_meningism"),
    ("feverish with a really sore stiff neck", E, "rf_fever_meningism"),
    ("temperature of 39 and i cant get my chin to my chest", E, "rf_fever_meningism"),
    ("running a fever, neck feels rigid", E, "rf_fever_meningism"),
    ("hot and shivery and my neck wont bend", E, "rf_fever_meningism"),
    ("fever and the headache keeps getting worse by the hour", E, "rf_fever_meningism"),
    ("i've got a temperature of 102 and my neck really hurts when i bend it", E, "rf_fever_meningism"),
    # --- rf_fever_rash ------------------------------------------------------------------------
    ("my daughter has a rash that doesnt go away when i press a glass on it", E, "rf_fever_rash"),
    ("little purple spots appeared on my legs", E, "rf_fever_rash"),
    ("there are tiny red dots on my tummy that dont fade when pressed", E, "rf_fever_rash"),
    ("a blotchy purplish rash is spreading and i feel really ill", E, "rf_fever_rash"),
    ("the spots didnt disappear when I did the glass test", E, "rf_fever_rash"),
    ("dark red pin prick spots on his arms", E, "rf_fever_rash"),
    # --- rf_head_injury_severe / rf_head_injury ---------------------------------------------
    ("fell off my bike yesterday and hit my head, now ive been sick three times", E, "rf_head_injury_severe"),
    ("banged my head on a shelf this morning and im on warfarin", E, "rf_head_injury_severe"),
    ("slipped on ice and smacked the back of my head, been drowsy since", E, "rf_head_injury_severe"),
    ("fell down the stairs and cracked my head, cant remember the fall", E, "rf_head_injury_severe"),
    ("took a blow to the head last night and clear fluid is dripping from my nose", E, "rf_head_injury_severe"),
    ("got hit in the head playing rugby last weekend and the headache wont go", U, "rf_head_injury"),
    ("car accident 2 weeks ago, my head hit the window", U, "rf_head_injury"),
    ("walked into a door frame yesterday and whacked my forehead", U, "rf_head_injury"),
    ("i was concussed at football on saturday", U, "rf_head_injury"),
    ("a cupboard door smashed into my head on tuesday", U, "rf_head_injury"),
    ("my toddler headbutted me really hard in the face last night", U, "rf_head_injury"),
    # --- rf_neck_artery -------------------------------------------------------------------------
    ("had my neck cracked by a chiropractor 3 days ago and now severe neck pain and headache", E, "rf_neck_artery"),
    ("since the chiro adjusted my neck on monday i have awful neck pain and feel dizzy", E, "rf_neck_artery"),
    ("my neck got cracked by the osteopath two days ago, now a severe pain in my neck and head", E, "rf_neck_artery"),
    ("went to a chiropractor yesterday and since then terrible neck pain with a headache", E, "rf_neck_artery"),
    # --- rf_glaucoma -------------------------------------------------------------------------
    ("my right eye is red and really painful and everything is blurry", E, "rf_glaucoma"),
    ("painful bloodshot eye with rainbow halos round lights and i feel sick", E, "rf_glaucoma"),
    ("my eye is agony and red and im seeing halos", E, "rf_glaucoma"),
    # --- rf_gca / rf_gca_visual ---------------------------------------------------------------
    ("Im 72 and my jaw aches whenever I chew, the headache is new", U, "rf_gca"),
    ("67 years old, it hurts to brush my hair over my temples", U, "rf_gca"),
    ("im 58 and the side of my head is tender to touch, new headaches", U, "rf_gca"),
    ("75, new headache, jaw hurts when eating and blurred vision in one eye", E, "rf_gca_visual"),
    ("i am 80 my jaw gets tired chewing my food and my scalp is sore", U, "rf_gca"),
    # --- rf_preeclampsia / rf_pregnancy_postpartum -------------------------------------------
    ("im 34 weeks pregnant with a headache and my feet and face have swollen up", E, "rf_preeclampsia"),
    ("30 weeks pregnant, seeing flashing lights and bad headache", E, "rf_preeclampsia"),
    ("pregnant in my third trimester with pain under my ribs on the right and a headache", E, "rf_preeclampsia"),
    ("had my baby 10 days ago and now a terrible headache and blurry vision", E, "rf_preeclampsia"),
    ("36 wks pregnant my hands and face are puffy all of a sudden", E, "rf_preeclampsia"),
    ("Im 12 weeks pregnant and have a new headache", U, "rf_pregnancy_postpartum"),
    ("I'm expecting and this headache is different from usual", U, "rf_pregnancy_postpartum"),
    ("gave birth 3 weeks ago, headache every day since", U, "rf_pregnancy_postpartum"),
    # --- rf_carbon_monoxide -------------------------------------------------------------------
    ("me and my flatmates all have headaches and its better when we go out", E, "rf_carbon_monoxide"),
    ("the whole family has had headaches since the boiler was fixed", E, "rf_carbon_monoxide"),
    ("headache goes when i leave the house and comes back when i get home, we have a gas fire", E, "rf_carbon_monoxide"),
    ("my kids have been complaining of headaches too and the dog is lethargic", E, "rf_carbon_monoxide"),
    ("everyone at home feels dizzy and headachy, we have an old gas heater", E, "rf_carbon_monoxide"),
    ("my wife and i both get the headache at home but never at work", E, "rf_carbon_monoxide"),
    # --- rf_hypertensive --------------------------------------------------------------------
    ("my blood pressure was 210/120 and i have chest pain with the headache", E, "rf_hypertensive"),
    ("bad headache, bp reading of 200 over 125 and my chest feels tight and painful", E, "rf_hypertensive"),
    ("bp through the roof, headache and blurry vision", E, "rf_hypertensive"),
    # --- urgent flags -----------------------------------------------------------------------
    ("its been getting steadily worse every day for the past two weeks", U, "rf_progressive"),
    ("the headaches are getting more frequent and stronger this month", U, "rf_progressive"),
    ("i wake up with it every morning and throw up", U, "rf_morning_vomiting"),
    ("the headache is much worse when I stand up and goes when I lie flat", U, "rf_positional"),
    ("every time i cough my head hurts", U, "rf_valsalva_exertion"),
    ("im on chemo and have a new headache", U, "rf_immunosuppression"),
    ("i have HIV and started getting headaches last month", U, "rf_immunosuppression"),
    ("had lung cancer last year, now a new headache", U, "rf_cancer_history"),
    ("i'm 63 and never had headaches until last month", U, "rf_age_over_50_new"),
    ("the optician said my optic nerves look swollen", U, "rf_papilloedema"),
    ("my vision greys out for a few seconds when i stand up", U, "rf_papilloedema"),
    # --- long, rambling, no punctuation ------------------------------------------------------
    ("hi sorry to bother you i dont usually do this kind of thing but my mum told me to check "
     "so basically ive had a headache for a couple of days which isnt unusual for me i get them "
     "with stress and my period but since about 6 this evening my right arm has felt sort of heavy "
     "and clumsy and im a bit worried", E, "rf_neuro_deficit"),
    ("So I went to the gym this morning as usual, did my normal routine, nothing special, came "
     "home, had a shower, and while I was drying my hair the left side of my face went kind of "
     "tingly and numb and when I looked in the mirror my mouth looked a bit droopy on that side. "
     "It's been about 40 minutes. I also have a headache but that's normal for me after the gym.",
     E, "rf_neuro_deficit"),
    ("long day at work lots of screens headache behind my eyes as usual but then on the drive home "
     "i noticed i was seeing double when i looked at the car in front and it hasnt stopped",
     E, "rf_neuro_deficit"),
    ("my teenage son came home from rugby saying he got a knock to the head and now hes been "
     "vomiting and keeps dozing off on the sofa, is this normal after a match", E, "rf_head_injury_severe"),
    ("I'm writing for my husband, he's 54. About an hour ago he said he had a sudden awful headache "
     "at the back of his head, he's been sick twice and now he's a bit confused about what day it is",
     E, "rf_altered_consciousness"),
    ("not sure if relevant but my girlfriend and her sister who live with me have both been "
     "getting headaches this week and we all feel a bit sick in the mornings, the flat has a really "
     "old gas boiler", E, "rf_carbon_monoxide"),
    ("been feeling rough for 2 days, temperature on and off and now i really cant move my neck "
     "without it hurting and the light is killing my eyes", E, "rf_fever_meningism"),
    ("i am 68 and for the last 3 weeks i have had this new headache on my right temple, my jaw "
     "aches when i eat my dinner and the temple is really sore when i touch it", U, "rf_gca"),
    ("i have had migraines for 20 years and know them well but this one was different, it hit like "
     "a hammer in one second flat and i was screaming", E, "rf_thunderclap"),
    ("i had a migraine with the usual zigzags but this time my right arm went weak too and it "
     "still feels heavier than the left", E, "rf_neuro_deficit"),
    ("headache for a week now. today while i was on the phone to my sister she said i sounded "
     "drunk and wasnt making sense", E, "rf_neuro_deficit"),
    ("WORST HEADACHE OF MY LIFE HELP", E, "rf_thunderclap"),
    ("pls help my 7 yr old has a high temp and a purple rash on her legs that doesnt fade", E, "rf_fever_rash"),
    ("i hit my head on the car door yesterday and i take apixaban for my heart", E, "rf_head_injury_severe"),
    ("this is the third time this week my head has felt like it was exploding with no warning "
     "and i never used to get headaches at all", E, "rf_thunderclap"),
    ("im pregnant 33 weeks my eyes keep going blurry and i have a pounding head", E, "rf_preeclampsia"),
    ("I'm 70, never been a headache person, but for the past month I've had one every day",
     U, "rf_age_over_50_new"),
]

CONTROLS = [
    # "never had X or anything like that" denies X; it is not "never had anything like this"
    "never had aura or anything like that, just a throbbing headache once a month",
    "i've never had numbness or anything like that, it's my usual tension headache",
    # a normal blood-pressure reading is no crisis
    "my bp was 120/80 at the chemist today and i have a dull headache",
    # one other person's habitual headaches, or "all" in "all day", is no shared cause
    "my husband keeps getting tension headaches from driving all day",
    "my wife often gets headaches after work, i have one today as well",
    "my headaches are worse in winter when the heating is on and the air is dry",
    # everyday idioms
    "the worst week ever at work and now a headache",
    "this headache is killing me",
    "i forgot where i put my painkillers and now the headache is worse",
    "i see a chiropractor for my lower back, the headache is mild",
    "honestly this tension headache is the worst thing about mondays",
    "my legs are killing me after the hike",
    "work is a pain in the neck and my head aches",
    "i cant see the point of taking tablets every day",
    "i had a fit of giggles at work today and then a headache",
    "my head hit the pillow and i was out like a light",
    "im banging my head against a wall with this project",
    "i was confused about which tablet to take",
    "im a bit confused by the instructions on the box",
    "numb bum from sitting at my desk all day",
    "i nearly dropped my phone when i saw the bill",
    "weak coffee always gives me a headache",
    "i feel weak and run down with this cold",
    "im a bit weak at maths",
    "the pain is sharp, like a knife, in my left temple",
    "left side of my head hurts, like usual",
    "my temples throb when im stressed",
    "its my time of the month and my head aches",
    "blurry vision when im tired from screens, goes after a rest",
    # benign look-alikes with a cause
    "my arm is tired from the gym",
    "my legs feel dead after leg day",
    "my arms feel heavy after carrying the shopping home",
    "my arms are weak after the climbing session",
    "i lift weights and my arms feel heavy afterwards",
    "my arms ache from holding the baby",
    "i get headaches when my kids are loud",
    "my dad gets headaches as well, runs in the family",
    "no problems with my speech or vision",
    "pins and needles in my foot after sitting cross legged",
    "my hands shake a bit if I have too much coffee",
    "my feet are swollen after the long flight",
    "my neck is a bit stiff from sleeping funny",
    "I feel better outside in the fresh air",
    "I hit the gym hard yesterday and my muscles ache",
    "my wife is pregnant and I've got a tension headache",
    "my sister was pregnant last year and had migraines",
    "I've got a heat rash on my arms but it fades when I press it",
    "I shook my head when he asked",
    # denials
    "no weakness in my arms or legs",
    "I can move my arm fine",
    "my arms and legs are working fine",
    "I've never had a seizure",
    "my brother has epilepsy but ive never had a fit",
    "no numbness or tingling anywhere",
    "my vision is fine, no double vision",
    "no fever and my neck isn't stiff",
    "my speech is normal",
    "I haven't hit my head",
    "I'm not pregnant",
    "I didn't pass out or anything",
    "I haven't been sick and my eyesight is normal",
    "I'm not confused, just tired",
    "nobody else at home has headaches",
    "my blood pressure is normal",
    "it's not the worst headache of my life, just annoying",
    "it didn't come on suddenly, it built up over the afternoon",
    "no slurred speech, no facial droop, no arm weakness",
    "there's no rash",
    "i dont feel drowsy",
    "my face isnt drooping and i can smile fine",
    "I don't think it's a stroke, I have no weakness or slurring",
    "my grip is fine and i can feel everything",
    # old history, other people
    "I hit my head two years ago but that's long healed",
    "I had a concussion as a teenager",
    "my mum had a stroke years ago so i worry",
    "I'm 35 and it's the same as my usual migraines",
    "I'm 29, headache on both sides like a tight band, 4 out of 10, stress at work",
    "30 year old, throbbing on the right, feel sick, light bothers me, same as my usual migraine",
    "i get a dull ache across my forehead most afternoons when i'm at the computer",
    "my husband gets tension headaches too when he's stressed",
]


def _record(kind: str, ok: bool, text: str, got: Optional[str]) -> None:
    RED_FLAG_RESULTS.append({"kind": kind, "ok": ok, "text": text, "level": got})


def test_table_is_big_enough():
    assert len(POSITIVES) + len(CONTROLS) >= 150
    assert len(CONTROLS) >= 60
    assert len({t for t, _, _ in POSITIVES} | set(CONTROLS)) == len(POSITIVES) + len(CONTROLS)


# A plain "yes" to each direct question the consultation may ask before the advice (4.3: a flag
# that hinges on one fact not said yet is asked, not assumed; "yes" or "not sure" gives the advice).
DIRECT_ANSWERS = {
    "onset": "it hit me in seconds",
    "severity": "9 out of 10",
    "headache_history": "it's new, I never had headaches like this",
    "age": "I'm 72",
    "flag_check": "yes",
}


def _after_direct_question(text: str, level: str):
    """The findings once the one direct question a message leads to is answered "yes": for an
    emergency it must be the very first question; an urgent flag's may follow the screen."""
    findings = scan(text)
    now = alert_level(findings)
    if now and TRIAGE_RANK[now] >= TRIAGE_RANK[level]:
        return findings
    plan = [slot for slot in plan_questions(findings, set()) if level == E or slot != "red_flags"]
    slot = plan[0] if plan else None
    if slot not in DIRECT_ANSWERS:
        return findings
    answered = verdict(DIRECT_ANSWERS[slot], context=Context(findings=findings.to_dict(), pending=slot))
    return answered.findings


@pytest.mark.parametrize("text,level,rf_id", POSITIVES, ids=[t[:50] for t, _, _ in POSITIVES])
def test_red_flag_is_caught(text, level, rf_id):
    findings = _after_direct_question(text, level)
    got = alert_level(findings)
    hit_ids = ids(screen(findings))
    ok = got is not None and TRIAGE_RANK[got] >= TRIAGE_RANK[level] and (rf_id is None or rf_id in hit_ids)
    _record("positive", ok, text, got)
    assert got is not None and TRIAGE_RANK[got] >= TRIAGE_RANK[level], f"{got!r} < {level}: {findings.to_dict()}"
    if rf_id:
        assert rf_id in hit_ids, f"{rf_id} not in {hit_ids}: {findings.to_dict()}"


@pytest.mark.parametrize("text", CONTROLS, ids=[t[:50] for t in CONTROLS])
def test_control_raises_no_alert(text):
    findings = scan(text)
    got = alert_level(findings)
    _record("control", got is None, text, got)
    assert got is None, f"false alarm {got} {ids(screen(findings))}: {findings.to_dict()}"
