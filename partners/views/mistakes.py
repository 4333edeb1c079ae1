"""Delete a record entered by mistake, and undo it for a while: a page that
says what goes with it, a POST that must carry the confirmation (a bare
POST is a 400 and deletes nothing), then a page with Undo. Program
managers only (partners.fix_mistakes); each deletion and undo is audited."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction
from audit.trail import record

from ..mistakes import MODELS, DeletionRefused, UndoRefused, delete_mistake, undo_deletion, what_goes_with
from ..models import DeletedKind, DeletedRecord

GET_POST = ["GET", "HEAD", "POST"]
may_fix_mistakes = permission_required("partners.fix_mistakes", raise_exception=True)


class ConfirmForm(forms.Form):
    """The button's own value: a POST without it changes nothing."""

    confirm = forms.BooleanField(
        required=True, error_messages={"required": gettext_lazy("Use the button on this page to confirm.")}
    )


def _sentences(kind: str, figures: dict[str, int]) -> list[str]:
    """What goes with the record, or what happens to what it touched."""
    n = figures.get
    if kind == DeletedKind.ORGANIZATION:
        lines = [
            ngettext("%(n)d contact", "%(n)d contacts", n("contacts", 0)),
            ngettext("%(n)d interaction", "%(n)d interactions", n("interactions", 0)),
            ngettext("%(n)d request", "%(n)d requests", n("requests", 0)),
            ngettext("%(n)d delivery", "%(n)d deliveries", n("deliveries", 0)),
            ngettext("%(n)d confirmation by the partner", "%(n)d confirmations by the partner", n("confirmations", 0)),
            ngettext("%(n)d contact's portal access", "%(n)d contacts' portal access", n("portal_accesses", 0)),
            ngettext("its %(n)d tag", "its %(n)d tags", n("tags", 0)),
        ]
        counts = ["contacts", "interactions", "requests", "deliveries", "confirmations", "portal_accesses", "tags"]
        said = [line % {"n": n(key, 0)} for line, key in zip(lines, counts, strict=True)]
        said.append(_("All of it comes back with Undo."))
    elif kind == DeletedKind.CONTACT:
        said = [
            ngettext(
                "They are removed from the people present at %(n)d interaction.",
                "They are removed from the people present at %(n)d interactions.",
                n("present_at", 0),
            )
            % {"n": n("present_at", 0)},
        ]
        if n("portal_accesses"):
            said.append(_("Their portal access ends."))
        said.append(_("Undo puts all of that back."))
    elif kind == DeletedKind.INTERACTION:
        said = [
            ngettext(
                "%(n)d person is no longer recorded as present.",
                "%(n)d people are no longer recorded as present.",
                n("people_present", 0),
            )
            % {"n": n("people_present", 0)},
            _("Its follow-up goes with it. Undo puts it all back."),
        ]
    elif kind == DeletedKind.REQUEST:
        said = [
            ngettext(
                "Its %(n)d delivery stays, shown as unrequested: what was given was given.",
                "Its %(n)d deliveries stay, shown as unrequested: what was given was given.",
                n("unrequested", 0),
            )
            % {"n": n("unrequested", 0)},
            _("Undo links them to the request again."),
        ]
    else:
        said = [
            ngettext(
                "The partner's confirmation of it goes with it.",
                "The partner's confirmations of it go with it.",
                n("confirmations", 0),
            )
            if n("confirmations")
            else _("Nothing else goes with it."),
            _("The request it answers keeps its status: change it by hand if it should."),
        ]
    return said


def _lost(kind: str, figures: dict[str, int]) -> str:
    """What Undo does not bring back: survey invitations, attached files."""
    lost = []
    if files := figures.get("files", 0):
        lost.append(
            ngettext(
                "%(n)d attached file is deleted for good: Undo does not bring it back.",
                "%(n)d attached files are deleted for good: Undo does not bring them back.",
                files,
            )
            % {"n": files}
        )
    if invitations_lost := _invitations_lost(kind, figures):
        lost.append(invitations_lost)
    return " ".join(lost)


def _invitations_lost(kind: str, figures: dict[str, int]) -> str:
    invitations = figures.get("invitations", 0)
    if kind not in (DeletedKind.ORGANIZATION, DeletedKind.CONTACT) or not invitations:
        return ""
    return ngettext(
        "%(n)d survey invitation (who was sent what) is deleted and does not come back with Undo. "
        "Survey answers are anonymous and stay.",
        "%(n)d survey invitations (who was sent what) are deleted and do not come back with Undo. "
        "Survey answers are anonymous and stay.",
        invitations,
    ) % {"n": invitations}


def _object_of(kind: str, pk: int) -> Any:
    model = MODELS[kind]
    rows: models.QuerySet = model._default_manager.all()
    if kind == DeletedKind.CONTACT:
        rows = rows.select_related("organization").defer("email", "phone")
    elif kind != DeletedKind.ORGANIZATION:
        rows = rows.select_related("organization")
        if kind == DeletedKind.INTERACTION:
            rows = rows.defer("confidential_notes")
    return get_object_or_404(rows, pk=pk)


def _back_to(kind: str, obj: Any) -> str:
    if kind == DeletedKind.DELIVERY:
        return reverse("partners:delivery_edit", args=[obj.pk])
    return obj.get_absolute_url()


@may_fix_mistakes
@require_http_methods(GET_POST)
def delete_record(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj = _object_of(kind, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if form.is_valid():
        try:
            deleted = delete_mistake(kind, obj, request.user)
        except DeletionRefused as why:
            refusal = str(why)
        else:
            record(AuditAction.MISTAKE_DELETED, request, target=f"{kind} #{pk}")
            messages.success(request, _("Deleted. You can undo it on this page for a while."))
            return redirect("partners:deletion_undo", deleted.pk)
    figures = what_goes_with(kind, obj)
    context = {
        "object": obj,
        "kind": kind,
        "kind_label": DeletedKind(kind).label,
        "form": form,
        "goes_with": _sentences(kind, figures),
        "lost": _lost(kind, figures),
        "refusal": refusal,
        "back": _back_to(kind, obj),
        "is_organization": kind == DeletedKind.ORGANIZATION,
        "undo_minutes": settings.UNDO_MINUTES,
    }
    status = 409 if refusal else (400 if form.is_bound else 200)
    return render(request, "partners/delete_confirm.html", context, status=status)


def _where_it_was(deleted: DeletedRecord) -> str:
    """The list the record was on, for the page after it is gone."""
    lists = {
        DeletedKind.ORGANIZATION: "partners:organization_list",
        DeletedKind.CONTACT: "partners:contact_list",
        DeletedKind.INTERACTION: "partners:interaction_list",
        DeletedKind.REQUEST: "partners:request_list",
        DeletedKind.DELIVERY: "partners:delivery_list",
    }
    return reverse(lists[DeletedKind(deleted.kind)])


@may_fix_mistakes
@require_http_methods(GET_POST)
def deletion_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Any program manager may undo within the time, not only who deleted:
    a colleague who notices the mistake should not have to wait."""
    deleted = get_object_or_404(DeletedRecord.objects.select_related("deleted_by", "undone_by"), pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if form.is_valid():
        try:
            restored = undo_deletion(deleted, request.user)
        except UndoRefused as why:
            refusal = str(why)
        else:
            record(AuditAction.DELETION_UNDONE, request, target=f"{deleted.kind} #{deleted.object_id}")
            messages.success(request, _("Undone: it is back, with what went with it."))
            if deleted.kind == DeletedKind.DELIVERY:
                return redirect(reverse("partners:delivery_edit", args=[restored.pk]))
            return redirect(restored.get_absolute_url())  # type: ignore[attr-defined]
    context = {"deleted": deleted, "form": form, "refusal": refusal, "list_url": _where_it_was(deleted)}
    status = 409 if refusal else (400 if form.is_bound else 200)
    return render(request, "partners/deleted.html", context, status=status)
