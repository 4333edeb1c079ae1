"""One function per email: a subject, a text body and an HTML body, in the
recipient's language. The raw token lives only inside the message."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


def _send(template: str, invitation: Invitation, raw_token: str) -> None:
    survey = invitation.round.survey
    language = invitation.language
    with translation.override(language):
        context = {
            "language": language,
            "survey_title": survey.title_in(language),
            "closes_at": invitation.round.closes_at,
            "minutes": survey.estimated_minutes,
            "anonymous": survey.anonymous,
            "has_required": survey.questions.filter(required=True).exists(),
            "loop_items": loop_items(survey, language, before=invitation.round),
            **_links(raw_token),
        }
        # One line: a title cannot break the header or add one.
        subject = " ".join(render_to_string(f"surveys/email/{template}_subject.txt", context).split())
        text = render_to_string(f"surveys/email/{template}.txt", context)
        html = render_to_string(f"surveys/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
        headers={"List-Unsubscribe": f"<{context['opt_out_url']}>"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_invitation(invitation: Invitation, raw_token: str) -> None:
    _send("invitation", invitation, raw_token)


def send_reminder(invitation: Invitation, raw_token: str) -> None:
    _send("reminder", invitation, raw_token)
