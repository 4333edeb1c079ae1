"""A partner asks for support, follows its request, and says whether each
delivery arrived and helped. Requests made here are the partner's own
(initiated by the partner, submitted by the contact signed in); the words
on a delivery are attributed to the contact who gave them, and the page
says so."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partners.choices import Initiator, RequestStatus
from partners.models import DeliveryConfirmation, SupportDelivery, SupportRequest
from partners.portal_changes import said_by

from ..forms import AskForm, ConfirmForm
from .base import form_status, me, my_organization, page, partner_page, posted

GET_POST = ["GET", "HEAD", "POST"]


@partner_page
@require_http_methods(GET_POST)
def ask(request: HttpRequest) -> HttpResponse:
    form = AskForm(posted(request))
    if form.is_valid():
        asked = form.save(commit=False)
        asked.organization = my_organization(request)
        asked.asked_on = timezone.localdate()
        asked.status = RequestStatus.OPEN
        asked.initiated_by = Initiator.PARTNER
        asked.submitted_by = me(request)
        said_by(asked, me(request)).save()
        messages.success(request, _("Thank you. Your request is with us; you can follow it here."))
        return redirect("portal:request_detail", pk=asked.pk)
    return page(request, "portal/ask.html", {"form": form}, form_status(form))


@partner_page
@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asked = get_object_or_404(SupportRequest, pk=pk, organization=my_organization(request))
    deliveries = asked.deliveries.select_related("confirmation", "delivered_by").order_by("delivered_on", "pk")
    return page(request, "portal/request_detail.html", {"asked": asked, "deliveries": list(deliveries)})


@partner_page
@require_http_methods(GET_POST)
def delivery_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        SupportDelivery.objects.select_related("request"), pk=pk, organization=my_organization(request)
    )
    existing = DeliveryConfirmation.objects.filter(delivery=delivery).first()
    form = ConfirmForm(posted(request), instance=existing or DeliveryConfirmation(delivery=delivery))
    if form.is_valid():
        confirmation = form.save(commit=False)
        confirmation.contact = me(request)
        said_by(confirmation, me(request)).save()
        messages.success(request, _("Thank you. The staff who work with you see your answer."))
        if delivery.request_id:
            return redirect("portal:request_detail", pk=delivery.request_id)
        return redirect("portal:home")
    context = {"delivery": delivery, "form": form, "existing": existing}
    return page(request, "portal/delivery_confirm.html", context, form_status(form))
