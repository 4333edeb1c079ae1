"""Indexes for RoundQuerySet.with_counts (survey and round pages): a round's
used invitations, and a round's responses by channel. See docs/performance.md."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_schedule_anchor_and_reminder_attempts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(
                condition=models.Q(("responded", True)), fields=["round"], name="invitation_round_responded_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["round", "channel"], name="response_round_channel_idx"),
        ),
    ]
