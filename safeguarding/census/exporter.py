"""Write a CIN census file from the platform's data (`safeguarding export cin`).

    summary = census_export(path, year_end=2023, lea="335", degrade=False, actor=None)

The file holds every child with a CIN episode open at some time in the census year (1 April to 31 March,
with 31 March of the year before counted in, as the DfE's rules count it: rules.base.CensusYear.in_period),
and for each child those episodes with their parts as they stood on 31 March (as_at.py: what happened later,
or was finished before the year, is left out), in the order of the DfE schema (writer.py). Children
are read from the database a thousand at a time and written as they are read, so memory stays flat.

Values go back as they were imported: an imported file exported again gives the same children, episodes and
findings. Differences from the imported file are limited to what the platform does not keep (see
importer.py: values "not loaded"), absent versus empty elements (both read back as empty), and flags, which
are always written (ReferralNFA, ICPCnotRequired as true or false).

A child only the front door knows has no LA child ID; it is written with the platform's own reference
(``platform_child_id``, "SPP" and the record number) so the return stays valid and each row can be traced.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.census.as_at import child_as_at
from safeguarding.census.degrade import degrade_child
from safeguarding.census.records import (
    Assessment as AssessmentRecord,
)
from safeguarding.census.records import (
    ChildProtectionPlan as ChildProtectionPlanRecord,
)
from safeguarding.census.records import (
    ChildRecord,
    CINDetails,
    Header,
)
from safeguarding.census.records import (
    CINPlan as CINPlanRecord,
)
from safeguarding.census.records import (
    Section47 as Section47Record,
)
from safeguarding.census.rules.base import CensusYear
from safeguarding.census.writer import sex_element_for, write_census
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    Section47,
)
from safeguarding.core.calendar import current_calendar

EXPORT_BATCH = 1000
SOFTWARE_CODE = "Safeguarding Partnership Platform"
PLATFORM_ID_PREFIX = "SPP"
# The platform keeps GenderCurrent codes (importer.SEX_FROM_LETTER); from 2024-25 the census wants <Sex>.
SEX_AS_LETTER = {"1": "M", "2": "F", "0": "U", "9": "U"}


@dataclass(frozen=True)
class ExportSummary:
    children: int
    episodes: int
    year_end: int
    degraded: bool


def platform_child_id(pk: int) -> str:
    return f"{PLATFORM_ID_PREFIX}{pk:07d}"


def _period(year_end: int) -> tuple[date, date]:
    """The first and last day an episode may be open on to be in the census (31 March the year before
    counts, as in CensusYear.in_period)."""
    return date(year_end - 1, 3, 31), date(year_end, 3, 31)


def episodes_in_year(year_end: int) -> QuerySet[CINReferral]:
    """CIN episodes open at some time in the census year: referred by its last day, and not closed before
    its first. An episode referred within the year is in it whatever its closure date says, so a closure
    recorded before the referral (error 8630) does not drop the episode from the return."""
    first, last = _period(year_end)
    return CINReferral.objects.filter(referral_date__lte=last).filter(
        Q(closure_date__isnull=True) | Q(closure_date__gte=first) | Q(referral_date__gte=first)
    )


def children_in_year(year_end: int) -> QuerySet[Child]:
    return Child.objects.filter(Exists(episodes_in_year(year_end).filter(child_id=OuterRef("pk"))))


def census_header(year_end: int, lea: str, *, degraded: bool = False) -> Header:
    now = timezone.localtime()
    return Header(
        collection="CIN",
        year=str(year_end),
        reference_date=date(year_end, 3, 31).isoformat(),
        source_level="L",
        lea=lea,
        software_code=SOFTWARE_CODE,
        release="1",
        serial_no=now.strftime("%Y%m%d%H%M"),
        date_time=now.replace(microsecond=0, tzinfo=None).isoformat(),
        degraded=degraded,
    )


def _text(value: str) -> str | None:
    return value or None


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _sex(value: str, year_end: int) -> str | None:
    if not value:
        return None
    if sex_element_for(year_end) == "Sex":
        return SEX_AS_LETTER.get(value, value)
    return value


def _grouped(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


class _Reader:
    """Builds ChildRecords for a census year, a batch of children at a time."""

    def __init__(self, year_end: int) -> None:
        self.year_end = year_end
        self.year = CensusYear(year_end, current_calendar())
        self.episodes = 0

    def children(self) -> Iterator[ChildRecord]:
        pks = list(children_in_year(self.year_end).order_by("la_child_id", "pk").values_list("pk", flat=True))
        for start in range(0, len(pks), EXPORT_BATCH):
            yield from self._batch(pks[start : start + EXPORT_BATCH])

    def _batch(self, pks: Sequence[int]) -> Iterator[ChildRecord]:
        children = Child.objects.in_bulk(pks)
        episodes = list(
            episodes_in_year(self.year_end).filter(child_id__in=pks).order_by("referral_date", "pk")
        )
        episode_ids = [episode.pk for episode in episodes]
        by_episode = "episode_id"
        assessments = _grouped(
            Assessment.objects.filter(episode_id__in=episode_ids).order_by("start_date", "pk"), by_episode
        )
        cin_plans = _grouped(
            CINPlan.objects.filter(episode_id__in=episode_ids).order_by("start_date", "pk"), by_episode
        )
        section47s = _grouped(
            Section47.objects.filter(episode_id__in=episode_ids).order_by("start_date", "pk"), by_episode
        )
        cp_plans = list(
            ChildProtectionPlan.objects.filter(episode_id__in=episode_ids).order_by("start_date", "pk")
        )
        reviews = _grouped(
            CPReview.objects.filter(plan_id__in=[plan.pk for plan in cp_plans]).order_by("review_date", "pk"),
            "plan_id",
        )
        plans_by_episode = _grouped(cp_plans, by_episode)
        episodes_by_child = _grouped(episodes, "child_id")
        for pk in pks:
            child = children[pk]
            record = self._child(child)
            for episode in episodes_by_child.get(pk, []):
                details = self._episode(episode)
                details.assessments = [self._assessment(a) for a in assessments.get(episode.pk, [])]
                details.cin_plans = [self._cin_plan(p) for p in cin_plans.get(episode.pk, [])]
                details.section47s = [self._section47(s) for s in section47s.get(episode.pk, [])]
                details.cp_plans = [
                    self._cp_plan(plan, reviews.get(plan.pk, []))
                    for plan in plans_by_episode.get(episode.pk, [])
                ]
                record.cin_details.append(details)
            record = child_as_at(record, self.year)
            self.episodes += len(record.cin_details)
            yield record

    def _child(self, child: Child) -> ChildRecord:
        disabilities = [str(code) for code in child.disabilities or []]
        return ChildRecord(
            la_child_id=child.la_child_id or platform_child_id(child.pk),
            upn=_text(child.upn),
            former_upn=_text(child.former_upn),
            upn_unknown=_text(child.upn_unknown),
            birth_date=_day(child.date_of_birth),
            expected_birth_date=_day(child.expected_date_of_birth),
            sex=_sex(child.sex, self.year_end),
            sex_element=sex_element_for(self.year_end),
            death_date=_day(child.date_of_death),
            ethnicity=_text(child.ethnicity),
            has_disabilities_element=bool(disabilities),
            disabilities=disabilities,
        )

    @staticmethod
    def _episode(episode: CINReferral) -> CINDetails:
        return CINDetails(
            referral_date=_day(episode.referral_date),
            referral_source=_text(episode.source),
            primary_need=_text(episode.primary_need),
            closure_date=_day(episode.closure_date),
            closure_reason=_text(episode.closure_reason),
            icpc_date=_day(episode.icpc_date),
            referral_nfa=_flag(episode.nfa),
        )

    @staticmethod
    def _assessment(assessment: Assessment) -> AssessmentRecord:
        factors = [str(code) for code in assessment.factors or []]
        return AssessmentRecord(
            start=_day(assessment.start_date),
            internal_review=_day(assessment.internal_review_date),
            authorised=_day(assessment.authorisation_date),
            has_factors_element=bool(factors),
            factors=factors,
        )

    @staticmethod
    def _cin_plan(plan: CINPlan) -> CINPlanRecord:
        return CINPlanRecord(start=_day(plan.start_date), end=_day(plan.end_date))

    @staticmethod
    def _section47(enquiry: Section47) -> Section47Record:
        return Section47Record(
            start=_day(enquiry.start_date),
            icpc_target=_day(enquiry.icpc_target_date),
            icpc_date=_day(enquiry.icpc_date),
            icpc_not_required=_flag(enquiry.icpc_not_required),
        )

    @staticmethod
    def _cp_plan(plan: ChildProtectionPlan, reviews: list[CPReview]) -> ChildProtectionPlanRecord:
        dates: list[str | None] = [_day(review.review_date) for review in reviews]
        return ChildProtectionPlanRecord(
            start=_day(plan.start_date),
            end=_day(plan.end_date),
            initial_category=_text(plan.initial_category),
            latest_category=_text(plan.latest_category),
            number_of_previous=str(plan.previous_plans),
            has_reviews_element=bool(dates),
            review_dates=dates,
        )


def census_export(
    target: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    year_end: int,
    lea: str,
    degrade: bool = False,
    actor: Any = None,
    purpose: str = "",
) -> ExportSummary:
    """Write the census file for `year_end` and record the export in the access log."""
    reader = _Reader(year_end)
    records: Iterator[ChildRecord] = reader.children()
    if degrade:
        records = (degrade_child(record) for record in records)
    children = write_census(target, census_header(year_end, lea, degraded=degrade), records)
    summary = ExportSummary(children=children, episodes=reader.episodes, year_end=year_end, degraded=degrade)
    label = f"{year_end - 1}-{year_end % 100:02d}"
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.EXPORT,
        subject_type=Child._meta.label_lower,
        subject_label=f"CIN census {label}{' (degraded copy)' if degrade else ''}",
        purpose=purpose or "CIN census export",
        details={"children": children, "episodes": reader.episodes, "lea": lea, "degraded": degrade},
    )
    return summary
