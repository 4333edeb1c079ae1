"""Support requests and the deliveries that answer them."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView

from core.list_views import FilteredTableView
from core.query_values import parse_id

from ..filters import SupportDeliveryFilter, SupportRequestFilter
from ..forms import SupportDeliveryForm, SupportRequestForm
from ..history import request_history
from ..models import SupportDelivery, SupportRequest
from ..services import record_delivery
from ..tables import SupportDeliveryTable, SupportRequestTable
from .base import OrganizationChildFormMixin, StaffPermissionMixin


class SupportRequestList(FilteredTableView):
    permission_required = "partners.view_supportrequest"
    table_class = SupportRequestTable
    filterset_class = SupportRequestFilter
    export_name = "support-requests"
    title = _("Support requests")

    def get_queryset(self):
        return SupportRequest.objects.with_delivery_figures().select_related("organization")


class SupportRequestDetail(StaffPermissionMixin, DetailView):
    permission_required = "partners.view_supportrequest"
    template_name = "partners/request_detail.html"
    context_object_name = "support_request"

    def get_queryset(self):
        deliveries = SupportDelivery.objects.with_confirmation()
        return (
            SupportRequest.objects.with_delivery_figures()
            .select_related("organization", "recorded_by", "submitted_by")
            .defer("submitted_by__email", "submitted_by__phone")
            .prefetch_related(Prefetch("deliveries", queryset=deliveries))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.has_perm("partners.change_supportrequest")
        context["can_deliver"] = self.request.user.has_perm("partners.add_supportdelivery")
        context["history"] = request_history(self.object, self.request.user)
        return context


class SupportRequestCreate(OrganizationChildFormMixin, CreateView):
    permission_required = "partners.add_supportrequest"
    create_title = _("Record a support request")
    model = SupportRequest
    form_class = SupportRequestForm
    success_message = _("Request recorded.")

    def form_valid(self, form):
        form.instance.recorded_by = self.request.user
        return super().form_valid(form)


class SupportRequestEdit(OrganizationChildFormMixin, UpdateView):
    permission_required = "partners.change_supportrequest"
    model = SupportRequest
    form_class = SupportRequestForm
    success_message = _("Request updated.")


class SupportDeliveryList(FilteredTableView):
    permission_required = "partners.view_supportdelivery"
    table_class = SupportDeliveryTable
    filterset_class = SupportDeliveryFilter
    export_name = "support-deliveries"
    title = _("Support delivered")

    def get_queryset(self):
        return SupportDelivery.objects.select_related("organization", "request", "delivered_by")


class DeliveryFormMixin(OrganizationChildFormMixin):
    model = SupportDelivery
    form_class = SupportDeliveryForm
    object: SupportDelivery | None

    def form_valid(self, form):
        # Saved once, by the service (which also moves the request's status);
        # ModelFormMixin.form_valid would save it a second time and write a
        # second audit entry, outside the service's transaction.
        self.object = record_delivery(form.save(commit=False), form.cleaned_data.get("request_status", ""))
        messages.success(self.request, self.get_success_message(form.cleaned_data))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        delivery = self.object
        assert delivery is not None, "only asked for once form_valid has saved the delivery"
        if delivery.request is not None:
            return delivery.request.get_absolute_url()
        return self.organization.get_absolute_url()


class SupportDeliveryCreate(DeliveryFormMixin, CreateView):
    permission_required = "partners.add_supportdelivery"
    create_title = _("Record support delivered")
    success_message = _("Delivery recorded.")

    def get_initial(self):
        initial = super().get_initial()
        request_id = parse_id(self.request.GET.get("request", ""))
        if request_id is not None:
            initial["request"] = request_id
        initial["delivered_by"] = self.request.user.pk
        return initial


class SupportDeliveryEdit(DeliveryFormMixin, UpdateView):
    permission_required = "partners.change_supportdelivery"
    success_message = _("Delivery updated.")

    def get_context_data(self, **kwargs):
        # A delivery has no page of its own: its Delete is on its edit page.
        context = super().get_context_data(**kwargs)
        context["delete_url"] = reverse("partners:delivery_delete", args=[self.kwargs["pk"]])
        context["files_parent"] = self.object  # a receipt, a photo: attachments/
        return context
