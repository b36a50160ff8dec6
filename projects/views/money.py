"""A project's money: funding approvals, tranches and expenditure, recorded by
fund managers through `funding.services`."""


def approval_create(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def tranche_create(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def expenditure_create(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError
