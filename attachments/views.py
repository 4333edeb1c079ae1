"""Attaching a file to a partner, an interaction or a delivery, reading it
back and deleting it. Files are downloaded, never shown inline; a file
that is part of an interaction's confidential notes is, for someone who may
not read those notes, a file that does not exist (404)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import AuditAction
from audit.trail import record, record_export
from partners.models import Interaction, Organization, SupportDelivery

from .forms import UploadForm, clean_name
from .models import Attachment
from .storage import read, store

# The parent kinds in the upload URL: the model and Attachment's field.
PARENTS: dict[str, tuple[type[models.Model], str]] = {
    "partner": (Organization, "organization"),
    "interaction": (Interaction, "interaction"),
    "delivery": (SupportDelivery, "delivery"),
}
# Room for the form's other fields and the multipart framing around the file.
ENVELOPE = 64 * 1024


def visible_to(user) -> models.QuerySet:
    files = Attachment.objects.select_related("uploaded_by")
    if not user.has_perm("partners.view_confidential_notes"):
        files = files.filter(confidential=False)
    return files


def _body_size(request: HttpRequest) -> int:
    """The size the client announces; one it cannot state counts as too large."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return settings.ATTACHMENT_MAX_BYTES + ENVELOPE + 1


# Where a parent's files are listed: its page, or a delivery's edit page.
LISTED_ON = {
    "organization": "partners:organization_detail",
    "interaction": "partners:interaction_detail",
    "delivery": "partners:delivery_edit",
}


def page_of(attachment: Attachment) -> str:
    field = next(field for field in LISTED_ON if getattr(attachment, f"{field}_id"))
    return reverse(LISTED_ON[field], args=[getattr(attachment, f"{field}_id")])


@permission_required("attachments.add_attachment", raise_exception=True)
@require_POST
def upload(request: HttpRequest, parent: str, pk: int) -> HttpResponse:
    model, field = PARENTS[parent]
    obj = get_object_or_404(model, pk=pk)
    back = reverse(LISTED_ON[field], args=[obj.pk])
    context = {"back": back, "title": _("The file was not attached")}
    # Refused before Django reads the body into memory or a temporary file.
    if _body_size(request) > settings.ATTACHMENT_MAX_BYTES + ENVELOPE:
        context["message"] = _("This file is too large to attach.")
        return render(request, "attachments/upload_refused.html", context, status=413)
    may_mark = parent == "interaction" and request.user.has_perm("partners.view_confidential_notes")
    form = UploadForm(request.POST, request.FILES, may_mark_confidential=may_mark)
    if not form.is_valid():
        return render(request, "attachments/upload_refused.html", {**context, "form": form}, status=400)
    upload_file = form.cleaned_data["file"]
    name = clean_name(upload_file.name)
    confidential = form.cleaned_data.get("confidential", False)
    kind = form.cleaned_data["kind"]
    store(obj, field, name, kind, upload_file.read(), request.user, confidential=confidential)
    messages.success(request, _("%(name)s attached.") % {"name": name})
    return redirect(back)


@permission_required("attachments.view_attachment", raise_exception=True)
@require_safe
def download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(visible_to(request.user), pk=pk)
    response = HttpResponse(read(attachment), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    record_export(request, str(attachment))  # by number: a file's name may name someone
    return response


@permission_required("partners.fix_mistakes", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(visible_to(request.user), pk=pk)
    back = page_of(attachment)
    if request.method != "POST":
        return render(request, "attachments/delete_confirm.html", {"attachment": attachment, "back": back})
    record(AuditAction.MISTAKE_DELETED, request, target=str(attachment))
    attachment.delete()
    messages.success(request, _("%(name)s deleted.") % {"name": attachment.name})
    return redirect(back)
