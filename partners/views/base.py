"""Mixins shared by the partners views."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView

from ..models import Contact, Organization


def listed_contacts() -> Prefetch:
    """Contacts as pages list them: without their (encrypted) email and phone."""
    return Prefetch("contacts", queryset=Contact.objects.without_details())


class StaffPermissionMixin(PermissionRequiredMixin):
    """Anonymous users are sent to login by the middleware; a logged-in user
    without the permission gets 403."""

    raise_exception = True


class BadInputStatusMixin:
    """Bad input is a 4xx: an invalid form is shown again, with the typed
    values and the errors beside their fields, as a 400, and nothing is saved."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TitledFormMixin:
    """Gives create and edit pages their heading: `create_title` for a new
    row, "Edit …" for an existing one."""

    create_title = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self, "object", None) is not None and self.object.pk:
            context["title"] = _("Edit %(object)s") % {"object": self.object}
        else:
            context["title"] = self.create_title
        return context


class OrganizationChildFormMixin(StaffPermissionMixin, BadInputStatusMixin, TitledFormMixin, SuccessMessageMixin):
    """Create and edit views for rows that belong to one partner. The partner
    comes from the URL (create) or from the row itself (edit) and is passed to
    the form, which never lets it be changed from the outside."""

    template_name = "partners/form_page.html"

    def get_organization(self) -> Organization:
        if getattr(self, "object", None) is not None:
            return self.object.organization
        return get_object_or_404(Organization, pk=self.kwargs["organization_pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organization"] = self.organization
        return kwargs

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        if isinstance(self, UpdateView):
            self.object = self.get_object()
        self.organization = self.get_organization()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["is_create"] = isinstance(self, CreateView)
        return context
