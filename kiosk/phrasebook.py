"""Paraphrase families for the kiosk's language models: how people answer each question out loud.

Written from the questions themselves (data/kb/knowledge.yml), not from any case: quantities in
every spoken form ("a couple of hours", "half the month", "twice a week", "since march", "two or
three days", "on a bad day a seven"), hedges ("i'd say", "probably", "i think"), and the usual
frames of each answer. A template is a string with ``{a|b|c}`` alternatives (nested allowed) and
``$CLASS`` slots; ``expand`` draws a fixed number of instances per template with a fixed seed, so
the models see every class member in many frames (class-like sharing) without listing every
combination.
"""
from __future__ import annotations

import random
import re
from typing import Dict, Iterator, List

from kiosk.textnorm import number_words, year_words

SEED = 23
PER_TEMPLATE = 24    # instances drawn from each template

_SMALL = [number_words(n) for n in range(1, 13)]
CLASSES: Dict[str, List[str]] = {
    "N": _SMALL,
    "NUM": [number_words(n) for n in range(1, 31)] + ["forty", "forty five", "fifty", "sixty", "ninety"],
    "SCORE": [number_words(n) for n in range(0, 11)],
    "AGE": [number_words(n) for n in range(12, 96)],
    "FEW": ["a couple of", "a few", "two or three", "three or four", "several", "a good few", "two", "three"],
    "APPROX": ["about", "around", "maybe", "roughly", "probably", "like", "usually", "normally", "i'd say",
               "somewhere around", "at least", "more or less", "nearly", "almost", "just under", "just over"],
    "HEDGE": ["i think", "i'd say", "probably", "honestly", "to be honest", "i guess", "i suppose", "well",
              "um", "hmm", "oh", "yeah", "so", "i mean", "not sure but", "i reckon"],
    "UNIT": ["minutes", "hours", "days", "weeks", "months", "years"],
    "UNIT1": ["minute", "hour", "day", "week", "month", "year"],
    "SHORT": ["minutes", "hours"],
    "PERIOD": ["day", "week", "month", "year", "fortnight"],
    "MONTH": ["january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december"],
    "DAY": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the weekend"],
    "PART": ["morning", "afternoon", "evening", "night", "lunchtime", "bedtime", "the day", "work"],
    "YEAR": [year_words(y) for y in range(1990, 2027)],
    "PLACE": ["forehead", "temples", "left temple", "right temple", "left eye", "right eye", "the back of my head",
              "the top of my head", "the base of my skull", "both sides", "one side", "my neck", "my shoulders",
              "behind my eyes", "around my eyes", "my jaw", "my face", "my whole head", "the left side",
              "the right side", "my sinuses", "the crown"],
    "FEEL": ["throbbing", "pounding", "pressing", "tight", "dull", "sharp", "stabbing", "squeezing", "aching",
             "heavy", "burning", "pulsing", "like a band", "like a vice", "like pressure", "achy", "sore"],
    "DRUG": ["paracetamol", "ibuprofen", "aspirin", "naproxen", "co codamol", "codeine", "sumatriptan",
             "rizatriptan", "a triptan", "painkillers", "tablets", "nurofen", "panadol", "excedrin", "tylenol",
             "advil", "migraleve", "anadin", "my inhaler", "the pill", "antidepressants", "blood pressure tablets",
             "beta blockers", "amitriptyline", "propranolol", "topiramate"],
    "CAUSE": ["stress", "work", "screens", "the computer", "my laptop", "bad sleep", "not sleeping",
              "skipping meals", "not drinking enough water", "coffee", "caffeine", "alcohol", "red wine",
              "my period", "the weather", "bright lights", "loud noise", "exercise", "driving", "reading",
              "my posture", "hunching over", "looking down at my phone", "tiredness", "hangovers", "cheese",
              "chocolate", "perfume", "heat", "the cold", "long shifts", "deadlines", "the kids"],
    "SYMPTOM": ["feel sick", "feel a bit sick", "threw up", "light bothers me", "noise bothers me",
                "sensitive to light", "sensitive to noise", "dizzy", "tired", "my eyes water", "my nose runs",
                "zigzag lines", "flashing lights", "blurry", "foggy", "a stiff neck", "sore shoulders",
                "nauseous", "queasy", "lightheaded", "tingling in my hand", "ringing in my ears"],
    "WHO": ["my gp", "the doctor", "a doctor", "my doctor", "a neurologist", "the nurse", "a physio",
            "the pharmacist", "a chiropractor", "an osteopath", "the optician", "a dentist"],
}

