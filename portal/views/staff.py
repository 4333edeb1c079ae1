"""The staff side of the portal, from a partner's page: invite a contact
who agreed, revoke access, and carry out a partner's request to have its
record deleted. Each is a page that says what will happen, then a POST;
each is audited."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditAction
from audit.trail import record
from partners.models import Contact, DeletionRequest, Organization, PortalAccess
from partners.services import delete_organization_record

from .. import sessions
from ..emails import send_sign_in_link
from ..forms import InviteForm
from .base import posted
from .sign_in import _target

GET_POST = ["GET", "HEAD", "POST"]
manager_only = permission_required("partners.change_contact", raise_exception=True)


def why_not_invited(contact: Contact) -> str:
    """Why a contact cannot be invited now; empty when they can."""
    if not contact.email:
        return _("They have no email address: the portal signs in by email.")
    if contact.opted_out:
        return _("They asked never to be emailed.")
    return ""


@manager_only
@require_http_methods(GET_POST)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("organization"), pk=pk)
    back = contact.organization.get_absolute_url() + "#portal"
    refusal = why_not_invited(contact)
    form = InviteForm(posted(request))
    if not refusal and form.is_valid():
        access, _created = PortalAccess.objects.update_or_create(
            contact=contact,
            defaults={"invited_by": request.user, "invited_at": timezone.now(), "revoked_at": None, "revoked_by": None},
        )
        record(AuditAction.PORTAL_INVITED, request, target=_target(access))
        if send_sign_in_link(access, invitation=True):
            messages.success(request, _("Invitation sent to %(name)s.") % {"name": contact.name_or_alias})
        else:
            messages.error(request, _("The invitation could not be sent: the mail server refused it. Try again."))
        return redirect(back)
    context = {"contact": contact, "form": form, "refusal": refusal, "back": back}
    status = 409 if refusal and request.method == "POST" else (400 if form.is_bound and form.errors else 200)
    return render(request, "portal/staff/invite.html", context, status=status)


@manager_only
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_object_or_404(PortalAccess.objects.select_related("contact"), pk=pk)
    if access.revoked_at is None:
        access.revoked_at, access.revoked_by = timezone.now(), cast(User, request.user)
        access.save(update_fields=["revoked_at", "revoked_by"])
        sessions.end_all(access)
        record(AuditAction.PORTAL_REVOKED, request, target=_target(access))
    messages.success(request, _("%(name)s can no longer sign in.") % {"name": access.contact.name_or_alias})
    return redirect(access.contact.organization.get_absolute_url() + "#portal")


@permission_required("partners.carry_out_deletion", raise_exception=True)
@require_http_methods(GET_POST)
def delete_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Only for a partner that asked for it in the portal."""
    organization = get_object_or_404(Organization, pk=pk)
    asked = get_object_or_404(DeletionRequest, organization=organization)
    if request.method == "POST":
        asked_on = asked.asked_at.date().isoformat()
        delete_organization_record(organization)
        record(AuditAction.RECORD_DELETED, request, target=f"partner #{pk}, asked on {asked_on}")
        messages.success(request, _("The partner's record is deleted. The audit trail keeps only that it was done."))
        return redirect("partners:organization_list")
    return render(request, "portal/staff/delete_record.html", {"organization": organization, "asked": asked})
