"""What we hold about a partner organization, as the portal shows it and
as its download gives it: one place decides which fields a partner sees
(docs/privacy.md, "What a partner sees in the portal"). Everything we keep
is shown except confidential interaction notes, which are never fetched,
and our own bookkeeping (who typed a row, when it was saved)."""

from django.db.models import Prefetch

from partners.models import Contact, DeletionRequest, Organization, SupportDelivery, SupportRequest

# Interactions are read with these columns only: never the confidential notes.
INTERACTION_COLUMNS = ["pk", "kind", "happened_on", "summary"]


def staff_name(user) -> str:
    """A staff member as a partner sees them: a first name, never a username."""
    if user is None:
        return ""
    return user.first_name or user.get_full_name() or "—"


def held_about(organization: Organization, me: Contact) -> dict:
    """Everything the portal shows about `organization` to its contact
    `me`. Seven queries."""
    deliveries = SupportDelivery.objects.select_related("confirmation", "delivered_by").order_by("delivered_on", "pk")
    requests = (
        SupportRequest.objects.filter(organization=organization)
        .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        .order_by("-asked_on", "-pk")
    )
    return {
        "organization": organization,
        "lead": staff_name(organization.relationship_lead),
        "tags": [tag.name for tag in organization.tags.all()],
        "contacts": list(organization.contacts.select_related("portal_access").order_by("name_or_alias", "pk")),
        "me": me,
        "requests": list(requests),
        "unrequested": list(deliveries.filter(organization=organization, request__isnull=True)),
        "interactions": list(organization.interactions.only(*INTERACTION_COLUMNS).order_by("-happened_on", "-pk")),
        "deletion_request": DeletionRequest.objects.filter(organization=organization).first(),
    }


def held_rows(organization: Organization, me: Contact) -> list[dict]:
    """The same as held_about, as rows for the download: {"section",
    "fields"}, with labels a person can read."""
    held = held_about(organization, me)
    rows = [
        {
            "section": "organization",
            "fields": {
                "name": organization.name,
                "kind": organization.get_kind_display(),
                "service area": organization.service_area,
                "description": organization.description,
                "led by people with lived experience": organization.lived_experience_led,
                "relationship stage": organization.get_stage_display(),
                "relationship lead": held["lead"],
                "we aim to be in touch every (days)": organization.keep_in_touch_days,
                "how to reach you safely": organization.contact_preferences,
                "do not name us in public": organization.do_not_name_publicly,
                "tags": ", ".join(held["tags"]),
            },
        }
    ]
    for contact in held["contacts"]:
        fields = {
            "name or alias": contact.name_or_alias,
            "role": contact.role,
            "preferred channel": contact.get_preferred_channel_display(),
            "language": contact.get_language_display(),
            "agreed to feedback surveys": contact.consent_to_surveys,
            "never email": contact.opted_out,
        }
        if contact.pk == me.pk:
            fields |= {"email": contact.email, "phone": contact.phone}
        rows.append({"section": "contacts", "fields": fields})
    for asked in held["requests"]:
        rows.append({"section": "requests", "fields": _request_fields(asked)})
        rows += [{"section": "deliveries", "fields": _delivery_fields(d)} for d in asked.deliveries.all()]
    rows += [{"section": "deliveries", "fields": _delivery_fields(d)} for d in held["unrequested"]]
    for interaction in held["interactions"]:
        fields = {
            "date": interaction.happened_on,
            "kind": interaction.get_kind_display(),
            "summary": interaction.summary,
        }
        rows.append({"section": "interactions", "fields": fields})
    return rows


def _request_fields(asked: SupportRequest) -> dict:
    return {
        "request": asked.pk,
        "category": asked.get_category_display(),
        "what you asked for": asked.description,
        "asked on": asked.asked_on,
        "needed by": asked.needed_by,
        "amount asked": asked.amount_asked,
        "status": asked.get_status_display(),
        "who started it": asked.get_initiated_by_display(),
    }


def _delivery_fields(delivery: SupportDelivery) -> dict:
    confirmation = getattr(delivery, "confirmation", None)
    return {
        "for request": delivery.request_id,
        "category": delivery.get_category_display(),
        "delivered on": delivery.delivered_on,
        "what was given": delivery.description,
        "money": delivery.money,
        "staff hours": delivery.hours,
        "delivered by": staff_name(delivery.delivered_by),
        "you said it arrived": confirmation.get_received_display() if confirmation else "",
        "you said it helped": confirmation.get_helped_display() if confirmation else "",
        "your comment": confirmation.comment if confirmation else "",
    }
