"""The solve command line (stable interface) via subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "mentors": [{"id": "m1", "capacity": 1}, {"id": "m2", "capacity": 2}],
    "mentees": ["a", "b", "c", "d"],
    "edges": [["a", "m1", 0.9], ["b", "m1", 0.8], ["b", "m2", 0.2], ["c", "m2", 0.5], ["d", "m1", 0.01]],
}


def run(tmp_path, data, *args, raw=None):
    path = tmp_path / "input.json"
    path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mentoring_xblock.matching", "solve", str(path), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=60)


def test_solve_participation(tmp_path):
    proc = run(tmp_path, GOOD)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["matched"] == 3
    assert out["assignments"] == [{"mentee": "a", "mentor": "m1", "score": 0.9},
                                  {"mentee": "b", "mentor": "m2", "score": 0.2},
                                  {"mentee": "c", "mentor": "m2", "score": 0.5}]
    assert out["total_score"] == pytest.approx(1.6)
    assert out["unmatched"] == [{"mentee": "d", "reason": "capacity"}]


def test_solve_score_objective_and_min_score(tmp_path):
    out = json.loads(run(tmp_path, GOOD, "--objective", "score", "--min-score", "0.3").stdout)
    assert [(a["mentee"], a["mentor"]) for a in out["assignments"]] == [("a", "m1"), ("c", "m2")]
    assert out["matched"] == 2 and out["total_score"] == pytest.approx(1.4)
    assert {u["mentee"]: u["reason"] for u in out["unmatched"]} == {"b": "capacity", "d": "below_min_score"}


def test_solve_fixed_and_forbidden(tmp_path):
    data = dict(GOOD, fixed=[["d", "m1"]], forbidden=[["c", "m2"]])
    out = json.loads(run(tmp_path, data).stdout)
    assert [(a["mentee"], a["mentor"]) for a in out["assignments"]] == [("b", "m2"), ("d", "m1")]


def _with(**changes):
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        data[key] = value
    return data


def _edge(n, value):
    data = _with()
    data["edges"][n] = value
    return data


BAD = [
    ("malformed", None, '{"mentors": [', "malformed JSON"),
    ("not-object", [], None, "expected a JSON object"),
    ("missing-edges", {"mentors": [], "mentees": []}, None, 'missing key "edges"'),
    ("mentors-not-list", _with(mentors={"id": "m1"}), None, '"mentors": expected a list'),
    ("mentor-missing-capacity", _with(mentors=[{"id": "m1"}]), None, 'mentors[0]: missing key "capacity"'),
    ("negative-capacity", _with(mentors=[{"id": "m1", "capacity": -1}, {"id": "m2", "capacity": 1}]), None,
     "mentors[0]: capacity"),
    ("float-capacity", _with(mentors=[{"id": "m1", "capacity": 1.5}, {"id": "m2", "capacity": 1}]), None,
     "mentors[0]: capacity"),
    ("bool-capacity", _with(mentors=[{"id": "m1", "capacity": True}, {"id": "m2", "capacity": 1}]), None,
     "mentors[0]: capacity"),
    ("mentor-id-type", _with(mentors=[{"id": 3, "capacity": 1}]), None, "mentors[0]: id must be a string"),
    ("duplicate-mentor", _with(mentors=[{"id": "m1", "capacity": 1}, {"id": "m1", "capacity": 2}]), None,
     'mentors[1]: duplicate mentor id "m1"'),
    ("duplicate-mentee", _with(mentees=["a", "b", "a", "c", "d"]), None, 'mentees[2]: duplicate mentee id "a"'),
    ("mentee-type", _with(mentees=["a", 5]), None, "mentees[1]"),
    ("unknown-mentor", _edge(3, ["c", "m9", 0.5]), None, 'edges[3]: unknown mentor id "m9"'),
    ("unknown-mentee", _edge(1, ["zz", "m1", 0.5]), None, 'edges[1]: unknown mentee id "zz"'),
    ("edge-shape", _edge(2, ["b", "m2"]), None, "edges[2]: expected"),
    ("score-string", _edge(0, ["a", "m1", "0.9"]), None, "edges[0]: score must be a finite number"),
    ("score-zero", _edge(0, ["a", "m1", 0]), None, "edges[0]: score 0 out of range"),
    ("score-negative", _edge(0, ["a", "m1", -0.5]), None, "edges[0]: score -0.5 out of range"),
    ("score-too-big", _edge(0, ["a", "m1", 1e7]), None, "edges[0]: score 10000000.0 out of range"),
    ("score-nan", None, json.dumps(GOOD).replace("0.9", "NaN"), "edges[0]: score must be a finite number"),
    ("duplicate-edge", _edge(4, ["a", "m1", 0.3]), None, 'edges[4]: duplicate edge ("a", "m1")'),
    ("fixed-unknown", _with(fixed=[["a", "m7"]]), None, 'fixed[0]: unknown mentor id "m7"'),
]


@pytest.mark.slow
@pytest.mark.parametrize("data, raw, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(tmp_path, data, raw, message):
    proc = run(tmp_path, data, raw=raw)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr


def test_bad_option_exits_2_with_one_line(tmp_path):
    proc = run(tmp_path, GOOD, "--objective", "fastest")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    proc = run(tmp_path, GOOD, "--min-score", "nan")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "mentoring_xblock.matching", "solve", str(tmp_path / "nope.json")],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
