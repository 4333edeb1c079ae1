"""What search looks in, kind by kind: the fields searched (the first
weighs most) and the columns fetched to show a result. Interactions fetch
their summary only: confidential notes are never read, so never decrypted,
whoever searches. Contacts never fetch their encrypted email and phone."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from partners.models import Contact, Interaction, Organization, SupportRequest


@dataclass(frozen=True)
class Kind:
    key: str
    title: str | Promise
    permission: str
    fields: tuple[str, ...]  # at most three: search_document() weighs three (search/migrations/0002)
    # Fields compared by spelling too (trigram similarity, on PostgreSQL):
    # short names, where a near miss is most likely what was meant.
    name_fields: tuple[str, ...]
    rows: Callable[[], QuerySet]
    # After the rank: what a reader expects between equal matches.
    tiebreak: tuple[str, ...]
    list_url_name: str

    def more_url(self, text: str) -> str:
        """The kind's list page, filtered by its own search box."""
        return reverse(self.list_url_name) + "?" + urlencode({"q": text})


def _partners() -> QuerySet:
    return Organization.objects.only("id", "name", "kind", "service_area", "description")


def _contacts() -> QuerySet:
    return Contact.objects.select_related("organization").only(
        "id", "name_or_alias", "role", "opted_out", "organization__id", "organization__name"
    )


def _interactions() -> QuerySet:
    return Interaction.objects.select_related("organization").only(
        "id", "happened_on", "kind", "summary", "organization__id", "organization__name"
    )


def _requests() -> QuerySet:
    return SupportRequest.objects.select_related("organization").only(
        "id", "asked_on", "category", "status", "description", "organization__id", "organization__name"
    )


KINDS = (
    Kind(
        key="partners",
        title=_("Partners"),
        permission="partners.view_organization",
        fields=("name", "service_area", "description"),
        name_fields=("name",),
        rows=_partners,
        tiebreak=("name",),
        list_url_name="partners:organization_list",
    ),
    Kind(
        key="contacts",
        title=_("Contacts"),
        permission="partners.view_contact",
        fields=("name_or_alias", "role"),
        name_fields=("name_or_alias",),
        rows=_contacts,
        tiebreak=("name_or_alias",),
        list_url_name="partners:contact_list",
    ),
    Kind(
        key="interactions",
        title=_("Interactions"),
        permission="partners.view_interaction",
        fields=("summary",),
        name_fields=(),
        rows=_interactions,
        tiebreak=("-happened_on",),
        list_url_name="partners:interaction_list",
    ),
    Kind(
        key="requests",
        title=_("Requests"),
        permission="partners.view_supportrequest",
        fields=("description",),
        name_fields=(),
        rows=_requests,
        tiebreak=("-asked_on",),
        list_url_name="partners:request_list",
    ),
)
