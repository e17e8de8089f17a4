"""Reading children: candidate matches for a child named in a contact, and their recent involvement.

Every function takes the person asking and reads only the children their roles reach (child.view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from safeguarding.access.permissions import visible_to
from safeguarding.children.models import Child, CINReferral, EarlyHelpRequest

# More candidates than this are not a match list but a crowd: the practitioner narrows by the details.
MATCH_LIMIT = 20

SAME_NHS_NUMBER = "Same NHS number"
SAME_NAME_AND_BIRTH = "Same name and date of birth"
SAME_SURNAME_AND_POSTCODE = "Same surname and postcode"
# Listed first to last: an NHS number identifies one person; a name with a birth date nearly does.
_REASON_WEIGHT = {SAME_NHS_NUMBER: 3, SAME_NAME_AND_BIRTH: 2, SAME_SURNAME_AND_POSTCODE: 1}


def children_visible_to(user: Any) -> QuerySet[Child]:
    return visible_to(user, Child.objects.all(), "child.view")


@dataclass(frozen=True)
class ChildMatch:
    """An existing child who may be the child named in a contact, and why they were suggested."""

    child: Child
    reasons: tuple[str, ...]

    @property
    def strength(self) -> int:
        return sum(_REASON_WEIGHT[reason] for reason in self.reasons)


def postcode_forms(postcode: str) -> list[str]:
    """A postcode with and without its space ("WS1 1TP", "WS11TP"): both are stored, so both are searched."""
    compact = postcode.replace(" ", "").upper()
    if len(compact) < 5:
        return [compact] if compact else []
    return [f"{compact[:-3]} {compact[-3:]}", compact]


def child_match_candidates(
    user: Any,
    *,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    limit: int = MATCH_LIMIT,
) -> list[ChildMatch]:
    """Children who may be the one described, strongest first, each with the reasons it was suggested.

    A child is suggested for the same NHS number (exact), the same first name, surname and date of birth
    (ignoring case), or the same surname and postcode (ignoring case and the postcode's space).
    """
    first, last = first_name.strip(), last_name.strip()
    nhs = nhs_number.replace(" ", "")
    postcodes = postcode_forms(postcode)
    conditions = Q(pk__in=[])
    if nhs:
        conditions |= Q(nhs_number=nhs)
    if first and last and date_of_birth is not None:
        conditions |= Q(first_name__iexact=first, last_name__iexact=last, date_of_birth=date_of_birth)
    if last and postcodes:
        conditions |= Q(last_name__iexact=last, postcode__in=postcodes)
    if conditions == Q(pk__in=[]):
        return []
    matches = []
    for child in children_visible_to(user).filter(conditions).order_by("last_name", "first_name", "pk")[:200]:
        reasons = []
        if nhs and child.nhs_number == nhs:
            reasons.append(SAME_NHS_NUMBER)
        if (
            first
            and date_of_birth is not None
            and child.first_name.casefold() == first.casefold()
            and child.last_name.casefold() == last.casefold()
            and child.date_of_birth == date_of_birth
        ):
            reasons.append(SAME_NAME_AND_BIRTH)
        if (
            postcodes
            and child.last_name.casefold() == last.casefold()
            and child.postcode.upper() in postcodes
        ):
            reasons.append(SAME_SURNAME_AND_POSTCODE)
        if reasons:
            matches.append(ChildMatch(child, tuple(reasons)))
    matches.sort(key=lambda match: -match.strength)
    return matches[:limit]


@dataclass
class Involvement:
    """A child's referrals to social care and early help requests since a date (newest first)."""

    cin_referrals: list[CINReferral] = field(default_factory=list)
    early_help_requests: list[EarlyHelpRequest] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.cin_referrals or self.early_help_requests)


def children_involvement_since(user: Any, child_ids: Iterable[int], since: date) -> dict[int, Involvement]:
    """Open involvement of each child: CIN referrals and early help requests on or after `since`."""
    ids = list(
        visible_to(user, Child.objects.filter(pk__in=list(child_ids)), "child.view").values_list(
            "pk", flat=True
        )
    )
    found: dict[int, Involvement] = defaultdict(Involvement)
    if not ids:
        return found
    for referral in CINReferral.objects.filter(child_id__in=ids, referral_date__gte=since).order_by(
        "-referral_date", "-pk"
    ):
        found[referral.child_id].cin_referrals.append(referral)
    for request in EarlyHelpRequest.objects.filter(child_id__in=ids, requested_on__gte=since).order_by(
        "-requested_on", "-pk"
    ):
        found[request.child_id].early_help_requests.append(request)
    return found


def children_by_id(user: Any, child_ids: Iterable[int]) -> dict[int, Child]:
    return {child.pk: child for child in children_visible_to(user).filter(pk__in=list(child_ids))}
