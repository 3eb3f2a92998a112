# Messages are rendered once, when written (markup.render; see markup.py for why rendering is bounded):
# every existing message is rendered here, in batches, so that no view renders after the upgrade.

from django.db import migrations, models

BATCH = 500


def render_existing(apps, schema_editor):
    from mentoring_xblock import markup
    Message = apps.get_model("mentoring_xblock", "Message")
    last = 0
    while True:
        batch = list(Message.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        for message in batch:
            message.body_html = markup.render(message.body) if message.body else ""
            message.render_version = markup.VERSION
        Message.objects.bulk_update(batch, ["body_html", "render_version"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("mentoring_xblock", "0004_participant_one_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="body_html",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="message",
            name="render_version",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
