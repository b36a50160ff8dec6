"""French sentences into which names were put, elided as French writes them:
`{% blocktranslate … asvar heading %}…{% endblocktranslate %}{{ heading|elide }}`
("Rapports d'Ansongo", not "de Ansongo"); other languages' text unchanged."""

from django import template

from core import text

register = template.Library()


@register.filter(is_safe=True)
def elide(value: str) -> str:
    return text.elide(str(value))
