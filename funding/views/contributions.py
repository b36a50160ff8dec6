"""Contributions and their deposits."""


def contribution_list(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def contribution_export_csv(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def contribution_export_xlsx(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def contribution_create(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def contribution_detail(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def contribution_edit(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def deposit_create(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError
