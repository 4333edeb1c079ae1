"""Tags, for staff: the list with how many partners carry each, add,
rename, and delete a tag no partner carries (one on partners is taken off
them first, with the partner list's bulk form, so that each partner's
history records it). Adding and renaming need the tag permissions program
managers have; deleting, partners.fix_mistakes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.generic import CreateView, UpdateView

from ..models import Tag
from .base import BadInputStatusMixin, StaffPermissionMixin, TitledFormMixin


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self) -> str:
        """One tag per name, whatever its case or spacing: "downtown " is "Downtown"."""
        name = " ".join(self.cleaned_data["name"].split())
        if Tag.objects.exclude(pk=self.instance.pk).filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is already a tag called “%(name)s”.") % {"name": name})
        return name


@permission_required("partners.view_tag", raise_exception=True)
@require_http_methods(["GET", "HEAD"])
def tag_list(request: HttpRequest) -> HttpResponse:
    tags = Tag.objects.annotate(partners=Count("organizations")).order_by("name")
    partner_list = reverse("partners:organization_list")
    return render(request, "partners/tag_list.html", {"tags": tags, "partner_list": partner_list})


class TagCreate(StaffPermissionMixin, BadInputStatusMixin, TitledFormMixin, SuccessMessageMixin, CreateView):
    permission_required = "partners.add_tag"
    create_title = gettext_lazy("Add a tag")
    model = Tag
    form_class = TagForm
    template_name = "partners/form_page.html"
    success_message = gettext_lazy("Tag “%(name)s” added.")


class TagEdit(StaffPermissionMixin, BadInputStatusMixin, TitledFormMixin, SuccessMessageMixin, UpdateView):
    permission_required = "partners.change_tag"
    model = Tag
    form_class = TagForm
    template_name = "partners/form_page.html"
    success_message = gettext_lazy("Tag renamed to “%(name)s”.")


@permission_required("partners.fix_mistakes", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.annotate(partners=Count("organizations")), pk=pk)
    context = {"tag": tag, "carried_by": reverse("partners:organization_list") + f"?tags={tag.pk}"}
    if request.method != "POST":
        return render(request, "partners/tag_delete.html", context)
    if tag.partners:  # type: ignore[attr-defined]
        return render(request, "partners/tag_delete.html", context, status=400)
    tag.delete()
    messages.success(request, _("Tag “%(name)s” deleted.") % {"name": tag.name})
    return redirect("partners:tag_list")
