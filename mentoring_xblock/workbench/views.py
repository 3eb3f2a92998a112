"""The demo landing page: which scenario to open as which person."""
from django.http import HttpResponse
from django.template import engines

from ..demo import DEMO_SLUG
from ..demo_story import WHO_TO_TRY
from ..models import Match, Participant

# A page of the demo only (English, not translated: the blocks themselves are).
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mentoring XBlock demo</title>
<style>
body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}
a{color:#0b5cad}a:focus-visible{outline:3px solid #f2a900}li{margin:.3rem 0}
</style></head>
<body><main>
<h1>Mentoring XBlock demo</h1>
<p>The workbench runs the blocks as they run in a course unit. Pick who you want to be:</p>
{% if story %}<h2>Who to try</h2>
<p>The program is lived in: pairs at every stage, a published matching run, a draft, check-ins good and bad.
Reset it with <code>make demo-reset</code>.</p>
<ul>{% for username, what in story %}
<li><a href="/scenario/mentoring_program.0/?student={{ username|urlencode }}">{{ username }}</a>: {{ what }}</li>
{% endfor %}
</ul>{% endif %}
<h2>Program block</h2>
<ul>
<li><a href="/scenario/mentoring_program.0/?student=coordinator">Coordinator (course staff)</a></li>
{% for mentor in mentors %}
<li><a href="/scenario/mentoring_program.0/?student={{ mentor|urlencode }}">Mentor: {{ mentor }}</a></li>{% endfor %}
{% for learner in learners %}
<li><a href="/scenario/mentoring_program.0/?student={{ learner|urlencode }}">Learner: {{ learner }}</a></li>{% endfor %}
<li><a href="/scenario/mentoring_program.0/?student=newcomer">A learner who has not joined yet</a></li>
<li><a href="/scenario/mentoring_program.0/?student=anonymous">Someone not signed in</a></li>
</ul>
<h2>Assessment blocks</h2>
<ul>{% for scenario_id, title in assessments %}
<li>{{ title }}: <a href="/scenario/{{ scenario_id }}/?student=learner_01">as learner_01</a>,
<a href="/scenario/{{ scenario_id }}/?student=mentor_01">as mentor_01</a>,
<a href="/scenario/{{ scenario_id }}/?student=coordinator">as coordinator</a></li>{% endfor %}
</ul>
<p><a href="/scenario/mentoring_program.0/studio_view/?student=coordinator">Studio editor of the program block</a>
· <a href="/scenario/mentoring_program.0/author_view/?student=coordinator">Studio preview</a>
· <a href="/workbench/">All workbench scenarios</a></p>
</main></body></html>"""


def demo_index(request):
    """List demo people (from the seeded program) with links into the scenarios."""
    from workbench.scenarios import get_scenarios  # pylint: disable=import-outside-toplevel
    usernames = list(Participant.objects.order_by("username").values_list("username", "is_mentee")[:200])
    assessments = sorted((key, scenario.description) for key, scenario in get_scenarios().items()
                         if key.startswith("mentoring_assessment."))
    template = engines["django"].from_string(PAGE)
    lived_in = Match.objects.filter(program__slug=DEMO_SLUG).exists()
    return HttpResponse(template.render({
        "story": WHO_TO_TRY if lived_in else [],
        "mentors": [name for name, is_mentee in usernames if not is_mentee][:10],
        "learners": [name for name, is_mentee in usernames if is_mentee][:10],
        "assessments": assessments,
    }, request))
