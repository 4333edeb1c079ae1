"""Portal access, delivery confirmations, deletion requests; a request's
"needed by" day and the contact who asked through the portal; the first stage
named for what it means to a partner."""


import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0005_interaction_day_kind_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalsupportrequest',
            name='needed_by',
            field=models.DateField(blank=True, null=True, verbose_name='needed by'),
        ),
        migrations.AddField(
            model_name='historicalsupportrequest',
            name='submitted_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.contact'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='needed_by',
            field=models.DateField(blank=True, null=True, verbose_name='needed by'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='submitted_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partners.contact'),
        ),
        migrations.AlterField(
            model_name='historicalorganization',
            name='stage',
            field=models.CharField(choices=[('identified', 'Not yet in touch'), ('first_contact', 'First contact'), ('building_trust', 'Building trust'), ('collaborating', 'Collaborating'), ('formal_partnership', 'Formal partnership'), ('paused', 'Paused'), ('ended', 'Ended')], default='identified', max_length=32, verbose_name='relationship stage'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='stage',
            field=models.CharField(choices=[('identified', 'Not yet in touch'), ('first_contact', 'First contact'), ('building_trust', 'Building trust'), ('collaborating', 'Collaborating'), ('formal_partnership', 'Formal partnership'), ('paused', 'Paused'), ('ended', 'Ended')], default='identified', max_length=32, verbose_name='relationship stage'),
        ),
        migrations.CreateModel(
            name='DeletionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('asked_at', models.DateTimeField(auto_now_add=True)),
                ('reason', models.TextField(blank=True, max_length=2000, verbose_name='anything you want us to know (optional)')),
                ('asked_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partners.contact')),
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='deletion_request', to='partners.organization')),
            ],
            options={
                'permissions': [('carry_out_deletion', "Can delete a partner's record at its request")],
            },
        ),
        migrations.CreateModel(
            name='HistoricalDeliveryConfirmation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('received', models.CharField(choices=[('received', 'Received'), ('partly', 'Partly received'), ('not_received', 'Not received')], max_length=12, verbose_name='did it arrive?')),
                ('helped', models.CharField(blank=True, choices=[('yes', 'Yes'), ('somewhat', 'Somewhat'), ('no', 'No')], max_length=8, verbose_name='did it help?')),
                ('comment', models.TextField(blank=True, max_length=2000, verbose_name='anything to add?')),
                ('confirmed_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('contact', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.contact', verbose_name='said by')),
                ('delivery', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.supportdelivery')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical delivery confirmation',
                'verbose_name_plural': 'historical delivery confirmations',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPortalAccess',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('invited_at', models.DateTimeField(editable=False)),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('last_signed_in_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('contact', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partners.contact')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('invited_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical portal access',
                'verbose_name_plural': 'historical portal access',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PortalAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('invited_at', models.DateTimeField(editable=False)),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('last_signed_in_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('contact', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='portal_access', to='partners.contact')),
                ('invited_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'portal access',
                'verbose_name_plural': 'portal access',
            },
        ),
        migrations.CreateModel(
            name='DeliveryConfirmation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.CharField(choices=[('received', 'Received'), ('partly', 'Partly received'), ('not_received', 'Not received')], max_length=12, verbose_name='did it arrive?')),
                ('helped', models.CharField(blank=True, choices=[('yes', 'Yes'), ('somewhat', 'Somewhat'), ('no', 'No')], max_length=8, verbose_name='did it help?')),
                ('comment', models.TextField(blank=True, max_length=2000, verbose_name='anything to add?')),
                ('confirmed_at', models.DateTimeField(auto_now=True)),
                ('contact', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partners.contact', verbose_name='said by')),
                ('delivery', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='confirmation', to='partners.supportdelivery')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('received', 'received'), _negated=True), fields=['-confirmed_at'], name='confirmation_missing_idx')],
            },
        ),
    ]
