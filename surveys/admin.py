"""The Django admin for administrators. Day-to-day work happens on the staff
pages; here an administrator can fix what those pages do not reach. Answers
and links are not registered: answers are read as aggregates on the results
page, and a link's hash is of no use to anyone."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms.recipients import RecipientForm
from .models import (
    AgencyTerm,
    DismissedFlag,
    Invitation,
    Question,
    Recipient,
    RecipientGroup,
    Round,
    Schedule,
    Survey,
    YouSaidWeDid,
)
from .tables import mask_email


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        "position",
        ("kind", "required"),
        ("text", "text_es"),
        ("help_text", "help_text_es"),
        ("domain", "mirror_key"),
        "choices",
    ]


class ScheduleInline(admin.StackedInline):
    model = Schedule
    extra = 0


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "audience", "status", "anonymous", "estimated_minutes", "updated_at"]
    list_filter = ["audience", "status", "anonymous"]
    search_fields = ["title", "title_es"]
    inlines = [QuestionInline, ScheduleInline]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "survey", "position", "kind", "domain", "mirror_key", "required"]
    list_filter = ["kind", "domain", "survey__audience"]
    search_fields = ["text", "text_es", "mirror_key"]
    list_select_related = ["survey"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["survey", "opened_at", "closes_at", "status"]
    list_filter = ["status", "survey__audience"]
    list_select_related = ["survey"]
    readonly_fields = ["survey", "schedule", "opened_at", "reminder_after_days", "max_reminders"]
    exclude = ["shared_token_hash"]

    def has_add_permission(self, request):
        # Rounds are opened by the schedule or the round page, which also
        # create the invitations.
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: sending state belongs to the workers and the round page."""

    list_display = ["pk", "round", "state", "attempts", "reminder_state", "reminders_sent", "responded"]
    list_filter = ["state", "reminder_state", "responded"]
    list_select_related = ["round__survey"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recipient)
class RecipientAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "audience", "masked_email", "language", "consent", "opted_out", "created_at"]
    list_filter = ["audience", "language", "consent", "opted_out"]
    # The staff form: it refuses an address already on the same list, which
    # the database would otherwise report as an error page.
    form = RecipientForm

    @admin.display(description="email")
    def masked_email(self, obj: Recipient) -> str:
        return mask_email(obj.email)


@admin.register(YouSaidWeDid)
class YouSaidWeDidAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "round", "created_at"]
    list_select_related = ["round__survey"]


@admin.register(AgencyTerm)
class AgencyTermAdmin(SimpleHistoryAdmin):
    """The words the survey builder flags (services/language_review.py)."""

    list_display = ["phrase", "language", "alternative", "active"]
    list_filter = ["language", "active"]
    search_fields = ["phrase", "alternative"]


@admin.register(DismissedFlag)
class DismissedFlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "survey", "reason", "dismissed_by", "dismissed_at"]
    list_select_related = ["survey", "term", "dismissed_by"]


@admin.register(RecipientGroup)
class RecipientGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "audience"]
    list_filter = ["audience"]
