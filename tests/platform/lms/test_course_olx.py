"""Course import and export with the platform's own importer and exporter, into the test modulestore.

The demo course is imported from the shipped tarball and from both layouts a course directory can have
(pointer tags with the blocks in their own files, and blocks inline in their units); then exported with
the platform's exporter and imported again under another course key. Every mentoring block must keep every
field: the program's slug, name and whole configuration (as parsing the demo OLX gives it), and each
assessment's kind, repeat_days and definition.

Set MENTORING_PLATFORM_EXPORT (a path ending in .tar.gz) to keep the platform's export of the demo course
there, with the file layout it wrote for the mentoring blocks next to it (``<path>.layout.txt``).
"""
# ruff: noqa: E402  (platform imports come after the module-level skip, so the default suite never runs them)
from ..support import require

require("lms")

# pylint: disable=wrong-import-position
import os
import tarfile
import tempfile
from pathlib import Path

from opaque_keys.edx.keys import CourseKey
from xmodule.contentstore.django import contentstore
from xmodule.modulestore import ModuleStoreEnum
from xmodule.modulestore.tests.django_utils import ModuleStoreTestCase
from xmodule.modulestore.xml_exporter import export_course_to_xml
from xmodule.modulestore.xml_importer import import_course_from_xml

from mentoring_xblock import olx
from mentoring_xblock.demo import DEMO_ASSESSMENTS, DEMO_SLUG, demo_course_files, program_olx

from ..olx_layouts import (
    OUR_TAGS,
    is_pointer,
    layout_of,
    mentoring_children,
    read_course,
    write_course,
)

TARBALL = Path(__file__).resolve().parents[3] / "demo_course" / "mentoring-demo-course.tar.gz"
USER_ID = ModuleStoreEnum.UserID.test
BRANCHES = (ModuleStoreEnum.Branch.draft_preferred, ModuleStoreEnum.Branch.published_only)


def expected_blocks():
    """{block id: fields} of the demo course's mentoring blocks, as parsing the demo OLX (the workbench) gives."""
    expected = {"leadership_program": {
        "type": "mentoring_program", "display_name": "Leadership mentoring", "program_slug": DEMO_SLUG,
        "config": olx.program_config_from_node(olx.parse_string(program_olx()))}}
    for kind, title in DEMO_ASSESSMENTS:
        repeat = ' repeat_days="30"' if kind == "checkin" else ""
        node = olx.parse_string(f'<mentoring_assessment display_name="{title}" program="{DEMO_SLUG}" kind="{kind}"'
                                f'{repeat}/>')
        expected[f"assessment_{kind}"] = {"type": "mentoring_assessment", "display_name": title,
                                          "program_slug": DEMO_SLUG, "definition": olx.assessment_from_node(node)}
    return expected


def stored_blocks(store, course_key, branch):
    """{block id: fields} of every mentoring block the modulestore holds for the course on ``branch``."""
    found = {}
    with store.branch_setting(branch, course_key):
        for tag in OUR_TAGS:
            for block in store.get_items(course_key, qualifiers={"category": tag}):
                fields = {"type": block.location.block_type, "display_name": block.display_name,
                          "program_slug": block.program_slug}
                fields.update({"config": block.config} if tag == "mentoring_program"
                              else {"definition": block.definition})
                found[block.location.block_id] = fields
    return found


def demo_files(layout):
    """The demo course's files as the code writes them in ``layout`` ("inline" or "pointer")."""
    return demo_course_files(layout=layout)


def test_demo_course_files_work_inside_the_platform():
    """demo_course_files() runs in a platform process (lxml.etree is the platform's safe_lxml there)."""
    for layout in ("inline", "pointer"):
        assert layout_of(demo_course_files(layout=layout)) == layout


