"""The Ofsted ILACS Annex A lists 1 to 8: each list's columns, as the template heads them, in its order.

Source: statutory-rules.md section 3, which takes the column names from the Annex A schema published with
Social Finance's liia-tools (`liiatools/annex_a_pipeline/spec/Annex_A_schema.yml`, 2023-11-13) and the list
scopes from Ofsted's descriptions. The live Ofsted template may differ in small ways (for example "Sex" for
"Gender"); the aliases below are the other headings councils' extracts are known to use, and the reader
matches every heading ignoring case, spaces and punctuation.

Each column says what the platform does with it (`Use`):

- STORED: the import writes it to a journey record and the export reads it back;
- DERIVED: the export computes it from other records (an age, a count over 12 months, a case status); the
  import does not read it, because it is a consequence of the records, not a fact to store;
- NOT_HELD: the platform keeps no such information (allocated worker, last statutory visit, placement
  provider...); the import ignores it and the export leaves it empty.

`required` columns are those an import cannot do without (the child's ID and the date that identifies the
row's episode); a sheet without one is refused, naming the list and the column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from safeguarding.census.annexa.values import normalised


class Kind(StrEnum):
    """What a column's cells hold, which decides how they are read and written."""

    TEXT = "text"
    DATE = "date"
    COUNT = "count"
    YES_NO = "yes_no"
    GENDER = "gender"
    ETHNICITY = "ethnicity"
    SOURCE = "source"
    PRIMARY_NEED = "primary_need"
    CLOSURE_REASON = "closure_reason"
    CATEGORY = "category"
    LEGAL_STATUS = "legal_status"
    PLACEMENT_TYPE = "placement_type"


class Use(StrEnum):
    STORED = "stored"
    DERIVED = "derived"
    NOT_HELD = "not held"


@dataclass(frozen=True)
class Column:
    key: str  # the name the code uses for the column
    heading: str  # exactly as the Ofsted template heads it; the export writes this
    kind: Kind
    use: Use = Use.STORED
    aliases: tuple[str, ...] = ()
    required: bool = False

    def headings(self) -> Iterator[str]:
        yield self.heading
        yield from self.aliases


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str  # as Ofsted names the list
    scope: str  # who is on it, in Ofsted's words (shortened)
    columns: tuple[Column, ...]
    # The column only this list has: a header row holding it is this list's (when the sheet is not named).
    signature: str

    @property
    def label(self) -> str:
        return f"List {self.number} ({self.title})"

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def heading_index(self) -> Mapping[str, Column]:
        """Every accepted heading, normalised, to its column."""
        return {normalised(heading): column for column in self.columns for heading in column.headings()}


def _common() -> tuple[Column, ...]:
    """The child columns every list starts with."""
    return (
        Column(
            "child_id",
            "Child Unique ID",
            Kind.TEXT,
            aliases=(
                "Child ID",
                "ChildUniqueID",
                "Unique Child ID",
                "LA Child ID",
                "LAchildID",
                "Child Identifier",
            ),
            required=True,
        ),
        Column("gender", "Gender", Kind.GENDER, aliases=("Sex", "Gender Current", "GenderCurrent")),
        Column("ethnicity", "Ethnicity", Kind.ETHNICITY, aliases=("Ethnic Origin", "Ethnicity Code")),
        Column("date_of_birth", "Date of Birth", Kind.DATE, aliases=("DOB", "Birth Date", "PersonBirthDate")),
        Column("age", "Age of Child (Years)", Kind.COUNT, Use.DERIVED, aliases=("Age", "Age of Child")),
    )


def _disability() -> Column:
    return Column(
        "disability",
        "Does the Child have a Disability",
        Kind.YES_NO,
        aliases=("Disability", "Has Disability", "Disabled", "Does the child have a disability?"),
    )


def _allocation() -> tuple[Column, ...]:
    return (
        Column("allocated_team", "Allocated Team", Kind.TEXT, Use.NOT_HELD),
        Column("allocated_worker", "Allocated Worker", Kind.TEXT, Use.NOT_HELD),
    )


