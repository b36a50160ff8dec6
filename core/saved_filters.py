"""Filters people save on a list ("my Gao QIPs") and find again in one click.

A list's page offers to save its current filters under a name. The form
carries the list's address and the names of its filters, signed by the
server (a person cannot save a filter for another address, or values the list
does not know); the query string is kept to those names. Each person sees and
deletes only their own saved filters: another's answers 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import Form
from core.models import SavedFilter

SALT = "core.saved_filters"
# Query parameters that say which page, not which rows: never saved.
NOT_SAVED = frozenset({"page"})
QUERY_MAX_LENGTH = SavedFilter._meta.get_field("query").max_length


def list_token(path: str, params) -> str:
    """The signed address of a list and the names of its filters, for its
    "Save this filter" form."""
    return signing.dumps({"path": path, "params": sorted(set(params) - NOT_SAVED)}, salt=SALT)


def kept_query(query: str, params) -> str:
    """`query` with only the list's own filters (`params`) and no empty value."""
    asked = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in asked:
        values = [value for value in asked.getlist(name) if value.strip()]
        if name in params and values:
            kept.setlist(name, values)
    return kept.urlencode()


def of(user, path: str):
    """The filters `user` saved on the list at `path` (nothing for an
    anonymous visitor): one query, when the list is shown."""
    if not user.is_authenticated:
        return SavedFilter.objects.none()
    return SavedFilter.objects.of(user, path).only("pk", "name", "path", "query")


class SaveFilterForm(Form):
    name = forms.CharField(
        label=_("Name of the filter"),
        max_length=SavedFilter.NAME_MAX_LENGTH,
        help_text=_("For example: my Gao QIPs."),
    )
    list = forms.CharField(widget=forms.HiddenInput)
    query = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_list(self) -> dict | None:
        try:
            return signing.loads(self.cleaned_data["list"], salt=SALT)
        except signing.BadSignature:
            # Above the form: the field is hidden.
            self.add_error(
                None,
                forms.ValidationError(
                    _("This list cannot be saved: open the list again."), code="bad_list"
                ),
            )
            return None

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("list")
        if not target:
            return cleaned
        query = kept_query(cleaned.get("query") or "", target["params"])
        if not query:
            raise forms.ValidationError(
                _("Choose at least one filter before saving it."), code="no_filter"
            )
        if len(query) > QUERY_MAX_LENGTH:
            raise forms.ValidationError(
                _("These filters are too long to be saved."), code="too_long"
            )
        cleaned["query"] = query
        name = cleaned.get("name")
        if (
            name
            and SavedFilter.objects.filter(
                user=self.user, path=target["path"], name__iexact=name
            ).exists()
        ):
            self.add_error(
                "name",
                forms.ValidationError(
                    _("You already have a filter of this name on this list."), code="duplicate"
                ),
            )
        return cleaned


# Where a page kept for everyone (`core.render_cache`) has the person's own
# saved filters put in, after it is taken from the cache (`shown_in`).
SLOT = "<!-- saved-filters -->"


def block(request, path: str, params) -> dict:
    """What `core/_saved_filters.html` shows on the list at `path`, whose
    filters are named `params`: the person's saved filters and the unbound
    form saving the current ones. Nothing for an anonymous visitor."""
    if not request.user.is_authenticated:
        return {"shown": False}
    form = SaveFilterForm(
        user=request.user,
        auto_id="save-filter-%s",
        initial={
            "list": list_token(path, params),
            "query": kept_query(request.GET.urlencode(), params),
        },
    )
    return {"shown": True, "saved": of(request.user, path), "save_form": form}


def shown_in(html: str, request, path: str, params) -> str:
    """`html`, a page kept for everyone, with the person's saved filters in
    its slot. The slot is the first of its kind: any text of a record on the
    page is escaped and cannot look like it."""
    own = render_to_string("core/_saved_filters.html", block(request, path, params), request)
    # Both are templates' output, every value in them escaped already.
    return mark_safe(html.replace(SLOT, own, 1))  # nosec B308 B703: templates' output


@login_required
@require_POST
def saved_filter_create(request):
    form = SaveFilterForm(request.POST, user=request.user, auto_id="save-filter-%s")
    if form.is_valid():
        target = form.cleaned_data["list"]
        try:
            with transaction.atomic():
                saved = SavedFilter.objects.create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    path=target["path"],
                    query=form.cleaned_data["query"],
                )
        except IntegrityError:
            # The same name saved in the meantime, by another tab.
            form.add_error("name", _("You already have a filter of this name on this list."))
        else:
            messages.success(
                request, _gettext("The filter “%(name)s” was saved.") % {"name": saved.name}
            )
            return redirect(saved.url)
    target = form.cleaned_data.get("list")
    back = target["path"] if isinstance(target, dict) else None
    return render(request, "core/saved_filter_form.html", {"form": form, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def saved_filter_delete(request, pk: int):
    # Scoped by the owner in the query itself: another's filter is not found.
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    if request.method == "POST":
        path = saved.path
        saved.delete()
        messages.success(
            request, _gettext("The filter “%(name)s” was deleted.") % {"name": saved.name}
        )
        return redirect(path)
    return render(request, "core/saved_filter_delete.html", {"saved": saved})
