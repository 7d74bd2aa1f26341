"""Numbers in lay wording (actions/clinic/numbers.py)."""
import datetime as dt

import pytest

from actions.clinic.reading import numbers as n


@pytest.mark.parametrize(
    "text,bare,words,expected",
    [
        ("it's about 7/10", False, False, 7),
        ("seven out of ten", False, False, 7),
        ("Eight out of 10 at its worst", False, False, 8),
        ("6-7/10", False, False, 7),
        ("a solid 8", False, False, 8),
        ("I'd rate it a 6", False, False, 6),
        ("on a scale of 1 to 10 it's a 9", False, False, 9),
        ("11/10 honestly", False, False, 10),
        ("7.5/10", False, False, 8),
        ("it lasts about 3 hours", False, False, None),
        ("really bad", False, False, None),
        ("a severe headache", False, False, 7),
        ("the pain is mild", False, False, 3),
        ("8", False, False, None),
        ("8", True, True, 8),
        ("about 6 or 7", True, True, 7),
        ("really bad", True, True, 7),
        ("not too bad", True, True, 3),
        ("mild", True, True, 3),
        ("moderate i guess", True, True, 5),
        ("mild to moderate", True, True, 5),
        ("excruciating", True, True, 9),
        ("the worst pain ever", True, True, 9),
        ("three hours", True, True, None),
        ("no idea", True, True, None),
    ],
)
def test_severity(text, bare, words, expected):
    assert n.parse_severity(text, bare=bare, words=words) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("for 3 hours", 180.0),
        ("half an hour", 30.0),
        ("about 45 mins", 45.0),
        ("45min", 45.0),
        ("3hrs", 180.0),
        ("a couple of days", 2880.0),
        ("an hour and a half", 90.0),
        ("one and a half hours", 90.0),
        ("1.5 hours", 90.0),
        ("2-3 hours", 150.0),
        ("two to four hours", 180.0),
        ("2 hours 30 minutes", 150.0),
        ("a few minutes", 3.0),
        ("twenty minutes", 20.0),
        ("a quarter of an hour", 15.0),
        ("all day", 720.0),
        ("the whole day usually", 720.0),
        ("it lasts hours", 240.0),
        ("constant", n.CONTINUOUS),
        ("it never goes away", n.CONTINUOUS),
        ("all the time, 24/7", n.CONTINUOUS),
        ("it's there all the time", n.CONTINUOUS),
        # not constant: it ends when they sleep, the day's end as the measure (about 8 hours)
        ("doesn't go away until I sleep", 480.0),
        ("stays all the day until I sleep", 720.0),
        ("there till teatime most days", 480.0),
        ("no idea", None),
    ],
)
def test_duration(text, expected):
    assert n.parse_duration(text) == pytest.approx(expected) if isinstance(expected, float) else n.parse_duration(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("twice a week", 8.69),
        ("2-3 days a week", 10.86),
        ("two or three times a week", 10.86),
        ("once or twice a week", 6.52),
        ("most days", 20.0),
        ("every day", 30.0),
        ("daily", 30.0),
        ("everyday pretty much", 30.0),
        ("almost every day", 25.0),
        ("every other day", 15.0),
        ("every few days", 10.0),
        ("once a month", 1.0),
        ("3 times a month", 3.0),
        ("about 10 days a month", 10.0),
        ("4 days/month", 4.0),
        ("15 days out of 30", 15.0),
        ("a few times a year", 0.25),
        ("twice a year", 0.17),
        ("fortnightly", 2.17),
        ("every weekend", 8.69),
        ("once a week", 4.35),
        ("3 times a day", 30.0),
        ("now and then", 1.0),
        ("it varies", None),
    ],
)
def test_frequency(text, expected):
    value = n.parse_frequency(text)
    assert value == (pytest.approx(expected, abs=0.02) if expected is not None else None)


