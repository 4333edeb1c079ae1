from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.subqueries import count_of
from partners.choices import Language

from ..choices import Recurrence, ResponseChannel, RoundStatus, SendState, SurveyStatus
from .responses import Response

if TYPE_CHECKING:
    from partners.models import Contact

    from .recipients import Recipient


class ScheduleQuerySet(models.QuerySet):
    def running(self) -> "ScheduleQuerySet":
        """Schedules that open rounds: ticked, and their survey active
        (Schedule.is_running for one)."""
        return self.filter(active=True, survey__status=SurveyStatus.ACTIVE)


class Schedule(models.Model):
    survey = models.OneToOneField("surveys.Survey", on_delete=models.CASCADE, related_name="schedule")
    recurrence = models.CharField(_("how often"), max_length=16, choices=Recurrence.choices)
    next_run_at = models.DateTimeField(_("next round opens"))
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("at most this many reminders"), default=1, validators=[MaxValueValidator(3)]
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("close after (days)"), default=21, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    active = models.BooleanField(_("active"), default=True)
    # The day of the month rounds open on, so that a schedule on the 31st
    # comes back to the 31st after February rather than drifting to the 28th.
    anchor_day = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        indexes = [
            # open_due_rounds: active schedules whose next run has come.
            models.Index(fields=["next_run_at"], name="schedule_due_idx", condition=Q(active=True)),
        ]

    def __str__(self) -> str:
        return f"{self.survey} ({self.get_recurrence_display()})"

    def save(self, *args, **kwargs):
        # A person setting the next run sets the anchor; the scheduler moving
        # next_run_at along (with update_fields) keeps it.
        if kwargs.get("update_fields") is None and self.next_run_at:
            self.anchor_day = self.next_run_at.day
        super().save(*args, **kwargs)

    def clean(self) -> None:
        remind, close = self.reminder_after_days, self.close_after_days
        if remind is not None and close is not None and remind >= close:
            raise ValidationError(
                {
                    "reminder_after_days": _("The reminder must go out before the round closes (after %(close)s days).")
                    % {"close": close}
                }
            )

    @property
    def is_running(self) -> bool:
        """The row's side of ScheduleQuerySet.running."""
        return self.active and self.survey.status == SurveyStatus.ACTIVE


# A submission that passed the "is the round open" check just before the round
# closed may still be committing; a round's answers are final this long after.
SETTLE = timedelta(minutes=5)


class RoundQuerySet(models.QuerySet):
    def open_now(self) -> "RoundQuerySet":
        """Rounds taking answers now (Round.is_open for one)."""
        return self.filter(status=RoundStatus.OPEN, closes_at__gt=timezone.now())

    def settled(self, now: datetime) -> "RoundQuerySet":
        """Rounds closed (or missed) long enough ago that no answer can still arrive."""
        return self.filter(status__in=[RoundStatus.CLOSED, RoundStatus.MISSED], closed_at__lte=now - SETTLE)

    def with_participation(self) -> "RoundQuerySet":
        """How many were invited (by email, and by printed card) and how
        many answered, by private link and by shared link: participation counts (how many took part, never what
        they said), shown as they are on every page (docs/privacy.md).
        Responses, not invitations marked answered: those are marked later,
        in batches (services/spent_links.py). Round.asked adds up the first two.

        No annotation here is written in terms of another: PostgreSQL would
        run the subquery again for each mention (the invitations of each
        round were counted twice for `asked`)."""
        return self.annotate(
            invited=count_of(Invitation.objects.all(), "round"),
            card_count=count_of(Card.objects.all(), "round"),
            invited_responses=count_of(Response.objects.filter(channel=ResponseChannel.INVITED), "round"),
            shared_responses=count_of(Response.objects.filter(channel=ResponseChannel.SHARED), "round"),
        )

    def with_counts(self) -> "RoundQuerySet":
        """Participation, and invitations by sending state, in the same query.

        Each count is its own correlated subquery (served by the round's
        indexes) rather than a JOIN + GROUP BY: grouped, PostgreSQL ran the
        response subqueries once per invitation row, which took 46 s for a
        survey with 20 rounds of 3,400 invitations (docs/performance.md).
        As in with_participation, none is written in terms of another: the
        sum of the four states, once more for `asked`, ran each state's
        subquery three times."""

        def state(*states):
            return count_of(Invitation.objects.filter(state__in=states), "round")

        return self.annotate(
            sent=state(SendState.SENT),
            failed=state(SendState.FAILED),
            unknown=state(SendState.UNKNOWN),
            pending=state(SendState.PENDING, SendState.SENDING),
            invited=count_of(Invitation.objects.all(), "round"),
            # Printed one-time codes: their answers count with the invited
            # ones, so the response rate is over invitations and cards.
            card_count=count_of(Card.objects.all(), "round"),
            invited_responses=count_of(Response.objects.filter(channel=ResponseChannel.INVITED), "round"),
            shared_responses=count_of(Response.objects.filter(channel=ResponseChannel.SHARED), "round"),
        )


