from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reviews.queue import SECTION_LIMIT, queue_for


@login_required
def my_queue(request):
    context = {"sections": queue_for(request.user), "limit": SECTION_LIMIT}
    return render(request, "reviews/queue.html", context)
