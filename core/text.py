"""Text that every file format can hold.

XML 1.0 (the IATI file, the sheets inside an XLSX workbook) forbids the
control characters other than tab, line feed and carriage return, and the
non-characters U+FFFE and U+FFFF: one of them in a title makes the whole file
unreadable. Nobody types them on purpose (they come from pasted text or from
a probe), so forms refuse them and exports strip what older rows still hold."""

import re

from django.core.exceptions import ValidationError
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
