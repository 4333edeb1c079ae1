from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import CreateView, DetailView, UpdateView

from core.list_views import FilteredTableView
from core.query_values import parse_id

from ..filters import InteractionFilter
from ..forms import InteractionForm
from ..history import interaction_history
from ..models import Interaction, Organization
from ..tables import InteractionTable
from .base import OrganizationChildFormMixin, StaffPermissionMixin, listed_contacts


class InteractionList(FilteredTableView):
    permission_required = "partners.view_interaction"
    table_class = InteractionTable
    filterset_class = InteractionFilter
    export_name = "interactions"
    title = _("Interactions")
    add_url_name = "partners:interaction_start"
    add_permission = "partners.add_interaction"

    def get_queryset(self):
        # The table never shows notes: do not fetch and decrypt them at all.
        return Interaction.objects.select_related("organization", "logged_by").defer("confidential_notes")


class InteractionDetail(StaffPermissionMixin, DetailView):
    permission_required = "partners.view_interaction"
    template_name = "partners/interaction_detail.html"

    def get_queryset(self):
        interactions = Interaction.objects.select_related("organization", "logged_by").prefetch_related(
            listed_contacts(), Prefetch("also_with", queryset=Organization.objects.only("id", "name"))
        )
        if not self.request.user.has_perm("partners.view_confidential_notes"):
            interactions = interactions.defer("confidential_notes")
        return interactions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_see_notes"] = self.request.user.has_perm("partners.view_confidential_notes")
        context["can_edit"] = self.request.user.has_perm("partners.change_interaction")
        context["history"] = interaction_history(self.object, self.request.user)
        return context


class InteractionFormMixin(OrganizationChildFormMixin):
    model = Interaction
    form_class = InteractionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["can_see_notes"] = self.request.user.has_perm("partners.view_confidential_notes")
        return kwargs


class InteractionCreate(InteractionFormMixin, CreateView):
    permission_required = "partners.add_interaction"
    create_title = _("Log an interaction")
    success_message = _("Interaction logged.")

    def form_valid(self, form):
        form.instance.logged_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return self.organization.get_absolute_url()


class InteractionEdit(InteractionFormMixin, UpdateView):
    permission_required = "partners.change_interaction"
    success_message = _("Interaction updated.")


@permission_required("partners.add_interaction", raise_exception=True)
@require_safe
def start_interaction(request):
    """The quick "log an interaction" entry from the navigation bar: pick the
    partner first (works without JavaScript), then the full form."""
    chosen = request.GET.get("organization", "")
    organization_id = parse_id(chosen)
    if organization_id is not None and Organization.objects.filter(pk=organization_id).exists():
        return redirect(reverse("partners:interaction_create", args=[organization_id]))
    error = _("Choose a partner from the list.") if chosen else ""
    organizations = Organization.objects.only("id", "name")
    return render(
        request,
        "partners/choose_organization.html",
        {"organizations": organizations, "error": error, "title": _("Log an interaction")},
        status=400 if chosen else 200,
    )
