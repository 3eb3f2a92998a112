"""The package as an LMS admin installs it: plugin discovery, migrations in step, the wheel's contents."""
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_lms_and_studio_discover_the_plugin_app():
    from edx_django_utils.plugins import get_plugin_apps
    for project in ("lms.djangoapp", "cms.djangoapp"):
        assert "mentoring_xblock.apps.MentoringXBlockConfig" in get_plugin_apps(project)


def test_plugin_settings_give_defaults_without_overriding_the_site():
    from mentoring_xblock.settings import common

    class Settings:
        MENTORING_REQUESTS_PER_HOUR = 3
    settings = Settings()
    common.plugin_settings(settings)
    assert settings.MENTORING_REQUESTS_PER_HOUR == 3
    assert settings.MENTORING_MAX_MENTOR_CAPACITY == 20


def test_blocks_are_registered_under_their_tags():
    from xblock.core import XBlock
    assert XBlock.load_class("mentoring_program").__name__ == "MentoringProgramBlock"
    assert XBlock.load_class("mentoring_assessment").__name__ == "MentoringAssessmentBlock"
    from importlib.metadata import entry_points
    ours = [ep for ep in entry_points(group="xblock.v1") if ep.value.startswith("mentoring_xblock.")]
    assert sorted(ep.name for ep in ours) == ["mentoring_assessment", "mentoring_program"]  # never "mentoring"


@pytest.mark.django_db
def test_migrations_are_in_step_with_the_models():
    out = StringIO()
    call_command("makemigrations", "mentoring_xblock", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_pins_copy_matches_shared_pins():
    shared = ROOT.parent / "shared" / "openedx-platform-pins.txt"
    if not shared.exists():
        pytest.skip("no ../shared beside this checkout")
    ours = (ROOT / "requirements" / "openedx-platform-pins.txt").read_text()
    assert ours == shared.read_text(), "requirements/openedx-platform-pins.txt is out of step with ../shared"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("mentoring_xblock-*.whl"))


@pytest.mark.slow
def test_wheel_carries_static_templates_and_translations_inside_the_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("mentoring_xblock/static/js/program.js", "mentoring_xblock/static/css/mentoring.css",
                     "mentoring_xblock/templates/program.html", "mentoring_xblock/migrations/0001_initial.py"):
        assert expected in names
    assert any(name.startswith("mentoring_xblock/translations/") for name in names)
    assert not any(name.startswith(("tests/", "static/", "templates/")) for name in names)


@pytest.mark.slow
def test_installed_wheel_renders_both_blocks(wheel, tmp_path):
    """Install the wheel into a fresh venv (dependencies borrowed from this one) and render both blocks there."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   env=dict(os.environ, PIP_CONSTRAINT=""))
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # Dependencies come from this environment, after the venv's own site-packages (so the wheel wins).
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = textwrap.dedent("""
        import os, django
        os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring_xblock.workbench.settings"
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        import mentoring_xblock
        assert "/venv/" in mentoring_xblock.__file__, mentoring_xblock.__file__
        from workbench.runtime import WorkbenchRuntime
        from mentoring_xblock.demo import program_olx
        runtime = WorkbenchRuntime("someone")
        runtime.id_generator.set_scenario("wheel")
        program = runtime.get_block(runtime.parse_xml_string(program_olx()))
        html = program.render("student_view", {}).body_html()
        assert "Find a mentor" in html, html[:500]
        assert "mentoring-block" in program.render("student_view", {}).resources[0].data
        assessment = runtime.get_block(runtime.parse_xml_string('<mentoring_assessment kind="self_pre"/>'))
        assert "mentoring-assessment" in assessment.render("student_view", {}).body_html()
        assert "I hand over work" in assessment.render("studio_view", {}).body_html()
        print("rendered from", os.path.dirname(mentoring_xblock.__file__))
    """)
    env = dict(os.environ, MENTORING_VAR_DIR=str(tmp_path / "var"), MENTORING_DB="sqlite",
               MENTORING_SQLITE=str(tmp_path / "wheel.sqlite3"))
    result = subprocess.run([str(python), "-c", script], check=False, capture_output=True, text=True, env=env,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rendered from" in result.stdout and str(venv) in result.stdout
