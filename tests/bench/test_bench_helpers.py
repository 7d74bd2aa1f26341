"""Fast, deterministic checks of the benchmark's pure helpers (no servers, no timing)."""
import os

import pytest

from bench import report
from bench.servers import process_tree, tree_peak_rss_mb, tree_rss_mb
from bench.stats import evaluate_targets, matched_growth, percentile, ratio, summarize_ms, window_median


def test_percentile_interpolates_like_numpy():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile([7], 99) == 7
    assert percentile([], 50) is None


def test_summarize_converts_seconds_to_ms():
    summary = summarize_ms([0.010, 0.020, 0.030])
    assert summary["n"] == 3
    assert summary["p50_ms"] == 20.0
    assert summary["max_ms"] == 30.0


def test_window_median_clips_to_data():
    latencies = [0.01] * 5 + [0.03] * 5
    assert window_median(latencies, 0, 5) == 10.0
    assert window_median(latencies, 5, 50) == 30.0
    assert ratio(3.0, 0) is None


def test_matched_growth_compares_the_same_messages():
    # script a (cheap) then b (dear), repeated; later copies 10 % slower than the first ones
    keys = [("a", 0), ("b", 0)] * 10
    latencies = [0.010, 0.030] + [0.011, 0.033] * 9
    matched = matched_growth(latencies, keys, 4)
    assert matched["ratio"] == 1.1 and matched["pairs"] == 4 and matched["earlier_turn_median"] == 1.5
    assert window_median(latencies, 16, 4) / window_median(latencies, 0, 4) > 1.0  # the plain windows
    assert matched_growth(latencies, [(i,) for i in range(20)], 4) is None  # nothing seen earlier
    assert matched_growth([0.01, 0.02], [("a",), ("a",)], 5) is None  # the window is everything


def _bot(p95, tput, p95_32, errors, growth, rasa_rss, actions_rss, cold, training):
    return {
        "sequential": {"p95_ms": p95},
        "concurrency": [{"users": 32, "throughput_msg_s": tput, "p95_ms": p95_32, "errors": errors,
                         "messages": 100}],
        "growth": {"growth_ratio": growth, "window": 10, "turns": 200, "matched": {"ratio": growth}},
        "rss_mb": {"rasa": rasa_rss, "actions": actions_rss},
        "cold_start_s": {"median": cold},
        "training": {"seconds": training, "source": "timed in this run"},
    }


def test_targets_met_and_missed():
    head = _bot(30.0, 70.0, 350.0, 0, 1.2, 500.0, 50.0, 10.0, 100.0)
    ref = _bot(40.0, 35.0, 1000.0, 0, 2.5, 1000.0, None, 29.0, 75.0)
    targets = {t["id"]: t for t in evaluate_targets(head, ref)}
    assert all(t["met"] for t in targets.values()), targets
    assert targets["single_user_p95"]["ratio"] == 0.75

    # each just past its limit: p95 0.85×, throughput 1.4× (and an error), growth 1.35,
    # RSS 0.65×, cold start 0.55×, training 121 s
    slower = _bot(34.0, 49.0, 350.0, 1, 1.35, 600.0, 50.0, 16.0, 121.0)
    targets = {t["id"]: t for t in evaluate_targets(slower, ref)}
    assert not any(t["met"] for t in targets.values())


def test_the_single_user_target_uses_the_turn_about_run_when_there_is_one():
    head = _bot(30.0, 70.0, 350.0, 0, 1.2, 500.0, 50.0, 10.0, 100.0)
    ref = _bot(40.0, 35.0, 1000.0, 0, 2.5, 1000.0, None, 29.0, 75.0)
    head["sequential_turn_about"], ref["sequential_turn_about"] = {"p95_ms": 36.0, "n": 9}, {"p95_ms": 40.0, "n": 9}
    target = {t["id"]: t for t in evaluate_targets(head, ref)}["single_user_p95"]
    assert (target["ratio"], target["met"]) == (0.9, False) and "turn about" in target["target"]
    table = report.markdown({"date": "2026-01-01T10:00:00", "mode": "quick", "headease": head, "reference": ref,
                             "machine": {"cores": 2, "cpu": "", "rasa": "3.6.21", "python": "3.10.13",
                                         "load_avg_at_start": [1.0], "load_avg_at_end": [1.0]},
                             "targets": evaluate_targets(head, ref)})
    assert "| 1 user, 9 messages each, turn about with the reference: p95 | 36.0 ms | 40.0 ms | 0.90× |" in table


