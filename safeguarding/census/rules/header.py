"""CIN census validation rules about the file's header (see base.py for how rules are written)."""

from __future__ import annotations

from collections.abc import Iterator

from safeguarding.census.records import Header, as_date
from safeguarding.census.rules.base import CensusYear, Hit, header_rule


@header_rule("100", "Header", "Reference Date is incorrect")
def _reference_date_is_census_end(header: Header, year: CensusYear) -> Iterator[Hit]:
    """The header's ReferenceDate must be present and be 31 March of the census year."""
    if as_date(header.reference_date) != year.reference_date:
        yield Hit("ReferenceDate")
