"""A privacy-degraded copy of census records, for sharing beyond the council (`export cin --degrade`).

What changes, and why each is enough for the analysis such a copy is for (counts, timeliness, patterns):

- LAchildID becomes a pseudonym: a keyed hash (HMAC-SHA256 keyed with the platform's secret key) of the real
  ID. The same child gets the same pseudonym in every degraded file this platform writes, so copies from
  different years can be linked, but nobody without the key can turn it back into the council's ID or
  check a guess against it. (Changing SAFEGUARDING_SECRET_KEY changes every pseudonym.)
- UPN and former UPN are dropped: they identify a pupil nationally. (The census has no names, NHS numbers or
  addresses to remove.) A missing UPN raises query 8770Q for school-age children in a degraded file; that
  is expected, and says nothing wrong about the real return.
- Dates of birth (and expected and death dates, which identify as much) go to the first of their month:
  month and year are kept, so ages stay right to the month.
- Postcodes go to their district (the outward code, "WS1 1AA" to "WS1"). The CIN census XML carries no
  postcode, so this applies to the formats that do (Annex A) through ``postcode_district``.
- The header says so (records.Header.degraded; the writer marks <Release> and adds a comment).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.utils.crypto import salted_hmac

from safeguarding.census.records import ChildRecord, as_date

PSEUDONYM_PREFIX = "D"
PSEUDONYM_HEX_DIGITS = 12
_PSEUDONYM_SALT = "safeguarding.census.degrade.pseudonym"


def pseudonym(identifier: str) -> str:
    """A stable pseudonym for an identifier: "D" and 12 hexadecimal digits (13 characters, within the
    census's LAchildID length)."""
    digest = salted_hmac(_PSEUDONYM_SALT, identifier.strip(), algorithm="sha256").hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_DIGITS].upper()


def month_start(value: str | None) -> str | None:
    """An ISO date moved to the first of its month; a value that is not a date is dropped (None)."""
    parsed = as_date(value)
    if parsed is None:
        return None
    return date(parsed.year, parsed.month, 1).isoformat()


def postcode_district(postcode: str) -> str:
    """The postcode district (outward code): "WS1 1AA" and "ws11aa" give "WS1"; "" for no postcode.

    A full UK postcode ends with a three-character inward code (digit, letter, letter); what comes before it
    is the district. A value too short to hold an inward code is taken as a district already.
    """
    compact = "".join(postcode.split()).upper()
    if len(compact) <= 4:
        return compact
    return compact[:-3]


def degrade_child(child: ChildRecord) -> ChildRecord:
    """A degraded copy of a child record (the record given is left as it was)."""
    return dataclasses.replace(
        child,
        la_child_id=pseudonym(child.la_child_id) if child.la_child_id else child.la_child_id,
        upn=None,
        former_upn=None,
        birth_date=month_start(child.birth_date),
        expected_birth_date=month_start(child.expected_birth_date),
        death_date=month_start(child.death_date),
    )
