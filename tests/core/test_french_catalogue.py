"""The French catalogue is complete and follows French typography.

Read with the standard library (a .po file is simple enough): each entry's
flags, its message and its translations. The rules, for every translation:

- it exists (no empty `msgstr`) and is not marked fuzzy;
- a non-breaking space (U+00A0, or the narrow U+202F) stands before `:`, `;`,
  `?` and `!` where they close a phrase (followed by a space, the end, a tag
  or a closing mark: not in "https://", "14:30", "?page=2", nor inside <code>);
- a non-breaking space stands between a number (or a placeholder) and `%`:
  "80 %", "%(share)s %";
- French quotes hold a non-breaking space inside: « texte »;
- apostrophes are all straight ('), as most of the catalogue writes them."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"

NO_BREAK = "\u00a0\u202f"
# A placeholder as Python formats it (%(name)s, %s, %d) stands for a word.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd]")
WORD = "\ue000"
CODE = re.compile(r"<code>.*?</code>", re.DOTALL)
# `:`, `;`, `?`, `!` closing a phrase: followed by the end, a space, a tag or
# a closing mark.
CLOSING_PUNCTUATION = re.compile(r"[:;?!](?=$|[\s<)\"»\]}.,])")
PERCENT = "%"


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    obsolete: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _string(text: str) -> str:
    """A quoted .po string as the text it holds (C escapes as Python's)."""
    return ast.literal_eval(text)


def read_catalogue(path: Path) -> list[Entry]:
    entries, entry, key = [], None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, key = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = _string(line)
            if key == "msgid":
                entry.msgid += text
            elif key == "msgid_plural":
                entry.msgid_plural += text
            elif key == "msgstr":
                entry.msgstr[-1] += text
        else:
            keyword, _space, text = line.partition(" ")
            if keyword in ("msgid", "msgid_plural"):
                key = keyword
                setattr(entry, keyword, _string(text))
            elif keyword.startswith("msgstr"):
                key = "msgstr"
                entry.msgstr.append(_string(text))
            else:  # msgctxt
                key = keyword
    return [e for e in entries if e.msgid and not e.obsolete]


def _before(words: str, start: int) -> str:
    """The text up to the mark at `start`, for the error message."""
    return "…" + words[max(0, start - 20) : start + 1].replace(WORD, "%(…)s")


def typography_errors(text: str) -> list[str]:
    """What `text` breaks of the rules above, empty if nothing."""
    errors = []
    # Code (an HTTP header, a command) is written as the machine reads it.
    words = CODE.sub(WORD, PLACEHOLDER.sub(WORD, text)).replace("%%", PERCENT)
    for match in CLOSING_PUNCTUATION.finditer(words):
        start = match.start()
        before = words[start - 1] if start else ""
        if before in NO_BREAK or before in ":;?!" or not before:
            continue
        errors.append(f"no non-breaking space before {match.group()!r}: {_before(words, start)}")
    for match in re.finditer(re.escape(PERCENT), words):
        start = match.start()
        before = words[max(0, start - 2) : start]
        if before[-1:] in NO_BREAK:
            continue
        if re.search(rf"[\d{WORD}] ?$", before):
            errors.append(f"no non-breaking space before '%': {_before(words, start)}")
    if re.search(rf"«[^{NO_BREAK}]|[^{NO_BREAK}]»", words):
        errors.append("no non-breaking space inside « »")
    if "\u2019" in text:
        errors.append("a curly apostrophe (’): the catalogue writes them straight (')")
    return errors


ENTRIES = read_catalogue(CATALOGUE)


def test_the_catalogue_is_read():
    assert len(ENTRIES) > 1000
    assert any(e.msgid == "Save" for e in ENTRIES)


def test_every_message_is_translated_and_none_is_fuzzy():
    missing = [str(e) for e in ENTRIES if not e.msgstr or not all(e.msgstr)]
    fuzzy = [str(e) for e in ENTRIES if "fuzzy" in e.flags]

    assert missing == []
    assert fuzzy == []


def test_every_translation_follows_french_typography():
    errors = [
        f"{entry}: {error}"
        for entry in ENTRIES
        for translation in entry.msgstr
        for error in typography_errors(translation)
    ]

    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    "text",
    [
        "Enregistrer\u00a0?",
        "Période\u00a0: %(start)s",
        "Voir https://example.org/ ou 14:30",
        "%(share)s\u00a0%% des fonds",
        "80\u00a0% des femmes",
        "La page ?page=2",
        "Le projet «\u00a0Eau\u00a0» d'Ansongo",
        "Attention\u00a0!",
        "En-tête <code>Authorization: Bearer</code>\u00a0:",
    ],
)
def test_typography_accepts(text):
    assert typography_errors(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Enregistrer ?",
        "Enregistrer?",
        "Période: %(start)s",
        "%(name)s : %(role)s",
        "%(share)s%% des fonds",
        "%(share)s %% des fonds",
        "80 % des femmes",
        "Le projet « Eau » ici",
        "Le projet d’Ansongo",
        "<strong>Attention</strong>!",
    ],
)
def test_typography_refuses(text):
    assert typography_errors(text) != []
