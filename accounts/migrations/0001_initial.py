"""TwoFactorPolicy moved here from crm/, keeping its table (crm_twofactorpolicy) and
its rows: the model is added to this app's state only; crm 0005 takes it
out of crm's. Nothing changes in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('crm', '0004_release_rule'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TwoFactorPolicy',
                    fields=[
                        ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                        ('required', models.BooleanField(default=False, help_text='When on, anyone who signs in without two-factor login set up is taken to set it up and can open nothing else until they have.', verbose_name='require two-factor login for every account')),
                        ('changed_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'two-factor policy',
                        'verbose_name_plural': 'two-factor policy',
                        'db_table': 'crm_twofactorpolicy',
                        'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='two_factor_policy_singleton')],
                    },
                ),
            ],
        ),
    ]
