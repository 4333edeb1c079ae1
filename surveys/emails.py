"""The survey emails: a subject, a text body and an HTML body, in the
recipient's language. The raw token lives only inside the message."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core import prefilled_email
from core.prefilled_email import PrefilledEmail

from .choices import LoopStatus
from .models import Invitation, Round, YouSaidWeDid


def _links(raw_token: str, language: str) -> dict:
    """The survey and opt-out links. They carry the language, so that even a
    link that no longer works answers in it without looking the link up."""
    return {
        "survey_url": settings.SITE_URL + reverse("surveys:respond", args=[raw_token]) + f"?lang={language}",
        "opt_out_url": settings.SITE_URL + reverse("surveys:opt_out", args=[raw_token]) + f"?lang={language}",
        "one_click_url": settings.SITE_URL + reverse("surveys:one_click_opt_out", args=[raw_token]),
    }


def sender() -> str:
    """DEFAULT_FROM_EMAIL, showing the organization's name unless the
    setting names a sender itself."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or settings.ORGANIZATION_NAME, address))


def loop_items(survey, language: str, before=None) -> list[dict]:
    """ "You said, we did" items done, from the survey's latest earlier round that has any."""
    found = YouSaidWeDid.objects.filter(round__survey=survey, status=LoopStatus.DONE).select_related("round")
    if before is not None:
        found = found.filter(round__opened_at__lt=before.opened_at)
    items = list(found.order_by("-round__opened_at", "id"))
    if not items:
        return []
    latest_round = items[0].round_id
    return [
        {"you_said": item.you_said_in(language), "we_did": item.we_did_in(language)}
        for item in items
        if item.round_id == latest_round
    ]


def round_context(survey_round: Round, language: str) -> dict:
    """What every email of a round in one language says. Two queries: the
    caller shares it between the emails of a group."""
    survey = survey_round.survey
    return {
        "language": language,
        "organization": settings.ORGANIZATION_NAME,
        "survey_title": survey.title_in(language),
        "closes_at": survey_round.closes_at,
        "minutes": survey.estimated_minutes,
        "anonymous": survey.anonymous,
        "has_required": survey.questions.filter(required=True).exists(),
        "loop_items": loop_items(survey, language, before=survey_round),
    }


# Every email of a round in one language is the same but for the person's
# address and links: a group renders it once, and makes it into bytes once
# (core.prefilled_email), with this slot where the token goes, and fills each
# email in. Rendering and making bytes for every email kept a round under
# half the speed of a raw SMTP loop (docs/performance.md).
# tests/surveys/test_emails.py checks that a filled email equals the one
# made for the person alone.
TOKEN_SLOT = "TOKENSLOT" * 5
HEADERS = {
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    # Sent by a program: auto-replies ("out of office") are not sent back (RFC 3834).
    "Auto-Submitted": "auto-generated",
}


def _rendered(template: str, language: str, context: dict, last: bool) -> tuple[str, str, str]:
    """(subject, text, html) with TOKEN_SLOT in place of the token."""
    with translation.override(language):
        values = {**context, **_links(TOKEN_SLOT, language), "last_reminder": last}
        # One line: a title cannot break the header or add one.
        subject = " ".join(render_to_string(f"surveys/email/{template}_subject.txt", values).split())
        text = render_to_string(f"surveys/email/{template}.txt", values)
        html = render_to_string(f"surveys/email/{template}.html", values)
    return subject, text, html


def _email(rendered: tuple[str, str, str], address: str, raw_token: str, language: str) -> PrefilledEmail:
    subject, text, html = rendered
    # A token is URL-safe base64: no template escaping would have changed it.
    one_click = _links(raw_token, language)["one_click_url"]
    # One-click opt-out (RFC 8058): mail programs show an "unsubscribe"
    # button that POSTs to this address; the page behind the link in the
    # text asks first.
    headers = {**HEADERS, "List-Unsubscribe": f"<{one_click}>"}
    message = PrefilledEmail(subject, text.replace(TOKEN_SLOT, raw_token), sender(), [address], headers=headers)
    message.attach_alternative(html.replace(TOKEN_SLOT, raw_token), "text/html")
    return message


def _template(rendered: tuple[str, str, str], language: str) -> bytes | None:
    _, text, html = rendered
    slots = {TOKEN_SLOT: text.count(TOKEN_SLOT) + html.count(TOKEN_SLOT) + 1}  # and List-Unsubscribe
    return prefilled_email.template_of(_email(rendered, prefilled_email.TO_SLOT, TOKEN_SLOT, language), slots)


def survey_email(
    template: str, invitation: Invitation, raw_token: str, context: dict, *, last: bool = False
) -> EmailMultiAlternatives:
    """An invitation ("invitation") or a reminder ("reminder", the round's
    `last` one saying so) to answer, with its private link: the raw token
    lives only inside the message. `context` is round_context()'s."""
    rendered = _rendered(template, invitation.language, context, last)
    return _email(rendered, invitation.email, raw_token, invitation.language)


def survey_emails(
    template: str, people: list[tuple[Invitation, str]], context_of, *, last_of=lambda invitation: False
) -> list[EmailMultiAlternatives]:
    """The emails of a group of (invitation, raw token), in their order, each
    round's text rendered and made into bytes once per language (and
    last-reminder flag). `context_of(invitation)` gives its round_context()."""
    made: dict[tuple, tuple] = {}
    emails: list[EmailMultiAlternatives] = []
    for invitation, raw_token in people:
        language, last = invitation.language, last_of(invitation)
        key = (invitation.round_id, language, last)
        if key not in made:
            rendered = _rendered(template, language, context_of(invitation), last)
            made[key] = (rendered, _template(rendered, language))
        rendered, template_bytes = made[key]
        message = _email(rendered, invitation.email, raw_token, language)
        emails.append(prefilled_email.fill(message, template_bytes, {TOKEN_SLOT: raw_token}))
    return emails
