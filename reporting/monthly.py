"""The monthly digest's content for leadership: the headline figures of the
month before (digests/ sends it)."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from partners.models import Interaction, Organization, SupportDelivery, SupportRequest


def leadership_content(month_start: date) -> dict:
    """Headline figures for the month before `month_start`: four queries."""
    previous_start = (month_start - timedelta(days=1)).replace(day=1)
    in_month = {"gte": previous_start, "lt": month_start}
    delivered = SupportDelivery.objects.filter(
        delivered_on__gte=in_month["gte"], delivered_on__lt=in_month["lt"]
    ).aggregate(
        money=Sum("money"), hours=Sum("hours"), total=Count("pk"), unrequested=Count("pk", filter=Q(request=None))
    )
    return {
        "month": previous_start,
        "interactions": Interaction.objects.filter(
            happened_on__gte=in_month["gte"], happened_on__lt=in_month["lt"]
        ).count(),
        "requests": SupportRequest.objects.filter(
            asked_on__gte=in_month["gte"], asked_on__lt=in_month["lt"]
        ).fulfilment_summary(),
        "delivered": delivered,
        "overdue_count": Organization.objects.overdue(month_start).count(),
    }
