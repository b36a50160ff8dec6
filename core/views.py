"""Small helpers of every app's views."""


def posted(request):
    """The posted data on a POST, None on a GET: a form bound only when sent."""
    return request.POST if request.method == "POST" else None
