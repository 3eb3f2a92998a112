# What a response's answers say (0..1, the mean of its scale items), beside ``score``, which is the completion
# credit. Pair health read the completion credit of a check-in as its result: a check-in answered "strongly
# disagree" everywhere showed 100 %. Existing responses get their result where their items are the kind's
# default items (whose scales are known here); others keep NULL until answered again.

from django.db import migrations, models

BATCH = 500


def results_from_answers(apps, schema_editor):
    from mentoring_xblock.assessment_config import DEFAULT_ITEMS
    from mentoring_xblock.domain.assessments import answers_result
    AssessmentResponse = apps.get_model("mentoring_xblock", "AssessmentResponse")
    last = 0
    while True:
        batch = list(AssessmentResponse.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        changed = []
        for response in batch:
            items = DEFAULT_ITEMS.get(response.kind) or []
            answers = (response.answers or {}).get("items", {})
            if items and answers and set(answers) <= {item["id"] for item in items}:
                response.result = answers_result(items, answers)
                changed.append(response)
        AssessmentResponse.objects.bulk_update(changed, ["result"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("mentoring_xblock", "0005_message_body_html"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentresponse",
            name="result",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(results_from_answers, migrations.RunPython.noop),
    ]
