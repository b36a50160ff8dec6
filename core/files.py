"""Rules for the files people attach (plan documents, attachments of what is
submitted for review, later photos and evidence): checked by content as well
as by extension, limited in size, stored under a generated name."""

import uuid
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Extension → the content types `filetype` may detect for it.
ALLOWED_TYPES = {
    "pdf": {"application/pdf"},
    "doc": {"application/msword"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xls": {"application/vnd.ms-excel", "application/msword"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
}
# Old Office files are OLE containers that `filetype` cannot tell apart.
_OLE = {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}


def validate_upload(upload) -> str:
    """Check an uploaded file; return its content type or raise ValidationError."""
    name = upload.name or ""
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValidationError(_("The file name must not contain folders."), code="name")
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Only PDF, Word, Excel and image files (PNG, JPEG, GIF, WebP) are accepted."),
            code="extension",
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="size",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(position)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    expected = ALLOWED_TYPES[extension]
    if detected is None or not (detected in expected or (expected & _OLE and detected in _OLE)):
        raise ValidationError(
            _("The content of this file does not match its .%(extension)s extension."),
            params={"extension": extension},
            code="content",
        )
    return detected


def upload_path(instance, filename: str) -> str:
    """A generated storage name: the person's file name is kept only as data."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def serve(attachment) -> FileResponse:
    """Send an attachment to a browser that was allowed to see it: as a
    download under its original name, never rendered inline."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attach_file(model, *, by, upload, title: str = "", **link) -> models.Model:
    """Store an uploaded file (already checked by the form) for the linked record."""
    content_type = validate_upload(upload)
    return model.objects.create(
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        title=title,
        uploaded_by=by,
        **link,
    )
