"""The arithmetic of bench/bench_load.py (issue 13): percentiles, the
summary of a Locust record, the lost-work check and the verdicts. No timing
is asserted: the records are made up."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent.parent / "bench" / "bench_load.py"
spec = importlib.util.spec_from_file_location("bench_load", BENCH)
bench_load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_load)


def req(name, t, ms, ok=True):
    return {"kind": "request", "name": name, "t": t, "ms": ms, "ok": ok, "error": None}


def test_percentile_interpolates_between_ranks():
    assert bench_load.percentile([], 50) is None
    assert bench_load.percentile([7], 95) == 7
    assert bench_load.percentile([4, 1, 3, 2], 50) == 2.5
    assert bench_load.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_summary_over_the_steady_part_after_every_login():
    lines = [
        {"kind": "spawned", "t": 100.5, "users": 2},
        req("konsulti: log in", 100.0, 900),
        {"kind": "ready", "t": 100.0},
        req("konsulti: list", 100.5, 5000),  # before the last user got in: left out
        req("konsulti: log in", 101.0, 1100, ok=False),
        {"kind": "ready", "t": 101.0},
        req("konsulti: list", 102.0, 100),
        req("konsulti: list", 103.0, 300),
        req("konsulti: send", 104.0, 500, ok=False),
        req("konsulti: send", 111.0, 500),
    ]
    summary = bench_load.summarize(lines, end=111.0)
    assert summary["all_in"]
    assert summary["steady_seconds"] == 10
    assert summary["actions"]["konsulti: list"] == {
        "count": 2,
        "errors": 0,
        "p50_ms": 200,
        "p95_ms": pytest.approx(290),
    }
    # the logins over the whole step
    assert summary["actions"]["konsulti: log in"]["count"] == 2
    assert summary["actions"]["konsulti: send"]["errors"] == 1
    assert summary["all"]["count"] == 4
    assert summary["all"]["errors"] == 1
    # 4 requests between 101 and 111
    assert summary["rps"] == pytest.approx(0.4)
    # every error of the step, the logins' too
    assert summary["errors"] == 2
    assert summary["error_kinds"] == {"konsulti: send: None": 1, "konsulti: log in: None": 1}


def test_summary_when_a_user_never_got_in():
    lines = [
        {"kind": "spawned", "t": 100.0, "users": 2},
        {"kind": "ready", "t": 101.0},
        req("konsulti: list", 102.0, 100),
    ]
    summary = bench_load.summarize(lines, end=110.0)
    assert not summary["all_in"]
    assert summary["steady_seconds"] == 10  # from the start of the last user
    assert summary["rps"] == pytest.approx(0.1)
    # the last one got in only when the step ended: the same
    lines.append({"kind": "ready", "t": 111.0})
    summary = bench_load.summarize(lines, end=110.0)
    assert not summary["all_in"]
    assert summary["rps"] == pytest.approx(0.1)


def submitted(i, key, db="ekbench"):
    return {"kind": "submitted", "db": db, "id": i, "key": key}


def attempt(key, db="ekbench"):
    return {"kind": "attempt", "db": db, "key": key}


def test_warmup_every_user_in_when_ready_follows_the_last_request():
    lines = [
        {"kind": "spawned", "t": 0.0, "users": 2},
        {"kind": "request", "name": "konsulti: resume session", "t": 1.0, "ms": 90, "ok": True},
        {"kind": "ready", "t": 1.1},
        {"kind": "request", "name": "konsulti: resume session", "t": 2.0, "ms": 90, "ok": True},
        {"kind": "ready", "t": 2.1},
    ]
    assert not bench_load.summarize(lines)["all_in"]  # ends at the last request
    summary = bench_load.warmup_summary(lines)
    assert summary["all_in"]
    assert summary["actions"]["konsulti: resume session"]["count"] == 2
    assert not bench_load.warmup_summary(lines[:3])["all_in"]  # one of two


def test_lost_work_none_when_every_acknowledged_one_is_there_once():
    lines = [attempt("a"), submitted(11, "a"), attempt("b"), submitted(12, "b")]
    lines.append({"kind": "resubmitted", "db": "ekbench", "id": 5})
    check = bench_load.check_lost_work(
        lines, "ekbench", [(11, "a"), (12, "b")], rounds_created=3, duplicate_numbers=[]
    )
    assert check["ok"]
    assert check["acknowledged"] == 2
    assert check["rounds_expected"] == 3


@pytest.mark.parametrize(
    "rows, rounds, duplicates, what",
    [
        ([(11, "a")], 1, [], "missing"),  # acknowledged, not in the database
        ([(11, "a"), (12, "b"), (13, "x")], 3, [], "created_not_acknowledged"),
        ([(11, "a"), (12, "b")], 3, [], "rounds"),  # a round too many
        ([(11, "a"), (12, "b")], 2, ["HT00001"], "duplicate_numbers"),
    ],
)
def test_lost_work_found(rows, rounds, duplicates, what):
    lines = [attempt("a"), submitted(11, "a"), attempt("b"), submitted(12, "b")]
    check = bench_load.check_lost_work(lines, "ekbench", rows, rounds, duplicates)
    assert not check["ok"]
    if what == "rounds":
        assert check["rounds_created"] != check["rounds_expected"]
    else:
        assert check[what]


def test_lost_work_answer_cut_by_the_end_of_the_step_is_named_apart():
    # the request of key "c" was still running when the step ended: the
    # consultation exists, its answer never came (the konsulti sends the
    # form again and its key makes it the same one)
    lines = [attempt("a"), submitted(11, "a"), attempt("c")]
    check = bench_load.check_lost_work(lines, "ekbench", [(11, "a"), (12, "c")], 2, [])
    assert check["ok"]
    assert check["created_answer_cut"] == [12]
    # the same consultation after an error answer is work the konsulti was
    # told was not done: found
    lines.append({"kind": "failed", "db": "ekbench", "key": "c"})
    check = bench_load.check_lost_work(lines, "ekbench", [(11, "a"), (12, "c")], 2, [])
    assert not check["ok"]
    assert check["created_not_acknowledged"] == [12]


def test_lost_work_of_the_other_database_is_not_counted():
    lines = [submitted(11, "a"), submitted(3, None, db="plain")]
    check = bench_load.check_lost_work(lines, "plain", [(3, None)], None, [])
    assert check["ok"]
    assert check["acknowledged"] == 1
    assert "rounds_created" not in check


def step(topology, users, rps, p95, lost_ok=True, errors=0):
    return {
        "topology": topology,
        "label": topology,
        "users": users,
        "summary": {"rps": rps, "all": {"p95_ms": p95}, "errors": errors, "actions": {}},
        "lost_work": {"ok": lost_ok},
    }


def test_verdicts():
    compare = step("1x4", 10, 1, 100)
    compare["summary"]["actions"] = {
        bench_load.SEND_OURS: {"p50_ms": 300},
        bench_load.SEND_PLAIN: {"p50_ms": 250},
    }
    results = {
        "steps": [
            step("1x1", 50, 5, 3000),
            step("1x1", 100, 5, 9000),
            step("1x4", 50, 9, 1400),
            step("1x4", 100, 8, 2000),
        ],
        "saturated": [step("1x1", 20, 5.5, 4000), step("1x4", 20, 9.5, 2500)],
        "compare": compare,
    }
    verdicts = {v["target"].split(" ")[0]: v for v in bench_load.verdicts(results)}
    assert verdicts["p95"]["ok"]  # 1.4 s at 50 users, 4 workers
    # the target: the throughputs of the saturated steps, 9.5 / 5.5
    scale = verdicts["4"]
    assert not scale["ok"]
    assert scale["value"] == "1.73 x (9.5 vs 5.5 req/s)"
    # at the most users, printed for the record and judged by nothing
    at_most = verdicts["(4"]
    assert at_most["value"] == "1.60 x" and at_most.get("info")
    results["saturated"][1]["summary"]["rps"] = 10
    assert {v["target"].split(" ")[0]: v for v in bench_load.verdicts(results)}["4"]["ok"]
    results["saturated"][1]["summary"]["rps"] = 9.5
    assert verdicts["our"]["ok"]  # 300 / 250 = 1.2
    assert verdicts["no"]["ok"]
    assert verdicts["errors:"]["ok"]
    results["steps"][0]["lost_work"]["ok"] = False
    results["steps"][1]["summary"]["errors"] = 2
    verdicts = {v["target"].split(" ")[0]: v for v in bench_load.verdicts(results)}
    assert not verdicts["no"]["ok"]
    assert not verdicts["errors:"]["ok"]
    # a saturated step's lost work and errors count as any step's
    results["steps"][0]["lost_work"]["ok"] = True
    results["steps"][1]["summary"]["errors"] = 0
    results["saturated"][0]["lost_work"]["ok"] = False
    results["saturated"][1]["summary"]["errors"] = 1
    verdicts = {v["target"].split(" ")[0]: v for v in bench_load.verdicts(results)}
    assert not verdicts["no"]["ok"]
    assert verdicts["errors:"]["value"] == "1"


def test_verdicts_of_steps_not_measured():
    verdicts = bench_load.verdicts({"steps": [step("1x1", 10, 1, 100)], "compare": None})
    assert [v["value"] for v in verdicts[:3]] == [None, None, None]
