"""One function per email: a subject, a text body and an HTML body, in the
recipient's language. The raw token lives only inside the message."""

import contextlib
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation, YouSaidWeDid


def _links(raw_token: str) -> dict:
    return {
        "survey_url": settings.SITE_URL + reverse("surveys:respond", args=[raw_token]),
        "opt_out_url": settings.SITE_URL + reverse("surveys:opt_out", args=[raw_token]),
    }


def loop_items(survey, language: str, before=None) -> list[dict]:
    """ "You said, we did" items from the survey's latest earlier round that has any."""
    items = YouSaidWeDid.objects.filter(round__survey=survey).select_related("round")
    if before is not None:
        items = items.filter(round__opened_at__lt=before.opened_at)
    items = list(items.order_by("-round__opened_at", "id"))
    if not items:
        return []
    latest_round = items[0].round_id
    return [
        {"you_said": item.you_said_in(language), "we_did": item.we_did_in(language)}
        for item in items
        if item.round_id == latest_round
    ]


# Every message of a round in one language is the same but for the links, so
# it is rendered once (with this slot where the token goes) and reused for a
# minute: three templates and two queries per email were most of a send.
TOKEN_SLOT = "TOKENSLOT" * 5
_RENDERED_SECONDS = 60
_rendered_cache: dict = {}


def _rendered(template: str, invitation: Invitation) -> tuple[str, str, str]:
    """(subject, text, html) of this kind of email for the invitation's round
    and language, with TOKEN_SLOT in place of the token."""
    survey_round, language = invitation.round, invitation.language
    survey = survey_round.survey
    # Ids can come back (SQLite after a rollback): the timestamps tell apart rows that share one.
    key = (template, language, survey_round.pk, survey_round.opened_at, survey.pk, survey.updated_at)
    cached = _rendered_cache.get(key)
    if cached and time.monotonic() - cached[0] < _RENDERED_SECONDS:
        return cached[1]
    with translation.override(language):
        context = {
            "language": language,
            "survey_title": survey.title_in(language),
            "closes_at": survey_round.closes_at,
            "minutes": survey.estimated_minutes,
            "anonymous": survey.anonymous,
            "has_required": survey.questions.filter(required=True).exists(),
            "loop_items": loop_items(survey, language, before=survey_round),
            **_links(TOKEN_SLOT),
        }
        # One line: a title cannot break the header or add one.
        subject = " ".join(render_to_string(f"surveys/email/{template}_subject.txt", context).split())
        text = render_to_string(f"surveys/email/{template}.txt", context)
        html = render_to_string(f"surveys/email/{template}.html", context)
    if len(_rendered_cache) > 256:
        _rendered_cache.clear()
    _rendered_cache[key] = (time.monotonic(), (subject, text, html))
    return subject, text, html


def _send(template: str, invitation: Invitation, raw_token: str) -> None:
    subject, text, html = _rendered(template, invitation)
    # A token is URL-safe base64: no template escaping would have changed it.
    text, html = text.replace(TOKEN_SLOT, raw_token), html.replace(TOKEN_SLOT, raw_token)
    opt_out_url = _links(raw_token)["opt_out_url"]
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
        headers={"List-Unsubscribe": f"<{opt_out_url}>"},
    )
    message.attach_alternative(html, "text/html")
    message.connection = mail_connection()
    try:
        message.send()
    except Exception:
        # The connection may be broken half-way: the next message opens a new one.
        drop_mail_connection()
        raise


def send_invitation(invitation: Invitation, raw_token: str) -> None:
    _send("invitation", invitation, raw_token)


def send_reminder(invitation: Invitation, raw_token: str) -> None:
    _send("reminder", invitation, raw_token)


# One connection to the mail server per process, kept open between messages:
# opening one (connect, greeting, EHLO, QUIT) for every invitation cost more
# than the message itself. Closed and opened again after a pause, because
# servers drop idle clients (RFC 5321 lets them after five minutes).
_IDLE_SECONDS = 30
_shared: dict = {"connection": None, "used_at": 0.0, "server": None}


def mail_connection():
    server = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    idle = time.monotonic() - _shared["used_at"] > _IDLE_SECONDS
    if _shared["connection"] is not None and (idle or server != _shared["server"]):
        drop_mail_connection()
    if _shared["connection"] is None:
        connection = get_connection()
        # Opened here, so that send() leaves it open for the next message.
        connection.open()
        _shared.update(connection=connection, server=server)
    _shared["used_at"] = time.monotonic()
    return _shared["connection"]


def drop_mail_connection() -> None:
    connection, _shared["connection"] = _shared["connection"], None
    if connection is not None:
        with contextlib.suppress(Exception):  # it may be broken already
            connection.close()
