"""The supported versions are declared and tested: Python 3.11 and 3.12, XBlock 5 and 6 (setup.py, tox.ini)."""
import configparser
import itertools
import re
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
MATRIX = {"py311-xblock5", "py312-xblock5", "py311-xblock6", "py312-xblock6"}


def tox_ini():
    """tox.ini as a ConfigParser (no interpolation: tox's {...} substitutions stay as written)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini", encoding="utf-8")
    return parser


def expand(env):
    """Brace expansion of one tox envlist entry, as tox does it: ``py{311,312}-xblock5`` -> the two names."""
    parts = re.split(r"\{([^}]*)\}", env.strip())
    choices = [[part] if index % 2 == 0 else [c.strip() for c in part.split(",")] for index, part in enumerate(parts)]
    return {"".join(combination) for combination in itertools.product(*choices)}


def envlist():
    """Every environment name tox's envlist names."""
    names = set()
    for entry in re.split(r",(?![^{]*\})|\n", tox_ini()["tox"]["envlist"]):
        if entry.strip():
            names |= expand(entry)
    return names


def test_python_requires_admits_311_and_312():
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    spec = SpecifierSet(re.search(r'python_requires="([^"]+)"', setup).group(1))
    for version in ("3.11", "3.12"):
        assert spec.contains(version), f"python_requires {spec} excludes Python {version}"
        assert f'"Programming Language :: Python :: {version}"' in setup
    assert '"Framework :: Django :: 5.2"' in setup


def test_brace_expansion():
    assert expand("py{311,312}-xblock{5,6}") == MATRIX
    assert expand("quality") == {"quality"}


def test_tox_envlist_has_the_whole_matrix():
    names = envlist()
    assert MATRIX <= names, f"missing from tox's envlist: {sorted(MATRIX - names)}"
    assert {"mariadb", "quality", "i18n"} <= names


def test_each_combination_installs_its_python_and_xblock():
    testenv = tox_ini()["testenv"]
    assert re.search(r"^\s*py311:.*python3\.11", testenv["basepython"], re.M)
    assert re.search(r"^\s*!py311:.*python3\.12", testenv["basepython"], re.M)
    assert re.search(r"^\s*xblock5:\s*XBlock(\[django\])?\s*(==|>=)\s*5\.", testenv["deps"], re.M)
    assert re.search(r"^\s*!xblock5:\s*XBlock(\[django\])?\s*>=\s*6\.", testenv["deps"], re.M)
    # XBlock's line is chosen by the factors alone, not forced on every environment by the constraints.
    constraints = (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    assert not re.search(r"^\s*xblock\b", constraints, re.M | re.I)


def test_smoke_set_paths_exist():
    paths = tox_ini()["smoke"]["paths"].split()
    assert "tests/contract" in paths
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert not missing, f"tox.ini [smoke] names paths that do not exist: {missing}"
