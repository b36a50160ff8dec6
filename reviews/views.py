from django.contrib import messages
from django.shortcuts import redirect

from accounts import access
from reviews import rules, services
from reviews.forms import ApproveForm, ReturnForm
from reviews.models import ReviewTrail

# --- Helpers for the pages of every reviewed record ------------------------------------


def review_context(
    request, item: ReviewTrail, *, approve_url: str, return_url: str, return_form=None
) -> dict:
    """What `reviews/_review_and_timeline.html` needs on a record's page."""
    user = request.user
    return {
        # The review's comments are internal: partners and viewers see none.
        "events": services.timeline(item) if access.sees_review_comments(user) else [],
        "return_event": return_event(user, item),
        "can_review": item.awaits_review and rules.may_review(user, item),
        # Two forms on one page, each with a `comment`: distinct HTML ids.
        "approve_form": ApproveForm(auto_id="approve_%s"),
        "return_form": return_form or ReturnForm(auto_id="return_%s"),
        "approve_url": approve_url,
        "return_url": return_url,
    }


def return_event(user, item: ReviewTrail):
    """What the banner atop a returned item's page shows
    (`reviews/_returned_banner.html`): the event that sent it back, with who
    and why; None for any other item, and for partners and viewers, who read
    no review comment."""
    if not (rules.is_returned(item) and access.sees_review_comments(user)):
        return None
    return services.latest_return(item)


def take_step(request, item: ReviewTrail, step: str, *, render_detail, done: dict[str, str]):
    """Submit, approve or return `item` from a POST, then go back to its page
    with `done[step]` as the message; who may act is checked by the caller.
    A return without a comment shows the page again with the form's error."""
    try:
        if step == "submit":
            services.submit(item, by=request.user)
        elif step == "approve":
            form = ApproveForm(request.POST)
            comment = form.cleaned_data["comment"] if form.is_valid() else ""
            services.approve(item, by=request.user, comment=comment)
        else:
            form = ReturnForm(request.POST, auto_id="return_%s")
            if not form.is_valid():
                return render_detail(request, item, return_form=form)
            services.return_for_changes(item, by=request.user, comment=form.cleaned_data["comment"])
    except services.WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done[step])
    return redirect(item)
