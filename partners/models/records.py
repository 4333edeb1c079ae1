from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import past_date_refusal
from core.encrypted_fields import EncryptedTextField

from ..choices import (
    NO_CLOCK_STAGES,
    Channel,
    Initiator,
    InteractionKind,
    Language,
    OrganizationKind,
    RequestStatus,
    Stage,
    SupportCategory,
    Urgency,
)
from ..querysets import (
    ContactQuerySet,
    InteractionQuerySet,
    OrganizationQuerySet,
    SupportDeliveryQuerySet,
    SupportRequestQuerySet,
)

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:tag_list")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    service_area = models.CharField(_("service area"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    lived_experience_led = models.BooleanField(_("led by people with lived experience"), default=False)
    stage = models.CharField(_("relationship stage"), max_length=32, choices=Stage.choices, default=Stage.IDENTIFIED)
    relationship_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_organizations",
    )
    keep_in_touch_days = models.PositiveSmallIntegerField(
        _("keep in touch every (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    contact_preferences = models.TextField(
        _("safety and contact preferences"),
        blank=True,
        help_text=_('For example "phone only, never email" or "do not visit the office".'),
    )
    do_not_name_publicly = models.BooleanField(_("do not name us publicly"), default=False)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="organizations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived from the interactions and kept by partners/last_contact.py: not
    # the partner's own history, so not in it.
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=["last_contact_on"])
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Not a delete_ permission: nobody deletes outright; what a program
        # manager deletes by mistake can be undone for a while (partners/mistakes.py).
        permissions = [("fix_mistakes", "Can delete records entered by mistake, undo that, and merge duplicates")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(keep_in_touch_days__gte=1), name="organization_keep_in_touch_positive"
            ),
        ]
        indexes = [
            # Partner list filtered by stage and lead.
            models.Index(fields=["stage", "relationship_lead"], name="org_stage_lead_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, **kwargs) -> None:
        """Saves the partner's own fields. An update never writes
        last_contact_on: this instance may have been read before an
        interaction changed it (partners/last_contact.py keeps it)."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            left_out = {"last_contact_on", *self.get_deferred_fields()}  # as Django leaves out deferred fields
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in left_out
            ]
        super().save(**kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partners:organization_detail", args=[self.pk])

    @property
    def has_keep_in_touch_clock(self) -> bool:
        """Whether we owe the partner contact on a cadence: not before we are
        in a relationship (reaching out is at their pace), nor once it is
        paused or ended. The querysets' is_overdue obeys the same stages."""
        return self.stage not in NO_CLOCK_STAGES


class Contact(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="contacts"
    )
    name_or_alias = models.CharField(
        _("name or alias"), max_length=120, help_text=_("A work name or first name is enough.")
    )
    role = models.CharField(_("role"), max_length=120, blank=True)
    # Encrypted like confidential notes: a contact list of a criminalized
    # community is exactly what a leaked backup must not hand over.
    email = EncryptedTextField(_("email"), blank=True, validators=[validate_email, MaxLengthValidator(254)])
    phone = EncryptedTextField(_("phone"), blank=True, validators=[MaxLengthValidator(40)])
    preferred_channel = models.CharField(_("preferred channel"), max_length=32, choices=Channel.choices, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    consent_to_surveys = models.BooleanField(_("agreed to receive feedback surveys"), default=False)
    opted_out = models.BooleanField(
        _("opted out"), default=False, help_text=_("Opted out of all messages from us. Never contact by email.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_or_alias", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name_or_alias"], name="contact_unique_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.name_or_alias

    def get_absolute_url(self) -> str:
        return reverse("partners:contact_detail", args=[self.pk])

    def clean(self) -> None:
        if self.consent_to_surveys and not self.email:
            raise ValidationError({"email": _("An email address is needed to send surveys.")})

    @property
    def can_receive_surveys(self) -> bool:
        """The row's side of ContactQuerySet.can_receive_surveys."""
        return self.consent_to_surveys and not self.opted_out and bool(self.email)


class Interaction(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="interactions"
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("people present"), blank=True, related_name="interactions"
    )
    # Other partners at the same meeting (a coalition meeting, say): it
    # counts as contact with each of them, on their page, in their
    # keep-in-touch clock and in their figures (InteractionQuerySet.involving).
    also_with = models.ManyToManyField(
        Organization,
        verbose_name=_("also with"),
        blank=True,
        related_name="joint_interactions",
        help_text=_(
            "Other partners who took part, for a meeting of several partners "
            "(hold Ctrl, or ⌘ on a Mac, to choose several)."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices, default=InteractionKind.MEETING)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), help_text=_("What was talked about. Partners may one day read this."))
    confidential_notes = EncryptedTextField(
        _("confidential notes"),
        blank=True,
        help_text=_("Encrypted. Only program managers can read these; leadership never sees them."),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_note = models.CharField(
        _("what to follow up"),
        max_length=200,
        blank=True,
        help_text=_("A few words: what to do next. Shown in the CRM only, never in an email or a calendar."),
    )
    follow_up_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who follows up"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_follow_ups",
        help_text=_("Left empty: the partner's relationship lead, or whoever logs it."),
    )
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[contacts, also_with])
    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-id"]
        permissions = [("view_confidential_notes", "Can read confidential interaction notes")]
        indexes = [
            # Partner timeline (newest first) and last-contact subquery.
            models.Index(fields=["organization", "-happened_on"], name="interaction_org_date_idx"),
            # Interaction list: newest first, a page at a time.
            models.Index(fields=["-happened_on", "-id"], name="interaction_list_date_idx"),
            # Dashboard: interactions per day and kind over a period, read from the index alone.
            models.Index(fields=["happened_on", "kind"], name="interaction_day_kind_idx"),
            # Home page: follow-ups not done, by date.
            models.Index(
                fields=["follow_up_on"],
                name="interaction_followup_idx",
                condition=models.Q(follow_up_done=False, follow_up_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.organization} on {self.happened_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # A follow-up always has someone to do it: by default the lead.
        if self.follow_up_on and self.follow_up_assignee_id is None:
            lead = Organization.objects.filter(pk=self.organization_id).values_list("relationship_lead", flat=True)
            self.follow_up_assignee_id = lead.first() or self.logged_by_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partners:interaction_detail", args=[self.pk])

    def clean(self) -> None:
        if self.happened_on and self.happened_on > timezone.localdate():
            raise ValidationError({"happened_on": _("An interaction cannot be in the future.")})
        if past_date_refusal(self.happened_on):
            raise ValidationError({"happened_on": past_date_refusal(self.happened_on)})
        if self.follow_up_on and self.happened_on and self.follow_up_on < self.happened_on:
            raise ValidationError({"follow_up_on": _("The follow-up cannot be before the interaction.")})

    @property
    def follow_up_overdue(self) -> bool:
        """A follow-up not done whose day has passed. (Due today is not
        overdue yet; InteractionQuerySet.follow_ups_due lists both.)"""
        return not self.follow_up_done and self.follow_up_on is not None and self.follow_up_on < timezone.localdate()


class SupportRequest(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="requests"
    )
    category = models.CharField(_("category"), max_length=32, choices=SupportCategory.choices)
    description = models.TextField(_("what they asked for"), help_text=_("In the partner's own words."))
    amount_asked = models.DecimalField(
        _("amount asked"), max_digits=10, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    asked_on = models.DateField(_("asked on"))
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=32, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    initiated_by = models.CharField(
        _("who started it"), max_length=16, choices=Initiator.choices, default=Initiator.PARTNER
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True, editable=False)
    # The day of its first delivery, kept by partners/first_delivery.py
    # whenever a delivery is saved or deleted: "days to first delivery".
    first_delivery_on = models.DateField(_("first delivered on"), null=True, blank=True, editable=False)
    # The partner contact who asked through the portal (empty when staff
    # recorded it): "requests made by partners themselves" on the dashboard.
    submitted_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_asked__isnull=True) | models.Q(amount_asked__gte=0),
                name="request_amount_not_negative",
            ),
        ]
        indexes = [
            # Home page and request list: outstanding requests, oldest first.
            models.Index(fields=["status", "asked_on"], name="request_status_asked_idx"),
            # Request list: newest first, a page at a time.
            models.Index(fields=["-asked_on", "-id"], name="request_list_date_idx"),
            # Dashboard and board report: the medians of days to first delivery
            # and to fulfil over a period's requests, from the index alone (PostgreSQL).
            models.Index(fields=["asked_on"], include=["first_delivery_on", "fulfilled_on"], name="request_days_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} for {self.organization}"

    def save(self, *args, **kwargs):
        """The day it became fulfilled, for "days to fulfil": kept while it
        stays fulfilled, forgotten if it is reopened."""
        if self.status == RequestStatus.FULFILLED and self.fulfilled_on is None:
            self.fulfilled_on = timezone.localdate()
        elif self.status != RequestStatus.FULFILLED:
            self.fulfilled_on = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "fulfilled_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partners:request_detail", args=[self.pk])

    def clean(self) -> None:
        if past_date_refusal(self.asked_on):
            raise ValidationError({"asked_on": past_date_refusal(self.asked_on)})


class SupportDelivery(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="deliveries"
    )
    request = models.ForeignKey(
        SupportRequest,
        verbose_name=_("request it answers"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        help_text=_("Leave empty if nobody asked for it; it will show as unrequested."),
    )
    category = models.CharField(_("category"), max_length=32, choices=SupportCategory.choices)
    delivered_on = models.DateField(_("delivered on"))
    description = models.TextField(_("what was given"))
    money = models.DecimalField(_("money"), max_digits=10, decimal_places=2, default=0, validators=NOT_NEGATIVE)
    hours = models.DecimalField(_("staff hours"), max_digits=7, decimal_places=2, default=0, validators=NOT_NEGATIVE)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SupportDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name_plural = "support deliveries"
        constraints = [
            models.CheckConstraint(condition=models.Q(money__gte=0), name="delivery_money_not_negative"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="delivery_hours_not_negative"),
        ]
        indexes = [
            # Delivery list: newest first, a page at a time.
            models.Index(fields=["-delivered_on", "-id"], name="delivery_list_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} to {self.organization} on {self.delivered_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        if self.request_id:
            return reverse("partners:request_detail", args=[self.request_id])
        return reverse("partners:organization_detail", args=[self.organization_id]) + "#requests"

    @property
    def is_unrequested(self) -> bool:
        return self.request_id is None

    def clean(self) -> None:
        if past_date_refusal(self.delivered_on):
            raise ValidationError({"delivered_on": past_date_refusal(self.delivered_on)})
        request = self.request if self.request_id and self.organization_id else None
        if request is not None and request.organization_id != self.organization_id:
            raise ValidationError({"request": _("That request belongs to another partner.")})
