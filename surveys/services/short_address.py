"""A survey's stable short address, /r/<code>/, for posters, flyers and
cards: the same for every round, so a printed poster keeps working, and
short enough to type (the printed form is under 30 characters for a short
host name). It answers the survey's open round. Anonymous surveys only:
whoever reads a poster can answer, so those answers are their own unit."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from ..models import Survey
from ..tokens import new_code


def short_code_of(survey: Survey) -> str:
    """The survey's code, given to it the first time it is asked for."""
    if survey.short_code:
        return survey.short_code
    for _attempt in range(5):
        code = new_code()
        try:
            with transaction.atomic():
                updated = Survey.objects.filter(pk=survey.pk, short_code__isnull=True).update(short_code=code)
        except IntegrityError:  # another survey has it: draw again
            continue
        if not updated:  # given one meanwhile, by another request
            code = Survey.objects.values_list("short_code", flat=True).get(pk=survey.pk) or code
        survey.short_code = code
        return code
    raise RuntimeError("no free short code after 5 draws")


def short_url(survey: Survey) -> str:
    return settings.SITE_URL + reverse("surveys:respond_short", args=[short_code_of(survey)])


def printed(url: str) -> str:
    """The address as printed: without the scheme and the final slash."""
    return url.split("://", 1)[-1].rstrip("/")
