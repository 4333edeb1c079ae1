"""Form fields every app's forms share."""

from django import forms


class PersonChoiceField(forms.ModelChoiceField):
    """Staff shown by name, as on every page, not by username."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()
