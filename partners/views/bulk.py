"""The partner list's bulk form (partners/bulk.py): a POST that changes the
ticked partners and goes back to the list as it was, or downloads just
them. Bad input changes nothing and says why, as a 400."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import SafeTableExport, export_downloaded

from ..bulk import BulkPartnerForm, apply, selected
from ..tables import OrganizationTable
from .organizations import partner_rows


def _back(request: HttpRequest) -> str:
    """The list as the person left it (its filters, its page), or the list."""
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("partners:organization_list")


@permission_required("partners.view_organization", raise_exception=True)
@require_POST
def organization_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkPartnerForm(request.POST, may_change=request.user.has_perm("partners.change_organization"))
    if not form.is_valid():
        context = {"form": form, "back": _back(request), "title": _("Nothing was changed")}
        return render(request, "partners/bulk_refused.html", context, status=400)
    if form.is_export:
        export_format = "csv" if form.cleaned_data["action"] == "export_csv" else "xlsx"
        filename = f"partners-ticked.{export_format}"
        table = OrganizationTable(selected(partner_rows(), form))
        export_downloaded.send(organization_bulk, request=request, filename=filename)
        return SafeTableExport(export_format, table).response(filename=filename)
    messages.success(request, apply(form))
    return redirect(_back(request))
