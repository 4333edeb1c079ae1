"""{% files_for object %}: the files attached to a partner, an interaction
or a delivery, with the upload form for those who may attach. One query."""

from django import template
from django.urls import reverse

from partners.models import Interaction

from ..forms import UploadForm
from ..views import PARENTS, visible_to

register = template.Library()

# Each parent model: Attachment's field, and the upload URL's name.
FIELDS = {model: (field, f"attachments:upload_{kind}") for kind, (model, field) in PARENTS.items()}


@register.inclusion_tag("attachments/_files.html", takes_context=True)
def files_for(context, parent) -> dict:
    request = context["request"]
    user = request.user
    field, upload_url_name = FIELDS[type(parent)]
    may_mark = isinstance(parent, Interaction) and user.has_perm("partners.view_confidential_notes")
    may_attach = user.has_perm("attachments.add_attachment")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "files": list(visible_to(user).filter(**{field: parent})),
        "form": UploadForm(may_mark_confidential=may_mark) if may_attach else None,
        "upload_url": reverse(upload_url_name, args=[parent.pk]),
        "may_delete": user.has_perm("partners.fix_mistakes"),
        "heading_id": f"files-{field}-{parent.pk}",
    }
