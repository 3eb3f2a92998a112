"""The demo program: a leadership-development course's mentoring program, as OLX, plus seeded people.

Used by the workbench scenarios, the ``mentoring_seed_demo`` command and the tests. The people are
made up and generated from a fixed seed, so every demo looks the same.
"""
import random

from lxml import etree

from .olx import program_config_to_node
from .program_config import clean_config

DEMO_SLUG = "leadership"

LEADERSHIP_TOPICS = [
    ("delegation", "Delegation"),
    ("giving_feedback", "Giving feedback"),
    ("coaching", "Coaching others"),
    ("strategic_thinking", "Strategic thinking"),
    ("communication", "Communication"),
    ("conflict", "Handling conflict"),
    ("time_management", "Time and priorities"),
    ("hiring", "Hiring and onboarding"),
    ("managing_up", "Managing up"),
    ("career_growth", "Career growth"),
]
ROLE_LEVELS = [
    ("individual_contributor", "Individual contributor"),
    ("team_lead", "Team lead"),
    ("manager", "Manager"),
    ("senior_manager", "Senior manager"),
    ("director", "Director or above"),
]
MEETING_STYLES = [("video", "Video call"), ("phone", "Phone call"), ("chat", "Written chat")]
DEPARTMENTS = ["Engineering", "Sales", "Operations", "Finance", "People", "Marketing", "Support"]


def leadership_config():
    """The demo program's configuration (valid, complete)."""
    return clean_config({
        "description": (
            "Pair up with an experienced leader for twelve weeks. Mentors have led teams through the "
            "situations this course covers: delegating, giving feedback, coaching, and thinking "
            "strategically. Tell us what you want to grow in and we will suggest mentors who fit."
        ),
        "starts": "2026-09-01",
        "ends": "2027-03-31",
        "matching_mode": "both",
        "allow_learner_mentors": True,
        "mentor_approval_required": True,
        "capacity_default": 2,
        "capacity_max": 5,
        "request_expiry_days": 7,
        "inactivity_days": 21,
        "privacy": "metadata",
        "consent_text": (
            "I agree that my profile answers are shown to potential mentors or mentees in this course "
            "and to the course team, who use them to match people."
        ),
        "agreement_template": {
            "expectations": "We meet as agreed, come prepared, and tell each other early when plans change.",
            "meeting_frequency": "Every two weeks, 45 minutes",
            "confidentiality": "What we discuss stays between us unless we both agree otherwise.",
            "duration": "Twelve weeks",
        },
        "criteria": {"topics": 3, "language": 1, "timezone": 1, "availability": 1, "seniority": 1,
                     "meeting_style": 0.5},
        "questions": [
            {"id": "goals", "kind": "multi_choice", "required": True, "audience": "both", "match": "topics",
             "label": "Which leadership skills do you want to grow?",
             "mentor_label": "Which leadership skills can you mentor others in?",
             "options": [{"value": v, "label": label} for v, label in LEADERSHIP_TOPICS]},
            {"id": "role_level", "kind": "choice", "required": True, "audience": "both", "match": "seniority",
             "label": "What is your current role?",
             "options": [{"value": v, "label": label} for v, label in ROLE_LEVELS]},
            {"id": "meeting_style", "kind": "choice", "required": False, "audience": "both", "match": "choice",
             "label": "How do you prefer to meet?", "reason": "Both prefer to meet by: {answer}",
             "options": [{"value": v, "label": label} for v, label in MEETING_STYLES]},
            {"id": "department", "kind": "text", "required": False, "audience": "both", "exclude_same": True,
             "label": "Which department do you work in?",
             "help": "We never pair you with someone from your own department.", "max_length": 80},
            {"id": "confidence", "kind": "scale", "required": False, "audience": "mentee",
             "scale_min": 1, "scale_max": 5,
             "label": "How confident do you feel leading a team today? (1 = not yet, 5 = very)"},
            {"id": "hopes", "kind": "text", "required": False, "audience": "mentee", "max_length": 1000,
             "label": "What would make this mentorship a success for you?"},
        ],
        "competencies": [
            {"id": "delegation", "label": "Delegation"},
            {"id": "giving_feedback", "label": "Giving feedback"},
            {"id": "coaching", "label": "Coaching"},
            {"id": "strategic_thinking", "label": "Strategic thinking"},
            {"id": "communication", "label": "Communication"},
        ],
    })


def program_olx(slug=DEMO_SLUG, display_name="Leadership mentoring"):
    """The demo program block as an OLX string."""
    node = etree.Element("mentoring_program", display_name=display_name, program=slug)
    program_config_to_node(leadership_config(), node)
    return etree.tostring(node, pretty_print=True, encoding="unicode")


FIRST_NAMES = ["Amara", "Bruno", "Chen", "Dalia", "Emeka", "Farah", "Gustavo", "Hana", "Ilya", "Jana", "Kwame",
               "Lucia", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tomoko", "Uma", "Viktor",
               "Wen", "Ximena", "Yusuf", "Zara", "Aiko", "Bilal", "Carmen", "Dmitri", "Elif", "Femi", "Greta",
               "Hugo", "Ines", "Jonas", "Kiri", "Leila", "Marco", "Noor", "Oskar", "Paula", "Ravi", "Sofia"]
LAST_NAMES = ["Okafor", "Silva", "Wang", "Haddad", "Mensah", "Rahman", "Pereira", "Sato", "Petrov", "Novak",
              "Addo", "Garcia", "Rossi", "Karimi", "Aziz", "Sharma", "Dubois", "Morales", "Lindqvist", "Tanaka",
              "Iyer", "Kowalski", "Chen", "Castillo", "Demir", "Osei", "Nakamura", "Yilmaz", "Fischer"]
ZONES = [("Europe/Madrid", ["es", "en"]), ("America/Mexico_City", ["es", "en"]), ("America/New_York", ["en"]),
         ("Europe/Berlin", ["de", "en"]), ("Asia/Kolkata", ["hi", "en"]), ("Africa/Lagos", ["en"]),
         ("America/Sao_Paulo", ["pt", "es", "en"]), ("Asia/Tokyo", ["ja", "en"]), ("Europe/Paris", ["fr", "en"]),
         ("Europe/London", ["en"])]
MENTOR_BIOS = [
    "Led a 40-person support organisation through two reorganisations; I like helping new managers find "
    "their own style.",
    "Engineering director. I learned delegation the hard way and can save you some of the bruises.",
    "Sales leader for ten years. Happy to practise difficult feedback conversations with you.",
    "Operations manager who coaches team leads on priorities and saying no.",
    "Former consultant, now VP of strategy. I enjoy turning vague goals into plans.",
]


