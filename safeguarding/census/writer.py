"""Write a DfE children in need (CIN) census XML file from records, as it goes (never a whole tree in memory).

    write_census("cin.xml", header, children)     # children: any iterable of ChildRecord, e.g. a generator

Elements come in the order of the DfE schema (statutory-rules.md section 2.1); a value that is ``None`` is
left out, ``""`` is written as an empty element, and text is escaped. The child's sex is written as
<GenderCurrent> for census years up to 2023-24 (Year 2024) and as <Sex> from 2024-25 (Year 2025), with the
value as the record holds it.

A privacy-degraded copy (``header.degraded``, written by ``export cin --degrade``) says so twice: an XML
comment at the top of the file, and <Release> starting with "DEGRADED" (the reader sets ``degraded`` back
from it). Written to a path, the file appears only when complete: it is written beside the target under a
temporary name and renamed at the end, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast
from xml.sax.saxutils import escape

from safeguarding.census.reader import DEGRADED_RELEASE_MARKER, census_year_end
from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Header,
    Section47,
)

# The first census year whose schema carries <Sex> (M, F, U) instead of <GenderCurrent> (1, 2, 0, 9).
FIRST_YEAR_WITH_SEX_ELEMENT = 2025

DEGRADED_COMMENT = (
    "Privacy-degraded copy for sharing beyond the council: names and identifiers removed or replaced, "
    "dates of birth to month and year, postcodes to district. Not for submission to the DfE."
)

# Characters XML 1.0 cannot hold at all (control characters other than tab, line feed and carriage return,
# and the non-characters U+FFFE and U+FFFF). They are written as U+FFFD so the file stays well formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _comment(value: str) -> str:
    # "--" may not appear inside an XML comment.
    return _NOT_XML.sub("\ufffd", value).replace("--", "- -")


class _Out:
    """Indented elements written straight to a text stream."""

    def __init__(self, stream: IO[str]) -> None:
        self.write = stream.write

    def leaf(self, depth: int, name: str, value: str | None) -> None:
        if value is None:
            return
        self.write(f"{'  ' * depth}<{name}>{_text(value)}</{name}>\n")

    def open(self, depth: int, name: str) -> None:
        self.write(f"{'  ' * depth}<{name}>\n")

    def close(self, depth: int, name: str) -> None:
        self.write(f"{'  ' * depth}</{name}>\n")


def sex_element_for(year_end: int | None) -> str:
    if year_end is not None and year_end >= FIRST_YEAR_WITH_SEX_ELEMENT:
        return "Sex"
    return "GenderCurrent"


def write_census(
    target: str | os.PathLike[str] | IO[str] | IO[bytes], header: Header, children: Iterable[ChildRecord]
) -> int:
    """Write the census file and return how many children it holds."""
    if isinstance(target, (str, os.PathLike)):
        return _write_to_path(Path(target), header, children)
    if isinstance(target, io.TextIOBase):
        return _write(target, header, children)
    # A binary stream: write UTF-8 through a wrapper, and hand the stream back to the caller unclosed.
    wrapper = io.TextIOWrapper(cast(IO[bytes], target), encoding="utf-8", newline="\n")
    try:
        return _write(wrapper, header, children)
    finally:
        wrapper.flush()
        wrapper.detach()


def _write_to_path(path: Path, header: Header, children: Iterable[ChildRecord]) -> int:
    # A unique name beside the target, opened exclusively ("x"), so the finished file gets the usual
    # permissions and a rename (atomic on one file system) puts it in place only once it is complete.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")
    try:
        with temporary.open("x", encoding="utf-8", newline="\n") as stream:
            count = _write(stream, header, children)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _write(stream: IO[str], header: Header, children: Iterable[ChildRecord]) -> int:
    out = _Out(stream)
    out.write('<?xml version="1.0" encoding="utf-8"?>\n')
    if header.degraded:
        out.write(f"<!-- {_comment(DEGRADED_COMMENT)} -->\n")
    out.open(0, "Message")
    _header(out, header)
    sex_element = sex_element_for(census_year_end(header))
    out.open(1, "Children")
    count = 0
    for child in children:
        _child(out, child, sex_element)
        count += 1
    out.close(1, "Children")
    out.close(0, "Message")
    return count


def degraded_release(release: str | None) -> str:
    """The <Release> of a degraded copy: the marker, then the original release if there was one."""
    if release and release.startswith(DEGRADED_RELEASE_MARKER):
        return release
    return f"{DEGRADED_RELEASE_MARKER} {release}" if release else DEGRADED_RELEASE_MARKER


def _header(out: _Out, header: Header) -> None:
    out.open(1, "Header")
    out.open(2, "CollectionDetails")
    out.leaf(3, "Collection", header.collection)
    out.leaf(3, "Year", header.year)
    out.leaf(3, "ReferenceDate", header.reference_date)
    out.close(2, "CollectionDetails")
    out.open(2, "Source")
    out.leaf(3, "SourceLevel", header.source_level)
    out.leaf(3, "LEA", header.lea)
    out.leaf(3, "SoftwareCode", header.software_code)
    out.leaf(3, "Release", degraded_release(header.release) if header.degraded else header.release)
    out.leaf(3, "SerialNo", header.serial_no)
    out.leaf(3, "DateTime", header.date_time)
    out.close(2, "Source")
    out.close(1, "Header")


def _child(out: _Out, child: ChildRecord, sex_element: str) -> None:
    out.open(2, "Child")
    out.open(3, "ChildIdentifiers")
    out.leaf(4, "LAchildID", child.la_child_id)
    out.leaf(4, "UPN", child.upn)
    out.leaf(4, "FormerUPN", child.former_upn)
    out.leaf(4, "UPNunknown", child.upn_unknown)
    out.leaf(4, "PersonBirthDate", child.birth_date)
    out.leaf(4, "ExpectedPersonBirthDate", child.expected_birth_date)
    out.leaf(4, sex_element, child.sex)
    out.leaf(4, "PersonDeathDate", child.death_date)
    out.close(3, "ChildIdentifiers")
    out.open(3, "ChildCharacteristics")
    out.leaf(4, "Ethnicity", child.ethnicity)
    if child.has_disabilities_element or child.disabilities:
        out.open(4, "Disabilities")
        for code in child.disabilities:
            out.leaf(5, "Disability", code)
        out.close(4, "Disabilities")
    out.close(3, "ChildCharacteristics")
    for episode in child.cin_details:
        _episode(out, episode)
    out.close(2, "Child")


def _episode(out: _Out, episode: CINDetails) -> None:
    out.open(3, "CINdetails")
    out.leaf(4, "CINreferralDate", episode.referral_date)
    out.leaf(4, "ReferralSource", episode.referral_source)
    out.leaf(4, "PrimaryNeedCode", episode.primary_need)
    out.leaf(4, "CINclosureDate", episode.closure_date)
    out.leaf(4, "ReasonForClosure", episode.closure_reason)
    out.leaf(4, "DateOfInitialCPC", episode.icpc_date)
    for assessment in episode.assessments:
        _assessment(out, assessment)
    for plan in episode.cin_plans:
        _cin_plan(out, plan)
    for enquiry in episode.section47s:
        _section47(out, enquiry)
    out.leaf(4, "ReferralNFA", episode.referral_nfa)
    for cp_plan in episode.cp_plans:
        _cp_plan(out, cp_plan)
    out.close(3, "CINdetails")


def _assessment(out: _Out, assessment: Assessment) -> None:
    out.open(4, "Assessments")
    out.leaf(5, "AssessmentActualStartDate", assessment.start)
    out.leaf(5, "AssessmentInternalReviewDate", assessment.internal_review)
    out.leaf(5, "AssessmentAuthorisationDate", assessment.authorised)
    if assessment.has_factors_element or assessment.factors:
        out.open(5, "FactorsIdentifiedAtAssessment")
        for factor in assessment.factors:
            out.leaf(6, "AssessmentFactors", factor)
        out.close(5, "FactorsIdentifiedAtAssessment")
    out.close(4, "Assessments")


def _cin_plan(out: _Out, plan: CINPlan) -> None:
    out.open(4, "CINPlanDates")
    out.leaf(5, "CINPlanStartDate", plan.start)
    out.leaf(5, "CINPlanEndDate", plan.end)
    out.close(4, "CINPlanDates")


def _section47(out: _Out, enquiry: Section47) -> None:
    out.open(4, "Section47")
    out.leaf(5, "S47ActualStartDate", enquiry.start)
    out.leaf(5, "InitialCPCtarget", enquiry.icpc_target)
    out.leaf(5, "DateOfInitialCPC", enquiry.icpc_date)
    out.leaf(5, "ICPCnotRequired", enquiry.icpc_not_required)
    out.close(4, "Section47")


def _cp_plan(out: _Out, plan: ChildProtectionPlan) -> None:
    out.open(4, "ChildProtectionPlans")
    out.leaf(5, "CPPstartDate", plan.start)
    out.leaf(5, "CPPendDate", plan.end)
    out.leaf(5, "InitialCategoryOfAbuse", plan.initial_category)
    out.leaf(5, "LatestCategoryOfAbuse", plan.latest_category)
    out.leaf(5, "NumberOfPreviousCPP", plan.number_of_previous)
    if plan.has_reviews_element or plan.review_dates:
        out.open(5, "Reviews")
        for review in plan.review_dates:
            # A review held with no date recorded (query 8842Q) is still a review: written empty.
            out.leaf(6, "CPPreviewDate", "" if review is None else review)
        out.close(5, "Reviews")
    out.close(4, "ChildProtectionPlans")
