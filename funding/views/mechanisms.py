from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from funding.models import Mechanism


def _mechanisms_with_rules():
    # Two prefetches: windows and tranche steps, whatever the number of mechanisms.
    return Mechanism.objects.prefetch_related("windows", "tranche_steps")


@login_required
def mechanism_list(request):
    return render(request, "funding/mechanism_list.html", {"mechanisms": _mechanisms_with_rules()})


@login_required
def mechanism_detail(request, code):
    mechanism = get_object_or_404(_mechanisms_with_rules(), code=code)
    return render(request, "funding/mechanism_detail.html", {"mechanism": mechanism})


def project_ledger_csv(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def project_ledger_xlsx(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError
