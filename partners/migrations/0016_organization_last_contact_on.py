"""Organization.last_contact_on, filled in from the interactions already
recorded (partners/last_contact.py keeps it from now on)."""

import datetime

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf

IN_TOUCH_KINDS = ["meeting", "call", "message", "visit", "event"]


def fill_in(apps, schema_editor):
    Organization = apps.get_model("partners", "Organization")
    Interaction = apps.get_model("partners", "Interaction")
    in_touch = Interaction.objects.filter(kind__in=IN_TOUCH_KINDS)
    here = in_touch.filter(organization=OuterRef("pk")).order_by("-happened_on").values("happened_on")[:1]
    joint = in_touch.filter(also_with=OuterRef("pk")).order_by("-happened_on").values("happened_on")[:1]
    never = Value(datetime.date.min, output_field=models.DateField())
    day = models.DateField()
    latest = Greatest(Coalesce(Subquery(here, output_field=day), never), Coalesce(Subquery(joint, output_field=day), never))
    Organization.objects.update(last_contact_on=NullIf(latest, never))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0015_request_days_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="last_contact_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="last contact"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