@pytest.mark.parametrize(
    "text,expected",
    [
        # a count over several periods
        ("maybe once every 3 months", 0.33),
        ("twice in six months or so", 0.33),
        ("4 attacks in 2 weeks", 8.69),
        # a count of days named by what kind of day
        ("about 6 proper migraine days a month", 6.0),
        ("8 really bad days a month", 8.0),
        # roughly a number
        ("5ish days a month", 5.0),
        ("10-ish times a month", 10.0),
        # workdays
        ("pretty much every weekday", 21.7),
        ("most working days", 15.0),
        # rare and occasional, said without numbers
        ("hardly ever, that's why this worries me", 0.5),
        ("I don't usually get headaches", 0.5),
        ("every so often", 1.0),
        ("from time to time", 1.0),
        # a unit is not a kind of day: these stay durations, not counts
        ("3 hours a day", None),
    ],
)
def test_frequency_in_everyday_wording(text, expected):
    value = n.parse_frequency(text)
    assert value == (pytest.approx(expected, abs=0.05) if expected is not None else None)


@pytest.mark.parametrize(
    "text,expected",
    [("3 times a day", 3.0), ("2-3 attacks a day", 2.5), ("once or twice a day", 1.5), ("twice a week", None)],
)
def test_attacks_per_day(text, expected):
    assert n.parse_attacks_per_day(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("for years", 24.0),
        ("for many years", 120.0),
        ("since 6 months", 6.0),
        ("for the past 2 months", 2.0),
        ("for 3 weeks", 0.69),
        ("it started 3 weeks ago", 0.69),
        ("over the last year and a half", 18.0),
        ("for about a year", 12.0),
        ("all my life", 240.0),
        ("since I was a teenager", 120.0),
        ("for two years", 24.0),
        ("for a couple of days", 0.066),
        # "for" left out after having the headache
        ("i have headache about one month", 1.0),
        ("had this pain 3 weeks, getting worse", 0.69),
        ("I've had migraines 2 years", 24.0),
        ("had it three months", 3.0),
        # ... but not a gap in time, a rate, a run of days or an attack's hours
        ("got a headache 2 days after the party", None),
        ("I have headaches 3 days a week", None),
        ("I have had the headache 2 days in a row", None),
        ("have headache 4 hours", None),
        # with the headaches put first
        ("these I have 30 years, always the same", 360.0),
        ("this one i had 2 weeks", 0.46),
        ("already three years I get them", 36.0),
        # any hedge between the preposition and the number, "like" and two in a row included
        ("been getting them for like 2 months", 2.0),
        ("for maybe about six weeks", 1.38),
        ("had them like a year", 12.0),
    ],
)
def test_months_present(text, expected):
    value = n.parse_months_present(text)
    assert value == (pytest.approx(expected, abs=0.01) if expected is not None else None)


def test_months_present_since_weekday():
    thursday = dt.date(2026, 11, 26)
    assert n.parse_months_present("since Tuesday", today=thursday) == pytest.approx(2 / 30.44, abs=0.001)


@pytest.mark.parametrize(
    "text,bare,expected",
    [
        ("I'm 67", False, 67),
        ("I have 47 years", False, 47),
        ("the zigzags yes, these I have 30 years", False, None),
        ("im 67 and never had this", False, 67),
        ("67 years old", False, 67),
        ("a 45-year-old man", False, 45),
        ("aged fifty-two", False, 52),
        ("I am sixty seven years old", False, 67),
        ("I'm 34 weeks pregnant", False, None),
        ("I'm 7 out of 10", False, None),
        ("it's been 3 hours", False, None),
        ("in my late fifties", False, 58),
        ("52", True, 52),
        ("seventy", True, 70),
        ("fifty two", True, 52),
        ("I'm 41", True, 41),
        ("rather not say", True, None),
        ("between 30 and 40", True, None),
    ],
)
def test_age(text, bare, expected):
    assert n.parse_age(text, bare=bare) == expected


