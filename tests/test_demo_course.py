"""The demo course: the code writes it in both layouts; the committed tarball is the platform's export of it.

`demo_course/mentoring-demo-course.tar.gz` is what edx-platform's own export (``export_course_to_xml``)
wrote after importing ``demo_course_files()`` (tests/platform/ does that round trip); that every
mentoring block in it keeps every field is checked in tests/contract/test_course_import.py.
"""
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from mentoring_xblock.demo import demo_course_files, write_demo_course

TARBALL = Path(__file__).resolve().parent.parent / "demo_course" / "mentoring-demo-course.tar.gz"


@pytest.mark.parametrize("layout", ["inline", "pointer"])
def test_course_structure_points_at_existing_files(layout):
    files = demo_course_files(layout=layout)
    for name, text in files.items():
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(text.encode("utf-8"))
        for child in root:
            if child.get("url_name") and len(child.attrib) == 1 and child.tag != "course":
                assert f"{child.tag}/{child.get('url_name')}.xml" in files, (name, child.tag)


def test_layouts_differ_only_in_where_the_blocks_are():
    inline, pointer = demo_course_files(layout="inline"), demo_course_files(layout="pointer")
    assert not any(name.startswith("mentoring_") for name in inline)
    assert sorted(name for name in pointer if name.startswith("mentoring_")) == [
        "mentoring_assessment/assessment_checkin.xml", "mentoring_assessment/assessment_mentor_rates_mentee.xml",
        "mentoring_assessment/assessment_self_post.xml", "mentoring_assessment/assessment_self_pre.xml",
        "mentoring_program/leadership_program.xml"]
    assert {name for name in inline} == {name for name in pointer if not name.startswith("mentoring_")}


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError):
        demo_course_files(layout="zip")


def test_the_tarball_is_a_course_export():
    """A course directory as Studio's import expects: one top folder with course.xml and the course tree."""
    with tarfile.open(TARBALL) as archive:
        names = archive.getnames()
    tops = {name.split("/")[0] for name in names}
    assert len(tops) == 1
    top = tops.pop()
    assert f"{top}/course.xml" in names
    for folder in ("chapter", "sequential", "vertical", "policies"):
        assert any(name.startswith(f"{top}/{folder}/") for name in names), folder


@pytest.mark.parametrize("layout", ["inline", "pointer"])
def test_write_demo_course_is_reproducible_and_holds_the_files(tmp_path, layout):
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    write_demo_course(str(first), layout=layout)
    write_demo_course(str(second), layout=layout)
    with tarfile.open(first) as archive:
        stored = {member.name.removeprefix("course/"): archive.extractfile(member).read().decode("utf-8")
                  for member in archive.getmembers()}
    assert stored == demo_course_files(layout=layout)
    with tarfile.open(first) as a, tarfile.open(second) as b:
        assert [(m.name, m.mtime) for m in a.getmembers()] == [(m.name, m.mtime) for m in b.getmembers()]