LIST_1 = AnnexList(
    1,
    "Contacts",
    "All contacts in the six months before the inspection; one row per child per contact.",
    (
        *_common(),
        Column("contact_date", "Date of Contact", Kind.DATE, aliases=("Contact Date",), required=True),
        Column("contact_source", "Contact Source", Kind.SOURCE, aliases=("Source of Contact", "Source")),
    ),
    signature="contact_date",
)

LIST_2 = AnnexList(
    2,
    "Early help",
    "All early help assessments in the six months before the inspection, and current early help "
    "interventions coordinated by the local authority.",
    (
        *_common(),
        Column(
            "eh_assessment_start",
            "Assessment start date",
            Kind.DATE,
            aliases=("Early Help Assessment Start Date", "EH Assessment Start Date"),
            required=True,
        ),
        Column(
            "eh_assessment_completion",
            "Assessment completion date",
            Kind.DATE,
            aliases=("Early Help Assessment Completion Date", "EH Assessment Completion Date"),
        ),
        Column(
            "eh_organisation",
            "Organisation completing assessment",
            Kind.TEXT,
            Use.NOT_HELD,
            aliases=("Organisation Completing Early Help Assessment",),
        ),
    ),
    signature="eh_assessment_start",
)

LIST_3 = AnnexList(
    3,
    "Referrals",
    "All referrals in the six months before the inspection; a child appears once per referral.",
    (
        *_common(),
        Column("referral_date", "Date of referral", Kind.DATE, aliases=("Referral Date",), required=True),
        Column("referral_source", "Referral Source", Kind.SOURCE, aliases=("Source of Referral",)),
        Column("referral_nfa", "Referral NFA?", Kind.YES_NO, aliases=("Referral NFA", "NFA", "ReferralNFA")),
        Column(
            "referrals_12_months",
            "Number of Referrals in Last 12 Months",
            Kind.COUNT,
            Use.DERIVED,
            aliases=("Referrals in Last 12 Months",),
        ),
        *_allocation(),
    ),
    signature="referral_date",
)

LIST_4 = AnnexList(
    4,
    "Assessments",
    "Children with assessments in the six months before the inspection.",
    (
        *_common(),
        _disability(),
        Column(
            "assessment_start",
            "Continuous Assessment Start Date",
            Kind.DATE,
            aliases=(
                "Continuous Assessment Start",
                "Assessment Actual Start Date",
                "AssessmentActualStartDate",
            ),
            required=True,
        ),
        Column(
            "child_seen",
            "Child Seen During Continuous Assessment",
            Kind.YES_NO,
            aliases=("Child Seen During Assessment", "Child Seen"),
        ),
        Column(
            "assessment_authorised",
            "Continuous Assessment Date of Authorisation",
            Kind.DATE,
            aliases=("Assessment Authorisation Date", "AssessmentAuthorisationDate", "Date of Authorisation"),
        ),
        Column(
            "support_required",
            "Was the child assessed as requiring LA children's social care support?",
            Kind.YES_NO,
            Use.DERIVED,
            aliases=("Assessed as requiring LA children's social care support",),
        ),
        *_allocation(),
    ),
    signature="assessment_start",
)

