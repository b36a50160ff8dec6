"""Text that every file format can hold.

XML 1.0 (the IATI file, the sheets inside an XLSX workbook) forbids the
control characters other than tab, line feed and carriage return, and the
non-characters U+FFFE and U+FFFF: one of them in a title makes the whole file
unreadable. Nobody types them on purpose (they come from pasted text or from
a probe), so forms refuse them and exports strip what older rows still hold."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, LF and CR; DEL and the C1 controls; lone surrogates
# (they cannot even be encoded as UTF-8); the Unicode non-characters
# (U+FDD0..U+FDEF and the last two code points of every plane).
_NON_CHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + re.escape(_NON_CHARACTERS)
    + "]"
)


def clean_text(value: str) -> str:
    """`value` without the characters that no export may hold."""
    return FORBIDDEN_CHARACTERS.sub("", value)


def validate_text(value) -> None:
    """Refuse text holding control characters or Unicode non-characters."""
    if isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text (often pasted by mistake)."),
            code="control_characters",
        )


# --- Text in the active language ---------------------------------------------------


def in_active_language(french: str, english: str) -> str:
    """Of a text kept in both languages, the one for the active language; the
    other when that one is empty (French is the mission's working language,
    so the English text may be missing)."""
    if (get_language() or "fr").startswith("en"):
        return english or french
    return french or english


# --- French phrases built from names -------------------------------------------------

# "de" before a name that begins with a vowel or with an article, as French
# writes it. An h is left alone: it may be aspirated ("de haut niveau").
_DE_BEFORE_NAME = re.compile(r"\b([Dd])e (Les |Le |La |L'|L\u2019|(?=[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ]))")
_DE_JOINED = {"": "'", "Les ": "es ", "Le ": "u ", "La ": "e la ", "L'": "e l'", "L\u2019": "e l'"}


def _join_de(match: re.Match) -> str:
    return match.group(1) + _DE_JOINED[match.group(2)]


def elide(text: str) -> str:
    """`text`, a French sentence into which names were put ("Rapports de
    %(office)s"), with "de" elided or contracted before them: "d'Ansongo",
    "de Gao", "de la Délégation" (from "La Délégation"), "du Caire" (from
    "Le Caire"); the text of any other language as it is. Only capitals
    start a change: the sentence's own words are written right already."""
    if not (get_language() or "").startswith("fr"):
        return text
    return _DE_BEFORE_NAME.sub(_join_de, text)