def demo_people(mentees=40, mentors=10, seed=2026):
    """Made-up participants for the demo: a list of dicts with username, role and profile data.

    Mentors come first. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    topic_ids = [value for value, _label in LEADERSHIP_TOPICS]
    weights = [1.0 / (rank + 1) for rank in range(len(topic_ids))]  # zipf-like popularity
    people = []
    for index in range(mentors + mentees):
        is_mentor = index < mentors
        zone, languages = ZONES[rng.randrange(len(ZONES))] if index else ZONES[0]
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        number = index + 1 if is_mentor else index - mentors + 1
        username = f"mentor_{number:02d}" if is_mentor else f"learner_{number:02d}"
        wanted = set()
        while len(wanted) < (rng.randint(4, 6) if is_mentor else rng.randint(2, 3)):
            wanted.add(rng.choices(topic_ids, weights)[0])
        start_day = rng.randrange(5)
        start_hour = rng.choice([8, 9, 12, 16, 18])
        availability = sorted({(start_day + d) % 5 * 24 + start_hour + h for d in range(2) for h in range(2)})
        level = rng.randint(3, 5) if is_mentor else rng.randint(1, 3)
        profile = {
            "answers": {
                "goals": [t for t in topic_ids if t in wanted],
                "role_level": ROLE_LEVELS[level - 1][0],
                "meeting_style": rng.choice(MEETING_STYLES)[0],
                "department": rng.choice(DEPARTMENTS),
            },
            "bio": (MENTOR_BIOS[index % len(MENTOR_BIOS)] if is_mentor
                    else f"{first} is growing into a first leadership role."),
            "time_zone": zone,
            "languages": languages,
            "availability": availability,
            "consent": True,
        }
        if is_mentor:
            profile["capacity"] = rng.randint(2, 4)
        else:
            profile["answers"]["confidence"] = rng.randint(1, 4)
            profile["answers"]["hopes"] = "Feel confident handing work over and giving honest feedback."
        last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        people.append({"username": username, "first_name": first, "last_name": last,
                       "role": "mentor" if is_mentor else "mentee", "profile": profile})
    return people


DEMO_ASSESSMENTS = [
    ("self_pre", "Before the program: rate your leadership skills"),
    ("mentor_rates_mentee", "Mentors: rate your mentee's growth"),
    ("checkin", "Monthly relationship check-in"),
    ("self_post", "After the program: rate your leadership skills"),
]


def _inline(olx_text, url_name):
    """A block's OLX as the platform's export writes a pure XBlock: inline in its unit, url_name first.

    (No ``etree.indent``: inside the platform ``lxml.etree`` is its ``safe_lxml`` wrapper, which lacks it.)
    """
    source = etree.fromstring(olx_text.encode("utf-8"), etree.XMLParser(remove_blank_text=True))
    node = etree.Element(source.tag, {"url_name": url_name, "xblock-family": "xblock.v1", **source.attrib})
    node.extend(source)
    lines = etree.tostring(node, pretty_print=True, encoding="unicode").splitlines()
    return "".join(f"  {line}\n" for line in lines)


def demo_course_files(org="MentoringDemo", number="LEAD101", run="2026", layout="inline"):
    """
    The demo course as OLX files {path: text}: one chapter with the program, then the assessments.

    ``layout="inline"`` writes each mentoring block inside its unit, as the platform's course export
    writes pure XBlocks; ``layout="pointer"`` writes a pointer tag in the unit and the block in its own
    file (``mentoring_program/<name>.xml``), as hand-written courses often do. Both import with every
    field (the blocks resolve pointer tags themselves).
    """
    def unit(title, tag, url_name, olx_text):
        if layout == "pointer":
            files[f"{tag}/{url_name}.xml"] = olx_text if olx_text.endswith("\n") else olx_text + "\n"
            child = f'  <{tag} url_name="{url_name}"/>\n'
        else:
            child = _inline(olx_text, url_name)
        return f'<vertical display_name="{title}">\n{child}</vertical>\n'

    if layout not in ("inline", "pointer"):
        raise ValueError(f"unknown layout {layout!r}")
    files = {
        "course.xml": f'<course url_name="{run}" org="{org}" course="{number}"/>\n',
        f"course/{run}.xml": (
            '<course display_name="Leadership development with mentoring" start="2026-09-01T00:00:00Z"'
            ' advanced_modules="[&quot;mentoring_program&quot;, &quot;mentoring_assessment&quot;]">\n'
            '  <chapter url_name="mentoring_chapter"/>\n</course>\n'),
        "chapter/mentoring_chapter.xml": (
            '<chapter display_name="Your mentoring program">\n'
            '  <sequential url_name="mentoring_start"/>\n  <sequential url_name="mentoring_assessments"/>\n'
            '</chapter>\n'),
        "sequential/mentoring_start.xml": (
            '<sequential display_name="Find or become a mentor">\n  <vertical url_name="mentoring_program_unit"/>\n'
            '</sequential>\n'),
        "sequential/mentoring_assessments.xml": (
            '<sequential display_name="Assessments" graded="true" format="Mentoring">\n'
            + "".join(f'  <vertical url_name="assessment_{kind}_unit"/>\n' for kind, _title in DEMO_ASSESSMENTS)
            + '</sequential>\n'),
        "policies/assets.json": "{}\n",
        f"policies/{run}/policy.json": (
            '{"course/%s": {"display_name": "Leadership development with mentoring", '
            '"advanced_modules": ["mentoring_program", "mentoring_assessment"]}}\n' % run),
        f"policies/{run}/grading_policy.json": (
            '{"GRADER": [{"type": "Mentoring", "min_count": 1, "drop_count": 0, "short_label": "MNT", '
            '"weight": 1.0}], "GRADE_CUTOFFS": {"Pass": 0.5}}\n'),
    }
    files["vertical/mentoring_program_unit.xml"] = unit("Mentoring program", "mentoring_program",
                                                        "leadership_program", program_olx())
    for kind, title in DEMO_ASSESSMENTS:
        repeat = ' repeat_days="30"' if kind == "checkin" else ""
        files[f"vertical/assessment_{kind}_unit.xml"] = unit(
            title, "mentoring_assessment", f"assessment_{kind}",
            f'<mentoring_assessment display_name="{title}" program="{DEMO_SLUG}" kind="{kind}"{repeat}/>')
    return files


def write_demo_course(path, layout="inline"):
    """Write the demo course as a Studio-importable ``.tar.gz`` (files under ``course/``), reproducibly."""
    import io  # pylint: disable=import-outside-toplevel
    import tarfile  # pylint: disable=import-outside-toplevel
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, text in sorted(demo_course_files(layout=layout).items()):
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"course/{name}")
            info.size, info.mtime, info.mode = len(data), 1767225600, 0o644
            archive.addfile(info, io.BytesIO(data))
