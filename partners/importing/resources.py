"""django-import-export resources for the three kinds of import.

The library reads the rows, turns cells into values (widgets.py), runs the
model's own validation (full_clean, so Interaction.clean's date rules and
every field's choices and lengths apply) and reports row by row. What we
add: duplicates found by name (matching.py) and the choice made for each
(skip, update, create); a dry run that writes nothing at all (the library's
own rolls a transaction back after saving every row, which costs queries per
row); and a record of what was created and updated, for undo."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _
from import_export import fields, resources

from ..choices import Channel, InteractionKind, Language, OrganizationKind, Stage
from ..models import Contact, ImportKind, Interaction, Organization, Tag
from ..similar_names import folded
from .matching import Match, NameIndex, contact_indexes, partner_index
from .widgets import ChoiceWidget, DateWidget, LookupWidget, TextWidget, WholeNumberWidget, YesNoWidget

SKIP, UPDATE, CREATE = "skip", "update", "create"
TAG_LENGTH = 60  # Tag.name's max_length
CHOICES = (SKIP, UPDATE, CREATE)


def _partner_lookup(index: NameIndex) -> dict:
    """Folded partner name: partner id. Contacts and interactions name their
    partner exactly (once folded): a guess could file them under another."""
    return {key: pk for key, (pk, _name) in index.by_folded.items()}


class ImportResource(resources.ModelResource):
    """One import run. `choices` maps a row's number in the dataset (from 1)
    to what to do if it is a duplicate; rows not in it get `default_choice`.
    In a preview, nothing is saved and a duplicate is checked as the update
    it would be, so that its problems show before anyone chooses."""

    kind: str = ""
    # The field whose cell names the row, for duplicate detection.
    name_field = ""
    # Fields checked here against rows loaded once, not by full_clean (which
    # would ask the database about each row's foreign key).
    looked_up: tuple[str, ...] = ()

    class Meta:
        use_bulk = True  # no savepoint per row; rows are saved one by one in save_instance
        skip_diff = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, *, user, preview: bool, choices: dict[int, str] | None = None, default_choice: str = SKIP):
        self.user = user
        self.preview = preview
        self.choices = choices or {}
        self.default_choice = default_choice
        self.matches: dict[int, Match] = {}
        self.first_row: dict[str, int] = {}
        self.instances: dict[int, Any] = {}
        self.history_before: dict[int, int | None] = {}
        self.tags_before: dict[int, list[int]] = {}
        self.created_ids: list[int] = []
        self.updated_ids: list[int] = []
        self.number = 0
        super().__init__()

    # What to do with each row

    def load(self, dataset) -> None:
        """Loads what every row is compared with, once."""

    def match_for(self, row) -> Match | None:
        return None

    def same_row_key(self, row) -> str:
        return folded(str(row.get(self.name_field) or ""))

    def choice_for(self, number: int) -> str:
        if number not in self.matches:
            return CREATE
        if self.preview:
            return UPDATE
        return self.choices.get(number, self.default_choice)

    def before_import(self, dataset, **kwargs):
        self.load(dataset)
        keys = {}
        for number, values in enumerate(dataset.dict, 1):
            if match := self.match_for(values):
                self.matches[number] = match
            keys[number] = self.same_row_key(values)
        self.duplicate_of = {}
        for number, key in keys.items():
            if key and key in self.first_row:
                self.duplicate_of[number] = self.first_row[key]
            elif key:
                self.first_row[key] = number
        to_update = [m.pk for n, m in self.matches.items() if self.choice_for(n) == UPDATE]
        model = self._meta.model
        self.instances = model.objects.in_bulk(to_update) if to_update else {}
        if to_update and not self.preview:
            latest = model.history.filter(id__in=to_update).values("id").annotate(last=Max("history_id"))
            self.history_before = {row["id"]: row["last"] for row in latest}
            # A row older than its history (made before it was kept) gets a
            # first record now, so that an undo has something to return to.
            unrecorded = [self.instances[pk] for pk in to_update if pk not in self.history_before]
            if unrecorded:
                model.history.bulk_history_create(unrecorded)
                latest = model.history.filter(id__in=[o.pk for o in unrecorded]).values("id")
                for row in latest.annotate(last=Max("history_id")):
                    self.history_before[row["id"]] = row["last"]

    def before_import_row(self, row, **kwargs):
        self.number = kwargs["row_number"]
        if self.number in self.duplicate_of:
            raise ValidationError(_("Same as row %(row)s of this file.") % {"row": self.duplicate_of[self.number] + 1})

    def get_instance(self, instance_loader, row):
        match = self.matches.get(self.number)
        if match and self.choice_for(self.number) == UPDATE:
            return self.instances.get(match.pk)
        return None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An update changes what the file says, never blanks what it leaves empty.
        if instance.pk and str(row.get(field.column_name) or "").strip() == "":
            return
        # The name matched the existing row; the row keeps its own spelling.
        if instance.pk and field.attribute == self.name_field:
            return
        # An empty cell leaves a new row's field at the model's default.
        field.saves_null_values = False
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self.choice_for(self.number) == SKIP

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's rules (fields, validators, clean()), without the ones
        that ask the database row by row: foreign keys were found in rows
        loaded once, and uniqueness is checked against the names loaded once
        (check_unique). The check constraints repeat field validators."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, *self.looked_up], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in self.looked_up:
            if name not in errors and self.required(name) and getattr(instance, f"{name}_id") is None:
                errors[name] = [_("This column must name one.")]
        if not errors:
            self.check_unique(instance, errors)
        if errors:
            raise ValidationError(errors)

    def required(self, name: str) -> bool:
        return not self._meta.model._meta.get_field(name).null

    def check_unique(self, instance, errors: dict) -> None:
        """The database's unique rules, against the names loaded once."""

    # Saving

    def save_instance(self, instance, is_create, row, **kwargs):
        if self.preview:
            return
        instance.save(force_insert=is_create)
        (self.created_ids if is_create else self.updated_ids).append(instance.pk)
        self.saved(instance, is_create, row)

    def saved(self, instance, is_create: bool, row) -> None:
        """After a row is saved: what else it brings along."""

    def after_import(self, dataset, result, **kwargs):
        # No sequence reset (ModelResource's): we never import ids.
        pass

    def updated_records(self) -> list[list]:
        """[pk, history id before, history id after] for each updated row."""
        if not self.updated_ids:
            return []
        model = self._meta.model
        after = dict(
            model.history.filter(id__in=self.updated_ids)
            .values("id")
            .annotate(last=Max("history_id"))
            .values_list("id", "last")
        )
        return [[pk, self.history_before.get(pk), after.get(pk)] for pk in self.updated_ids]


