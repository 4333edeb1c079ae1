from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView

from core.list_views import FilteredTableView

from ..filters import ContactFilter
from ..forms import ContactForm
from ..models import Contact, Interaction
from ..tables import ContactTable
from .base import OrganizationChildFormMixin, StaffPermissionMixin


class ContactList(FilteredTableView):
    permission_required = "partners.view_contact"
    table_class = ContactTable
    filterset_class = ContactFilter
    export_name = "contacts"
    title = _("Contacts")

    def get_queryset(self) -> QuerySet[Contact]:
        return Contact.objects.without_details().select_related("organization")


class ContactDetail(StaffPermissionMixin, DetailView):
    """One contact. Email and phone are shown only to who may edit the
    contact, who sees them in its form anyway; for anyone else they are not
    fetched, so not decrypted. A contact who opted out is never offered as
    an email link."""

    permission_required = "partners.view_contact"
    template_name = "partners/contact_detail.html"
    context_object_name = "contact"
    recent_limit = 10

    def can_see_details(self) -> bool:
        return self.request.user.has_perm("partners.change_contact")

    def get_queryset(self) -> QuerySet[Contact]:
        contacts = Contact.objects.select_related("organization")
        return contacts if self.can_see_details() else contacts.without_details()

    def recent_interactions(self, contact: Contact) -> list[Interaction]:
        """The latest meetings this person was at: summaries only, never the
        confidential notes (one query)."""
        return list(
            contact.interactions.only("id", "happened_on", "kind", "summary").order_by("-happened_on", "-id")[
                : self.recent_limit
            ]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            can_see_details=self.can_see_details(),
            can_edit=self.request.user.has_perm("partners.change_contact"),
            recent_interactions=self.recent_interactions(self.object),
            recent_limit=self.recent_limit,
        )
        return context


class ContactFormMixin(OrganizationChildFormMixin):
    model = Contact
    form_class = ContactForm

    def get_success_url(self) -> str:
        return self.organization.get_absolute_url() + "#contacts"


class ContactCreate(ContactFormMixin, CreateView):
    permission_required = "partners.add_contact"
    create_title = _("Add a contact")
    success_message = _("Contact %(name_or_alias)s added.")


class ContactEdit(ContactFormMixin, UpdateView):
    permission_required = "partners.change_contact"
    success_message = _("Contact %(name_or_alias)s updated.")
