"""Putting a file in and taking it out: encrypted on the way in, checked
and decrypted on the way out."""

from django.db import models, transaction

from core.encrypted_fields import decrypt_bytes, encrypt_bytes

from .kinds import FileKind
from .models import Attachment, AttachmentContent


@transaction.atomic
def store(parent: models.Model, field: str, name: str, kind: FileKind, data: bytes, user, confidential=False):
    attachment = Attachment.objects.create(
        **{field: parent},
        name=name,
        kind=kind,
        size=len(data),
        confidential=confidential,
        uploaded_by=user,
    )
    AttachmentContent.objects.create(attachment=attachment, data=encrypt_bytes(data))
    return attachment


def read(attachment: Attachment) -> bytes:
    return decrypt_bytes(AttachmentContent.objects.values_list("data", flat=True).get(attachment=attachment))