def test_age_from_birth_year():
    assert n.parse_age("born in 1958", today=dt.date(2026, 1, 1)) == 68


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I'm 34 weeks pregnant", 34),
        ("pregnant, 34 weeks", 34),
        ("thirty-two weeks pregnant", 32),
        ("32+4", 32),
        ("6 months pregnant", 26),
        ("in my third trimester", 28),
        ("second trimester", 20),
        ("pregnant", None),
        # the week as a place in the pregnancy, when the text is about one
        ("pregnant and in the 29th week", 29),
        ("expecting, week 31 now", 31),
        ("the 3rd week of the month", None),
        ("pregnant, in the 2nd week of this headache", None),
    ],
)
def test_pregnancy_weeks(text, expected):
    assert n.parse_pregnancy_weeks(text) == expected


def test_pregnancy_week_in_answer_to_the_pregnancy_question():
    assert n.parse_pregnancy_weeks("yes, the 33rd week", about_pregnancy=True) == 33
    assert n.parse_pregnancy_weeks("yes, the 33rd week") is None  # no pregnancy word, not asked


def test_normalize_words_to_digits():
    assert n.normalize("Twenty-five minutes, a couple of days, half an hour") == "25 minutes, 2 days, 30 minutes"


def test_first_number():
    assert n.first_number("about seven or eight", lambda v: v > 7) == 8.0


def test_a_decade_the_headaches_began_in_is_not_the_age():
    from actions.clinic.reading.numbers import parse_age, parse_started_age

    assert parse_age("they first came on in my late thirties") is None
    assert parse_age("I'm in my late sixties") == 68


def test_the_best_part_of_a_span_is_the_span():
    from actions.clinic.reading.numbers import parse_months_present

    assert parse_months_present("had them for the better part of ten years") == 120


@pytest.mark.parametrize("text, months", [
    ("it's been like this the past three weeks", 0.69),
    ("on and off these last two months", 2.0),
    ("only this past week really", 0.25),
    ("a couple a week, the last year or so", 12.0),
    ("the previous 10 days", 0.33),
])
def test_a_span_needs_no_preposition_before_the_last_or_the_past(text, months):
    assert n.parse_months_present(text) == pytest.approx(months, abs=0.02)


def test_the_last_time_is_not_a_span():
    assert n.parse_months_present("the last time it happened I was at work") is None


@pytest.mark.parametrize("text, score", [
    ("Back 5. Front 8.", 8),  # two places scored in sentences: the higher counts
    ("it's a 6.", 6),
    ("about 4.5 I'd say", 5),
])
def test_a_full_stop_after_a_score_ends_the_sentence(text, score):
    assert n.parse_severity(text, bare=True, words=True) == score


@pytest.mark.parametrize("text, expected", [
    ("He's 7. I'm 41, in case you meant me.", 7),     # the person written for, beside the writer
    ("my granddaughter is 13, I'm 70", 13),
    ("I am 52.", 52),                                 # an age closing a sentence
    ("she is 30 weeks along", None),
])
def test_the_age_of_the_person_written_for(text, expected):
    assert n.parse_age(text, bare=True) == expected


@pytest.mark.parametrize(
    "text, days",
    [
        # a number said beats a phrase that says when ("at weekends") or loosely how often
        ("about twice a month, mostly on Sundays or at weekends", 2.0),
        ("four days a month, pretty much daily in exam season", 4.0),
        # a phrase alone still counts
        ("at weekends", 8.7),
        ("daily", 30.0),
    ],
)
def test_a_count_beats_a_phrase(text, days):
    assert n.frequency_said(text)[0] == pytest.approx(days, abs=0.05)


@pytest.mark.parametrize("text", ["I start work from 6 in the morning", "on shift from 7 o'clock", "from 10:30 until late"])
def test_a_clock_time_is_not_the_age_headaches_began(text):
    assert n.parse_started_age(text) is None


def test_an_amount_of_time_denied_is_not_the_one_said():
    assert n.parse_duration("not half an hour, more like 3 hours") == 180.0
    assert n.parse_duration("never 5 minutes, it takes a good 20 minutes") == 20.0
