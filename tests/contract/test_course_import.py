"""Course import as the platform does it: pure XBlocks get the pointer tag and load their own file.

A course keeps a block either inline in its parent (``<vertical><mentoring_program url_name="x" ...>``)
or behind a pointer tag (``<mentoring_program url_name="x"/>`` + ``mentoring_program/x.xml``). The
platform resolves pointers only for its own XML blocks (``xmodule/xml_block.py``: ``XmlMixin``,
``is_pointer_tag``, ``load_definition_xml``); a pure XBlock's ``parse_xml`` is handed the pointer node
itself, with the course directory as ``runtime.resources_fs`` (``xmodule/modulestore/xml.py``:
``ImportSystem(resources_fs=OSFS(data_dir / course_dir))``). Reading the empty pointer as the definition
silently imports a default program and assessments of the default kind.
"""
import itertools
import tarfile
from pathlib import Path

import pytest
from lxml import etree
from workbench.runtime import WorkbenchRuntime

from mentoring_xblock import olx
from mentoring_xblock.demo import DEMO_ASSESSMENTS, DEMO_SLUG, demo_course_files, program_olx
from mentoring_xblock.errors import ConfigurationError

from ..harness import block_as

TARBALL = Path(__file__).resolve().parents[2] / "demo_course" / "mentoring-demo-course.tar.gz"
OUR_TAGS = ("mentoring_program", "mentoring_assessment")
_scenarios = itertools.count()


class CourseFiles:
    """The part of pyfilesystem's OSFS the import runtime offers blocks: ``open(path, mode)``, relative."""

    def __init__(self, root):
        self.root = Path(root)

    def open(self, path, mode="r"):
        return (self.root / path).open(mode)


def import_node(node, course_dir):
    """Parse one block node as the platform's ImportSystem would: through the runtime, files at hand."""
    runtime = WorkbenchRuntime("anonymous")
    runtime.id_generator.set_scenario(f"import-{next(_scenarios)}")
    runtime.resources_fs = CourseFiles(course_dir) if course_dir else None
    usage_id = runtime.parse_xml_string(etree.tostring(node).decode("utf-8"))
    return block_as(usage_id, "anonymous")


def mentoring_nodes(course_dir):
    """Every mentoring block node in the course's verticals, as the import meets them."""
    nodes = []
    for path in sorted(Path(course_dir, "vertical").glob("*.xml")):
        nodes += [child for child in etree.parse(str(path)).getroot() if child.tag in OUR_TAGS]
    return nodes


def expected_program():
    return olx.program_config_from_node(olx.parse_string(program_olx()))


def check_course(course_dir):
    """Every field of every mentoring block survived the import."""
    nodes = mentoring_nodes(course_dir)
    assert sorted(node.tag for node in nodes) == ["mentoring_assessment"] * 4 + ["mentoring_program"]
    kinds = []
    for node in nodes:
        block = import_node(node, course_dir)
        assert block.program_slug == DEMO_SLUG
        if node.tag == "mentoring_program":
            assert block.display_name == "Leadership mentoring"
            assert block.program_config() == expected_program()
        else:
            definition = block.clean_definition()
            kinds.append(definition["kind"])
            titles = dict(DEMO_ASSESSMENTS)
            assert block.display_name == titles[definition["kind"]]
            assert definition["repeat_days"] == (30 if definition["kind"] == "checkin" else 0)
    assert sorted(kinds) == sorted(kind for kind, _title in DEMO_ASSESSMENTS)


def write_files(directory, files):
    for name, text in files.items():
        path = Path(directory, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize("layout", ["pointer", "inline"])
def test_a_course_in_either_layout_imports_every_field(tmp_path, layout):
    files = demo_course_files(layout=layout)
    pointers = [child for name, text in files.items() if name.startswith("vertical/")
                for child in etree.fromstring(text.encode("utf-8")) if olx.is_pointer(child)]
    assert len(pointers) == (5 if layout == "pointer" else 0)
    write_files(tmp_path, files)
    check_course(tmp_path)


@pytest.mark.django_db
def test_the_committed_demo_course_imports_every_field(tmp_path):
    with tarfile.open(TARBALL) as archive:
        archive.extractall(tmp_path, filter="data")
        top = archive.getnames()[0].split("/")[0]
    check_course(tmp_path / top)


@pytest.mark.django_db
@pytest.mark.parametrize("tag", OUR_TAGS)
def test_a_pointer_to_a_missing_file_names_the_file(tmp_path, tag):
    node = etree.fromstring(f'<{tag} url_name="gone"/>')
    with pytest.raises(ConfigurationError, match=f"{tag}/gone.xml"):
        import_node(node, tmp_path)


@pytest.mark.django_db
def test_a_pointer_without_course_files_says_so():
    with pytest.raises(ConfigurationError, match="no course files"):
        import_node(etree.fromstring('<mentoring_program url_name="x"/>'), None)


@pytest.mark.django_db
@pytest.mark.parametrize("content, problem", [
    ("<mentoring_assessment/>", "holds <mentoring_assessment>"),
    ("<mentoring_program", "could not be read"),
])
def test_a_broken_definition_file_is_refused_with_the_reason(tmp_path, content, problem):
    write_files(tmp_path, {"mentoring_program/bad.xml": content})
    with pytest.raises(ConfigurationError, match=problem):
        import_node(etree.fromstring('<mentoring_program url_name="bad"/>'), tmp_path)


@pytest.mark.django_db
def test_colons_in_url_names_are_folders(tmp_path):
    """``name_to_pathname``: the platform reads ``a:b`` as ``a/b``."""
    write_files(tmp_path, {"mentoring_assessment/unit/one.xml":
                           '<mentoring_assessment program="leadership" kind="checkin" display_name="C"/>'})
    block = import_node(etree.fromstring('<mentoring_assessment url_name="unit:one"/>'), tmp_path)
    assert block.clean_definition()["kind"] == "checkin" and block.display_name == "C"
