"""A multi-agency audit round from sample to report, in a real browser (issue 7, section 4).

The business unit officer makes and publishes the core audit tool and the neglect theme's questions, starts
the 2024-25 programme, plans a Q3 round on neglect, draws a stratified random sample of three children (one
from each of the three strata the records hold on the sample day), gives each case its agencies' sections
and auditors, and opens the round. The agency A auditor signs in with two factors, sees only their two cases,
is refused the third, sees who the child is, is stopped from submitting with a question unanswered, then
submits the section (graded, yes/no/partly and free-text answers), grades the case independently, records a
practitioner who took part with their reflections and the family's views, and saves a draft on the other
case. The officer sends the round to moderation, grades each case, adds a finding on information sharing,
sends an action from it to the tracker and reports the round. The report page shows the grades, the finding
and the action; the PDF and Word downloads are real files; a PQA member reads the report without seeing any
child. The database is checked at the end. The main pages are run through axe-core (WCAG 2.2 AA).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accesslog.models import AccessEvent
from safeguarding.actions.models import Action
from safeguarding.audits.models import (
    AuditCase,
    AuditQuestion,
    AuditRound,
    AuditSection,
    AuditTool,
    AuditToolVersion,
    Finding,
    IndependentGrade,
    PractitionerInvitation,
)
from safeguarding.audits.services import programme as programme_services
from tests.browser.audit_steps import (
    CP_STRATUM,
    EH_STRATUM,
    LAC_STRATUM,
    SAMPLE_DAY,
    STRATA,
    choose,
    fill_date,
    heading,
    make_cast,
    saved,
    switch_to,
)
from tests.browser.support import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = "2024-25"
ROUND = "MAA-2024-25-Q3"
THEME = "Neglect in adolescence"
WHY = "The rapid review of Child W9 found neglect of teenagers was recognised late."
GRADED = "Graded (Outstanding, Good, Requires improvement, Inadequate)"
CORE_QUESTIONS = (
    ("How well was risk identified?", GRADED),
    ("Was the child seen alone?", "Yes, no or partly"),
    ("What would have made a difference?", "Free text"),
)
THEME_QUESTION = "Was neglect recognised early?"
FREE_TEXT = "Earlier sharing of school attendance with the social worker."
SUMMARY = "The school saw the signs of neglect early and told the social worker each time."
REFLECTION = "I would now escalate sooner when a plan drifts."
FAMILY = "The young person said nobody asked how things were at home."
FINDING = "Schools' attendance concerns did not reach the core group until the review conference."
ACTION_TITLE = "Share school attendance with the core group every fortnight"
PANEL_GRADES = {CP_STRATUM: "Requires improvement", LAC_STRATUM: "Good", EH_STRATUM: "Inadequate"}


def make_tool(
    page: Page, *, name: str, kind: str, theme: str = "", questions: tuple[tuple[str, str], ...]
) -> None:
    """Make a tool, add its questions to version 1 and publish it, as the business unit does."""
    page.goto("/audits/")
    page.get_by_role("link", name="Audit tools and their questions").click()
    page.get_by_role("link", name="Make an audit tool").click()
    page.get_by_label("Name", exact=True).fill(name)
    choose(page, "Kind of questions", kind)
    if theme:
        choose(page, "Theme (optional)", theme)
    page.get_by_role("button", name="Make the tool").click()
    saved(page, "Tool made")
    heading(page, name)
    for text, answered in questions:
        page.get_by_role("link", name="Add a question to version 1").click()
        page.get_by_label("Question", exact=True).fill(text)
        choose(page, "How it is answered", answered)
        page.get_by_role("button", name="Add the question").click()
        saved(page, "Question added")
    table = page.locator("#questions-1")
    for text, answered in questions:
        expect(table.get_by_role("row").filter(has_text=text)).to_contain_text(answered)
    page.get_by_role("button", name="Publish version 1").click()
    saved(page, "Version 1 published: new rounds use it")
    expect(page.locator("#version-1-heading")).to_contain_text("Published")


def test_a_round_from_sample_to_report(page: Page) -> None:
    cast = make_cast()
    officer, auditor_a = cast.officer, cast.auditor_a
    today = timezone.localdate()  # the day the pages default to (London time)
    due = today + timedelta(days=90)

    # --- The tools: core questions and the neglect theme's questions, published -----------------------------
    switch_to(page, officer)
    make_tool(page, name="Core questions", kind="Core questions", questions=CORE_QUESTIONS)
    assert_accessible(page)
    make_tool(
        page,
        name="Neglect questions",
        kind="Theme questions",
        theme="Neglect",
        questions=((THEME_QUESTION, GRADED),),
    )

    # --- The year's programme and the round ---------------------------------------------------------------
    page.goto("/audits/")
    page.get_by_role("link", name="Start a year's programme").click()
    page.get_by_label("Financial year").fill(YEAR)
    page.get_by_role("button", name="Start the programme").click()
    saved(page, "Programme started")
    expect(page.locator(f"#year-{YEAR}")).to_contain_text("No rounds planned yet.")
    page.get_by_role("link", name=f"Plan a round in programme {YEAR}").click()
    choose(page, "Quarter", "Quarter 3 (October to December)", exact=True)
    choose(page, "Theme", "Neglect", exact=True)
    page.get_by_label("The theme as the report names it").fill(THEME)
    choose(page, "Why this theme was chosen", "Learning from a case review")
    page.get_by_label("Why this theme now").fill(WHY)
    choose(page, "Lead (optional)", str(officer))
    page.get_by_label("Number of children to audit").fill("3")
    fill_date(page, "Auditing starts", SAMPLE_DAY)
    fill_date(page, "Agencies' sections are due", date(2024, 11, 1))
    fill_date(page, "The moderation panel meets", date(2024, 11, 20))
    page.get_by_role("button", name="Plan the round").click()
    saved(page, "Round planned")
    heading(page, f"Audit round {ROUND}")
    facts = page.locator("#round-facts")
    for text in (
        THEME,
        "Learning from a case review",
        WHY,
        "Omar Officer",
        "1 October 2024",
        "20 November 2024",
        "Planned",
        "Core questions, version 1",
        "Neglect questions, version 1",
    ):
        expect(facts).to_contain_text(text)
    expect(page.locator("#sample")).to_contain_text("as the records stand on 1 October 2024")

    # --- The stratified random sample ---------------------------------------------------------------------
    page.get_by_role("button", name="Draw a sample of 3").click()
    saved(page, "3 children sampled")
    cases_table = page.locator("#case-table")
    expect(cases_table.locator("caption")).to_have_text("3 of 3 cases")
    codes: dict[str, str] = {}
    for stratum, names in STRATA.items():
        row = cases_table.get_by_role("row").filter(has_text=stratum)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Stratified random sample")
        # One of the stratum's two children, whichever the draw chose.
        row_text = row.inner_text()
        assert sum(f"{first} {last}" in row_text for first, last in names) == 1, row_text
        codes[stratum] = row.get_by_role("rowheader").inner_text().split()[0]
    assert sorted(codes.values()) == [f"{ROUND}-01", f"{ROUND}-02", f"{ROUND}-03"]
    expect(cases_table).not_to_contain_text("Otto Latetest")  # not in the journey on the sample day
    expect(page.locator("#sample")).to_contain_text("The round has its 3 children")
    assert_accessible(page)
    cp, lac, eh = codes[CP_STRATUM], codes[LAC_STRATUM], codes[EH_STRATUM]

    # --- Each case's agencies' sections and their auditors: A audits two cases, B two -----------------------
    sections = (
        (cp, "Agency A", auditor_a),
        (cp, "Agency B", cast.auditor_b),
        (lac, "Agency A", auditor_a),
        (eh, "Agency B", cast.auditor_b),
    )
    for code, agency, auditor in sections:
        page.get_by_role("link", name=f"Add a section to {code}").click()
        heading(page, f"An agency's section of case {code}")
        choose(page, "Agency", agency, exact=True)
        choose(page, "Auditor (optional)", str(auditor))
        page.get_by_role("button", name="Save the section").click()
        saved(page, "Section saved")
        expect(page.locator(f"[id='case-{code}']")).to_contain_text(
            f"{agency}: not started, auditor {auditor.full_name}"
        )
    page.get_by_role("button", name="Open the round for auditing").click()
    saved(page, f"Round {ROUND} is open for auditing")
    expect(page.locator("#round-facts")).to_contain_text("Open for auditing")

    # --- The agency A auditor: only their cases -------------------------------------------------------------
    switch_to(page, auditor_a)
    # No page links to /audits/my-cases/ (the programme page has no link for auditors): go by its address.
    page.goto("/audits/my-cases/")
    heading(page, "Your audit cases")
    mine = page.locator("#my-sections")
    expect(mine.locator("tbody tr")).to_have_count(2)
    expect(mine).to_contain_text(cp)
    expect(mine).to_contain_text(lac)
    expect(mine).not_to_contain_text(eh)
    expect(mine).to_contain_text(THEME)
    refused = page.goto(f"/audits/cases/{eh}/")
    assert refused is not None and refused.status == 404
    page.goto("/audits/my-cases/")
    page.get_by_role("link", name=cp, exact=True).click()
    heading(page, f"Audit case {cp}")
    identity = page.locator("#child-identity")
    cp_names = [child.display_name for child in cast.children[CP_STRATUM]]
    expect(identity).to_be_visible()
    identity_text = identity.inner_text()
    assert sum(name in identity_text for name in cp_names) == 1, identity_text
    expect(page.locator("#journey")).to_contain_text("Child protection plan")
    assert_accessible(page)

    # Submitting with a question unanswered is refused; nothing typed is lost.
    choose(page, "1. How well was risk identified?", "Good")
    choose(page, f"4. {THEME_QUESTION}", "Requires improvement")  # numbered on from the core tool
    page.get_by_label("3. What would have made a difference?").fill(FREE_TEXT)
    page.get_by_label("Your agency's summary of its involvement and learning").fill(SUMMARY)
    page.get_by_role("button", name="Submit your section").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer question 2 before submitting")
    expect(page.get_by_label("3. What would have made a difference?")).to_have_value(FREE_TEXT)
    choose(page, "2. Was the child seen alone?", "Partly")
    page.get_by_role("button", name="Submit your section").click()
    saved(page, "Section submitted")
    own = page.locator("section").filter(has=page.get_by_role("heading", name="Your section: Agency A"))
    expect(own).to_contain_text("Submitted")
    for answer in ("Good", "Partly", FREE_TEXT, "Requires improvement", SUMMARY):
        expect(own).to_contain_text(answer)
    expect(page.get_by_role("button", name="Submit your section")).to_have_count(0)

    page.get_by_role("link", name="Grade the case").click()
    choose(page, "Your grade", "Good")
    page.get_by_role("button", name="Save your grade").click()
    saved(page, "Your grade is saved")
    expect(page.locator("#independent-grade")).to_contain_text("You graded this case Good")

    page.get_by_role("link", name="Invite a practitioner").click()
    choose(page, "Their agency", "Agency A")
    page.get_by_label("Their role").fill("Head of year")
    page.get_by_role("button", name="Record the invitation").click()
    saved(page, "Invitation recorded")
    page.get_by_role("link", name="Record for Head of year").click()
    choose(page, "Did they take part?", "Took part")
    page.get_by_label("Their reflections").fill(REFLECTION)
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "Practitioner's part recorded")
    practitioners = page.locator("#practitioners")
    expect(practitioners).to_contain_text("Took part")
    expect(practitioners).to_contain_text(REFLECTION)

    page.get_by_role("link", name="Record the family's views").click()
    choose(page, "Were the child's and family's views sought?", "Sought and given")
    page.get_by_label("What the child and family said").fill(FAMILY)
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, "The family's views are recorded")
    expect(page.locator("#family-views")).to_contain_text(FAMILY)

    # A draft on the other case.
    page.get_by_role("link", name="Your audit cases").click()
    page.get_by_role("link", name=lac, exact=True).click()
    choose(page, "2. Was the child seen alone?", "Yes")
    page.get_by_role("button", name="Save as draft").click()
    saved(page, "Draft saved")
    page.get_by_role("link", name="Your audit cases").click()
    expect(mine.get_by_role("row").filter(has_text=cp)).to_contain_text("Submitted")
    expect(mine.get_by_role("row").filter(has_text=lac)).to_contain_text("In progress")

    # --- Moderation ---------------------------------------------------------------------------------------
    switch_to(page, officer)
    # Neither the round's page nor the programme links to the panel's page: the officer goes by address.
    page.goto(f"/audits/rounds/{ROUND}/moderation/")
    heading(page, f"Round {ROUND}: {THEME}")
    # The auditor's independent grade stays hidden until the panel.
    expect(page.locator(f"[id='case-{cp}']")).to_contain_text(
        "1 recorded: shown when the round reaches moderation"
    )
    expect(page.locator(f"[id='case-{cp}']")).not_to_contain_text("Ava Auditor")
    unsubmitted = page.locator("#round-facts .govuk-summary-list__row").filter(
        has_text="Sections not submitted"
    )
    expect(unsubmitted.locator("dd")).to_have_text("3")  # B's two sections and A's draft
    page.get_by_role("link", name="Send the round to moderation").click()
    page.get_by_role("button", name="Send to moderation").click()
    saved(page, "The round is at moderation")
    expect(page.locator("#round-facts")).to_contain_text("Moderation")
    cp_panel = page.locator(f"[id='case-{cp}']")
    expect(cp_panel).to_contain_text("Good (Ava Auditor,")
    expect(cp_panel).to_contain_text("Head of year, Agency A: took part")
    expect(cp_panel).to_contain_text(FAMILY)
    assert_accessible(page)

    for stratum, grade in PANEL_GRADES.items():
        code = codes[stratum]
        page.get_by_role("link", name=f"Grade case {code}").click()
        heading(page, f"The panel's grade for {code}")
        choose(page, "The panel's grade", grade)
        page.get_by_label("Why the panel gave this grade").fill(f"The panel's reasons for {grade.lower()}.")
        page.get_by_role("button", name="Save the grade").click()
        saved(page, f"{code} graded")
        expect(page.get_by_role("heading", name=code, level=3)).to_contain_text(grade)

    page.get_by_role("link", name=f"Add a finding on {cp}").click()
    choose(page, "Kind of finding", "Area for development")
    choose(page, "Practice area", "Information sharing")
    page.get_by_label("The finding").fill(FINDING)
    expect(page.get_by_label("Case (optional)")).to_have_value(str(AuditCase.objects.get(code=cp).pk))
    page.get_by_role("button", name="Add the finding").click()
    saved(page, "Finding added")
    finding_card = page.locator("#finding-1")
    expect(finding_card).to_contain_text("Area for development")
    expect(finding_card).to_contain_text("Information sharing")
    expect(finding_card).to_contain_text(FINDING)

    finding_card.get_by_role("link", name="Add an action for finding 1").click()
    page.get_by_label("What the action is").fill(ACTION_TITLE)
    choose(page, "Owner agency", "Agency B")
    fill_date(page, "Due date", due)
    page.get_by_role("group", name="Themes").get_by_label("Information sharing").check()
    page.get_by_role("button", name="Add the action").click()
    saved(page, "Action added to the tracker")
    action = Action.objects.get()
    expect(page.locator("#finding-1")).to_contain_text(f"{action.reference}: {ACTION_TITLE} (Agency B")

    page.get_by_role("link", name="Report the round").click()
    page.get_by_label("The report's summary").fill(
        "Three children audited; one finding on information sharing."
    )
    page.get_by_role("button", name="Report the round").click()
    saved(page, "The round is reported")
    expect(page.locator("#round-facts")).to_contain_text("Reported")

    # --- The report -------------------------------------------------------------------------------------
    page.get_by_role("link", name="The round report").click()
    heading(page, f"{ROUND}: {THEME}")
    grades_row = page.locator("#report-grades-table tbody tr")
    # Outstanding, Good, Requires improvement, Inadequate, Total (a zero is read out but not shown).
    expect(grades_row.get_by_role("cell")).to_have_text([THEME, "0", "1", "1", "1", "3"])
    expect(page.locator("#report-grades")).to_contain_text(
        "67% of the cases graded were good or requires improvement."
    )
    cases_report = page.locator("#report-cases-table")
    for stratum, grade in PANEL_GRADES.items():
        expect(cases_report.get_by_role("row").filter(has_text=codes[stratum])).to_contain_text(grade)
    findings = page.locator("#report-findings")
    expect(findings.get_by_role("heading", name="Information sharing")).to_be_visible()
    expect(findings).to_contain_text(f"{FINDING} ({ROUND}/F1, {cp})")
    actions = page.locator("#report-actions-table")
    expect(actions).to_contain_text(f"{action.reference}: {ACTION_TITLE}")
    expect(actions).to_contain_text(f"{ROUND}/F1")
    expect(actions).to_contain_text("Agency B")
    expect(page.locator("#report-practitioners")).to_contain_text(
        "1 of the 1 practitioners invited took part."
    )
    expect(page.locator("#report-practitioners")).to_contain_text(REFLECTION)
    expect(page.locator("#report-family")).to_contain_text(f"{cp}: {FAMILY}")
    body = page.locator("main").inner_text()
    for name in cast.every_child_name():
        assert name not in body, f"the report names {name}"
    assert_accessible(page)

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the report as PDF").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"audit-report-{ROUND}.pdf"
    pdf_bytes = Path(pdf.path()).read_bytes()
    assert pdf_bytes.startswith(b"%PDF-")
    assert b"%%EOF" in pdf_bytes[-1024:]

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Download the report as a Word document").click()
    docx = docx_download.value
    assert docx.suggested_filename == f"audit-report-{ROUND}.docx"
    with zipfile.ZipFile(io.BytesIO(Path(docx.path()).read_bytes())) as archive:
        document_xml = archive.read("word/document.xml").decode("utf-8")
    assert THEME in document_xml
    assert ROUND in document_xml
    assert FINDING in document_xml
    for name in cast.every_child_name():
        assert name not in document_xml

    # --- A PQA subgroup member reads the report, and nothing else -----------------------------------------
    switch_to(page, cast.pqa_member)
    page.goto("/audits/")
    page.get_by_role("link", name="Grades tables").click()
    page.locator("#audit-table-1").get_by_role("link", name=ROUND).click()
    heading(page, f"{ROUND}: {THEME}")
    expect(page.locator("#report-grades-table tbody tr").get_by_role("cell")).to_have_text(
        [THEME, "0", "1", "1", "1", "3"]
    )
    expect(page.locator("#report-findings")).to_contain_text(FINDING)
    body = page.locator("main").inner_text()
    for name in cast.every_child_name():
        assert name not in body
    forbidden = page.goto(f"/audits/rounds/{ROUND}/moderation/")
    assert forbidden is not None and forbidden.status == 403

    # --- The database ---------------------------------------------------------------------------------------
    core = AuditToolVersion.objects.get(tool__name="Core questions", number=1)
    themed = AuditToolVersion.objects.get(tool__name="Neglect questions", number=1)
    assert core.tool.kind == AuditTool.Kind.CORE and themed.tool.theme == "neglect"
    assert core.status == themed.status == AuditToolVersion.Status.PUBLISHED
    assert [(q.text, q.kind) for q in core.questions.order_by("position")] == [
        ("How well was risk identified?", AuditQuestion.Kind.GRADED),
        ("Was the child seen alone?", AuditQuestion.Kind.YES_NO_PARTLY),
        ("What would have made a difference?", AuditQuestion.Kind.FREE_TEXT),
    ]
    audit_round = AuditRound.objects.get()
    assert audit_round.code == ROUND and audit_round.programme.year == YEAR
    assert (audit_round.quarter, audit_round.theme, audit_round.theme_detail) == (3, "neglect", THEME)
    assert audit_round.rationale == AuditRound.Rationale.CASE_REVIEW and audit_round.rationale_detail == WHY
    assert audit_round.lead == officer and audit_round.case_count == 3
    assert audit_round.opens_on == SAMPLE_DAY and audit_round.panel_date == date(2024, 11, 20)
    assert audit_round.core_version == core and audit_round.theme_version == themed
    assert audit_round.status == AuditRound.Status.REPORTED and audit_round.reported_on == today

    cases = {case.stratum: case for case in AuditCase.objects.filter(round=audit_round)}
    assert set(cases) == set(STRATA)
    for stratum, case in cases.items():
        assert case.code == codes[stratum]
        assert case.sampling == AuditCase.Sampling.RANDOM
        assert case.child in cast.children[stratum]
        assert case.get_grade_display() == PANEL_GRADES[stratum]
        assert case.moderated_by == officer and case.moderated_on == date(2024, 11, 20)
    assert not AuditCase.objects.filter(child=cast.late_child).exists()
    cp_case, lac_case, eh_case = cases[CP_STRATUM], cases[LAC_STRATUM], cases[EH_STRATUM]
    assert {a.name for a in cp_case.agencies.all()} == {"Agency A", "Agency B"}

    questions = {q.text: str(q.pk) for q in AuditQuestion.objects.filter(version__in=[core, themed])}
    section = AuditSection.objects.get(case=cp_case, agency=cast.agency_a)
    assert section.auditor == auditor_a and section.status == AuditSection.Status.SUBMITTED
    assert section.answers == {
        questions["How well was risk identified?"]: "good",
        questions["Was the child seen alone?"]: "partly",
        questions["What would have made a difference?"]: FREE_TEXT,
        questions[THEME_QUESTION]: "requires_improvement",
    }
    assert section.summary == SUMMARY and section.submitted_at is not None
    draft = AuditSection.objects.get(case=lac_case, agency=cast.agency_a)
    assert draft.status == AuditSection.Status.IN_PROGRESS
    assert draft.answers == {questions["Was the child seen alone?"]: "yes"}
    for untouched in AuditSection.objects.filter(agency=cast.agency_b):
        assert untouched.auditor == cast.auditor_b and untouched.status == AuditSection.Status.NOT_STARTED
    assert AuditSection.objects.filter(case=eh_case).get().agency == cast.agency_b

    independent = IndependentGrade.objects.get()
    assert (independent.case, independent.grader, independent.grade, independent.graded_on) == (
        cp_case,
        auditor_a,
        "good",
        today,
    )
    invitation = PractitionerInvitation.objects.get()
    assert (invitation.case, invitation.agency, invitation.role) == (cp_case, cast.agency_a, "Head of year")
    assert invitation.attendance == PractitionerInvitation.Attendance.ATTENDED
    assert invitation.reflections == REFLECTION
    assert cp_case.family_views == AuditCase.FamilyViews.SOUGHT and cp_case.family_views_summary == FAMILY

    finding = Finding.objects.get()
    assert (finding.round, finding.case, finding.number) == (audit_round, cp_case, 1)
    assert finding.kind == Finding.Kind.DEVELOPMENT and finding.practice_area == "information_sharing"
    assert finding.text == FINDING
    action.refresh_from_db()
    assert action.source_kind == Action.SourceKind.AUDIT and action.source_ref == f"{ROUND}/F1"
    assert action.owner_agency == cast.agency_b and action.due_date == due
    assert action.themes == ["information_sharing"] and action.created_by == officer

    # Who saw which child is in the access log: the auditor saw their case's child, never the third child.
    child_views = AccessEvent.objects.filter(subject_type="children.child", action=AccessEvent.Action.VIEW)
    auditor_views = set(child_views.filter(actor=auditor_a).values_list("subject_id", flat=True))
    assert auditor_views == {str(cp_case.child_id), str(lac_case.child_id)}
    assert child_views.filter(actor=officer, subject_id=str(eh_case.child_id)).exists()
    assert not child_views.filter(actor=cast.pqa_member).exists()


def test_a_round_is_not_opened_without_published_core_questions(page: Page) -> None:
    """The officer tries to open a round before any core questions are published: the page says what to do,
    the round stays planned with nothing half-done; once the core tool is published, it opens with it."""
    cast = make_cast()
    officer = cast.officer
    programme = programme_services.programme_create(actor=officer, year=YEAR)
    planned = programme_services.round_create(
        actor=officer, programme=programme, quarter=3, theme="neglect", rationale="priority", case_count=1
    )
    case = programme_services.round_case_add(
        actor=officer, round=planned, child=cast.children[CP_STRATUM][0], agencies=[cast.agency_a]
    )
    programme_services.case_section_assign(actor=officer, case=case, agency=cast.agency_a)

    switch_to(page, officer)
    page.goto(f"/audits/rounds/{ROUND}/")
    expect(page.locator("#round-facts")).to_contain_text("No published core questions yet")
    page.get_by_role("button", name="Open the round for auditing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Publish the core audit questions before opening the round"
    )
    expect(page.locator("#round-facts")).to_contain_text("Planned")
    planned.refresh_from_db()
    assert planned.status == AuditRound.Status.PLANNED and planned.opens_on is None

    make_tool(page, name="Core questions", kind="Core questions", questions=CORE_QUESTIONS)
    page.goto(f"/audits/rounds/{ROUND}/")
    page.get_by_role("button", name="Open the round for auditing").click()
    saved(page, f"Round {ROUND} is open for auditing")
    expect(page.locator("#round-facts")).to_contain_text("Core questions, version 1")
    planned.refresh_from_db()
    assert planned.status == AuditRound.Status.OPEN and planned.core_version is not None
