"""E-mails of the review workflow, each in its recipient's language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from accounts.roles import Role


def reviewers():
    return (
        get_user_model()
        .objects.filter(groups__name=Role.HQ_OFFICER, is_active=True)
        .exclude(email="")
    )


def submitted(item) -> None:
    """Tell headquarters reviewers that an item awaits their review."""
    recipients = reviewers().exclude(pk=item.submitted_by_id)
    _send("submitted", item, recipients, {"actor": item.submitted_by})


def reviewed(item, *, approved: bool, comment: str = "") -> None:
    """Tell the submitter that their item was approved or returned."""
    submitter = item.submitted_by
    if not submitter.email or not submitter.is_active:
        return
    template = "approved" if approved else "returned"
    _send(template, item, [submitter], {"actor": item.reviewed_by, "comment": comment})


def _send(template: str, item, recipients, extra: dict) -> None:
    url = settings.PORTAL_URL.rstrip("/") + item.get_absolute_url()
    messages = []
    for recipient in recipients:
        with translation.override(recipient.language):
            context = {"item": item, "url": url, "recipient": recipient, **extra}
            subject = render_to_string(f"reviews/email/{template}_subject.txt", context)
            body = render_to_string(f"reviews/email/{template}_body.txt", context)
        messages.append(
            EmailMessage(
                subject=" ".join(subject.split()),
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.email],
            )
        )
    if messages:
        get_connection().send_messages(messages)