def test_the_accuracy_of_the_configuration_is_shown_next_to_its_speed():
    head = _bot(30.0, 70.0, 350.0, 0, 1.2, 500.0, 50.0, 10.0, 100.0)
    ref = _bot(40.0, 35.0, 1000.0, 0, 2.5, 1000.0, None, 29.0, 75.0)
    head["accuracy"] = {"nlu": {"holdout": {"intent_macro_f1": 0.9719, "entity_micro_f1": 0.934,
                                            "emergency_recall": 1.0, "red_flag_mention_recall": None}},
                        "sealed_consultations": {"cases": 80, "triage_agreement": 0.862, "under_triage": 0.06,
                                                 "median_questions_self_care": 9}}
    table = report.markdown({"date": "2026-01-01T10:00:00", "mode": "full", "headease": head, "reference": ref,
                             "machine": {"cores": 2, "cpu": "", "rasa": "3.6.21", "python": "3.10.13",
                                         "load_avg_at_start": [1.0], "load_avg_at_end": [1.0]},
                             "targets": evaluate_targets(head, ref)})
    assert "| NLU held-out set: intent macro-F1 | 0.972 |" in table
    assert "| sealed blind consultations: triage agreement | 86% |" in table
    assert "| sealed blind consultations: cases | 80 |" in table and "median questions (self-care) | 9 |" in table
    assert "red-flag mention recall" not in table  # not measured: no row


def test_targets_without_numbers_are_not_applicable():
    targets = evaluate_targets({}, {})
    assert {t["met"] for t in targets} == {None}


def test_markdown_table_and_readme_update(tmp_path):
    head = _bot(30.0, 70.0, 350.0, 0, 1.2, 500.0, 50.0, 10.0, 100.0)
    ref = _bot(40.0, 35.0, 1000.0, 0, 2.5, 1000.0, None, 29.0, 75.0)
    results = {
        "date": "2026-01-01T10:00:00", "mode": "full",
        "machine": {"cores": 2, "cpu": "test cpu", "rasa": "3.6.21", "python": "3.10.13",
                    "load_avg_at_start": [1.0, 1.0, 1.0], "load_avg_at_end": [2.0, 1.0, 1.0]},
        "headease": head, "reference": ref, "targets": evaluate_targets(head, ref),
    }
    table = report.markdown(results)
    assert "| single-user p95 ≤ 0.8× reference | yes | 30.0 ms | 40.0 ms | 0.75×" in table
    assert "2 cores" in table

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.README_START}\nSTALE-TABLE\n{report.README_END}\nend\n")
    report.update_readme(readme, table)
    text = readme.read_text()
    assert "STALE-TABLE" not in text and "intro" in text and "end" in text and "30.0 ms" in text


def test_rss_of_this_process_is_read_from_proc():
    pid = os.getpid()
    assert pid in process_tree(pid)
    assert tree_rss_mb(pid) > 1.0
    assert tree_peak_rss_mb(pid) >= tree_rss_mb(pid) * 0.5


def test_profile_call_tree_under_a_root(tmp_path):
    from bench.profile import call_tree

    collapsed = tmp_path / "rasa.collapsed.txt"
    collapsed.write_text(
        "serve (sanic/server.py:1);handle_message (rasa/core/processor.py:10);parse (rasa/core/processor.py:20) 6\n"
        "serve (sanic/server.py:1);handle_message (rasa/core/processor.py:10);save (x/store.py:5) 3\n"
        "serve (sanic/server.py:1);handle_message (rasa/core/processor.py:11) 1\n"
        "serve (sanic/server.py:1) 90\n"
    )
    rows = call_tree(collapsed, "handle_message (rasa/core/processor.py)", min_share=0)
    assert rows == [(0, 100.0, "handle_message (rasa/core/processor.py)"),
                    (1, 60.0, "parse (rasa/core/processor.py)"), (1, 30.0, "save (x/store.py)")]
