"""The demo course tarball in the repo: up to date with the code, and every block in it imports."""
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from mentoring_xblock.demo import demo_course_files

from .harness import block_as, parse_olx

TARBALL = Path(__file__).resolve().parent.parent / "demo_course" / "mentoring-demo-course.tar.gz"


def test_committed_tarball_matches_the_code():
    with tarfile.open(TARBALL) as archive:
        stored = {member.name.removeprefix("course/"): archive.extractfile(member).read().decode("utf-8")
                  for member in archive.getmembers()}
    assert stored == demo_course_files(), "run `make demo-course` to rebuild demo_course/"


def test_course_structure_points_at_existing_files():
    files = demo_course_files()
    for name, text in files.items():
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(text.encode("utf-8"))
        for child in root:
            if child.get("url_name") and len(child.attrib) == 1 and child.tag != "course":
                assert f"{child.tag}/{child.get('url_name')}.xml" in files, (name, child.tag)


@pytest.mark.django_db
def test_every_mentoring_block_of_the_course_imports():
    files = demo_course_files()
    blocks = [name for name in files if name.startswith(("mentoring_program/", "mentoring_assessment/"))]
    assert len(blocks) == 5
    for name in blocks:
        block = block_as(parse_olx(files[name]), "anonymous")
        assert block.program_slug == "leadership"
