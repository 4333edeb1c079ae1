"""The Celery app, and the one place where periodic jobs are declared.

Each periodic job only does what is due at the moment it runs, so a late,
missed or doubled tick does no harm."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.base")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "open-due-rounds": {"task": "surveys.tasks.open_due_rounds", "schedule": 60.0},
    "close-due-rounds": {"task": "surveys.tasks.close_due_rounds", "schedule": 60.0},
    "settle-answers": {"task": "surveys.tasks.settle_answers", "schedule": 60.0},
    "send-due-reminders": {"task": "surveys.tasks.send_due_reminders", "schedule": 300.0},
    # Often, so that invitations queued while the broker was away go out
    # within a minute of its return (core.outbox.QUEUE_GRACE).
    "sweep-sending": {"task": "surveys.tasks.sweep_sending", "schedule": 20.0},
    # Hourly; each creates its digests once per day or month (see digests/sending.py).
    "follow-up-digests": {"task": "digests.tasks.queue_follow_up_digests", "schedule": 3600.0},
    "leadership-digests": {"task": "digests.tasks.queue_leadership_digests", "schedule": 3600.0},
    "sweep-digests": {"task": "digests.tasks.sweep_digests", "schedule": 60.0},
}


@signals.task_prerun.connect
def drop_broken_database_connections(task=None, **kwargs) -> None:
    """Celery closes the database connection around every task unless
    CELERY_DB_REUSE_MAX is set (it is: reconnecting was a large part of each
    invitation sent). Instead, as Django does before each request, a
    connection that is broken or older than CONN_MAX_AGE is dropped here.
    Not for eager tasks: they run inside the caller's transaction."""
    if task is not None and not getattr(task.request, "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()
