"""Importing contributions and exchange rates from a spreadsheet."""


def contribution_import(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def contribution_template(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def rate_import(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def rate_template(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError
