"""Reading the values of Annex A cells: UK dates, yes/no answers, counts and the national code lists.

Councils fill the Ofsted template by hand, from reports, or from another system's extract, so one column can
hold "a) Male", "Male", "M" or "1", and a date can be a real spreadsheet date, an Excel serial number, or
text such as 03/04/2023, 3/4/23 or 2023-04-03. Every reader here accepts those forms and raises BadValue,
with a message a person can act on, for anything else; the importer turns that into a row-level finding.

Dates are read the UK way: 03/04/2023 is 3 April. A first number above 12 cannot be a month, so 04/13/2023
(a US-style date) is refused rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import models

from safeguarding.children.codes import (
    CategoryOfAbuse,
    Ethnicity,
    LegalStatus,
    PlacementType,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Sex,
)


class BadValue(ValueError):
    """A cell that cannot be read as its column's kind of value; the message says what was found."""


def normalised(text: str) -> str:
    """Text as lower-case letters and digits: "Child's Legal Status" matches "childs legal status"."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def cell_text(raw: object) -> str:
    """A cell's value as trimmed text ("" for an empty cell); whole floats lose their ".0" (Excel's 3.0)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


# --- Dates --------------------------------------------------------------------------------------------------

# Excel's 1900 date system counts days from 30 December 1899 (its day 1 is 1 January 1900, and it wrongly
# believes 1900 was a leap year, which the later epoch absorbs for every date after February 1900).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers read as dates only from 1927 (10,000) to 2119 (80,000): a child's record holds no dates
# outside that span, and a small number in a date column (a year typed as 2023, an age) is a mistake to
# report, not 1905.
EARLIEST_SERIAL = 10_000
LATEST_SERIAL = 80_000
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
_UK_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?: [\d:.]+)?")
_UK_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]{3,9})[\s\-,]+(\d{4}|\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


def excel_serial_date(serial: float) -> date:
    """The date an Excel serial number (1900 date system) stands for; the time of day is dropped."""
    if not EARLIEST_SERIAL <= serial <= LATEST_SERIAL:
        raise BadValue(f"{cell_text(serial)} is not a date (a number, but not a spreadsheet date)")
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _full_year(two_digits: int, today: date) -> int:
    """A two-digit year in this century, unless that is more than a year ahead (then the last century)."""
    year = 2000 + two_digits
    return year if year <= today.year + 1 else year - 100


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if month > 12 and day <= 12:
            raise BadValue(f"{text!r} is not a UK date (day/month/year)") from None
        raise BadValue(f"{text!r} is not a real date") from None


def parse_date(raw: object, *, today: date | None = None) -> date | None:
    """A date from a cell: a spreadsheet date, an Excel serial number, or UK or ISO text; None when empty."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, time | bool):
        raise BadValue(f"{raw!r} is not a date")
    if isinstance(raw, int | float):
        return excel_serial_date(raw)
    text = cell_text(raw)
    if not text:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _real_date(year, month, day, text)
    if match := _UK_NUMERIC.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year = _full_year(year, today or date.today())
        return _real_date(year, month, day, text)
    if match := _UK_WORDS.fullmatch(text):
        month_number = _MONTHS.get(match.group(2).lower())
        if month_number is None:
            raise BadValue(f"{text!r} is not a date (unknown month {match.group(2)!r})")
        year = int(match.group(3))
        if len(match.group(3)) == 2:
            year = _full_year(year, today or date.today())
        return _real_date(year, month_number, int(match.group(1)), text)
    if _SERIAL.fullmatch(text):
        return excel_serial_date(float(text))
    raise BadValue(f"{text!r} is not a date (expected day/month/year, e.g. 03/04/2023)")


# --- Yes / no / unknown -------------------------------------------------------------------------------------

# The template's answers are "a) Yes", "b) No" and, in some columns, "c) Unknown".
_LETTER_PREFIX = re.compile(r"^\s*([a-z]{1,2}\d?)\)\s*", re.IGNORECASE)
_YES = frozenset({"y", "yes", "true", "1"})
_NO = frozenset({"n", "no", "false", "0"})
_UNKNOWN = frozenset({"u", "unknown", "notknown", "notrecorded", "dontknow", "na", "nk"})
_YES_NO_LETTERS: Mapping[str, bool | None] = {"a": True, "b": False, "c": None}


def parse_yes_no(raw: object) -> bool | None:
    """True for yes, False for no, None for an empty cell or "unknown"; BadValue for anything else."""
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    if not text:
        return None
    letter = ""
    if match := _LETTER_PREFIX.match(text):
        letter, text = match.group(1).lower(), text[match.end() :]
    word = normalised(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    if word in _UNKNOWN:
        return None
    if not word and letter in _YES_NO_LETTERS:  # the template's letter alone: "a)"
        return _YES_NO_LETTERS[letter]
    raise BadValue(f"{cell_text(raw)!r} is not yes, no or unknown")


# --- Counts -------------------------------------------------------------------------------------------------


def parse_count(raw: object) -> int | None:
    """A whole number of things (0 or more); None when empty."""
    if isinstance(raw, bool):
        raise BadValue(f"{raw!r} is not a number")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = cell_text(raw)
        if not text:
            return None
        if not text.isdigit():
            raise BadValue(f"{text!r} is not a whole number")
        value = int(text)
    if value < 0:
        raise BadValue(f"{value} is not a whole number of 0 or more")
    return value


# --- Code lists ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeList:
    """One national code list as Annex A cells write it.

    A cell may hold the code ("N1", "WBRI", "1A"), the code with the template's letter and wording
    ("a) 1A: Individual", "N1 - Abuse or neglect"), only the wording ("Abuse or neglect", "Police"), or, where
    the template letters its options, only the letter ("a"). `export_labels` is what the exporter writes.
    """

    name: str
    codes: frozenset[str]
    words: Mapping[str, str] = field(default_factory=dict)
    letters: Mapping[str, str] = field(default_factory=dict)
    export_labels: Mapping[str, str] = field(default_factory=dict)
    _by_upper: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Codes are matched case-insensitively ("wbri", "n1"); looked up once per cell, so built once here.
        object.__setattr__(self, "_by_upper", {code.upper(): code for code in self.codes})

    def parse(self, raw: object) -> str | None:
        """The code a cell stands for; None when the cell is empty; BadValue when it is not on the list."""
        original = cell_text(raw)
        text = original
        if not text:
            return None
        letter = ""
        if match := _LETTER_PREFIX.match(text):
            letter, text = match.group(1).lower(), text[match.end() :]
        first_token = re.split(r"[\s:\-\u2013\u2014]+", text, maxsplit=1)[0].upper()
        if first_token in self._by_upper:
            return self._by_upper[first_token]
        if (code := self.words.get(normalised(text))) is not None:
            return code
        if letter and not text and letter in self.letters:  # "b)"
            return self.letters[letter]
        if not letter and text.lower() in self.letters:  # "b" alone
            return self.letters[text.lower()]
        raise BadValue(f"{original!r} is not a {self.name} code")

    def label(self, code: str) -> str:
        """The text the exporter writes for a code: the template's lettered option, else the code itself."""
        return self.export_labels.get(code, code)


def _words_from_labels(
    choices: type[models.TextChoices], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Wordings that name each code: its label whole and, for "Group: detail" labels, the detail alone."""
    words: dict[str, str] = {}
    for code, label in choices.choices:
        words[normalised(str(label))] = str(code)
        if ":" in str(label):
            words.setdefault(normalised(str(label).split(":", 1)[1]), str(code))
    for wording, code in (extra or {}).items():
        words[normalised(wording)] = code
    return words


def _lettered(
    codes: Iterable[str], texts: Iterable[str], letters: Iterable[str] | None = None
) -> dict[str, str]:
    """Template options "a) <text>", "b) <text>"... for codes in order."""
    letters = list(letters) if letters is not None else [chr(ord("a") + i) for i in range(26)]
    return {code: f"{letter}) {text}" for code, text, letter in zip(codes, texts, letters, strict=False)}


# Gender (Sex from the 2023 template): a) Male, b) Female, c) Not stated/recorded, d) Neither; stored as the
# CIN census codes 1, 2, 0 and 9 (children.codes.Sex). Source: statutory-rules.md section 3.
GENDER = CodeList(
    name="gender",
    codes=frozenset(Sex.values),
    words=_words_from_labels(
        Sex,
        {
            "male": "1",
            "m": "1",
            "boy": "1",
            "female": "2",
            "f": "2",
            "girl": "2",
            "not stated/recorded": "0",
            "not stated": "0",
            "not recorded": "0",
            "not known": "0",
            "unknown": "0",
            "neither": "9",
            "indeterminate": "9",
            "i": "9",
        },
    ),
    letters={"a": "1", "b": "2", "c": "0", "d": "9"},
    export_labels={"1": "a) Male", "2": "b) Female", "0": "c) Not stated/recorded", "9": "d) Neither"},
)

# Ethnicity: the CIN census codes, lettered a) to t) in the census order (which children.codes keeps).
ETHNICITY = CodeList(
    name="ethnicity",
    codes=frozenset(Ethnicity.values),
    words=_words_from_labels(
        Ethnicity,
        {
            "white british": "WBRI",
            "white irish": "WIRI",
            "traveller of irish heritage": "WIRT",
            "any other white background": "WOTH",
            "gypsy/roma": "WROM",
            "gypsy roma": "WROM",
            "white and black caribbean": "MWBC",
            "white and black african": "MWBA",
            "white and asian": "MWAS",
            "any other mixed background": "MOTH",
            "any other asian background": "AOTH",
            "any other black background": "BOTH",
            "information not yet obtained": "NOBT",
        },
    ),
    export_labels=_lettered(Ethnicity.values, Ethnicity.values),
)


def _source_group(code: str) -> str:
    """The template's short wording for a referral source: the group the code belongs to."""
    groups = {"1": "Individual", "3": "Health services", "5": "LA services"}
    singles = {
        "2A": "Schools",
        "2B": "Education services",
        "4": "Housing",
        "6": "Police",
        "7": "Other legal agency",
        "8": "Other",
        "9": "Anonymous",
        "10": "Unknown",
    }
    return singles.get(code) or groups[code[0]]


# Contact and referral source: the CIN census codes. The template letters them a) to u), with 5D (2023) as
# p1) so the older letters keep their meaning.
_SOURCE_LETTERS = [*"abcdefghijklmnop", "p1", *"qrstu"]
REFERRAL_SOURCE = CodeList(
    name="referral source",
    codes=frozenset(ReferralSource.values),
    words=_words_from_labels(
        ReferralSource,
        {
            "family": "1A",
            "self": "1C",
            "school": "2A",
            "schools": "2A",
            "education": "2B",
            "gp": "3A",
            "health visitor": "3B",
            "school nurse": "3C",
            "a&e": "3E",
            "housing": "4",
            "early help": "5D",
            "police": "6",
            "other": "8",
            "anonymous": "9",
            "unknown": "10",
        },
    ),
    letters=dict(zip(_SOURCE_LETTERS, ReferralSource.values, strict=True)),
    export_labels={
        code: f"{letter}) {code}: {_source_group(code)}"
        for letter, code in zip(_SOURCE_LETTERS, ReferralSource.values, strict=True)
    },
)

PRIMARY_NEED = CodeList(
    name="primary need (N0-N9)", codes=frozenset(PrimaryNeed.values), words=_words_from_labels(PrimaryNeed)
)
CLOSURE_REASON = CodeList(
    name="reason for closure (RC1-RC9)",
    codes=frozenset(ReasonForClosure.values),
    words=_words_from_labels(ReasonForClosure),
)

# Category of abuse: a) Neglect ... e) Multiple/not recommended in the template; NEG, PHY, SAB, EMO, MUL in
# the census (children.codes.CategoryOfAbuse, in the same order).
_CATEGORY_TEXTS = ["Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse", "Multiple/not recommended"]
CATEGORY_OF_ABUSE = CodeList(
    name="category of abuse",
    codes=frozenset(CategoryOfAbuse.values),
    words=_words_from_labels(
        CategoryOfAbuse,
        {
            "physical": "PHY",
            "sexual": "SAB",
            "emotional": "EMO",
            "multiple": "MUL",
            "multiple/not recommended": "MUL",
        },
    ),
    letters=dict(zip("abcde", CategoryOfAbuse.values, strict=True)),
    export_labels=_lettered(CategoryOfAbuse.values, _CATEGORY_TEXTS),
)

LEGAL_STATUS = CodeList(
    name="legal status",
    codes=frozenset(LegalStatus.values),
    words=_words_from_labels(
        LegalStatus,
        {
            "interim care order": "C1",
            "ico": "C1",
            "full care order": "C2",
            "care order": "C2",
            "fco": "C2",
            "placement order": "E1",
            "freeing order": "D1",
            "section 20": "V2",
            "s20": "V2",
            "police protection": "L1",
            "emergency protection order": "L2",
            "epo": "L2",
            "child assessment order": "L3",
        },
    ),
)

PLACEMENT_TYPE = CodeList(
    name="placement type", codes=frozenset(PlacementType.values), words=_words_from_labels(PlacementType)
)

# Yes/no columns are written as the template's lettered options.
YES_NO_LABELS: Mapping[bool | None, str] = {True: "a) Yes", False: "b) No", None: "c) Unknown"}