def all_files(root):
    """{relative path: bytes} of every file under ``root``."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


class TestCourseImportExport(ModuleStoreTestCase):
    """import_course_from_xml / export_course_to_xml as Studio's import and export run them."""

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="mentoring-olx-"))
        self.addCleanup(__import__("shutil").rmtree, self.tmp, True)

    def import_dir(self, course_dir, course_key):
        """Import ``course_dir`` (a directory under self.tmp) as Studio's import task does; the course."""
        courses = import_course_from_xml(self.store, USER_ID, str(course_dir.parent), [course_dir.name],
                                         load_error_blocks=False, static_content_store=contentstore(),
                                         target_id=course_key, verbose=True, create_if_not_present=True)
        assert len(courses) == 1
        assert courses[0].id == course_key
        return self.store.get_course(course_key)

    def assert_every_field_kept(self, course_key):
        """Both branches hold exactly the demo's mentoring blocks with every field."""
        expected = expected_blocks()
        for branch in BRANCHES:
            stored = stored_blocks(self.store, course_key, branch)
            assert sorted(stored) == sorted(expected), (branch, sorted(stored))
            for block_id, fields in expected.items():
                assert stored[block_id] == fields, (branch, block_id, stored[block_id], fields)
        definitions = {block_id: fields["definition"] for block_id, fields in stored.items() if "definition" in fields}
        assert {d["kind"] for d in definitions.values()} == {"self_pre", "mentor_rates_mentee", "checkin", "self_post"}
        assert definitions["assessment_checkin"]["repeat_days"] == 30
        assert all(d["repeat_days"] == 0 for block_id, d in definitions.items() if block_id != "assessment_checkin")

    def assert_course_settings(self, course):
        assert set(OUR_TAGS) <= set(course.advanced_modules)
        assert [grader["type"] for grader in course.grading_policy["GRADER"]] == ["Mentoring"]
        sequentials = {seq.location.block_id: seq for seq in self.store.get_items(
            course.id, qualifiers={"category": "sequential"})}
        assert sequentials["mentoring_assessments"].graded
        assert sequentials["mentoring_assessments"].format == "Mentoring"

    # ---- imports --------------------------------------------------------------------------------

    def test_import_the_shipped_tarball(self):
        """demo_course/mentoring-demo-course.tar.gz, extracted as Studio does, imports with every field."""
        with tarfile.open(TARBALL) as archive:
            archive.extractall(self.tmp / "tarball", filter="data")
        course_dir = self.tmp / "tarball" / "course"
        key = CourseKey.from_string("course-v1:MentoringDemo+LEAD101+tarball")
        course = self.import_dir(course_dir, key)
        self.assert_every_field_kept(key)
        self.assert_course_settings(course)

    def test_import_pointer_layout(self):
        """Pointer tags in the units, each block in mentoring_*/<url_name>.xml."""
        files = demo_files("pointer")
        assert layout_of(files) == "pointer"
        course_dir = write_course(files, self.tmp / "pointer" / "course")
        key = CourseKey.from_string("course-v1:MentoringDemo+LEAD101+pointer")
        self.import_dir(course_dir, key)
        self.assert_every_field_kept(key)

    def test_import_inline_layout(self):
        """Each block inline in its unit, no mentoring_*/ files."""
        files = demo_files("inline")
        assert layout_of(files) == "inline"
        assert not [path for path in files if path.startswith(OUR_TAGS)]
        course_dir = write_course(files, self.tmp / "inline" / "course")
        key = CourseKey.from_string("course-v1:MentoringDemo+LEAD101+inline")
        self.import_dir(course_dir, key)
        self.assert_every_field_kept(key)

    def test_the_shipped_tarball_is_exactly_the_platforms_export(self):
        """Importing demo_course/ and exporting it again gives the same files, byte for byte."""
        with tarfile.open(TARBALL) as archive:
            archive.extractall(self.tmp / "tarball", filter="data")
        key = CourseKey.from_string("course-v1:MentoringDemo+LEAD101+2026")
        self.import_dir(self.tmp / "tarball" / "course", key)
        export_root = self.tmp / "re-export"
        export_root.mkdir()
        export_course_to_xml(self.store, contentstore(), key, str(export_root), "course")
        shipped, exported = all_files(self.tmp / "tarball" / "course"), all_files(export_root / "course")
        assert sorted(shipped) == sorted(exported)
        changed = [name for name in shipped if shipped[name] != exported[name]]
        assert not changed, f"the platform's export differs from demo_course/ in {changed}"

    # ---- export, then import again ----------------------------------------------------------------

    def test_export_then_import_under_another_key(self):
        files = demo_files("inline")
        first_key = CourseKey.from_string("course-v1:MentoringDemo+LEAD101+2026")
        self.import_dir(write_course(files, self.tmp / "source" / "course"), first_key)
        self.assert_every_field_kept(first_key)

        export_root = self.tmp / "export"
        export_root.mkdir()
        export_course_to_xml(self.store, contentstore(), first_key, str(export_root), "course")
        exported = read_course(export_root / "course")
        layout = describe_layout(exported)
        keep_export(export_root, layout)
        assert mentoring_children(exported), f"the export has no mentoring block in its units:\n{layout}"
        for _unit, child in mentoring_children(exported):
            assert is_pointer(child) or child.get("url_name"), layout

        second_key = CourseKey.from_string("course-v1:MentoringDemo+LEAD101+reimport")
        course = self.import_dir(export_root / "course", second_key)
        self.assert_every_field_kept(second_key)
        self.assert_course_settings(course)
        for branch in BRANCHES:
            assert stored_blocks(self.store, second_key, branch) == stored_blocks(self.store, first_key, branch)


def describe_layout(files):
    """What the export wrote for the mentoring blocks: where each block is and the files involved."""
    lines = [f"layout of the mentoring blocks: {layout_of(files)}"]
    for unit, child in mentoring_children(files):
        where = "pointer tag" if is_pointer(child) else "inline element"
        lines.append(f"{unit}: {where} <{child.tag} " + " ".join(f'{k}="{v}"' for k, v in sorted(child.attrib.items())
                                                           if k != "display_name") + ">")
    own_files = [path for path in files if path.startswith(OUR_TAGS)]
    lines.append("files of their own: " + (", ".join(own_files) if own_files else "none"))
    lines.append("all files: " + ", ".join(sorted(files)))
    return "\n".join(lines)


def write_tarball(course_root, target):
    """A reproducible tarball of a course directory (files under course/, sorted, fixed times), as Studio imports."""
    import io  # pylint: disable=import-outside-toplevel
    with tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, data in all_files(course_root).items():
            info = tarfile.TarInfo(f"course/{name}")
            info.size, info.mtime, info.mode = len(data), 1767225600, 0o644
            archive.addfile(info, io.BytesIO(data))


def keep_export(export_root, layout):
    """With MENTORING_PLATFORM_EXPORT set, keep the export as a tarball (files under course/) and its layout."""
    target = os.environ.get("MENTORING_PLATFORM_EXPORT")
    if not target:
        return
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_tarball(export_root / "course", target)
    Path(f"{target}.layout.txt").write_text(layout + "\n", encoding="utf-8")
    for unit in sorted((export_root / "course" / "vertical").glob("*.xml")):
        Path(f"{target}.layout.txt").open("a", encoding="utf-8").write(
            f"\n--- {unit.relative_to(export_root)} ---\n{unit.read_text(encoding='utf-8')}")
