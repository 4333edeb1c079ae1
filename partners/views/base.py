"""Mixins shared by the partners views."""

from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Model, Prefetch
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView, View
from django.views.generic.base import ContextMixin
from django.views.generic.edit import ModelFormMixin

from ..models import Contact, Organization

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def listed_contacts() -> Prefetch:
    """Contacts as pages list them: without their (encrypted) email and phone."""
    return Prefetch("contacts", queryset=Contact.objects.without_details())


class StaffPermissionMixin(PermissionRequiredMixin):
    """Anonymous users are sent to login by the middleware; a logged-in user
    without the permission gets 403."""

    raise_exception = True


class _FormPage(Protocol):
    """What BadInputStatusMixin needs from the view it is mixed into."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]: ...

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse: ...


class BadInputStatusMixin:
    """Bad input is a 4xx: an invalid form is shown again, with the typed
    values and the errors beside their fields, as a 400, and nothing is saved."""

    def form_invalid(self: _FormPage, form: BaseForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


# The mixins below that extend Django's methods name the Django classes that
# define them as their bases. Every view using them has those classes later in
# its MRO anyway, so the method resolution order is the same as without them.


class TitledFormMixin(ContextMixin):
    """Gives create and edit pages their heading: `create_title` for a new
    row, "Edit …" for an existing one."""

    create_title: "_StrOrPromise" = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # A create view's object is None until saved; an edit view's is the row.
        edited = getattr(self, "object", None)
        if edited is not None and edited.pk:
            context["title"] = _("Edit %(object)s") % {"object": edited}
        else:
            context["title"] = self.create_title
        return context


class OrganizationChildFormMixin(
    StaffPermissionMixin,
    BadInputStatusMixin,
    TitledFormMixin,
    SuccessMessageMixin,
    ModelFormMixin,
    View,
):
    """Create and edit views for rows that belong to one partner. The partner
    comes from the URL (create) or from the row itself (edit) and is passed to
    the form, which never lets it be changed from the outside."""

    template_name: str | None = "partners/form_page.html"  # as TemplateResponseMixin declares it
    organization: Organization
    # None on a create view until the form is saved (BaseCreateView.object).
    object: Model | None

    def get_organization(self) -> Organization:
        edited = getattr(self, "object", None)
        if edited is not None:
            return edited.organization
        return get_object_or_404(Organization, pk=self.kwargs["organization_pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organization"] = self.organization
        return kwargs

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.has_permission():
            return self.handle_no_permission()
        if isinstance(self, UpdateView):
            self.object = self.get_object()
        self.organization = self.get_organization()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["is_create"] = isinstance(self, CreateView)
        return context
