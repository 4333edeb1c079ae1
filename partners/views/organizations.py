from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView

from core.list_views import FilteredTableView

from ..bulk import BulkPartnerForm
from ..filters import OrganizationFilter
from ..forms import OrganizationForm
from ..health import signals, with_health
from ..history import organization_history
from ..models import DeletionRequest, Interaction, Organization, PortalAccess, SupportDelivery, SupportRequest
from ..tables import OrganizationTable
from .base import BadInputStatusMixin, StaffPermissionMixin, TitledFormMixin, listed_contacts


def partner_rows():
    """The partner list's rows, with every figure its columns show."""
    return with_health(
        Organization.objects.with_contact_figures()
        .with_support_figures()
        .select_related("relationship_lead")
        .prefetch_related("tags")
    )


class OrganizationList(FilteredTableView):
    permission_required = "partners.view_organization"
    table_class = OrganizationTable
    filterset_class = OrganizationFilter
    export_name = "partners"
    title = _("Partners")
    add_url_name = "partners:organization_create"
    add_permission = "partners.add_organization"
    import_url_name = "partner_imports:upload"

    def get_queryset(self):
        return partner_rows()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_form"] = BulkPartnerForm(may_change=self.request.user.has_perm("partners.change_organization"))
        context["bulk_template"] = "partners/_bulk_form.html"
        if self.request.user.has_perm("partners.view_tag"):
            context["more_links"] = [(reverse("partners:tag_list"), _("Tags"))]
        return context


class OrganizationDetail(StaffPermissionMixin, DetailView):
    permission_required = "partners.view_organization"
    template_name = "partners/organization_detail.html"
    # The timeline shows the latest interactions; the interaction list,
    # filtered to the partner, has them all. A partner worked with for years
    # has hundreds, and the page should stay quick to read and to load.
    timeline_limit = 50

    def get_queryset(self):
        return with_health(
            Organization.objects.with_contact_figures()
            .with_support_figures()
            .with_interaction_total()
            .select_related("relationship_lead")
            .prefetch_related(
                "tags",
                listed_contacts(),
                Prefetch(
                    "requests",
                    queryset=SupportRequest.objects.with_delivery_figures().prefetch_related(
                        Prefetch("deliveries", queryset=SupportDelivery.objects.with_confirmation())
                    ),
                ),
                Prefetch(
                    "deliveries",
                    queryset=SupportDelivery.objects.unrequested().with_confirmation(),
                    to_attr="unrequested_deliveries",
                ),
            )
        )

    def timeline(self, organization: Organization) -> list[Interaction]:
        """The latest interactions it took part in, with who was there (three queries)."""
        interactions = Interaction.objects.select_related("logged_by", "organization").prefetch_related(
            listed_contacts(), Prefetch("also_with", queryset=Organization.objects.only("id", "name"))
        )
        if not self.request.user.has_perm("partners.view_confidential_notes"):
            # Never fetched, so never decrypted, for someone who may not read them.
            interactions = interactions.defer("confidential_notes")
        return list(interactions.involving(Q(organization=organization))[: self.timeline_limit])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        requests = list(organization.requests.all())
        context.update(
            can_edit=self.request.user.has_perm("partners.change_organization"),
            timeline=self.timeline(organization),
            timeline_limit=self.timeline_limit,
            can_see_notes=self.request.user.has_perm("partners.view_confidential_notes"),
            requests=requests,
            fulfilment=organization.requests.fulfilment_summary(),
            portal_accesses=list(
                PortalAccess.objects.filter(contact__organization=organization)
                .select_related("contact")
                .defer("contact__email", "contact__phone")
                .order_by("contact__name_or_alias")
            ),
            deletion_request=DeletionRequest.objects.filter(organization=organization).first(),
            history=organization_history(organization, self.request.user),
            health_signals=signals(organization),
        )
        context["portal_open_for"] = {access.contact_id for access in context["portal_accesses"] if access.is_active}
        return context


class OrganizationCreate(StaffPermissionMixin, BadInputStatusMixin, TitledFormMixin, SuccessMessageMixin, CreateView):
    permission_required = "partners.add_organization"
    create_title = _("Add a partner")
    model = Organization
    form_class = OrganizationForm
    template_name = "partners/form_page.html"
    success_message = _("Partner %(name)s added.")


class OrganizationEdit(StaffPermissionMixin, BadInputStatusMixin, TitledFormMixin, SuccessMessageMixin, UpdateView):
    permission_required = "partners.change_organization"
    model = Organization
    form_class = OrganizationForm
    template_name = "partners/form_page.html"
    success_message = _("Changes to %(name)s saved.")
