"""LongSelect writes the same HTML as Django's Select, only faster."""

import re

from django import forms

from partners.widgets import LongSelect

CHOICES = [("", "Any partner"), (1, "Riverton <Night> & Co"), (2, 'The "Quiet" Hours')]


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_same_html_as_djangos_select_with_a_value_and_attributes():
    attrs = {"id": "id_organization", "aria-describedby": "id_organization_error"}
    ours = LongSelect(choices=CHOICES).render("organization", 2, attrs)
    django = forms.Select(choices=CHOICES).render("organization", 2, attrs)
    assert squeeze(ours) == squeeze(django)
    assert '<option value="2" selected>The &quot;Quiet&quot; Hours</option>' in ours


def test_names_are_escaped_and_nothing_is_selected_without_a_value():
    html = LongSelect(choices=CHOICES).render("organization", None)
    assert "Riverton &lt;Night&gt; &amp; Co" in html
    assert "selected" not in html.replace('<option value="" selected>', "")


def test_a_model_choice_field_gives_the_same_options_without_building_objects(db, django_assert_num_queries):
    from partners.models import Organization
    from tests.factories import OrganizationFactory

    chosen = OrganizationFactory(name="Harbor <Street> Workers")
    OrganizationFactory(name='The "Quiet" Hours')
    queryset = Organization.objects.only("id", "name")
    ours = forms.ModelChoiceField(queryset, empty_label="Any partner", widget=LongSelect(label_field="name"))
    django = forms.ModelChoiceField(queryset, empty_label="Any partner")
    attrs = {"id": "id_organization"}

    with django_assert_num_queries(1):
        html = ours.widget.render("organization", chosen.pk, attrs)
    assert squeeze(html) == squeeze(django.widget.render("organization", chosen.pk, attrs))
    assert f'<option value="{chosen.pk}" selected>Harbor &lt;Street&gt; Workers</option>' in html
