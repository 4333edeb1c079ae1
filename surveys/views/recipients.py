"""Staff pages for the people who receive surveys: participants, staff and
volunteers. (Partner contacts live with their organization.)

Program managers only: leadership never sees these lists. Addresses are
masked on the list, never exported, and a page that shows one is never
cached by the browser."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from audit.trail import record_export

from ..choices import Audience
from ..filters import RecipientFilter
from ..forms.recipients import FindRecipientForm, RecipientForm, RecipientGroupForm, RecipientImportForm
from ..models import Recipient, RecipientGroup
from ..models.recipients import email_digest
from ..services import importing
from ..tables import RecipientTable, configure, mask_email

GET_POST = ["GET", "HEAD", "POST"]


def _perm(*names: str):
    return permission_required([f"surveys.{name}" for name in names], raise_exception=True)


@_perm("view_recipient")
@never_cache
@require_safe
def recipient_list(request: HttpRequest) -> HttpResponse:
    recipient_filter = RecipientFilter(request.GET or None, queryset=Recipient.objects.all())
    valid = not recipient_filter.is_bound or recipient_filter.is_valid()
    rows = recipient_filter.qs if valid else Recipient.objects.none()
    counts = rows.aggregate(
        total=Count("pk"),
        reachable=Count("pk", filter=Q(consent=True, opted_out=False)),
        no_consent=Count("pk", filter=Q(consent=False, opted_out=False)),
        opted_out=Count("pk", filter=Q(opted_out=True)),
    )
    context = {
        "title": _("People who receive surveys"),
        "filter": recipient_filter,
        "table": configure(request, RecipientTable(rows)),
        "counts": counts,
    }
    return render(request, "surveys/recipient_list.html", context, status=200 if valid else 400)


@_perm("view_recipient", "change_recipient")
@never_cache
@require_http_methods(["POST"])
def recipient_find(request: HttpRequest) -> HttpResponse:
    """Finds a person by their exact address (for the one who phones to opt
    out), through the address's keyed hash: the addresses are encrypted. A
    POST, so the address never stands in a URL or a server log."""
    form = FindRecipientForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["email"][0]))
        return redirect("surveys:recipient_list")
    found = list(Recipient.objects.filter(email_digest=email_digest(form.cleaned_data["email"])).order_by("audience"))
    if not found:
        messages.error(request, _("Nobody on the lists has that address."))
        return redirect("surveys:recipient_list")
    if len(found) == 1:
        return redirect("surveys:recipient_edit", found[0].pk)
    context = {"title": _("People with that address"), "found": found}
    return render(request, "surveys/recipient_found.html", context)


@_perm("view_recipient")
@never_cache
@require_http_methods(GET_POST)
def recipient_groups(request: HttpRequest) -> HttpResponse:
    """The groups a survey can be sent to, with how many people are in
    each, and a form to add one (program managers)."""
    can_add = request.user.has_perm("surveys.add_recipientgroup")
    form = RecipientGroupForm(request.POST if request.method == "POST" and can_add else None)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    if form.is_valid():
        group = form.save()
        messages.success(
            request, _("Group “%(name)s” added. Add people to it from their page or an import.") % {"name": group.name}
        )
        return redirect("surveys:recipient_groups")
    groups = RecipientGroup.objects.annotate(
        people=Count("members", distinct=True), used_by=Count("surveys", distinct=True)
    )
    context = {"title": _("Groups"), "groups": groups, "form": form if can_add else None}
    return render(request, "surveys/recipient_groups.html", context, status=400 if form.is_bound else 200)


def _save_recipient(request: HttpRequest, form: RecipientForm, title: str, message: str) -> HttpResponse:
    if form.is_valid():
        try:
            with transaction.atomic():
                recipient = form.save()
        except IntegrityError:
            # Someone added the same address between the check and the save.
            form.add_error("email", _("This address is already on that list."))
        else:
            messages.success(request, message % {"email": mask_email(recipient.email)})
            return redirect(reverse("surveys:recipient_list") + f"?audience={recipient.audience}")
    status = 400 if form.is_bound else 200
    return render(request, "surveys/recipient_form.html", {"title": title, "form": form}, status=status)


@_perm("add_recipient")
@never_cache
@require_http_methods(GET_POST)
def recipient_create(request: HttpRequest) -> HttpResponse:
    form = RecipientForm(request.POST or None, initial={"audience": request.GET.get("audience")})
    return _save_recipient(request, form, _("Add a person"), _("%(email)s added."))


@_perm("change_recipient")
@never_cache
@require_http_methods(GET_POST)
def recipient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(Recipient, pk=pk)
    form = RecipientForm(request.POST or None, instance=recipient)
    title = _("Edit %(email)s") % {"email": mask_email(recipient.email)}
    return _save_recipient(request, form, title, _("Changes to %(email)s saved."))


@_perm("add_recipient")
@never_cache
@require_http_methods(GET_POST)
def recipient_import(request: HttpRequest) -> HttpResponse:
    """Step one: upload, see every row checked. Step two: confirm, which posts
    the same text back; it is checked again and imported in one transaction."""
    form = RecipientImportForm(request.POST or None, request.FILES or None)
    context = {"title": _("Import people from a CSV file"), "form": form}
    if not form.is_bound:
        return render(request, "surveys/recipient_import.html", context)
    if not form.is_valid():
        return render(request, "surveys/recipient_import.html", context, status=400)
    audience = form.cleaned_data["audience"]
    upload = form.cleaned_data["file"]
    read_as = ""
    try:
        if upload:
            encoding = form.cleaned_data["encoding"] or importing.AUTO
            text, read_as = importing.decode(upload.read(importing.MAX_BYTES + 1), encoding)
        else:
            text = form.cleaned_data["csv_text"]
        checked = importing.check_text(text, audience)
    except importing.ImportRefused as refusal:
        form.add_error("file", str(refusal))
        return render(request, "surveys/recipient_import.html", context, status=400)
    if form.cleaned_data["rows_to_fix"] and not upload:
        return _rows_to_fix(request, checked)
    confirming = form.cleaned_data["confirm"] and not upload
    if confirming and checked.to_add:
        added = importing.import_rows(checked, audience, group=form.cleaned_data["group"])
        messages.success(request, _import_summary(added, checked))
        return redirect(reverse("surveys:recipient_list") + f"?audience={audience}")
    if confirming:
        messages.error(request, _("There is nothing to import: no row can be added."))
    label = Audience(audience).label  # one of the form's choices (RECIPIENT_AUDIENCES)
    read_as_label = importing.ENCODINGS.get(read_as, "")
    context.update(checked=checked, csv_text=text, audience=audience, audience_label=label, read_as=read_as_label)
    return render(request, "surveys/recipient_import.html", context, status=400 if confirming else 200)


def _rows_to_fix(request: HttpRequest, checked: importing.Checked) -> HttpResponse:
    """The rows with problems, as a CSV file to correct and import again
    (it holds addresses: an export, in the audit trail)."""
    name = "rows-to-fix.csv"
    response = HttpResponse(importing.rows_to_fix(checked), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    record_export(request, name)
    return response


def _import_summary(added: int, checked: importing.Checked) -> str:
    parts = [ngettext("Added %(count)s person.", "Added %(count)s people.", added) % {"count": added}]
    if n := checked.added_without_consent:
        parts.append(
            ngettext(
                "%(count)s of them has not agreed to surveys and will not be invited.",
                "%(count)s of them have not agreed to surveys and will not be invited.",
                n,
            )
            % {"count": n}
        )
    if n := checked.skipped:
        parts.append(
            ngettext(
                "%(count)s was already on the list and was skipped.",
                "%(count)s were already on the list and were skipped.",
                n,
            )
            % {"count": n}
        )
    if n := checked.problems:
        parts.append(
            ngettext(
                "%(count)s row had problems and was not imported.",
                "%(count)s rows had problems and were not imported.",
                n,
            )
            % {"count": n}
        )
    return " ".join(parts)
