"""Forms of the survey builder: the survey, its questions, its schedule and
the status buttons."""

from typing import TYPE_CHECKING, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import SurveyStatus
from ..models import AgencyTerm, Question, Schedule, Survey
from ..models.recipients import not_of_audience
from ..models.surveys import ANONYMITY_LOCKED, AUDIENCE_LOCKED, VERSION_LOCKED

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

MAX_CHOICES = 20
CHOICE_MAX_LENGTH = 150


class SurveyForm(forms.ModelForm):
    """The status is not here: it changes through SurveyStatusForm, which
    knows when a change is allowed."""

    class Meta:
        model = Survey
        fields = ["title", "title_es", "audience", "groups", "intro", "intro_es", "anonymous", "estimated_minutes"]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 4}),
            "intro_es": forms.Textarea(attrs={"rows": 4}),
            "groups": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        super().clean()
        other = not_of_audience(self.cleaned_data.get("groups"), self.cleaned_data.get("audience"))
        if other:
            self.add_error(
                "groups",
                _("Only groups of the survey's audience can be chosen: not %(names)s.") % {"names": ", ".join(other)},
            )
        return self.cleaned_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minutes = self.fields["estimated_minutes"]
        minutes.validators += [MinValueValidator(1), MaxValueValidator(60)]
        minutes.widget.attrs.update(min=1, max=60)
        survey = self.instance
        if survey.version_of_id or survey.anonymity_locked:
            # A disabled field keeps its saved value whatever is posted; the
            # model refuses the change too (Survey.clean), for the admin.
            self.fields["anonymous"].disabled = True
            self.fields["audience"].disabled = True
            self.fields["anonymous"].help_text = VERSION_LOCKED if survey.version_of_id else ANONYMITY_LOCKED
            self.fields["audience"].help_text = VERSION_LOCKED if survey.version_of_id else AUDIENCE_LOCKED


def choices_to_text(choices: list[dict]) -> str:
    return "\n".join(f"{c.get('en', '')} | {c.get('es', '')}".rstrip(" |") for c in choices)


def parse_choices(text: str) -> list[dict]:
    """One choice a line, "English | Español"; the Spanish part may be left out."""
    parsed = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        english, _bar, spanish = (part.strip() for part in line.partition("|"))
        if not english:
            raise forms.ValidationError(
                _("Line %(number)s: write the English text before the |."), params={"number": number}
            )
        if max(len(english), len(spanish)) > CHOICE_MAX_LENGTH:
            raise forms.ValidationError(
                _("Line %(number)s is too long: keep each choice under %(max)s characters."),
                params={"number": number, "max": CHOICE_MAX_LENGTH},
            )
        parsed.append({"en": english, "es": spanish})
    if len(parsed) > MAX_CHOICES:
        raise forms.ValidationError(_("Keep it to %(max)s choices or fewer."), params={"max": MAX_CHOICES})
    if len({c["en"].casefold() for c in parsed}) < len(parsed):
        raise forms.ValidationError(_("Two choices have the same English text."))
    return parsed


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Single and multiple choice only. One choice a line, English then Spanish: "
            "“Every week | Cada semana”. “Prefer not to say” is added for you."
        ),
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "text_es", "choices", "help_text", "help_text_es", "domain", "mirror_key", "required"]

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey
        if not self.is_bound:
            self.initial["choices"] = choices_to_text(self.instance.choices or [])

    def clean_choices(self) -> list[dict]:
        return parse_choices(self.cleaned_data.get("choices") or "")

    def clean(self):
        # How many choices each kind needs is checked by Question.clean, which
        # the ModelForm runs next and whose message lands beside this field.
        cleaned = super().clean()
        self._check_mirror_key(cleaned)
        return cleaned

    def _check_mirror_key(self, cleaned) -> None:
        key, kind = cleaned.get("mirror_key"), cleaned.get("kind")
        if not key or not kind:
            return
        others = Question.objects.filter(mirror_key=key).exclude(pk=self.instance.pk)
        if others.filter(survey=self.instance.survey).exists():
            self.add_error("mirror_key", _("Another question in this survey already has this mirror key."))
        elif others.exclude(kind=kind).exists():
            other = others.exclude(kind=kind).select_related("survey").first()
            if other is None:  # deleted since the line above
                return
            self.add_error(
                "mirror_key",
                _("Mirrored questions must be the same kind: in “%(survey)s” this key is a %(kind)s question.")
                % {"survey": other.survey, "kind": other.get_kind_display().lower()},
            )

    def save(self, commit=True):
        question = super().save(commit=False)
        if question.pk is None:
            # New questions go to the end.
            last = question.survey.questions.aggregate(last=Max("position"))["last"]
            question.position = 1 if last is None else last + 1
        if commit:
            question.save()
        return question


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["recurrence", "next_run_at", "reminder_after_days", "max_reminders", "close_after_days", "active"]
        widgets = {"next_run_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.survey = survey
        next_run_at = cast(forms.DateTimeField, self.fields["next_run_at"])
        next_run_at.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        self.fields["next_run_at"].help_text = _("Time zone: %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }
        self.fields["max_reminders"].help_text = _("0 sends no reminder. At most 3: more feels like pressure.")
        self.fields["active"].help_text = _(
            "Rounds open on schedule only while this is ticked and the survey is active."
        )

    def clean_next_run_at(self):
        next_run_at = self.cleaned_data["next_run_at"]
        if next_run_at <= timezone.now():
            raise forms.ValidationError(_("Choose a date and time in the future."))
        return next_run_at


class SurveyStatusForm(forms.Form):
    """Activate, archive, or go back to draft, when the survey's rules allow
    it (Survey.refusal_to_become); archiving pauses the schedule (Survey.save)."""

    ACTIONS = {
        "activate": SurveyStatus.ACTIVE,
        "archive": SurveyStatus.ARCHIVED,
        "draft": SurveyStatus.DRAFT,
    }
    BUTTONS = {"activate": _("Make active"), "archive": _("Archive"), "draft": _("Back to draft")}
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        # True when the action is understood but not allowed now (409, not 400).
        self.conflict = False

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        action = cleaned.get("action")
        if action is None:
            return cleaned
        refusal = self._refusal(action)
        if refusal:
            self.conflict = True
            raise forms.ValidationError(refusal)
        return cleaned

    def _refusal(self, action: str) -> "_StrOrPromise":
        return self.survey.refusal_to_become(self.ACTIONS[action])

    @transaction.atomic
    def save(self) -> Survey:
        survey = self.survey
        survey.status = self.ACTIONS[self.cleaned_data["action"]]
        survey.save(update_fields=["status", "updated_at"])
        return survey


class DismissFlagForm(forms.Form):
    """Keeping a flagged word (services/language_review.py), with why."""

    term = forms.ModelChoiceField(queryset=AgencyTerm.objects.all())
    place = forms.CharField(max_length=60)
    reason = forms.CharField(max_length=300, label=_("Why it stays"))


class QuestionWordingForm(forms.ModelForm):
    """The words of a question on a survey already sent (views/builder.py)."""

    class Meta:
        model = Question
        fields = ["text", "text_es", "help_text", "help_text_es"]


class CopySurveyForm(forms.Form):
    """The title of a copy of a survey (services/versions.copy_survey)."""

    title = forms.CharField(label=_("Title of the new survey"), max_length=Survey._meta.get_field("title").max_length)
