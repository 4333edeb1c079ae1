"""SupportRequest.first_delivery_on, filled in from the deliveries already
recorded (partners/first_delivery.py keeps it from now on)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_in(apps, schema_editor):
    SupportRequest = apps.get_model("partners", "SupportRequest")
    SupportDelivery = apps.get_model("partners", "SupportDelivery")
    first = SupportDelivery.objects.filter(request=OuterRef("pk")).order_by("delivered_on").values("delivered_on")[:1]
    SupportRequest.objects.update(first_delivery_on=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0013_interaction_also_with"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsupportrequest",
            name="first_delivery_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="first delivered on"),
        ),
        migrations.AddField(
            model_name="supportrequest",
            name="first_delivery_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="first delivered on"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
