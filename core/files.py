"""Rules for the files people attach (plan documents, attachments of what is
submitted for review, later photos and evidence): checked by content as well
as by extension, limited in size, stored under a generated name. Images are
stored re-encoded from their pixels only, so that no EXIF (GPS position,
camera serial), XMP or comment of the original reaches anyone who downloads
them."""

import io
import uuid
import warnings
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

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
# Images are decoded and written again (`strip_image_metadata`), in the format
# their content was recognised as.
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
# A larger picture is refused rather than decoded: a small file can claim
# billions of pixels (a "decompression bomb").
IMAGE_MAX_PIXELS = 50_000_000


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
    if detected in IMAGE_FORMATS:
        _check_image(upload)
    return detected


def _open_image(upload) -> Image.Image:
    """Open an uploaded image, refusing pictures too large to decode safely."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(upload)
    if image.width * image.height > IMAGE_MAX_PIXELS:
        image.close()
        raise Image.DecompressionBombError("too many pixels")
    return image


def _check_image(upload) -> None:
    """An image must decode: it is stored re-encoded, never as sent."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with _open_image(upload) as image:
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, UnidentifiedImageError):
        raise ValidationError(
            _("This image cannot be read; save it again as JPEG or PNG and attach it."),
            code="image",
        ) from None
    finally:
        upload.seek(position)


def _pixels_only(frame: Image.Image) -> Image.Image:
    """A new image holding the frame's pixels (and palette) and nothing else."""
    clean = Image.frombytes(frame.mode, frame.size, frame.tobytes())
    if frame.mode in ("P", "PA"):
        clean.putpalette(frame.getpalette())
    if "transparency" in frame.info:
        clean.info["transparency"] = frame.info["transparency"]
    return clean


def strip_image_metadata(upload, content_type: str) -> ContentFile:
    """The image re-encoded from its pixels: EXIF (GPS position, camera serial),
    XMP, ICC profile and comments of the original are left behind. The EXIF
    orientation is applied to the pixels first, so the photo stays upright."""
    image_format = IMAGE_FORMATS[content_type]
    output = io.BytesIO()
    with _open_image(upload) as image:
        frames = [
            _pixels_only(ImageOps.exif_transpose(frame)) for frame in ImageSequence.Iterator(image)
        ]
        options = {}
        if len(frames) > 1:
            options = {
                "save_all": True,
                "append_images": frames[1:],
                "duration": image.info.get("duration", 100),
                "loop": image.info.get("loop", 0),
            }
        if image_format == "JPEG":
            options["quality"] = 90
        frames[0].save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=upload.name)


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
    if content_type in IMAGE_FORMATS:
        # The original bytes, with wherever the photo was taken, are never kept.
        upload = strip_image_metadata(upload, content_type)
    return model.objects.create(
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        title=title,
        uploaded_by=by,
        **link,
    )
