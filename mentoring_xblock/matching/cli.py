"""Command line: ``python -m mentoring_xblock.matching solve|bench ...``.

``solve INPUT.json [--objective participation|score] [--min-score X]`` reads::

    {"mentors": [{"id": "m1", "capacity": 2}, ...],
     "mentees": ["a", "b", ...],
     "edges": [["a", "m1", 0.8], ...],          # allowed pairs; 0 < score <= 1e6
     "fixed": [["b", "m1"]],                    # optional, forced pairs
     "forbidden": [["a", "m2"]]}                # optional

and prints ``{"assignments": [{"mentee", "mentor", "score"}], "matched", "total_score",
"unmatched": [{"mentee", "reason"}], "optimal", "optimality_gap"}`` (assignments in mentee input
order; ``optimality_gap`` bounds how far ``total_score`` can be below the optimum: 0 when exact,
the flow solver's certificate for large cohorts).
Invalid input exits with status 2 and one line on stderr naming the offending place.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from .bench import run_bench
from .scoring import CandidateSet
from .solver import solve

MAX_SCORE = 1e6
INVALID_INPUT = 2


class InputError(ValueError):
    """Invalid solve input; the message names the place (e.g. ``edges[17]``)."""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pairs(data: dict, key: str, mentee_index: dict, mentor_index: dict) -> list[tuple[str, str]]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise InputError(f'"{key}": expected a list')
    out, seen = [], {}
    for n, item in enumerate(items):
        where = f"{key}[{n}]"
        if not isinstance(item, list) or len(item) != 2 or not all(isinstance(x, str) for x in item):
            raise InputError(f"{where}: expected [mentee_id, mentor_id] strings")
        if item[0] not in mentee_index:
            raise InputError(f'{where}: unknown mentee id "{item[0]}"')
        if item[1] not in mentor_index:
            raise InputError(f'{where}: unknown mentor id "{item[1]}"')
        if tuple(item) in seen:
            raise InputError(f"{where}: duplicate pair (first at {key}[{seen[tuple(item)]}])")
        seen[tuple(item)] = n
        out.append((item[0], item[1]))
    return out


def parse_problem(data):
    """Validate decoded JSON; return (candidates, capacities, fixed, forbidden) or raise InputError."""
    if not isinstance(data, dict):
        raise InputError("input: expected a JSON object")
    for key in ("mentors", "mentees", "edges"):
        if key not in data:
            raise InputError(f'input: missing key "{key}"')
        if not isinstance(data[key], list):
            raise InputError(f'"{key}": expected a list')
    mentor_index: dict[str, int] = {}
    capacities = []
    for n, mentor in enumerate(data["mentors"]):
        where = f"mentors[{n}]"
        if not isinstance(mentor, dict):
            raise InputError(f"{where}: expected an object with id and capacity")
        for key in ("id", "capacity"):
            if key not in mentor:
                raise InputError(f'{where}: missing key "{key}"')
        if not isinstance(mentor["id"], str):
            raise InputError(f"{where}: id must be a string")
        if not _is_int(mentor["capacity"]) or mentor["capacity"] < 0:
            raise InputError(f"{where}: capacity must be an integer >= 0, got {json.dumps(mentor['capacity'])}")
        if mentor["id"] in mentor_index:
            raise InputError(f'{where}: duplicate mentor id "{mentor["id"]}"')
        mentor_index[mentor["id"]] = n
        capacities.append(mentor["capacity"])
    mentee_index: dict[str, int] = {}
    for n, mentee in enumerate(data["mentees"]):
        if not isinstance(mentee, str):
            raise InputError(f"mentees[{n}]: mentee id must be a string")
        if mentee in mentee_index:
            raise InputError(f'mentees[{n}]: duplicate mentee id "{mentee}"')
        mentee_index[mentee] = n
    rows, cols, scores = [], [], []
    seen: dict[tuple[int, int], int] = {}
    for n, edge in enumerate(data["edges"]):
        where = f"edges[{n}]"
        if not isinstance(edge, list) or len(edge) != 3:
            raise InputError(f"{where}: expected [mentee_id, mentor_id, score]")
        mentee, mentor, score = edge
        if not isinstance(mentee, str) or not isinstance(mentor, str):
            raise InputError(f"{where}: mentee and mentor ids must be strings")
        if mentee not in mentee_index:
            raise InputError(f'{where}: unknown mentee id "{mentee}"')
        if mentor not in mentor_index:
            raise InputError(f'{where}: unknown mentor id "{mentor}"')
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            raise InputError(f"{where}: score must be a finite number, got {json.dumps(score)}")
        if not 0 < score <= MAX_SCORE:
            raise InputError(f"{where}: score {score!r} out of range (0, {MAX_SCORE:g}]")
        key = (mentee_index[mentee], mentor_index[mentor])
        if key in seen:
            raise InputError(f'{where}: duplicate edge ("{mentee}", "{mentor}") (first at edges[{seen[key]}])')
        seen[key] = n
        rows.append(key[0])
        cols.append(key[1])
        scores.append(float(score))
    candidates = CandidateSet(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                              np.asarray(scores, dtype=np.float64), tuple(mentee_index), tuple(mentor_index))
    fixed = _pairs(data, "fixed", mentee_index, mentor_index)
    fixed_mentees = [m for m, _ in fixed]
    if len(set(fixed_mentees)) != len(fixed_mentees):
        raise InputError('"fixed": a mentee appears in more than one fixed pair')
    forbidden = _pairs(data, "forbidden", mentee_index, mentor_index)
    return candidates, np.asarray(capacities, dtype=np.int64), fixed, forbidden


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(INVALID_INPUT, f"{self.prog}: error: {message}\n")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the ``solve`` and ``bench`` commands."""
    parser = _Parser(prog="python -m mentoring_xblock.matching", description="Mentor matching engine.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    solve_cmd = commands.add_parser("solve", help="assign mentees to mentors from a JSON file")
    solve_cmd.add_argument("input", help="JSON file ('-' for stdin)")
    solve_cmd.add_argument("--objective", choices=("participation", "score"), default="participation")
    solve_cmd.add_argument("--min-score", type=_finite_float, default=None)
    bench_cmd = commands.add_parser("bench", help="benchmark on generated cohorts")
    bench_cmd.add_argument("--sizes", nargs="+", default=None,
                           help="sizes as MENTEESxMENTORS[:k|:all], e.g. 2000x500:all 100000x10000:30")
    bench_cmd.add_argument("--quick", action="store_true", help="only the two small sizes")
    bench_cmd.add_argument("--compare", action="store_true",
                           help="also run OR-Tools (see --ortools-python), scipy LAPJVsp, greedy, stable matching")
    bench_cmd.add_argument("--seed", type=int, default=1)
    bench_cmd.add_argument("--ortools-python", default=None,
                           help="interpreter with ortools installed (default: $MATCHING_ORTOOLS_PYTHON, "
                                "else this interpreter)")
    return parser


def run_solve(args) -> int:
    """Execute the ``solve`` command."""
    try:
        if args.input == "-":
            text = sys.stdin.read()
        else:
            with open(args.input, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        print(f"{args.input}: cannot read: {exc.strerror}", file=sys.stderr)
        return INVALID_INPUT
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        print(f"input: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", file=sys.stderr)
        return INVALID_INPUT
    except RecursionError:
        print("input: malformed JSON: nested too deeply", file=sys.stderr)
        return INVALID_INPUT
    try:
        candidates, capacities, fixed, forbidden = parse_problem(data)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return INVALID_INPUT
    result = solve(candidates, capacities, objective=args.objective, min_score=args.min_score,
                   fixed_pairs=fixed, forbidden_pairs=forbidden)
    output = {
        "assignments": [{"mentee": a, "mentor": b, "score": s} for a, b, s in result.assignments()],
        "matched": result.matched,
        "total_score": result.total_score,
        "unmatched": [{"mentee": candidates.mentee_ids[i], "reason": result.unmatched_reason[i]}
                      for i in sorted(result.unmatched_reason)],
        "optimal": result.optimal,
        "optimality_gap": float(result.stats.get("certified_gap", 0.0)),
    }
    json.dump(output, sys.stdout)
    sys.stdout.write("\n")
    return 0


def main(argv=None) -> int:
    """Entry point of ``python -m mentoring_xblock.matching``."""
    args = build_parser().parse_args(argv)
    if args.command == "solve":
        return run_solve(args)
    return run_bench(args)