# Quantities as people say them, shared by every question that takes a quantity.
QUANTITY = [
    "{$APPROX |}$NUM $UNIT", "{$APPROX |}a $UNIT1", "{$APPROX |}$FEW $UNIT", "{$APPROX |}half an hour",
    "{$APPROX |}an hour or two", "{$APPROX |}a day or two", "{$APPROX |}$N or $N $UNIT",
    "{$APPROX |}$N to $N $UNIT", "between $N and $N $UNIT", "{$APPROX |}$N and a half $UNIT",
    "{half|most|all} {of |}the $PERIOD", "{a|one} $PERIOD {or so|or two|at most|at least}",
    "{about |}$N $UNIT or so", "more than $N $UNIT", "less than {a|an} $UNIT1", "under $N $UNIT",
    "over $N $UNIT", "{a|an} $UNIT1 and a bit", "the best part of a $PERIOD",
]
FREQUENCY = [
    "{$APPROX |}{once|twice|three times|$N times} a {day|week|month|year|fortnight}",
    "{$APPROX |}$NUM days a {month|week}", "{$APPROX |}$N or $N days a {week|month}",
    "{$APPROX |}$N to $N {days|times} a {week|month}", "{most|some|many|a few} days",
    "{nearly|almost|pretty much} every day", "every {day|other day|morning|evening|weekend|few days|week}",
    "{half|most} the month", "{half|most} of the month", "{$APPROX |}half the days",
    "{once|twice} {or twice|or three times} a {week|month}", "a couple of times a {week|month}",
    "every {couple of|few} {days|weeks|months}", "{not that|not very|quite|really} often",
    "{on and off|now and then|every now and then|from time to time|once in a while}",
    "{more|less} {often|days} than not", "$NUM or $NUM days {a|every} month", "most weekends",
    "{it's|it is} {daily|weekly|constant|every day now}", "{hardly ever|rarely|a lot|all the time}",
]
SINCE = [
    "since $MONTH", "since last $MONTH", "since {last|the} {week|month|year|summer|winter|spring|autumn}",
    "since {$YEAR|i was $AGE|my teens|my twenties|school|university|uni|the accident|covid|the baby}",
    "for {$APPROX |}$NUM {days|weeks|months|years}", "for {$FEW|a few|a couple of} {days|weeks|months|years}",
    "{$NUM|$FEW|a few|a couple of} {days|weeks|months|years} ago", "{last|this} {week|month|year|$DAY}",
    "{yesterday|today|this morning|last night|the day before yesterday|on $DAY}",
    "{years|ages|forever|as long as i can remember|most of my life|all my life}",
]
# Per question: answer frames (a $Q slot takes a quantity phrase).
SLOT_TEMPLATES: Dict[str, List[str]] = {
    "duration": QUANTITY + [
        "{$HEDGE |}{it lasts|they last|it goes on for|usually|normally|it stays} {$APPROX |}$NUM $UNIT",
        "{$HEDGE |}{it lasts|usually|normally} {$FEW|a couple of} {hours|days}",
        "{all|the whole|most of the} day", "{all day|all night} and {sometimes|often} into the next {day|morning}",
        "until i {sleep|go to sleep|go to bed|take something|lie down|eat}", "{a few|several} hours if i don't take anything",
        "from {morning|lunchtime|the afternoon} {till|until|to} {night|bedtime|the evening}",
        "{it never really goes|it's there all the time|it doesn't go away|it comes and goes}",
        "{without|if i don't take} {tablets|painkillers|anything} {about |}$NUM $UNIT",
        "{$APPROX |}$N $UNIT {at a time|each time|or so|or longer|tops}", "{just |}a few minutes",
        "{seconds|a few seconds|a minute or two}", "{a day|two days|three days} {at most|sometimes|or more}",
    ],
    "frequency": FREQUENCY + [
        "{$HEDGE |}{about |}$NUM {days|headache days} a month", "{$HEDGE |}{i get them|it happens} " + "{$APPROX |}$N times a {week|month}",
        "{at least|more than} {half|fifteen days} {of|in} the month", "{one|two} or {two|three} a {week|month}",
    ],
    "severity": [
        "{$HEDGE |}{about |around |maybe |}{a |}$SCORE {out of ten|}", "$SCORE out of ten", "$SCORE or $SCORE",
        "between $SCORE and $SCORE", "{a |}$SCORE on a bad day", "{usually |}{about |}{a |}$SCORE {but|and} {up to|sometimes} {a |}$SCORE",
        "{mild|moderate|bad|really bad|severe|terrible|unbearable|not too bad|pretty bad}",
        "{it's|it is} {mild|moderate|bad|severe|about a $SCORE}", "{on a good day|at its worst} {a |}$SCORE",
    ],
    "age": [
        "{$HEDGE |}{i'm|i am} $AGE", "$AGE", "{i'm|i am} $AGE years old", "{just turned|nearly|almost} $AGE",
        "$AGE next {month|year|week}", "{i'm|i am} {in my|} {twenties|thirties|forties|fifties|sixties|seventies}",
        "$AGE {this year|in $MONTH}", "{i'm|i am} $AGE {and a half|}",
    ],
    "onset": [
        "{it|the pain|the headache} {came on|started|built up|crept up|crept in|came} {slowly|gradually|over $FEW $SHORT|over {a|an} $UNIT1|bit by bit}",
        "{it|the pain} {came on|started|hit} {suddenly|out of nowhere|all at once|in seconds|like a bang}",
        "{it|the pain} {builds|built|creeps} up over {the day|the morning|the afternoon|$FEW $SHORT|an hour or so}",
        "{it|it's|it was} {gradual|slow|sudden|a slow build}", "{nothing sudden|not sudden|no not suddenly}",
        "it was at its worst {within|after} {$FEW|a few|$N} {seconds|minutes|hours}",
    ],
    "pain_location": [
        "{$HEDGE |}{it's |it hurts |mostly |}{on|in|at|around|across|behind|over} $PLACE",
        "$PLACE and $PLACE", "{all over|everywhere|my whole head|the whole head}", "{like a band|a band} around my head",
        "{it starts|it begins} {in|at} $PLACE and {goes|spreads|moves} {to|into|up to} $PLACE",
    ],
    "pain_quality": [
        "{$HEDGE |}{it's |a |}$FEEL {pain|ache|feeling|}", "$FEEL and $FEEL", "{like|it feels like} {a|someone} {squeezing|pressing|stabbing|hammering|drilling|a tight band|a weight|a vice}",
        "{more|mostly} $FEEL than $FEEL", "{not|it's not} $FEEL {more|it's more} $FEEL",
    ],
    "associated_symptoms": [
        "{i |}{$SYMPTOM|get $SYMPTOM}", "{yes |}{i |}{feel|get} {a bit |}{sick|nauseous|queasy|dizzy}",
        "{no|not really|nothing else|nothing like that}", "$SYMPTOM and $SYMPTOM", "{sometimes|occasionally} $SYMPTOM",
        "{light|noise|light and noise|bright light} {bothers|bother} me", "no {sickness|zigzags|vomiting}",
    ],
    "triggers": [
        "{$HEDGE |}$CAUSE", "$CAUSE and $CAUSE", "{it starts|it comes on|i get it} {after|when|with} $CAUSE",
        "{nothing|nothing i can think of|not really|no idea}", "{probably|maybe|mostly} $CAUSE {i think|}",
        "$CAUSE {makes it worse|sets it off|brings it on}", "{too much|not enough} {sleep|water|coffee|screen time}",
    ],
    "origin": [
        "{$HEDGE |}{from|it comes from|it starts in} {my neck|my shoulders|the back of my neck|my head|my jaw}",
        "{my |}{neck|shoulders|neck muscles|head} {i think|probably|}", "{not sure|no idea|i don't know|hard to say}",
        "{just|only|inside} my head",
    ],
    "medication_use": [
        "{$HEDGE |}$DRUG {$APPROX |}$NUM days a month", "{i take|i use|i have} $DRUG {$APPROX |}{once|twice|$N times} a {week|month}",
        "{i take |}$DRUG {when|if} i need it", "{nothing|none|i don't take anything|i try not to}",
        "{$APPROX |}$N days a {week|month} {for|over} {$FEW|$N} {months|years}", "$DRUG and $DRUG",
        "$DRUG {most days|every day|now and then|rarely}",
    ],
    "red_flags": ["{no|nope|none|no none of those|none of these|nothing like that|no nothing like that}",
                  "{not sure|i'm not sure|maybe}", "{yes|yeah} {one of them|i think so|a bit}"],
    "headache_history": SINCE + [
        "{i've had|i have had|i get|i've been getting} {them|these|headaches|migraines} " + "{for years|since $YEAR|since i was $AGE|for $NUM years|on and off for years|since my teens}",
        "{it's|this is} {new|a new kind|not new|the same as always|different}", "{this is the first|it's the first} {one|time}",
        "{they|it} started {$NUM|a few|a couple of} {weeks|months|years} ago",
    ],
    "aura_history": ["{never|no never|not that i know of|i don't think so}", "{yes |}the same as before",
                     "{zigzags|flashing lights|tingling} {for|lasting} {$APPROX |}$NUM minutes",
                     "{it lasts|they last} {$APPROX |}$NUM minutes {before the headache|then the headache comes}"],
    "attack_history": ["{i've had|i have had} {bouts|attacks|these} {like this|before} {in|} {$YEAR|$NUM years ago|last year}",
                       "{first time|this is the first time|never before}", "{the same as|like} {always|before|every time}"],
    "progression": ["{no|no change|the same|about the same|pretty much the same}", "{yes|yeah} {worse|more often|getting worse}",
                    "{getting|it's getting} {worse|better|more frequent} {over the last|in the last} {$FEW|$N} {weeks|months}"],
    "doctor_seen": ["{no|never|not yet|no never}", "{yes|yeah} $WHO {said|told me|thought} {it's|it was} {migraine|tension|nothing serious}",
                    "$WHO {diagnosed|checked|looked at} {it|them} {$NUM years ago|last year|in $YEAR|}"],
    "pregnancy": ["{no|nope|definitely not|no i'm not}", "{yes |}{i'm|i am} $N {weeks|months} pregnant",
                  "{i |}gave birth $N {weeks|days} ago", "{i'm a man|i'm male|not possible}"],
    "other_conditions": ["{no|none|nothing|no i'm healthy|none of those}", "{i take|i'm on} $DRUG {for|} {my blood pressure|my asthma|my thyroid|}",
                         "{i have|i've got} {asthma|diabetes|high blood pressure|an underactive thyroid|depression|anxiety}"],
}
# Openings: a few general frames for a first message (the NLU data and study openings carry most).
OPENING_TEMPLATES = [
    "{$HEDGE |}{i've had|i have had|i've got|i get} {a headache|headaches|migraines|this headache} {for|since} {$NUM $UNIT|$FEW $UNIT|$MONTH|last $PERIOD|this morning}",
    "{my head|my head and neck|the back of my head|my forehead} {hurts|has been hurting|is killing me|aches} {$PLACE|}",
    "{it's|it is} {a|this} $FEEL {pain|headache} {in|around|behind} $PLACE",
]


def _expand_one(template: str, rng: random.Random) -> str:
    text = template
    while "{" in text:
        text = re.sub(r"\{([^{}]*)\}", lambda m: rng.choice(m.group(1).split("|")), text)
    return re.sub(r"\$([A-Z0-9]+)", lambda m: rng.choice(CLASSES[m.group(1)]), text)


def expand(templates: List[str], per_template: int = PER_TEMPLATE, seed: int = SEED) -> Iterator[str]:
    rng = random.Random(seed)
    for template in templates:
        seen = set()
        for _ in range(per_template):
            sentence = " ".join(_expand_one(template, rng).split())
            if sentence and sentence not in seen:
                seen.add(sentence)
                yield sentence


def slot_phrases(slot: str) -> Iterator[str]:
    """Answer phrasings for one question (empty for a question without a family)."""
    yield from expand(SLOT_TEMPLATES.get(slot, []), seed=SEED + sum(map(ord, slot)))


def general_phrases() -> Iterator[str]:
    """Quantities, times and openings for the general model."""
    yield from expand(QUANTITY + FREQUENCY + SINCE + OPENING_TEMPLATES, per_template=12)
