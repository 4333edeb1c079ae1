"""What we hold about the partner, and the partner correcting it: its
contacts, how to reach it safely, whether to name it in public. Every
change is saved with its history, marked as made in the portal by whom
(the relationship lead reads it in their digest). Confidential notes are
never fetched here: interactions are read without them."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners.models import Contact
from partners.portal_changes import said_by

from ..forms import PortalContactForm, PreferencesForm
from ..record import held_about
from .base import form_status, me, my_organization, page, partner_page, posted

GET_POST = ["GET", "HEAD", "POST"]


@partner_page
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/home.html", held_about(my_organization(request), me(request)))


def _my_contact(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(Contact, pk=pk, organization=my_organization(request))


def _save(form, request: HttpRequest):
    item = said_by(form.save(commit=False), me(request))
    item.save()
    return item


@partner_page
@require_http_methods(GET_POST)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _my_contact(request, pk)
    own = contact.pk == me(request).pk
    form = PortalContactForm(posted(request), instance=contact, organization=contact.organization, own=own)
    if form.is_valid():
        _save(form, request)
        messages.success(request, _("Saved. Our staff see the change now."))
        return redirect("portal:home")
    return page(request, "portal/contact_form.html", {"form": form, "edited": contact, "own": own}, form_status(form))


@partner_page
@require_http_methods(GET_POST)
def contact_add(request: HttpRequest) -> HttpResponse:
    form = PortalContactForm(posted(request), organization=my_organization(request), own=True)
    if form.is_valid():
        _save(form, request)
        messages.success(request, _("Contact added."))
        return redirect("portal:home")
    return page(request, "portal/contact_form.html", {"form": form, "own": True}, form_status(form))


@partner_page
@require_http_methods(GET_POST)
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Removes a contact from our records (after a page that says what
    that means). Removing yourself also ends your access."""
    contact = _my_contact(request, pk)
    if request.method == "POST":
        with transaction.atomic():
            said_by(contact, me(request))
            itself = contact.pk == me(request).pk
            contact.interactions.clear()
            contact.delete()
        messages.success(request, _("Removed."))
        return redirect("portal:signed_out" if itself else "portal:home")
    return page(request, "portal/contact_remove.html", {"edited": contact, "own": contact.pk == me(request).pk})


@partner_page
@require_POST
def surveys_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraws a contact's agreement to receive feedback surveys."""
    contact = _my_contact(request, pk)
    if contact.consent_to_surveys:
        contact.consent_to_surveys = False
        said_by(contact, me(request))
        contact.save(update_fields=["consent_to_surveys", "updated_at"])
    messages.success(request, _("No more survey emails to %(name)s.") % {"name": contact.name_or_alias})
    return redirect("portal:home")


@partner_page
@require_http_methods(GET_POST)
def preferences(request: HttpRequest) -> HttpResponse:
    organization = my_organization(request)
    form = PreferencesForm(posted(request), instance=organization)
    if form.is_valid():
        # Nothing changed, nothing saved: no history row, nothing in the digest.
        if form.has_changed():
            _save(form, request)
            messages.success(request, _("Saved. Our staff see the change now."))
        return redirect("portal:home")
    return page(request, "portal/preferences.html", {"form": form}, form_status(form))
