from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portfolio import figures


@login_required
@require_safe
def glossary(request):
    """What every figure of the portal means, one definition each."""
    return render(request, "portfolio/glossary.html", {"terms": figures.glossary()})