def _users() -> dict:
    """A relationship lead, by username or full name (folded)."""
    found: dict[str, Any] = {}
    for user in get_user_model().objects.filter(is_active=True):
        full = folded(user.get_full_name())
        if full:
            found.setdefault(full, user)
        found[folded(user.get_username())] = user
    return found


class PartnerResource(ImportResource):
    kind = ImportKind.PARTNERS
    name_field = "name"
    looked_up = ("relationship_lead",)

    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    kind_ = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(OrganizationKind))
    stage = fields.Field(attribute="stage", column_name="stage", widget=ChoiceWidget(Stage))
    service_area = fields.Field(attribute="service_area", column_name="service_area", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="description", widget=TextWidget())
    lived_experience_led = fields.Field(
        attribute="lived_experience_led", column_name="lived_experience_led", widget=YesNoWidget()
    )
    keep_in_touch_days = fields.Field(
        attribute="keep_in_touch_days", column_name="keep_in_touch_days", widget=WholeNumberWidget()
    )
    contact_preferences = fields.Field(
        attribute="contact_preferences", column_name="contact_preferences", widget=TextWidget()
    )

    class Meta(ImportResource.Meta):
        model = Organization
        fields = (
            "name",
            "kind_",
            "stage",
            "service_area",
            "description",
            "lived_experience_led",
            "keep_in_touch_days",
            "contact_preferences",
        )

    def load(self, dataset) -> None:
        self.partners = partner_index()
        self.fields["relationship_lead"] = fields.Field(
            attribute="relationship_lead",
            column_name="relationship_lead",
            widget=LookupWidget(_users(), _("Nobody here has the username or name “%(value)s”.")),
        )
        self.tags = {folded(tag.name): tag for tag in Tag.objects.all()}

    def match_for(self, row) -> Match | None:
        return self.partners.find(str(row.get("name") or ""))

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if any(len(name) > TAG_LENGTH for name in self.tag_names(row)):
            errors["tags"] = [ValidationError(_("A tag is at most 60 characters."))]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def tag_names(row) -> list[str]:
        cell = str(row.get("tags") or "").replace(";", ",")
        return [name.strip() for name in cell.split(",") if name.strip()]

    def check_unique(self, instance, errors: dict) -> None:
        if instance.pk is None and instance.name in self.partners.taken:
            errors["name"] = [_("A partner with exactly this name exists: skip this row or update it.")]

    def saved(self, instance, is_create: bool, row) -> None:
        if is_create:
            self.partners.add(instance.pk, instance.name)
        names = self.tag_names(row)
        if not names:
            return
        if not is_create:
            self.tags_before[instance.pk] = [tag.pk for tag in instance.tags.all()]
        tags = []
        for name in names:
            tag = self.tags.get(folded(name))
            if tag is None:
                tag = self.tags[folded(name)] = Tag.objects.create(name=name)
            tags.append(tag)
        instance.tags.add(*tags)

    def updated_records(self) -> list[list]:
        return [[*record, self.tags_before.get(record[0])] for record in super().updated_records()]


