"""Packaging for mentoring_xblock: XBlocks plus a Django plugin app for Open edX."""
import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read(*parts):
    """Return the text of a file relative to this directory."""
    with open(os.path.join(HERE, *parts), encoding="utf-8") as handle:
        return handle.read()


def version():
    """Read __version__ without importing the package (it needs Django)."""
    match = re.search(r'^__version__ = "([^"]+)"', read("mentoring_xblock", "__init__.py"), re.M)
    return match.group(1)


def requirements(path):
    """Requirement lines of a requirements/*.in file, without comments or -c/-r lines."""
    lines = []
    for line in read(path).splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            lines.append(line)
    return lines


def package_data():
    """All files under the package's static/, templates/ and translations/ links, relative to the package."""
    files = []
    package_dir = os.path.join(HERE, "mentoring_xblock")
    for folder in ("static", "templates", "translations", "locale"):
        for root, _dirs, names in os.walk(os.path.join(package_dir, folder), followlinks=True):
            for name in names:
                files.append(os.path.relpath(os.path.join(root, name), package_dir))
    return files


setup(
    name="mentoring-xblock",
    version=version(),
    description="A whole mentoring program inside an Open edX course: matching, pairing workspaces, assessments.",
    long_description=read("README.md"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.11",
    packages=find_packages(include=["mentoring_xblock", "mentoring_xblock.*"]),
    include_package_data=False,
    package_data={"mentoring_xblock": package_data()},
    install_requires=requirements("requirements/base.in"),
    extras_require={
        "bench": ["ortools"],
    },
    entry_points={
        "xblock.v1": [
            "mentoring_program = mentoring_xblock.blocks.program:MentoringProgramBlock",
            "mentoring_assessment = mentoring_xblock.blocks.assessment:MentoringAssessmentBlock",
        ],
        "lms.djangoapp": [
            "mentoring_xblock = mentoring_xblock.apps:MentoringXBlockConfig",
        ],
        "cms.djangoapp": [
            "mentoring_xblock = mentoring_xblock.apps:MentoringXBlockConfig",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "License :: OSI Approved :: GNU Affero General Public License v3",
    ],
    zip_safe=False,
)