LIST_5 = AnnexList(
    5,
    "Section 47 enquiries and ICPCs",
    "All section 47 enquiries in the six months before the inspection, including open ones; one row per "
    "enquiry.",
    (
        *_common(),
        _disability(),
        Column(
            "s47_start",
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            Kind.DATE,
            aliases=(
                "Section 47 Enquiry Start Date",
                "S47 Start Date",
                "S47ActualStartDate",
                "Strategy Discussion Date",
            ),
            required=True,
        ),
        Column(
            "icpc_not_required",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            Kind.YES_NO,
            aliases=("Was an ICPC deemed unnecessary?", "ICPC not required", "ICPCnotRequired"),
        ),
        Column(
            "icpc_date",
            "Date of Initial Child Protection Conference",
            Kind.DATE,
            aliases=("Date of ICPC", "ICPC Date", "DateOfInitialCPC"),
        ),
        Column(
            "icpc_to_plan",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            Kind.YES_NO,
            Use.DERIVED,
            aliases=("Did the ICPC result in a CP Plan", "ICPC resulted in CP plan"),
        ),
        Column(
            "s47_12_months",
            "Number of Section 47 Enquiries in the last 12 months",
            Kind.COUNT,
            Use.DERIVED,
            aliases=("Number of S47 Enquiries in the last 12 months",),
        ),
        Column("icpcs_12_months", "Number of ICPCs in the last 12 months", Kind.COUNT, Use.DERIVED),
        *_allocation(),
    ),
    signature="s47_start",
)

LIST_6 = AnnexList(
    6,
    "Children in need",
    "All children receiving services as a child in need at the inspection or in the six months before it; "
    "not care leavers, nor children who only had a referral.",
    (
        *_common(),
        _disability(),
        Column(
            "cin_start",
            "CIN Start Date",
            Kind.DATE,
            aliases=("CIN Referral Date", "CINreferralDate", "Child in Need Start Date"),
            required=True,
        ),
        Column(
            "primary_need",
            "Primary Need Code",
            Kind.PRIMARY_NEED,
            aliases=("Primary Need", "PrimaryNeedCode"),
        ),
        Column("last_seen", "Date Child Was Last Seen", Kind.DATE, Use.NOT_HELD, aliases=("Date Last Seen",)),
        Column(
            "cin_closure",
            "CIN Closure Date",
            Kind.DATE,
            aliases=("CINclosureDate", "Child in Need Closure Date"),
        ),
        Column(
            "closure_reason",
            "Reason for Closure",
            Kind.CLOSURE_REASON,
            aliases=("Closure Reason", "ReasonForClosure", "CIN Closure Reason"),
        ),
        Column("case_status", "Case Status", Kind.TEXT, Use.DERIVED),
        *_allocation(),
    ),
    signature="cin_start",
)

LIST_7 = AnnexList(
    7,
    "Child protection",
    "All children on a child protection plan at the inspection, and those whose plan ended in the six "
    "months before it.",
    (
        *_common(),
        _disability(),
        Column(
            "cpp_start",
            "Child Protection Plan Start Date",
            Kind.DATE,
            aliases=("CPP Start Date", "CP Plan Start Date", "CPPstartDate"),
            required=True,
        ),
        Column(
            "initial_category",
            "Initial Category of Abuse",
            Kind.CATEGORY,
            aliases=("InitialCategoryOfAbuse",),
        ),
        Column(
            "latest_category", "Latest Category of Abuse", Kind.CATEGORY, aliases=("LatestCategoryOfAbuse",)
        ),
        Column("last_visit", "Date of the Last Statutory Visit", Kind.DATE, Use.NOT_HELD),
        Column("seen_alone", "Was the Child Seen Alone?", Kind.YES_NO, Use.NOT_HELD),
        Column(
            "latest_review",
            "Date of latest review conference",
            Kind.DATE,
            aliases=("Latest Review Conference Date", "Date of Latest Review", "CPPreviewDate"),
        ),
        Column(
            "cpp_end", "Child Protection Plan End Date", Kind.DATE, aliases=("CPP End Date", "CPPendDate")
        ),
        Column(
            "epo_six_months",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
            Kind.YES_NO,
            Use.DERIVED,
            aliases=(
                "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months",
            ),
        ),
        Column(
            "previous_plans",
            "Number of Previous Child Protection Plans",
            Kind.COUNT,
            aliases=("Number of Previous CP Plans", "NumberOfPreviousCPP"),
        ),
        *_allocation(),
    ),
    signature="cpp_start",
)

