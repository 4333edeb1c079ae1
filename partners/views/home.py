from datetime import timedelta

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.roles import LEADERSHIP
from partners.choices import Received
from partners.models import DeletionRequest, DeliveryConfirmation, Interaction, Organization, SupportRequest

OPEN_REQUESTS_SHOWN = 15
# Deliveries a partner said did not (all) arrive stay on My work this long.
MISSING_SHOWN_FOR = timedelta(days=90)


def is_leadership_only(user) -> bool:
    """In the Leadership role and without a program manager's permissions
    (an administrator, or someone with both roles, keeps My work)."""
    return (
        user.is_authenticated
        and not user.has_perm("partners.change_organization")
        and user.groups.filter(name=LEADERSHIP).exists()
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """ "My work": what needs the signed-in person's attention today."""
    user = request.user
    if is_leadership_only(user):
        # "My work" (follow-ups, requests to answer) is a program manager's;
        # leadership's day starts with the figures.
        return redirect("dashboard:index")
    today = timezone.localdate()
    context: dict[str, object] = {"has_role": user.has_perm("partners.view_organization")}
    # An anonymous user has no permissions; the second test says so to mypy.
    if context["has_role"] and user.is_authenticated:
        context.update(
            follow_ups=Interaction.objects.for_user(user)
            .follow_ups_due(today)
            .select_related("organization")
            .defer("confidential_notes")  # not shown here; not worth decrypting
            .order_by("follow_up_on", "id"),
            overdue_partners=Organization.objects.filter(relationship_lead=user)
            .overdue(today)
            .order_by(F("last_contact").asc(nulls_first=True), "name"),
            missing=DeliveryConfirmation.objects.exclude(received=Received.RECEIVED)
            .filter(confirmed_at__gte=timezone.now() - MISSING_SHOWN_FOR)
            .select_related("delivery__organization", "contact")
            .defer("contact__email", "contact__phone")
            .order_by("-confirmed_at")[:OPEN_REQUESTS_SHOWN],
            deletions=DeletionRequest.objects.select_related("organization").order_by("asked_at"),
            open_requests=SupportRequest.objects.outstanding()
            .with_delivery_figures(today)
            .select_related("organization")
            .order_by("asked_on", "id")[:OPEN_REQUESTS_SHOWN],
        )
    return render(request, "partners/home.html", context)
