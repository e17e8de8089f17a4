"""The stratified random sample of children for an audit round (issue 7, section 2).

The population is every child whose records show them somewhere in the journey on the day the sample is
taken (the round's opening day, or today), each in one stratum made of two parts:

- the journey stage, the first of these that fits the child on that day:
  1. on a child protection plan (a plan started by then and not ended);
  2. looked after (a period of care started by then and not ended);
  3. child in need (a CIN plan open that day, or an open CIN episode that was not "no further action");
  4. early help (an early help episode open that day);
  5. referral closed after assessment (a CIN episode with an assessment, closed in the 12 months before).
  Children in none of these are not in the population.
- the agency involvement: who made the child's latest referral, grouped the way the CIN census groups its
  ReferralSource codes (the latest CIN referral on or before the day; else the latest front door contact
  about the child; else "not known").

The sample is allocated across the strata in proportion to their sizes, with at least one child from every
non-empty stratum when the sample is at least as big as the number of strata (otherwise the biggest strata,
ties broken at random). Within a stratum the children are drawn at random. Everything random comes from one
`random.Random(seed)`, and every list is put in a fixed order first, so the same seed and the same records
give the same sample.

This module reads the children's records of the whole partnership without a person's scope: it is called
only by `services.programme.round_sample`, after checking the business unit's audit.manage permission (the
business unit samples children for audit; who is chosen is seen only on the round page, and logged).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from safeguarding.children.models import (
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    EarlyHelpRequest,
    LookedAfterPeriod,
)

# Journey stages, in the order that decides a child's stage when more than one fits.
CP_PLAN = "cp_plan"
LOOKED_AFTER = "looked_after"
CHILD_IN_NEED = "child_in_need"
EARLY_HELP = "early_help"
CLOSED_AFTER_ASSESSMENT = "closed_after_assessment"
STAGES: dict[str, str] = {
    CP_PLAN: "On a child protection plan",
    LOOKED_AFTER: "Looked after",
    CHILD_IN_NEED: "Child in need",
    EARLY_HELP: "Early help",
    CLOSED_AFTER_ASSESSMENT: "Referral closed after assessment",
}
# How far back a closed referral still counts as the child's stage.
CLOSED_LOOKBACK = timedelta(days=365)

# Who referred, by the first character of the CIN census ReferralSource code (children.codes.ReferralSource:
# 1A-1D individuals, 2A-2B education, 3A-3F health, 4 housing, 5A-5D local authority services, 6 police,
# 7 other legal agencies, 8 other, 9 anonymous, 10 unknown).
NOT_KNOWN = "not_known"
REFERRER_GROUPS: dict[str, str] = {
    "individual": "an individual or family",
    "education": "education",
    "health": "health",
    "housing": "housing",
    "local_authority": "local authority services",
    "police": "police",
    "legal": "another legal agency",
    "other": "another agency",
    NOT_KNOWN: "not known",
}
_GROUP_OF_CODE_START = {
    "1": "individual",
    "2": "education",
    "3": "health",
    "4": "housing",
    "5": "local_authority",
    "6": "police",
    "7": "legal",
    "8": "other",
}


def referrer_group(source: str) -> str:
    """The referrer group of a ReferralSource code ("3B" -> "health"); "not_known" for 9, 10 and blanks."""
    source = (source or "").strip()
    if source in ("9", "10") or not source:
        return NOT_KNOWN
    return _GROUP_OF_CODE_START.get(source[0], NOT_KNOWN)


@dataclass(frozen=True, order=True)
class StratumKey:
    stage: str
    referrer: str

    @property
    def label(self) -> str:
        """As the round page shows it: "On a child protection plan; referred by police"."""
        referred = (
            "referrer not known"
            if self.referrer == NOT_KNOWN
            else f"referred by {REFERRER_GROUPS[self.referrer]}"
        )
        return f"{STAGES[self.stage]}; {referred}"


def _open_on(day: date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def journey_stages(day: date, child_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Each child's journey stage on `day` (children in none are left out); all children, or those given."""
    only = None if child_ids is None else list(child_ids)

    def limited(queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
        return queryset if only is None else queryset.filter(**{f"{path}__in": only})

    found: dict[str, set[int]] = {
        CP_PLAN: set(
            limited(
                ChildProtectionPlan.objects.filter(_open_on(day, "start_date", "end_date")),
                "episode__child_id",
            ).values_list("episode__child_id", flat=True)
        ),
        LOOKED_AFTER: set(
            limited(
                LookedAfterPeriod.objects.filter(_open_on(day, "start_date", "end_date")), "child_id"
            ).values_list("child_id", flat=True)
        ),
        CHILD_IN_NEED: set(
            limited(
                CINPlan.objects.filter(_open_on(day, "start_date", "end_date")), "episode__child_id"
            ).values_list("episode__child_id", flat=True)
        )
        | set(
            limited(
                CINReferral.objects.filter(_open_on(day, "referral_date", "closure_date"), nfa=False),
                "child_id",
            ).values_list("child_id", flat=True)
        ),
        EARLY_HELP: set(
            limited(
                EarlyHelpRequest.objects.filter(_open_on(day, "requested_on", "closure_date")), "child_id"
            ).values_list("child_id", flat=True)
        ),
        CLOSED_AFTER_ASSESSMENT: set(
            limited(
                CINReferral.objects.filter(
                    closure_date__lte=day,
                    closure_date__gt=day - CLOSED_LOOKBACK,
                    assessments__start_date__lte=day,
                ),
                "child_id",
            ).values_list("child_id", flat=True)
        ),
    }
    stages: dict[int, str] = {}
    for stage in STAGES:  # first fit wins
        for child_id in found[stage]:
            stages.setdefault(child_id, stage)
    return stages


def latest_referrers(day: date, child_ids: Iterable[int]) -> dict[int, str]:
    """Each child's referrer group: the source of the latest CIN referral by `day`, else of the latest front
    door contact about the child by then, else "not_known"."""
    ids = list(child_ids)
    groups: dict[int, str] = {}
    referrals = (
        CINReferral.objects.filter(child_id__in=ids, referral_date__lte=day)
        .order_by("child_id", "-referral_date", "-pk")
        .values_list("child_id", "source")
    )
    for child_id, source in referrals:
        groups.setdefault(child_id, referrer_group(source))
    missing = [child_id for child_id in ids if child_id not in groups]
    if missing:
        # The front door is upstream of the audits (DESIGN: frontdoor -> children -> ...): a read-only import.
        from safeguarding.frontdoor.models import ContactChild

        contacts = (
            ContactChild.objects.filter(child_id__in=missing, contact__received_at__date__lte=day)
            .order_by("child_id", "-contact__received_at", "-pk")
            .values_list("child_id", "contact__source")
        )
        for child_id, source in contacts:
            if child_id is not None:
                groups.setdefault(child_id, referrer_group(source))
    return {child_id: groups.get(child_id, NOT_KNOWN) for child_id in ids}


def strata_of(day: date, child_ids: Iterable[int] | None = None) -> dict[int, StratumKey]:
    """Each child's stratum on `day`: every child in the journey, or only those given (when in it)."""
    stages = journey_stages(day, child_ids)
    referrers = latest_referrers(day, stages)
    return {child_id: StratumKey(stage, referrers[child_id]) for child_id, stage in stages.items()}


def population(day: date, *, exclude: Iterable[int] = ()) -> dict[StratumKey, list[int]]:
    """The children to sample from on `day`, by stratum (each list in id order), leaving out `exclude`."""
    left_out = set(exclude)
    strata: dict[StratumKey, list[int]] = defaultdict(list)
    for child_id, key in strata_of(day).items():
        if child_id not in left_out:
            strata[key].append(child_id)
    return {key: sorted(ids) for key, ids in sorted(strata.items())}


def allocate(sizes: dict[StratumKey, int], wanted: int, rng: random.Random) -> dict[StratumKey, int]:
    """How many to draw from each stratum: proportional to size, at least one from every non-empty stratum
    when `wanted` allows, never more than a stratum holds, `wanted` in all (or everyone, when fewer)."""
    keys = sorted(key for key, size in sizes.items() if size > 0)
    total = sum(sizes[key] for key in keys)
    wanted = min(wanted, total)
    allocation = dict.fromkeys(keys, 0)
    if wanted <= 0:
        return allocation
    if wanted >= len(keys):
        allocation = dict.fromkeys(keys, 1)
    # Ties go to a random order, fixed by the seed.
    tie_order = {key: position for position, key in enumerate(rng.sample(keys, len(keys)))}
    quota = {key: wanted * sizes[key] / total for key in keys}
    while sum(allocation.values()) < wanted:
        room = [key for key in keys if allocation[key] < sizes[key]]
        best = max(room, key=lambda key: (quota[key] - allocation[key], -tie_order[key]))
        allocation[best] += 1
    return allocation


@dataclass(frozen=True)
class Drawn:
    child_id: int
    stratum: StratumKey


def draw(
    day: date, wanted: int, *, exclude: Iterable[int] = (), seed: int | str | None = None
) -> list[Drawn]:
    """The stratified random sample: `wanted` children (fewer when fewer are left), stratum by stratum."""
    rng = random.Random(seed)  # a sample for audit, not a secret
    strata = population(day, exclude=exclude)
    allocation = allocate({key: len(ids) for key, ids in strata.items()}, wanted, rng)
    chosen: list[Drawn] = []
    for key, ids in strata.items():
        for child_id in rng.sample(ids, allocation.get(key, 0)):
            chosen.append(Drawn(child_id, key))
    return chosen


def agencies_involved(child_ids: Iterable[int]) -> dict[int, set[int]]:
    """The agencies each child's records show involved: the agencies that referred the child to the front
    door, and those the MASH asked about the child (agency checks). Empty when the records show none."""
    from safeguarding.frontdoor.models import AgencyCheck, ContactChild

    ids = list(child_ids)
    found: dict[int, set[int]] = {child_id: set() for child_id in ids}
    referred = ContactChild.objects.filter(
        child_id__in=ids, contact__referrer_agency__isnull=False
    ).values_list("child_id", "contact__referrer_agency_id")
    for child_id, agency_id in referred:
        found[child_id].add(agency_id)
    checked = AgencyCheck.objects.filter(contact__children__child_id__in=ids).values_list(
        "contact__children__child_id", "agency_id"
    )
    for child_id, agency_id in checked:
        if child_id in found:
            found[child_id].add(agency_id)
    return found