LIST_8 = AnnexList(
    8,
    "Children in care",
    "All children looked after at the inspection, and those who stopped being looked after in the six "
    "months before it.",
    (
        *_common(),
        Column(
            "uasc",
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            Kind.YES_NO,
            Use.NOT_HELD,
            aliases=("UASC", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months"),
        ),
        _disability(),
        Column(
            "lac_start",
            "Date Started to be Looked After",
            Kind.DATE,
            aliases=("Date Started Looked After", "Date Became Looked After", "Period of Care Start Date"),
            required=True,
        ),
        Column(
            "category_of_need", "Child's Category of Need", Kind.PRIMARY_NEED, aliases=("Category of Need",)
        ),
        Column(
            "second_period",
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months "
            "(Y/N)",
            Kind.YES_NO,
            Use.DERIVED,
            aliases=("Second or subsequent period of care within 12 months",),
        ),
        Column(
            "legal_status_start",
            "Start date of current legal status",
            Kind.DATE,
            Use.DERIVED,
            aliases=("Legal Status Start Date",),
        ),
        Column("legal_status", "Child's Legal Status", Kind.LEGAL_STATUS, aliases=("Legal Status",)),
        Column("latest_review", "Date of Latest Statutory Review", Kind.DATE, Use.NOT_HELD),
        Column("last_visit", "Date of Last Social Work Visit", Kind.DATE, Use.NOT_HELD),
        Column("permanence_plan", "What is the permanence plan for this child?", Kind.TEXT, Use.NOT_HELD),
        Column("iro_visit", "Date of Last IRO Visit / Contact to the Child", Kind.DATE, Use.NOT_HELD),
        Column("health_assessment", "Date of Last Health Assessment", Kind.DATE, Use.NOT_HELD),
        Column("dental_check", "Date of Last Dental Check", Kind.DATE, Use.NOT_HELD),
        Column("placements_12_months", "Number of Placements in the Last 12 months", Kind.COUNT, Use.DERIVED),
        Column(
            "lac_end",
            "Date Ceased to be Looked After",
            Kind.DATE,
            aliases=("Date Ceased Looked After", "Date Ceased LAC", "Period of Care End Date"),
        ),
        Column("reason_ceased", "Reason Ceased to be Looked After", Kind.TEXT, Use.NOT_HELD),
        Column(
            "placement_start",
            "Start Date of Most Recent Placement",
            Kind.DATE,
            aliases=("Most Recent Placement Start Date", "Placement Start Date"),
        ),
        Column("placement_type", "Placement Type", Kind.PLACEMENT_TYPE),
        Column("placement_provider", "Placement Provider", Kind.TEXT, Use.NOT_HELD),
        Column("placement_postcode", "Placement postcode", Kind.TEXT, Use.NOT_HELD),
        Column("placement_urn", "URN of Placement", Kind.TEXT, Use.NOT_HELD),
        Column("placement_location", "Placement Location", Kind.TEXT, Use.NOT_HELD),
        Column("placement_la", "LA of Placement", Kind.TEXT, Use.NOT_HELD),
        Column(
            "missing_12_months",
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            Kind.COUNT,
            Use.DERIVED,
        ),
        Column(
            "absent_12_months",
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            Kind.COUNT,
            Use.NOT_HELD,
        ),
        Column(
            "return_offered",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            Kind.YES_NO,
            Use.DERIVED,
        ),
        Column(
            "return_accepted",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            Kind.YES_NO,
            Use.DERIVED,
        ),
        *_allocation(),
    ),
    signature="lac_start",
)

LISTS: Mapping[int, AnnexList] = {
    annex_list.number: annex_list
    for annex_list in (LIST_1, LIST_2, LIST_3, LIST_4, LIST_5, LIST_6, LIST_7, LIST_8)
}

# Lists 9 (care leavers), 10 (adoption) and 11 (adopters) describe people and events the platform does not
# hold; a workbook's sheets for them are passed over with a note.
NOT_IMPORTED_LISTS: Mapping[int, str] = {9: "Care leavers", 10: "Adoption", 11: "Adopters"}
