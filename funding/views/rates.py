"""Exchange rates by month."""


def rate_list(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def rate_export_csv(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def rate_export_xlsx(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def rate_create(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError


def rate_edit(request, *args, **kwargs):  # placeholder, replaced by the page
    raise NotImplementedError
