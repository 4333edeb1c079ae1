from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

from ..choices import (
    AGREEMENT_SCALE,
    CHOICE_KINDS,
    LIKELIHOOD_SCALE,
    PREFER_NOT_TO_SAY,
    YES_NO,
    Audience,
    Domain,
    LoopStatus,
    QuestionKind,
    SurveyStatus,
)
from .rounds import Round, Schedule


def in_language(english: str, spanish: str, language: str) -> str:
    """The Spanish text when asked for and written; English otherwise."""
    return spanish if language == "es" and spanish else english


ANONYMITY_LOCKED = _("People have been invited on this basis, so whether answers are anonymous cannot change.")
AUDIENCE_LOCKED = _("This survey has been sent, so its audience cannot change.")
VERSION_LOCKED = _(
    "A new version keeps the audience and the anonymity of the versions before it, so that its results "
    "continue theirs. Copy the survey to change them."
)
EARLIER_VERSION_OPEN = _(
    "A round of the version before this one is still open: close it from its round page, or wait until it "
    "closes, before making this version active."
)
DRAFT_LOCKED = _(
    "This survey has been sent, so it cannot go back to draft: answers must match the questions asked. "
    "Archive it and make a new survey instead."
)
NEEDS_A_QUESTION = _("Add at least one question before making the survey active.")

# What a sent survey may never change, and why: people were invited, and
# answered, on these terms.
SENT_LOCKS = {"anonymous": ANONYMITY_LOCKED, "audience": AUDIENCE_LOCKED}


def status_refusal(
    current: str, wanted: str, *, sent: bool, has_questions: bool, earlier_version_open: bool = False
) -> "_StrOrPromise":
    """The survey lifecycle's rule: why a survey in status `current` may not
    become `wanted`, given whether a round has gone out, whether it has
    questions and whether the version it replaces still has a round open;
    empty when it may. (Survey.refusal_to_become asks the database; a page
    that has the rounds and questions already passes them.)"""
    if wanted == current:
        return _("The survey is already %(status)s.") % {"status": SurveyStatus(wanted).label.lower()}
    if wanted == SurveyStatus.ACTIVE and not has_questions:
        return NEEDS_A_QUESTION
    if wanted == SurveyStatus.ACTIVE and earlier_version_open:
        return EARLIER_VERSION_OPEN
    if wanted == SurveyStatus.DRAFT and sent:
        return DRAFT_LOCKED
    return ""


class Survey(models.Model):
    """A survey's lifecycle: draft (questions can change, nobody is sent it),
    active (rounds go out, questions locked), archived (no more rounds). Its
    rules live here, so that the builder, the admin and code obey the same:
    refusal_to_become() says whether a status may be given, and save()
    refuses what would make answers lie once a round has gone out.

    A sent survey changes as a new version (services/versions.py): a draft
    of the same audience and anonymity whose questions remember the ones
    they continue, so results and trends run on across versions. Making it
    active hands it the schedule and the short address of the version
    before, which is archived (save())."""

    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown before the first question."))
    intro_es = models.TextField(_("introduction in Spanish"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are never linked to the person. Cannot be changed once a round has been sent."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("minutes to answer"), default=5)
    status = models.CharField(_("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    # The survey's stable short address, /r/<code>/, printed on its poster
    # (anonymous surveys only; services/short_address.py gives it one).
    short_code = models.CharField(max_length=8, unique=True, null=True, blank=True, editable=False)
    # Empty: the whole audience. Participants' and staff surveys only.
    groups = models.ManyToManyField(
        "surveys.RecipientGroup",
        blank=True,
        related_name="surveys",
        verbose_name=_("send to these groups only"),
        help_text=_("Leave empty to send to everyone in the audience."),
    )
    # The first version of this survey (empty on a first version), and this
    # one's number: versions of a survey are numbered 1, 2, 3… in one line.
    version_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_versions", editable=False
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    # One of the surveys the product starts with (migration 0003): offered on
    # the new-survey page as a starting point.
    starter = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    # The locked fields and the status as loaded or last saved (from_db,
    # save); empty on a new survey.
    _saved: dict

    class Meta:
        ordering = ["audience", "title"]
        permissions = [("view_results", "Can see survey results (aggregates only)")]
        constraints = [
            # Versions follow one another: two drafts cannot both be version 3.
            models.UniqueConstraint(fields=["version_of", "version"], name="one_survey_per_version"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        errors = self._sent_lock_errors()
        if errors:
            raise ValidationError(errors)
        archived_now = self.status == SurveyStatus.ARCHIVED and self._changed("status")
        activated_now = self.status == SurveyStatus.ACTIVE and self._changed("status")
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._remember_saved()
            if archived_now:
                self._pause_schedule()
            if activated_now and self.version_of_id:
                self._take_over_from_previous_version()

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        survey = super().from_db(db, field_names, values)
        survey._remember_saved()
        return survey

    def clean(self) -> None:
        errors = self._sent_lock_errors()
        if not errors and self._changed("status"):
            refusal = self.refusal_to_become(self.status, now=self._saved["status"])
            if refusal:
                errors["status"] = refusal
        if errors:
            raise ValidationError(errors)

    @property
    def anonymity_locked(self) -> bool:
        """Once a round has gone out, people were invited on the promise it
        made ("anonymous" or "named") and to its audience, so neither can
        change, in any form, the admin or code. One query."""
        return self.pk is not None and self.rounds.exists()

    def refusal_to_become(self, status: str, *, now: str | None = None) -> "_StrOrPromise":
        """Why this survey may not be given `status` now (from `now`, by
        default its current status); empty when it may. Up to three queries."""
        current = now if now is not None else self.status
        if status == current:
            return status_refusal(current, status, sent=False, has_questions=False)
        activating = status == SurveyStatus.ACTIVE
        has_questions = not activating or bool(self.pk and self.questions.exists())
        earlier_open = activating and self.earlier_version_is_open()
        return status_refusal(
            current, status, sent=self.anonymity_locked, has_questions=has_questions, earlier_version_open=earlier_open
        )

    def previous_version(self) -> "Survey | None":
        """The version this one follows, or None for a first version. One query."""
        if not self.version_of_id:
            return None
        return Survey.objects.filter(
            models.Q(pk=self.version_of_id) | models.Q(version_of=self.version_of_id), version=self.version - 1
        ).first()

    def earlier_version_is_open(self) -> bool:
        """Whether a version before this one has a round taking answers: it
        must close before this version takes its place. One query."""
        if not self.version_of_id:
            return False
        family = models.Q(survey_id=self.version_of_id) | models.Q(survey__version_of=self.version_of_id)
        return Round.objects.open_now().filter(family, survey__version__lt=self.version).exists()

    def _remember_saved(self) -> None:
        self._saved = {name: self.__dict__.get(name) for name in [*SENT_LOCKS, "status"]}

    def _changed(self, name: str) -> bool:
        # None: new, or the field was deferred when loaded (not known).
        saved = getattr(self, "_saved", {}).get(name)
        return saved is not None and saved != getattr(self, name)

    def _sent_lock_errors(self) -> dict:
        """The locked fields changed on a survey that has been sent, or on a
        later version, with why; going back to draft counts too."""
        changed = [name for name in SENT_LOCKS if self._changed(name)]
        to_draft = self.status == SurveyStatus.DRAFT and self._changed("status")
        if changed and self.version_of_id:
            return dict.fromkeys(changed, VERSION_LOCKED)
        if not (changed or to_draft) or not self.anonymity_locked:
            return {}
        errors = {name: SENT_LOCKS[name] for name in changed}
        if to_draft:
            errors["status"] = DRAFT_LOCKED
        return errors

    def _pause_schedule(self) -> None:
        """An archived survey is never sent again on schedule. save(), not
        update(), so that the change is in the schedule's history."""
        schedule = self.schedule_or_none()
        if schedule is not None and schedule.active:
            schedule.active = False
            schedule.save(update_fields=["active"])

    def _take_over_from_previous_version(self) -> None:
        """This version, just made active, replaces the one before it: it
        gets its schedule (unless it has its own) and its short address, so
        posters keep working, and the one before is archived."""
        previous = self.previous_version()
        if previous is None:
            return
        # Asked of the schedules, not through `previous`, which would keep
        # the moved schedule as its own and pause it when archived.
        schedule = Schedule.objects.filter(survey=previous).first()
        if schedule is not None and not Schedule.objects.filter(survey=self).exists():
            schedule.survey = self
            schedule.save(update_fields=["survey"])
        if previous.short_code and not self.short_code:
            code, previous.short_code = previous.short_code, None
            Survey.objects.filter(pk=previous.pk).update(short_code=None)
            Survey.objects.filter(pk=self.pk).update(short_code=code)
            self.short_code = code
        if previous.status != SurveyStatus.ARCHIVED:
            previous.status = SurveyStatus.ARCHIVED
            previous.save(update_fields=["status", "updated_at"])

    def schedule_or_none(self) -> "Schedule | None":
        try:
            return self.schedule
        except models.ObjectDoesNotExist:
            return None

    def title_in(self, language: str) -> str:
        return in_language(self.title, self.title_es, language)

    def intro_in(self, language: str) -> str:
        return in_language(self.intro, self.intro_es, language)

    @property
    def is_editable(self) -> bool:
        """Questions can change only while the survey is a draft, so that the
        results of a round always match the questions that were asked."""
        return self.status == SurveyStatus.DRAFT


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    text_es = models.CharField(_("question in Spanish"), max_length=300, blank=True)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    help_text_es = models.CharField(_("hint in Spanish"), max_length=300, blank=True)
    required = models.BooleanField(
        _("must be answered"), default=False, help_text=_("Leave off unless the answer is truly needed.")
    )
    domain = models.CharField(_("wellbeing domain"), max_length=16, choices=Domain.choices, blank=True)
    mirror_key = models.SlugField(
        _("mirror key"),
        max_length=40,
        blank=True,
        help_text=_("Questions with the same key in surveys for other audiences are compared side by side."),
    )
    # The question of the version before that this one continues (empty for
    # a new question): results and trends add them up (services/versions.py).
    asked_before = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice questions: a list of {"en": "...", "es": "..."}.'),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "position", "id"]
        indexes = [
            # Results by mirrored question across surveys.
            models.Index(fields=["mirror_key"], name="question_mirror_idx", condition=~models.Q(mirror_key="")),
        ]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        return in_language(self.text, self.text_es, language)

    def help_in(self, language: str) -> str:
        return in_language(self.help_text, self.help_text_es, language)

    def choice_labels(self, language: str) -> list[str]:
        return [in_language(c.get("en", ""), c.get("es", ""), language) for c in self.choices]

    def options(self, language: str) -> "list[tuple[int, _StrOrPromise]]":
        """The answers a closed question offers, as (number stored, label):
        the same list for the respondent's form and for the results."""
        if self.kind == QuestionKind.AGREEMENT:
            return AGREEMENT_SCALE
        if self.kind == QuestionKind.LIKELIHOOD:
            return LIKELIHOOD_SCALE
        if self.kind == QuestionKind.YES_NO:
            return YES_NO
        if self.kind in CHOICE_KINDS:
            return [*enumerate(self.choice_labels(language)), (PREFER_NOT_TO_SAY, _("Prefer not to say"))]
        return []

    def clean(self) -> None:
        if self.kind in CHOICE_KINDS:
            valid = isinstance(self.choices, list) and all(isinstance(c, dict) and c.get("en") for c in self.choices)
            if not valid or len(self.choices) < 2:
                raise ValidationError({"choices": _("A choice question needs at least two choices.")})
        elif self.choices:
            raise ValidationError({"choices": _("Only choice questions have choices.")})


class YouSaidWeDid(models.Model):
    """Closing the loop: what we heard in a round and what we change, with
    who carries it out, by when, and the question it answers. Respondents
    see it (in the next invitation, on the survey's first page and on its
    public "what we changed" page) once it is done."""

    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="you_said_we_did")
    you_said = models.TextField(_("you said"))
    you_said_es = models.TextField(_("you said, in Spanish"), blank=True)
    we_did = models.TextField(_("we did"), help_text=_("What we changed, or will change, in plain words."))
    we_did_es = models.TextField(_("we did, in Spanish"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=LoopStatus.choices, default=LoopStatus.PLANNED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Who sees it through."),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    question = models.ForeignKey(
        "surveys.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question it answers"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("you said, we did item")

    def __str__(self) -> str:
        return self.you_said[:60]

    def you_said_in(self, language: str) -> str:
        return in_language(self.you_said, self.you_said_es, language)

    def we_did_in(self, language: str) -> str:
        return in_language(self.we_did, self.we_did_es, language)
