"""Importing partners, contacts and interactions from a spreadsheet
(partners/importing): upload and check, confirm, undo the last import.
Program managers only (partners.add_organization)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..importing import running, undoing
from ..importing.forms import CHOICE_LABELS, CHOICE_PREFIX, ConfirmForm, UploadForm
from ..importing.reading import MAX_XLSX_BYTES, ImportRefused
from ..models import ImportBatch, ImportKind

can_import = permission_required("partners.add_organization", raise_exception=True)
LIST_AFTER: dict[str, str] = {
    ImportKind.PARTNERS: "partners:organization_list",
    ImportKind.CONTACTS: "partners:contact_list",
    ImportKind.INTERACTIONS: "partners:interaction_list",
}


def _upload_page(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    context = {
        "title": _("Import from a spreadsheet"),
        "form": form,
        "undoable": ImportBatch.undoable_for(request.user),
    }
    return render(request, "partners/import_upload.html", context, status=status)


@can_import
@never_cache
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step one: the file is read, every row checked, and the preview shown.
    Nothing is saved, and the file is not kept: the preview carries its rows."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if not form.is_bound:
        return _upload_page(request, form)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    try:
        table = running.read(kind, upload.name, upload.read(MAX_XLSX_BYTES + 1))
        checked = running.check(kind, table, request.user)
    except ImportRefused as refusal:
        form.add_error("file", str(refusal))
        return _upload_page(request, form, status=400)
    confirm = ConfirmForm(initial={"kind": kind, "csv_text": checked.text})
    context = {
        "title": _("Check before importing"),
        "checked": checked,
        "kind_label": ImportKind(kind).label,
        "form": confirm,
        "choice_labels": CHOICE_LABELS,
        "choice_prefix": CHOICE_PREFIX,
        "listed_problems": checked.problems[: running.LISTED_PROBLEMS],
        "listed_new": checked.new[: running.LISTED_NEW],
    }
    return render(request, "partners/import_preview.html", context)


@can_import
@never_cache
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Step two: the checked text comes back and is imported."""
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The import could not be confirmed: start again with the file."))
        return _upload_page(request, UploadForm(), status=400)
    kind = form.cleaned_data["kind"]
    try:
        imported = running.import_text(
            kind,
            form.cleaned_data["csv_text"],
            request.user,
            form.cleaned_data["choices"],
            form.cleaned_data["default_choice"],
        )
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
        return _upload_page(request, UploadForm(initial={"kind": kind}), status=400)
    messages.success(
        request,
        _(
            "Imported: %(created)s created, %(updated)s updated, %(skipped)s skipped, "
            "%(bad)s with problems not imported."
        )
        % {
            "created": imported.created,
            "updated": imported.updated,
            "skipped": imported.skipped,
            "bad": imported.not_imported,
        },
    )
    return redirect(LIST_AFTER[kind])


@can_import
@never_cache
@require_http_methods(["GET", "POST"])
def import_undo(request: HttpRequest) -> HttpResponse:
    """The user's last import, undone after a confirmation. The form names
    the import it was shown for: if another import has happened since (in
    another tab), the undo is refused rather than applied to that one."""
    batch = ImportBatch.undoable_for(request.user)
    context = {"title": _("Undo the last import"), "batch": batch}
    if request.method == "GET":
        return render(request, "partners/import_undo.html", context)
    if batch is None or request.POST.get("batch") != str(batch.pk):
        messages.error(request, _("That import can no longer be undone."))
        return render(request, "partners/import_undo.html", context, status=400)
    try:
        undoing.undo(batch)
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
        return render(request, "partners/import_undo.html", context, status=400)
    messages.success(request, _("The import has been undone."))
    return redirect(LIST_AFTER[batch.kind])
