"""The two ways a course directory can hold a pure XBlock, and conversions between them (lxml only).

* inline: the block's element, with ``url_name``, inside its unit (``vertical/<unit>.xml``);
* pointer: ``<tag url_name="x"/>`` in the unit and the block's element in ``<tag>/x.xml``.
"""
from lxml import etree

OUR_TAGS = ("mentoring_program", "mentoring_assessment")


def _parse(text):
    return etree.fromstring(text.encode("utf-8"))


def _text(node):
    return etree.tostring(node, encoding="unicode") + "\n"


def is_pointer(node):
    """A pointer tag: nothing but ``url_name`` (and maybe the XBlock family), no children."""
    return len(node) == 0 and set(node.attrib) <= {"url_name", "xblock-family"} and "url_name" in node.attrib


def mentoring_children(files):
    """[(unit path, child element)] for every mentoring block element found in the course's units."""
    found = []
    for path, text in sorted(files.items()):
        if path.startswith("vertical/") and path.endswith(".xml"):
            found += [(path, child) for child in _parse(text) if child.tag in OUR_TAGS]
    return found


def layout_of(files):
    """'pointer', 'inline' or 'mixed' for a course given as {relative path: text}."""
    kinds = {"pointer" if is_pointer(child) else "inline" for _path, child in mentoring_children(files)}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def write_course(files, root):
    """Write {relative path: text} under ``root`` (a pathlib.Path)."""
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def read_course(root):
    """{relative path: text} of every XML/JSON file under ``root``."""
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*")) if path.is_file() and path.suffix in (".xml", ".json")}
