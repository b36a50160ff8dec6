"""Choice widgets with a search box: without JavaScript each is the plain
Django widget (a `<select>`, a `<select multiple>` or a list of checkboxes)
and posts as such; `static/js/search-select.js` adds a text box that filters
the choices as one types. A long list of checkboxes then shows only the
choices made until something is typed (or "Show all" is pressed).

The texts the script shows are rendered here, in the page's language, as
data- attributes (the content security policy forbids inline scripts)."""

from django import forms
from django.utils.translation import gettext_lazy as _

SEARCH_SCRIPT = forms.Script("js/search-select.js", defer=True)

# The script's texts; `{shown}`, `{total}` and `{chosen}` are replaced by figures.
TEXTS = {
    "search": _("Search"),
    "shown": _("Shown: {shown} of {total}"),
    "chosen": _("Chosen: {chosen}"),
    "show_all": _("Show all the choices"),
    "show_chosen": _("Show only the choices made"),
    "none": _("Nothing matches: try fewer letters."),
}


class SearchableMixin:
    template_name = "core/widgets/search_select.html"

    class Media:
        js = [SEARCH_SCRIPT]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The parent's own template, wrapped in the one that carries the texts.
        context["widget"]["inner_template"] = super().template_name
        context["widget"]["search_texts"] = {key: str(text) for key, text in TEXTS.items()}
        return context


class SearchSelect(SearchableMixin, forms.Select):
    """One choice among many (a person, an organisation)."""


class SearchCheckboxes(SearchableMixin, forms.CheckboxSelectMultiple):
    """Several choices as checkboxes (each readable without a mouse)."""
