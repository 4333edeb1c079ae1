"""Indexes for the interaction, request and delivery lists: newest first, ties
broken by id, 25 rows a page (docs/performance.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_encrypt_contact_details"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(fields=["-happened_on", "-id"], name="interaction_list_date_idx"),
        ),
        migrations.AddIndex(
            model_name="supportrequest",
            index=models.Index(fields=["-asked_on", "-id"], name="request_list_date_idx"),
        ),
        migrations.AddIndex(
            model_name="supportdelivery",
            index=models.Index(fields=["-delivered_on", "-id"], name="delivery_list_date_idx"),
        ),
    ]
