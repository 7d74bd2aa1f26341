"""The evaluation's metric functions (pure; no model needed)."""
from headease_nlu.eval_nlu import CLINICAL_TYPES, compute_metrics, match_mentions


def ent(entity, start, end, role=None):
    return {"entity": entity, "start": start, "end": end, "value": None, "role": role}


def example(gold, pred, intent="describe_headache", pred_intent=None):
    return {"text": "x" * 60, "intent": intent, "pred_intent": pred_intent or intent,
            "entities": gold, "pred_entities": pred}


def test_overlap_matching_is_one_to_one_and_typed():
    gold = [ent("symptom", 0, 10)]
    pred = [ent("symptom", 2, 6), ent("symptom", 5, 9), ent("trigger", 0, 10)]
    assert match_mentions(gold, pred) == [(0, 0)]
    assert match_mentions(gold, pred, exact=True) == []


def test_per_type_and_clinical_scores():
    summary = compute_metrics([
        example(
            gold=[ent("symptom", 0, 5), ent("pain_location", 10, 15), ent("trigger", 20, 25)],
            pred=[ent("symptom", 0, 5), ent("body_part", 30, 34), ent("trigger", 40, 45)],
        )
    ])
    by_type = summary["entity_by_type"]
    assert by_type["symptom"]["f1"] == 1.0
    assert by_type["pain_location"]["recall"] == 0.0
    assert by_type["body_part"] == {"precision": 0.0, "recall": 1.0, "f1": 0.0, "gold": 0, "predicted": 1}
    # clinical: 1 tp, 1 predicted, 2 gold -> P 1.0, R 0.5
    assert summary["clinical_entity"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}
    assert summary["entity_overlap"] == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333}
    assert "trigger" not in CLINICAL_TYPES and "severity" in CLINICAL_TYPES


def test_negation_and_emergency_recall():
    summary = compute_metrics([
        example([ent("symptom", 0, 5, "negated")], [ent("symptom", 0, 5, "negated")]),
        example([ent("symptom", 0, 5)], [ent("symptom", 0, 5)], "emergency", "describe_headache"),
        example([], [], "emergency"),
    ])
    assert summary["negation_accuracy"] == 1.0
    assert summary["emergency_recall"] == 0.5
    assert summary["red_flag_mention_recall"] == 1.0
