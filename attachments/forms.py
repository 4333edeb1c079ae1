from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .kinds import ALLOWED_ENDINGS, kind_of

# Bytes read to tell a file's kind.
HEAD = 2048


def clean_name(name: str) -> str:
    """The file's own name, without any folder a browser sent with it."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if len(name) > 200:
        stem, dot, ending = name.rpartition(".")
        name = stem[: 199 - len(ending)] + dot + ending if dot else name[:200]
    return name or "file"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), error_messages={"required": _("Choose a file to attach.")})
    confidential = forms.BooleanField(
        label=_("Part of the confidential notes (only people who may read them see it)"), required=False
    )

    def __init__(self, *args, may_mark_confidential: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_mark_confidential:
            del self.fields["confidential"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ATTACHMENT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; files can be at most %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        upload.seek(0)
        head = upload.read(HEAD)
        upload.seek(0)
        kind = kind_of(upload.name, head)
        if kind is None:
            raise forms.ValidationError(
                _(
                    "Attach a PDF, an image, a text file or an office document (%(endings)s) "
                    "whose content matches its name."
                ),
                params={"endings": ALLOWED_ENDINGS},
            )
        self.cleaned_data["kind"] = kind
        return upload
