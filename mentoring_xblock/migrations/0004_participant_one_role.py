# One role per person and program, in the database. Rows that hold both roles exist only because joining
# as a mentee after mentoring kept the mentor status (joining as a mentor clears is_mentee), so the role
# such a person joined with last is mentee: their mentor status is cleared before the constraint is added.

from django.db import migrations, models


def keep_the_role_joined_last(apps, schema_editor):
    Participant = apps.get_model("mentoring_xblock", "Participant")
    Participant.objects.filter(is_mentee=True, mentor_status__in=["pending", "approved", "paused"]).update(
        mentor_status="")


class Migration(migrations.Migration):

    dependencies = [
        ('mentoring_xblock', '0003_program_settings_overrides'),
    ]

    operations = [
        migrations.RunPython(keep_the_role_joined_last, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='participant',
            constraint=models.CheckConstraint(condition=models.Q(('is_mentee', False), ('mentor_status__in', ['', 'rejected']), _connector='OR'), name='mentoring_participant_one_role'),
        ),
    ]
