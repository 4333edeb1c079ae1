from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.encrypted_fields import EncryptedTextField

from .models import Contact, Interaction, Organization, SupportDelivery, SupportRequest, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    # Email and phone are stored encrypted as text; edit them on one line.
    formfield_overrides = {EncryptedTextField: {"widget": forms.TextInput}}
    fields = ["name_or_alias", "role", "email", "preferred_channel", "language", "consent_to_surveys", "opted_out"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "stage", "relationship_lead", "keep_in_touch_days"]
    list_filter = ["stage", "kind", "lived_experience_led", "tags"]
    search_fields = ["name", "service_area"]
    autocomplete_fields = ["tags"]
    list_select_related = ["relationship_lead"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name_or_alias", "organization", "preferred_channel", "consent_to_surveys", "opted_out"]
    list_filter = ["consent_to_surveys", "opted_out", "language"]
    search_fields = ["name_or_alias", "organization__name"]
    list_select_related = ["organization"]


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
    list_display = ["happened_on", "organization", "kind", "logged_by", "follow_up_on", "follow_up_done"]
    list_filter = ["kind", "follow_up_done"]
    search_fields = ["organization__name", "summary"]
    date_hierarchy = "happened_on"
    list_select_related = ["organization", "logged_by"]
    filter_horizontal = ["contacts"]

    def get_exclude(self, request, obj=None):
        # Staff without the confidential-notes permission never see the notes,
        # here or in the change history.
        if request.user.has_perm("partners.view_confidential_notes"):
            return super().get_exclude(request, obj)
        return [*(super().get_exclude(request, obj) or []), "confidential_notes"]


@admin.register(SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = ["asked_on", "organization", "category", "status", "urgency", "initiated_by", "amount_asked"]
    list_filter = ["status", "category", "urgency", "initiated_by"]
    search_fields = ["organization__name", "description"]
    list_select_related = ["organization"]


@admin.register(SupportDelivery)
class SupportDeliveryAdmin(SimpleHistoryAdmin):
    list_display = ["delivered_on", "organization", "request", "category", "money", "hours", "delivered_by"]
    list_filter = ["category"]
    search_fields = ["organization__name", "description"]
    list_select_related = ["organization", "request", "delivered_by"]
