"""The one shape every staff list page has: a django-filter form, a sortable,
paginated django-tables2 table, and CSV/XLSX export of exactly the filtered rows."""

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import BadRequest
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .exports import SafeExportMixin
from .query_values import parse_count

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class FilteredTableView(PermissionRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    template_name = "core/list_page.html"
    # django-tables2 paginates the table. ListView must not paginate the same
    # rows again: that cost a second COUNT query and made ?page=abc a 404.
    paginate_by = None
    table_pagination = {"per_page": 25}
    max_per_page = 100
    raise_exception = True  # a logged-in user without the permission gets 403
    title: "_StrOrPromise" = ""
    add_url_name = ""
    add_permission = ""
    # A page that fills the list from a spreadsheet, shown with the same permission as "Add".
    import_url_name = ""

    def get(self, request, *args, **kwargs):
        self.reject_bad_paging_or_format(request.GET)
        return super().get(request, *args, **kwargs)

    def reject_bad_paging_or_format(self, query) -> None:
        """django-tables2 takes ?per_page= and ?_export= as they come: a negative
        page size is a server error, a huge one loads every row into one page,
        and an unknown format is not ours to produce. All are bad input: 400."""
        per_page = query.get("per_page", "")
        if per_page and parse_count(per_page, 1, self.max_per_page) is None:
            raise BadRequest("per_page out of range")
        export_format = query.get(self.export_trigger_param)
        if export_format is not None and not self.export_class.is_valid_format(export_format):
            raise BadRequest("unknown export format")

    def get_export_filename(self, export_format: str) -> str:
        return f"{self.export_name}.{export_format}"

    def render_to_response(self, context, **kwargs):
        # A filter value that does not parse is bad input: show the page with
        # the errors beside the fields, as a 400, and export nothing.
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.request.GET = self.request.GET.copy()
            self.request.GET.pop(self.export_trigger_param, None)
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        if self.add_url_name and self.request.user.has_perm(self.add_permission):
            context["add_url_name"] = self.add_url_name
            context["import_url_name"] = self.import_url_name
        return context
