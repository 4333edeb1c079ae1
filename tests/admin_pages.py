"""Posting a Django admin change form the way a browser does: every field
the page holds, as it holds it, with the changes a test asks for."""

from django.db.models import Model
from django.test import Client
from django.urls import reverse

from tests.privacy.forms import forms_in, submission


def admin_change(client: Client, obj: Model, marker_field: str, **changes: str) -> tuple[int, str]:
    """Posts the admin change form of `obj` (the form holding
    `marker_field`) with `changes`. Returns the status and the page."""
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    (form,) = [form for form in forms_in(page.content.decode()) if form.has_field(marker_field)]
    data = submission(form, submit={"_save": "Save"})
    for name, value in changes.items():
        data[name] = [value]
    posted = client.post(url, data)
    return posted.status_code, posted.content.decode()
