# Load the Celery app with Django, so that tasks queued from views use it.
from .celery import app as celery_app

__all__ = ["celery_app"]
