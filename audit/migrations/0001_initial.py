"""AuditEvent moved here from crm/, keeping its table (crm_auditevent) and
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
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('login', 'Logged in'), ('login_failed', 'Failed login'), ('logout', 'Logged out'), ('export', 'Export downloaded'), ('results_view', 'Survey results viewed'), ('role_change', 'Roles changed'), ('2fa_enabled', 'Two-factor login turned on'), ('2fa_disabled', 'Two-factor login turned off'), ('2fa_failed', 'Wrong two-factor code'), ('2fa_locked', 'Two-factor step locked'), ('2fa_recovery', 'Recovery code used'), ('2fa_new_codes', 'New recovery codes'), ('2fa_policy', 'Two-factor policy changed'), ('results_pooled', 'Survey rounds pooled'), ('results_released', 'Survey results released early'), ('answers_withheld', 'Free-text answers withheld or put back')], max_length=16)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('target', models.CharField(blank=True, max_length=200)),
                        ('ip_hash', models.CharField(blank=True, max_length=64)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'crm_auditevent',
                        'ordering': ['-at', '-id'],
                        'indexes': [models.Index(fields=['action', '-at'], name='auditevent_action_at_idx')],
                    },
                ),
            ],
        ),
    ]
