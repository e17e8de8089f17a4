"""What makes a child's identity record wrong, in words a practitioner can act on.

`identity_problems(child, actor=...)` maps each field in error to its message; the identity form shows them
beside the fields and `services.child_identity_correct` refuses to save such a record. The format checks
(`upn_problem`, `nhs_number_problem`, `postcode_problem`, `disabilities_problem`) are also used by the form
field by field, so every format error shows at once. The checks follow the CIN census (the rule codes are
given beside each) so that a record corrected here exports without errors. Imports do not use them: a
council's file is kept as given and its errors become findings.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils import timezone

from safeguarding.children.codes import Disability, Sex, UPNUnknown
from safeguarding.children.models import Child
from safeguarding.children.selectors import child_holding_la_child_id, children_visible_to
from safeguarding.core.calendar import long_date

Problems = dict[str, str]

# CIN census XSD, UPN pattern (statutory-rules.md 2.1): a letter, 11 digits, then a digit or a letter.
UPN_PATTERN = re.compile(r"[A-Za-z]\d{12}|[A-Za-z]\d{11}[A-Za-z]")
UPN_HINT = "13 characters: a letter, 11 numbers, then a number or a letter, for example A123456789012"
# UK postcode shape (the Royal Mail format), as the eMARF checks it; whether it exists is not checked.
POSTCODE_PATTERN = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")
# NHS Data Dictionary, "NHS Number": weights 10 down to 2 on the first nine digits (modulus 11 check digit).
_NHS_WEIGHTS = range(10, 1, -1)


def normalise_upn(value: str) -> str:
    """A UPN as stored: no spaces, letters in capitals (the census pattern allows either case)."""
    return "".join(value.split()).upper()


def normalise_nhs_number(value: str) -> str:
    """An NHS number as stored: its digits only ("943 476 5919" and "943-476-5919" are "9434765919")."""
    return re.sub(r"[\s-]", "", value)


def normalise_postcode(value: str) -> str:
    """A postcode in capitals with its one space before the last three characters ("ws11tp" -> "WS1 1TP")."""
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact


def nhs_number_is_valid(number: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine.

    NHS Data Dictionary, "NHS Number": multiply the first nine digits by 10, 9, ... 2, add them, and take
    the remainder on dividing by 11; the check digit is 11 minus that remainder (11 becomes 0, and a result
    of 10 means the number is not valid).
    """
    if not re.fullmatch(r"\d{10}", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:9], _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


def upn_problem(value: str, *, label: str = "UPN") -> str | None:
    """Why `value` is not a well-formed UPN (census XSD; rules 1540, 1550 and 1560Q for a former UPN)."""
    if value and not UPN_PATTERN.fullmatch(value):
        return f"The {label} must be {UPN_HINT}"
    return None


def nhs_number_problem(value: str) -> str | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{10}", value):
        return "The NHS number must be 10 numbers, like 943 476 5919"
    if not nhs_number_is_valid(value):
        return "This is not a valid NHS number: check each number (the last one is a check digit)"
    return None


def postcode_problem(value: str) -> str | None:
    if value and not POSTCODE_PATTERN.fullmatch(value):
        return "Enter a real postcode, like WS1 1TP"
    return None


def disabilities_problem(codes: list[str]) -> str | None:
    """'No disability' stands alone (rule 8790)."""
    if Disability.NONE in codes and len(codes) > 1:
        return "“No disability” cannot be selected with any other disability"
    return None


def identity_problems(child: Child, *, actor: Any, today: date | None = None) -> Problems:
    """Each field of `child` that is wrong, with the message to show beside it."""
    today = today or timezone.localdate()
    problems: Problems = {}
    for field, problem in (
        ("upn", upn_problem(child.upn)),
        ("former_upn", upn_problem(child.former_upn, label="former UPN")),
        ("nhs_number", nhs_number_problem(child.nhs_number)),
        ("postcode", postcode_problem(child.postcode)),
        ("disabilities", disabilities_problem(list(child.disabilities or []))),
    ):
        if problem:
            problems[field] = problem
    _birth_and_death(child, problems, today)
    _upn_unknown(child, problems)
    clash = la_child_id_clash(child, actor=actor)
    if clash:
        problems["la_child_id"] = clash
    return problems


def _birth_and_death(child: Child, problems: Problems, today: date) -> None:
    born, expected, died = child.date_of_birth, child.expected_date_of_birth, child.date_of_death
    if born is None and expected is None:
        problems["date_of_birth"] = "Enter the date of birth, or the expected date for an unborn baby"
    elif born is not None and expected is not None:  # rule 8525Q: one or the other
        problems["expected_date_of_birth"] = (
            "Leave the expected date of birth empty once the child is born: enter only the date of birth"
        )
    if born is not None and born > today:  # rule 8520 in spirit: a birth that has happened
        problems.setdefault("date_of_birth", "The date of birth must be today or in the past")
    if died is not None and died > today:
        problems["date_of_death"] = "The date of death must be today or in the past"
    elif died is not None and born is not None and died < born:  # rule 8535Q
        problems["date_of_death"] = (
            f"The date of death cannot be before the date of birth ({long_date(born)})"
        )
    if born is None and expected is not None and child.sex != Sex.NOT_RECORDED:  # rule 8750
        problems["sex"] = "For an unborn baby, sex must be “Not known or not recorded” until the baby is born"


def _upn_unknown(child: Child, problems: Problems) -> None:
    if child.upn and child.upn_unknown:
        problems["upn_unknown"] = "Leave the reason empty when the UPN is given"
    # Rule 8772: UN7 says the child's only involvement was a referral with no further action.
    elif (
        child.upn_unknown == UPNUnknown.REFERRAL_NFA
        and child.pk is not None
        and child.cin_referrals.filter(nfa=False).exists()
    ):
        problems["upn_unknown"] = (
            "“Referral with no further action” cannot be the reason when a referral for this child "
            "went on to further action"
        )


def la_child_id_clash(child: Child, *, actor: Any) -> str | None:
    """A message naming the other child's record that already holds `child`'s LA child ID, if one does.

    Every record is checked (the ID is unique across the partnership), but the other child is named only
    to someone who may see their record; anyone else is told its record number.
    """
    if not child.la_child_id:
        return None
    holder = child_holding_la_child_id(child.la_child_id, other_than=child.pk)
    if holder is None:
        return None
    if children_visible_to(actor).filter(pk=holder.pk).exists():
        born = holder.date_of_birth or holder.expected_date_of_birth
        described = f"{holder.display_name}, born {born.day} {born:%B %Y}" if born else holder.display_name
        who = f"the record of {described} (record {holder.pk})"
    else:
        who = f"another child's record (record {holder.pk}), which you cannot open"
    return f"LA child ID {child.la_child_id} is already on {who}. Check the ID: each child has their own"
