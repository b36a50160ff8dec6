from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import access
from reviews.queue import SECTION_LIMIT, queue_for


@login_required
def my_queue(request):
    context = {
        "sections": queue_for(request.user),
        "limit": SECTION_LIMIT,
        "is_reviewer": access.can_review(request.user),
    }
    return render(request, "reviews/queue.html", context)
