"""Digest moved here from crm/, keeping its table (crm_digest) and
its rows: the model is added to this app's state only; crm 0005 takes it
out of crm's. Nothing changes in the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('crm', '0004_release_rule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Digest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('follow_up', 'Daily follow-up digest'), ('leadership', 'Monthly leadership digest')], max_length=16)),
                        ('period', models.DateField()),
                        ('state', models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('skipped', 'Nothing to say'), ('failed', 'Failed'), ('unknown', 'Unknown: the worker stopped while sending')], default='pending', max_length=8)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('last_error', models.CharField(blank=True, max_length=200)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='digests', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'crm_digest',
                        'ordering': ['-period', 'kind', 'user_id'],
                        'indexes': [models.Index(fields=['state', 'claimed_at'], name='digest_state_claimed_idx')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'user', 'period'), name='digest_once_per_person_and_period')],
                    },
                ),
            ],
        ),
    ]
