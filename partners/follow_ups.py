"""What a relationship lead needs to hear about today: their overdue
follow-ups, their partners past the keep-in-touch cadence or needing
attention for another reason (health.py, with the reasons), and what their
partners changed in the portal yesterday (portal_changes). The daily
digest (digests/) sends it. The home page (views/home.py) picks the same
rows through the same queryset methods (follow_ups_due, overdue), with the
columns and order a page needs."""

from datetime import date

from .health import needing_attention
from .models import Interaction, Organization
from .portal_changes import changes_for_lead


def follow_up_content(user, today: date) -> dict:
    """What a lead needs to hear about today: thirteen queries at most."""
    follow_ups = list(
        Interaction.objects.for_user(user)
        .follow_ups_due(today)
        .select_related("organization")
        .only("id", "follow_up_on", "kind", "organization__name")
        .order_by("follow_up_on", "id")
    )
    overdue_partners = list(
        Organization.objects.filter(relationship_lead=user)
        .overdue(today)
        .only("id", "name", "keep_in_touch_days")
        .order_by("name")
    )
    return {
        "follow_ups": follow_ups,
        "overdue_partners": overdue_partners,
        # Every signal of relationship health, with its reasons (health.py).
        "needs_attention": needing_attention(Organization.objects.filter(relationship_lead=user), today),
        "portal_changes": changes_for_lead(user, today),
    }


def people_with_follow_ups() -> set[int]:
    """Ids of the users a daily digest may concern: relationship leads, and
    whoever has a follow-up still open."""
    leads = Organization.objects.exclude(relationship_lead=None).values_list("relationship_lead", flat=True)
    assignees = Interaction.objects.open_follow_ups().values_list("follow_up_assignee", flat=True)
    return {pk for pk in [*leads, *assignees] if pk}
