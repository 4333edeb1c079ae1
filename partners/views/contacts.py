from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView

from ..forms import ContactForm
from ..models import Contact
from .base import OrganizationChildFormMixin


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
