"""The suite's shape: `slow` is a registered marker, the everyday run leaves it out and CI runs it."""
import re
import shlex
from pathlib import Path

from .test_versions import tox_ini

ROOT = Path(__file__).resolve().parent.parent


def markers():
    """Marker name -> description, from tox.ini's [pytest] section."""
    lines = [line.strip() for line in tox_ini()["pytest"]["markers"].splitlines() if line.strip()]
    return dict(line.split(":", 1) for line in lines)


def marker_filters(command):
    """Every ``-m`` expression a pytest command line gives."""
    words = shlex.split(command)
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word == "-m"] + [
        word[len("-m="):] for word in words if word.startswith("-m=")]


def make_recipe(target):
    """The command lines of a Makefile target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.MULTILINE)
    assert match, f"no `{target}` target in the Makefile"
    return [line.strip() for line in match.group(1).splitlines()]


def test_slow_and_browser_markers_are_registered_and_strict():
    assert {"slow", "browser", "mysql"} <= set(markers())
    assert "--strict-markers" in tox_ini()["pytest"]["addopts"].split()


def test_ci_runs_the_slow_tests():
    """`make test` (run by .ci/run) is tox's py312-xblock6, whose pytest command deselects no marker."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE)
    assert make_recipe("test") == ["$(TOX) -e py312-xblock6"]
    commands = tox_ini()["testenv"]["commands"]
    full = [line for line in commands.splitlines() if line.strip().startswith("!py311-!xblock5:")]
    assert len(full) == 1 and "pytest" in full[0]
    assert marker_filters(full[0].split(":", 1)[1].replace("{posargs}", "")) == []
    assert "addopts" not in tox_ini()["pytest"] or "-m" not in tox_ini()["pytest"]["addopts"].split()
    # The MariaDB env leaves out only the browser tests: the races (slow, mysql) run there.
    mariadb = tox_ini()["testenv:mariadb"]["commands"]
    assert all("slow" not in expression for expression in marker_filters(mariadb))


def test_the_everyday_run_leaves_out_slow_and_browser_tests():
    (recipe,) = make_recipe("test-quick")
    assert "-e py312-xblock6" in recipe
    assert marker_filters(recipe.split(" -- ", 1)[1]) == ["not slow and not browser"]
