"""How long one message takes to render, for the inputs Python-Markdown is slowest on.

``python -m mentoring_xblock.benchmarks.markup [--search N]`` renders every family of pathological input at
1/4, 1/2 and all of the longest message allowed and prints the time and the growth when the input doubles
(2x for linear, 4x quadratic, 8x cubic), then (with hypothesis installed) searches N random inputs of markdown
punctuation for the slowest one per character. No Django needed.
"""
import argparse
import time

from .. import markup

MAX_MESSAGE = 10000  # services.workspace.MAX_MESSAGE (not imported: that module needs Django)


def _repeat(unit, length):
    return (unit * (length // len(unit) + 1))[:length]


# Each family: a text of at most ``n`` characters. Before the bounds: backticks cubic (1,200 took 14.6 s in the
# demo), "[" and "![" quadratic, nested lists cubic then RecursionError, one-line list markers RecursionError.
PATHOLOGICAL = {
    "backticks": lambda n: "`" * n,
    "brackets": lambda n: "[" * n,
    "images": lambda n: _repeat("![", n),
    "link starts": lambda n: _repeat("[a](", n),
    "code span then text": lambda n: "`" * markup.MAX_MARKERS + "a" * (n - markup.MAX_MARKERS),
    "blocks at the marker bound": lambda n: _repeat("`[" * (markup.MAX_MARKERS // 2) + "a" * 64 + "\n\n", n),
    "quote markers": lambda n: ">" * n,
    "quote levels by line": lambda n: "".join(">" * i + " a\n" for i in range(1, 200))[:n],
    "list markers on one line": lambda n: _repeat("- ", n),
    "numbered markers on one line": lambda n: _repeat("1. ", n),
    "quote and list": lambda n: _repeat("> - ", n),
    "nested list by indentation": lambda n: "".join("    " * i + "- a\n" for i in range(100))[:n],
    "indentation inside a quote": lambda n: "".join("> " + "    " * i + "- a\n" for i in range(100))[:n],
    "emphasis": lambda n: _repeat("*_", n),
    "every marker": lambda n: _repeat("[`*_![<>", n),
    "ordinary prose": lambda n: _repeat("Hello **world**, see [a link](https://example.org) and `code`.\n\n", n),
}


def _time(text, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        markup.render(text)
        best = min(best, time.perf_counter() - started)
    return best


def families():
    """Every pathological family at three sizes, with its growth when the input doubles."""
    sizes = (MAX_MESSAGE // 4, MAX_MESSAGE // 2, MAX_MESSAGE)
    print(f"{'input':32} " + " ".join(f"{size:>9,}" for size in sizes) + "   growth x2   us/char")
    worst = 0.0
    for name, make in PATHOLOGICAL.items():
        times = [_time(make(size)) for size in sizes]
        growth = times[2] / times[1] if times[1] > 0 else float("nan")
        worst = max(worst, times[2])
        print(f"{name:32} " + " ".join(f"{t * 1000:7.1f}ms" for t in times)
              + f"   {growth:8.2f}x   {times[2] / sizes[2] * 1e6:7.1f}")
    print(f"slowest message of {MAX_MESSAGE:,} characters: {worst * 1000:.1f} ms")


def search(examples):
    """A hypothesis search for the input slowest per character."""
    try:  # pylint: disable=import-outside-toplevel  # hypothesis is a test tool, not a run-time dependency
        from hypothesis import HealthCheck, given, target
        from hypothesis import settings as hypothesis_settings
        from hypothesis import strategies as st
    except ImportError:
        print("random search skipped: hypothesis is not installed (pip install hypothesis)")
        return
    alphabet = st.sampled_from(list("`[]()!<>*_-+#~\\&:/. \t\n") + ["1.", "    ", "http://a", "a"])
    slowest = {"per_char": 0.0, "text": ""}

    @hypothesis_settings(max_examples=examples, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))
    @given(st.lists(alphabet, min_size=200, max_size=2000).map("".join))
    def probe(text):
        per_char = _time(text, repeat=1) / len(text)
        target(per_char)
        if per_char > slowest["per_char"]:
            slowest.update(per_char=per_char, text=text)

    probe()  # pylint: disable=no-value-for-parameter  # hypothesis's @given supplies the text
    text = slowest["text"]
    print(f"random search, {examples} inputs of 200-2,000 pieces (hypothesis, targeting time per character): "
          f"slowest {slowest['per_char'] * 1e6:.1f} us/char ({len(text)} characters: {text[:40]!r}...); "
          f"scaled to {MAX_MESSAGE:,} characters by repetition: {_time(_repeat(text, MAX_MESSAGE)) * 1000:.1f} ms")


def main(argv=None):
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", type=int, default=300, help="random inputs to try (0: none)")
    args = parser.parse_args(argv)
    families()
    if args.search:
        search(args.search)


if __name__ == "__main__":
    main()
