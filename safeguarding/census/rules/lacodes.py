"""The local authority codes a UPN may carry in characters 2-4 (CIN census rule 1530).

A UPN's characters 2-4 are the DfE three-digit number of the local authority whose school issued it
(Walsall is 335). Rule 1530 accepts any post-April 1998 LA code or a recognised "pseudo LA" code, so the
list also holds the Welsh codes (660-681, 701-708) and the pseudo codes 001-005, since a child may carry a
UPN from a school there.

Source: the DfE children in need census validation rules, rule 1530 detail, as transcribed in the docstrings
of data-to-insight/csc-validator-be-cin (cin_validator/rules/cin2022_23/rule_1530.py for 2022-23, and
cin2023_24/rule_1530.py, which adds 942 Cumberland and 943 Westmorland and Furness, the two authorities
created on 1 April 2023). The same ranges appear in the school census rule 1530 (Arbor's support page
"UPN/ULN Errors 1500-1578"). The facts are taken from there; the code is ours.
"""

from __future__ import annotations

# (first, last) inclusive, as the rule's detail lists them.
_RANGES_2022_23: tuple[tuple[int, int], ...] = (
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    (420, 420),
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    (815, 816),
    (820, 823),
    (825, 826),
    (830, 831),
    (835, 841),
    (845, 846),
    (850, 852),
    (855, 857),
    (860, 861),
    (865, 896),
    (908, 909),
    (916, 916),
    (919, 919),
    (921, 921),
    (925, 926),
    (928, 929),
    (931, 931),
    (933, 933),
    (935, 938),
    (940, 941),
)

# From the 2023-24 census: Cumberland (942) and Westmorland and Furness (943), created 1 April 2023.
_ADDED_2023_24: tuple[int, ...] = (942, 943)


def _codes(ranges: tuple[tuple[int, int], ...], extra: tuple[int, ...] = ()) -> frozenset[str]:
    numbers = {number for first, last in ranges for number in range(first, last + 1)} | set(extra)
    return frozenset(f"{number:03d}" for number in numbers)


# The codes rule 1530 accepted up to the 2022-23 census, and from the 2023-24 census on.
UPN_LA_CODES_UNTIL_2023: frozenset[str] = _codes(_RANGES_2022_23)
UPN_LA_CODES_FROM_2024: frozenset[str] = _codes(_RANGES_2022_23, _ADDED_2023_24)


def upn_la_codes(year_end: int) -> frozenset[str]:
    """The LA codes recognised in a UPN for the census ending 31 March ``year_end``."""
    return UPN_LA_CODES_FROM_2024 if year_end >= 2024 else UPN_LA_CODES_UNTIL_2023