class Round(models.Model):
    """One sending of a survey."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.PROTECT, related_name="rounds")
    schedule = models.ForeignKey(Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="rounds")
    # The scheduled slot this round fills; with the unique constraint below, a
    # doubled beat tick cannot open the same slot twice.
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    # Copied from the schedule when the round opens, so later edits to the
    # schedule do not change a round already under way.
    reminder_after_days = models.PositiveSmallIntegerField(default=7)
    max_reminders = models.PositiveSmallIntegerField(default=1)
    # When a manager asked for reminders now (services/round_controls.py):
    # from then on, the next reminder of everyone not emailed for a day
    # before it is due (services/sending.reminder_due).
    reminders_asked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Hash of the shared link's token (anonymous surveys only), or empty.
    shared_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Whether its answers have been weighed for release since it closed
    # (services/releases.py): each channel's become a unit, or are held.
    release_checked = models.BooleanField(default=False, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_at"], name="round_once_per_scheduled_slot"),
        ]
        indexes = [
            # close_due_rounds and reminders: open rounds by closing time.
            models.Index(fields=["status", "closes_at"], name="round_status_closes_idx"),
            models.Index(fields=["shared_token_hash"], name="round_shared_token_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.opened_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:round_detail", args=[self.pk])

    @property
    def asked(self) -> int:
        """Invited by email and by printed card, the response rate's
        denominator: on rounds read with_participation() or with_counts()."""
        return self.invited + self.card_count  # type: ignore[attr-defined]

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN and self.closes_at > timezone.now()


class Invitation(models.Model):
    """One recipient in one round. The row's state is the truth about sending."""

    # No index of its own: invitation_round_state_idx and the two uniqueness
    # constraints start with the round. Marking an invitation answered writes
    # every index of this table (the partial one on `responded` rules out an
    # in-place update), so each index dropped is one write less per answer.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations", db_index=False)
    recipient = models.ForeignKey(
        "surveys.Recipient", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    contact = models.ForeignKey(
        "partners.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    state = models.CharField(max_length=8, choices=SendState.choices, default=SendState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    # When the current run of send errors began, and when to try again
    # (core.outbox); empty when nothing is failing. Shared by the first email
    # and the reminders, which are never on their way at the same time.
    failing_since = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    reminder_state = models.CharField(max_length=8, choices=SendState.choices, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # Tries at the current reminder; reset when it goes out.
    reminder_attempts = models.PositiveSmallIntegerField(default=0)
    reminder_claimed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Only *that* the link was used, never when or which response. Set by a
    # periodic task, for at least k invitations of a round at once and never
    # in a transaction that writes a response (services/spent_links.py).
    responded = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=True, contact__isnull=False)
                | Q(recipient__isnull=False, contact__isnull=True),
                name="invitation_exactly_one_person",
            ),
            models.UniqueConstraint(fields=["round", "recipient"], name="invitation_once_per_recipient"),
            models.UniqueConstraint(fields=["round", "contact"], name="invitation_once_per_contact"),
        ]
        indexes = [
            # Round page progress and the sweeper: invitations of a round by state.
            models.Index(fields=["round", "state"], name="invitation_round_state_idx"),
            # RoundQuerySet.with_counts: how many of a round's invitations were used.
            models.Index(fields=["round"], name="invitation_round_responded_idx", condition=Q(responded=True)),
        ]

    def __str__(self) -> str:
        return f"Invitation #{self.pk} ({self.get_state_display()})"

    @property
    def person(self) -> "Recipient | Contact":
        """Who was invited: a survey recipient or a partner's contact."""
        person = self.recipient if self.recipient_id else self.contact
        assert person is not None, "exactly one is set (invitation_exactly_one_person)"
        return person

    @property
    def email(self) -> str:
        return self.person.email


class InvitationToken(models.Model):
    """The hash of one private link. The first email and each reminder carry a
    fresh token (the raw token exists only inside the email), and all of an
    invitation's links work until it is used or the round closes."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Link for invitation #{self.invitation_id}"


class Card(models.Model):
    """A printed one-time code for a round (services/cards.py), handed out
    at a desk or from an outreach van to people without email. Typed at the
    survey's short address, it opens one response, counted with the
    invited ones. Only a keyed hash of the code is stored; using it writes a
    SpentLink marker and never touches this row, as for a private link.
    Nothing records who was given which card."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="cards")
    code_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Card #{self.pk}"
