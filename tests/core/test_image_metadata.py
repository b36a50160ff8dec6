"""Attached photos lose their metadata (GPS position, camera serial, comments)
when stored: what anyone downloads is the picture, never where it was taken."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from projects.models import ProgressReportAttachment
from tests.factories import ProgressReportFactory

GPS_IFD = ExifTags.IFD.GPSInfo


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(image_format: str = "JPEG", *, orientation: int | None = None, size=(40, 20)) -> bytes:
    """A picture carrying what a phone writes: GPS position, camera serial, comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(GPS_IFD).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (16.0, 16.0, 20.0),
            ExifTags.GPS.GPSLongitudeRef: "W",
            ExifTags.GPS.GPSLongitude: (0.0, 2.0, 40.0),
        }
    )
    output = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    options = {"exif": exif}
    if image_format == "JPEG":
        options["comment"] = b"Forage de Tessit"
    image.save(output, format=image_format, **options)
    return output.getvalue()


def upload_and_download(client_for, uploader, reader, name: str, content: bytes) -> bytes:
    report = ProgressReportFactory()
    response = client_for(uploader).post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"title": "Forage", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302
    attachment = ProgressReportAttachment.objects.get()
    download = client_for(reader).get(f"/projects/reports/attachments/{attachment.pk}/")
    assert download.status_code == 200
    downloaded = b"".join(download.streaming_content)
    assert attachment.size == len(downloaded)
    return downloaded


@pytest.mark.parametrize(
    ("name", "image_format"),
    [("IMG_0042.jpg", "JPEG"), ("pompe.png", "PNG"), ("pompe.webp", "WEBP")],
)
def test_photo_is_downloaded_without_its_gps_position_or_camera_serial(
    client_for, gao_officer, hq_user, media, name, image_format
):
    original = photo(image_format)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    downloaded = upload_and_download(client_for, gao_officer, hq_user, name, original)

    assert downloaded != original
    image = Image.open(io.BytesIO(downloaded))
    assert image.format == image_format
    assert image.size == (40, 20)
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "comment" not in image.info and "xmp" not in image.info
    assert b"SN-123456" not in downloaded and b"PhoneMaker" not in downloaded
    assert b"Forage de Tessit" not in downloaded


def test_original_bytes_are_not_kept_on_disk(client_for, gao_officer, hq_user, media):
    upload_and_download(client_for, gao_officer, hq_user, "IMG_0042.jpg", photo())

    stored = [path for path in media.rglob("*") if path.is_file()]
    assert len(stored) == 1
    assert b"SN-123456" not in stored[0].read_bytes()


def test_photo_taken_sideways_stays_upright(client_for, gao_officer, hq_user, media):
    # Orientation 6: the camera was turned; hq_users rotate the 40×20 pixels.
    downloaded = upload_and_download(
        client_for, gao_officer, hq_user, "IMG_0043.jpg", photo(orientation=6)
    )

    assert Image.open(io.BytesIO(downloaded)).size == (20, 40)


def test_image_that_cannot_be_decoded_is_refused(client_for, gao_officer, media):
    # It could not be re-encoded, and its bytes are never stored as sent.
    report = ProgressReportFactory()
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 200
    client = client_for(gao_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        f"/projects/reports/{report.pk}/attachments/new/",
        {"file": SimpleUploadedFile("photo.jpg", broken)},
    )

    assert "This image cannot be read" in response.text
    assert not ProgressReportAttachment.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]
