"""The portal's one email: a sign-in link, in the contact's language, from
the organization, marked as sent by a machine. Sent while the request waits
(like a password reset): if it cannot be sent, the person is told at once
and can ask again; nothing is queued with a live link in it."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from partners.models import PortalAccess
from surveys.emails import sender

from . import sessions

log = logging.getLogger(__name__)


def send_sign_in_link(access: PortalAccess, *, invitation: bool = False) -> bool:
    """Emails a fresh link to the contact; False when the mail server
    refused it (logged, without the link)."""
    contact = access.contact
    raw = sessions.new_link(access, invitation=invitation)
    context = {
        "name": contact.name_or_alias,
        "organization": settings.ORGANIZATION_NAME,
        "partner": contact.organization.name,
        "url": settings.SITE_URL + reverse("portal:link", args=[raw]),
        "invitation": invitation,
        "minutes": settings.PORTAL_LINK_MINUTES,
        "hours": settings.PORTAL_INVITE_HOURS,
    }
    with translation.override(contact.language):
        subject = render_to_string("portal/email/sign_in_subject.txt", context).strip()
        body = render_to_string("portal/email/sign_in.txt", context)
    message = EmailMessage(subject, body, sender(), [contact.email], headers={"Auto-Submitted": "auto-generated"})
    try:
        message.send()
    except Exception:  # noqa: BLE001 - any mail failure: tell the person, keep the link out of the log
        log.warning("A portal sign-in email could not be sent (access #%s)", access.pk)
        return False
    return True