class ContactResource(ImportResource):
    kind = ImportKind.CONTACTS
    name_field = "name_or_alias"
    looked_up = ("organization",)

    name_or_alias = fields.Field(attribute="name_or_alias", column_name="name_or_alias", widget=TextWidget())
    role = fields.Field(attribute="role", column_name="role", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=TextWidget())
    preferred_channel = fields.Field(
        attribute="preferred_channel", column_name="preferred_channel", widget=ChoiceWidget(Channel)
    )
    language = fields.Field(
        attribute="language",
        column_name="language",
        widget=ChoiceWidget(Language, extra={"spanish": Language.SPANISH}),
    )
    consent_to_surveys = fields.Field(
        attribute="consent_to_surveys", column_name="consent_to_surveys", widget=YesNoWidget()
    )

    class Meta(ImportResource.Meta):
        model = Contact
        fields = (
            "name_or_alias",
            "role",
            "email",
            "phone",
            "preferred_channel",
            "language",
            "consent_to_surveys",
        )

    def load(self, dataset) -> None:
        self.partner_ids = _partner_lookup(partner_index())
        self.contacts = contact_indexes()
        self.fields["partner"] = fields.Field(
            attribute="organization_id",
            column_name="partner",
            widget=LookupWidget(self.partner_ids, _("No partner is named “%(value)s”. Import or add it first.")),
        )

    def partner_of(self, row) -> int | None:
        return self.partner_ids.get(folded(str(row.get("partner") or "")))

    def match_for(self, row) -> Match | None:
        partner = self.partner_of(row)
        index = self.contacts.get(partner) if partner else None
        return index.find(str(row.get("name_or_alias") or "")) if index else None

    def same_row_key(self, row) -> str:
        name = super().same_row_key(row)
        return f"{self.partner_of(row)}:{name}" if name else ""

    def check_unique(self, instance, errors: dict) -> None:
        index = self.contacts.get(instance.organization_id)
        if instance.pk is None and index and instance.name_or_alias in index.taken:
            errors["name_or_alias"] = [_("This partner has a contact with exactly this name: skip or update it.")]

    def saved(self, instance, is_create: bool, row) -> None:
        if is_create:
            self.contacts.setdefault(instance.organization_id, NameIndex([])).add(instance.pk, instance.name_or_alias)


class InteractionResource(ImportResource):
    """Interactions have no duplicate check: two calls on one day are two
    calls. Confidential notes are never read from a file (reading.py keeps
    only these columns): they are typed on the interaction's own page."""

    kind = ImportKind.INTERACTIONS
    looked_up = ("organization",)

    kind_ = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(InteractionKind))
    date = fields.Field(attribute="happened_on", column_name="date", widget=DateWidget())
    summary = fields.Field(attribute="summary", column_name="summary", widget=TextWidget())

    class Meta(ImportResource.Meta):
        model = Interaction
        fields = ("kind_", "date", "summary")

    def load(self, dataset) -> None:
        self.fields["partner"] = fields.Field(
            attribute="organization_id",
            column_name="partner",
            widget=LookupWidget(
                _partner_lookup(partner_index()), _("No partner is named “%(value)s”. Import or add it first.")
            ),
        )

    def same_row_key(self, row) -> str:
        return ""

    def init_instance(self, row=None):
        return Interaction(logged_by=self.user)


RESOURCES: dict[str, type[ImportResource]] = {
    ImportKind.PARTNERS: PartnerResource,
    ImportKind.CONTACTS: ContactResource,
    ImportKind.INTERACTIONS: InteractionResource,
}
# The columns each kind reads, and other names people give them.
COLUMNS: dict[str, tuple[str, ...]] = {
    ImportKind.PARTNERS: (
        "name",
        "kind",
        "stage",
        "service_area",
        "description",
        "lived_experience_led",
        "relationship_lead",
        "keep_in_touch_days",
        "contact_preferences",
        "tags",
    ),
    ImportKind.CONTACTS: (
        "partner",
        "name_or_alias",
        "role",
        "email",
        "phone",
        "preferred_channel",
        "language",
        "consent_to_surveys",
    ),
    ImportKind.INTERACTIONS: ("partner", "kind", "date", "summary"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    ImportKind.PARTNERS: ("name",),
    ImportKind.CONTACTS: ("partner", "name_or_alias"),
    ImportKind.INTERACTIONS: ("partner", "date", "summary"),
}
_PARTNER_COLUMN = {"partner_name": "partner", "organization": "partner", "organization_name": "partner"}
ALIASES: dict[str, dict[str, str]] = {
    ImportKind.PARTNERS: {"partner_name": "name", "partner": "name", "lead": "relationship_lead"},
    ImportKind.CONTACTS: {**_PARTNER_COLUMN, "name": "name_or_alias", "alias": "name_or_alias"},
    ImportKind.INTERACTIONS: {**_PARTNER_COLUMN, "happened_on": "date"},
}
