"""A case review's whole path in a real browser (issue 6, section 7).

The business unit officer refers a case, records the Panel notification, the rapid review and the executive's
decision (a local review), starts the LCSPR (terms of reference, a reviewer from the pool), adds a
recommendation and an action owned by the police. The police's safeguarding lead finds the action in the
tracker, marks it complete and uploads a PDF of evidence. The officer closes it and records its impact. The
database and the pages are then checked, and the main pages are run through axe-core (WCAG 2.2 AA).

All dates are in autumn 2025 or early 2026, so none is in the future.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import Locator, Page, expect

from safeguarding.accounts.models import Agency, User
from safeguarding.actions.models import Action
from safeguarding.core.testing import give_two_factor, make_agency, make_user
from safeguarding.reviews.models import CaseReview, Decision, Recommendation, Reviewer, ReviewerAppointment
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)

CODE = "W14"
ACTION_TITLE = "Train response officers on professional curiosity at domestic incidents"


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    """Evidence goes to the test's own folder, never var/private-files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def switch_to(page: Page, user: User) -> None:
    page.context.clear_cookies()
    sign_in_through_the_page(page, user.email, give_two_factor(user))


def fill_date(page: Page, legend: str, day: date) -> None:
    """A GOV.UK date input: three boxes (Day, Month, Year) in a fieldset named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def tick(page: Page, legend: str, *labels: str) -> None:
    group = page.get_by_role("group", name=legend)
    for label in labels:
        group.get_by_label(label, exact=True).check()


def saved(page: Page, text: str = "Saved") -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def small_pdf(folder: Path) -> Path:
    """A one-page PDF made by WeasyPrint (the project's PDF library), with synthetic words only."""
    import weasyprint

    target = folder / "training-register.pdf"
    html = "<h1>Training register</h1><p>Response officers trained on professional curiosity: 42 of 45.</p>"
    target.write_bytes(weasyprint.HTML(string=html).write_pdf())
    return target


def recommendation_actions_table(page: Page) -> Locator:
    return page.locator("#recommendation-1").get_by_role("table")


def test_referral_to_a_closed_police_action_with_its_impact(page: Page, tmp_path: Path) -> None:
    police = make_agency(name="Test Police", code="TPOL", kind=Agency.Kind.POLICE)
    council = make_agency(name="Test Council Children's Services", code="TCCS")
    business_unit = make_agency(name="Business Unit", kind=Agency.Kind.PARTNERSHIP_BUSINESS_UNIT)
    officer = make_user("business_unit_officer", business_unit, full_name="Bo Officer")
    lead = make_user("agency_safeguarding_lead", police, full_name="Pat Lead")
    Reviewer.objects.create(
        name="Rey Poolreviewer",
        organisation="Independent Reviews Ltd",
        expertise="Children's social care; domestic abuse",
    )
    evidence_pdf = small_pdf(tmp_path)

    # --- Referral -----------------------------------------------------------------------------------------
    switch_to(page, officer)
    page.goto("/reviews/")
    page.get_by_role("link", name="Refer a case for consideration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a case for consideration")
    assert_accessible(page)
    page.get_by_label("Review code").fill(CODE.lower())
    page.get_by_label("Type of referral").select_option(label=CaseReview.Kind.NOTIFIABLE_INCIDENT.label)
    page.get_by_label("Child or adult").select_option(label="Child")
    fill_date(page, "Date the partnership became aware", date(2025, 9, 1))
    page.get_by_label("Referred by").select_option(label="Test Council Children's Services")
    tick(page, "Agencies involved", "Test Police", "Test Council Children's Services")
    page.get_by_label("Owner in the business unit").select_option(label=str(officer))
    page.get_by_role("button", name="Refer the case").click()
    saved(page, "Case referred")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review {CODE}")

    # --- Notification to the Panel ------------------------------------------------------------------------
    page.get_by_role("link", name="Record the notification").click()
    fill_date(page, "Date the Panel was notified", date(2025, 9, 3))
    page.get_by_role("button", name="Save the notification").click()
    saved(page)

    # --- Rapid review -------------------------------------------------------------------------------------
    page.get_by_role("link", name="Record the rapid review").click()
    fill_date(page, "Date of the rapid review meeting", date(2025, 9, 19))
    tick(page, "Agencies that attended", "Test Police", "Test Council Children's Services")
    page.get_by_label("Immediate safeguarding actions").fill("Strategy discussion held; sibling safe.")
    page.get_by_label("Learning identified").fill("Officers did not ask who else lived in the home.")
    page.get_by_label("Recommendation", exact=True).select_option(label=Decision.LOCAL_REVIEW.label)
    page.get_by_role("button", name="Save the rapid review").click()
    saved(page)
    expect(page.locator("#rapid-review")).to_contain_text("19 September 2025")

    # --- Executive decision: a local review ---------------------------------------------------------------
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Executive decision").select_option(label=Decision.LOCAL_REVIEW.label)
    page.get_by_label("Decided by").fill("Executive group (chair: director of children's services)")
    fill_date(page, "Date of the decision", date(2025, 10, 1))
    page.get_by_role("button", name="Save the decision").click()
    saved(page)
    expect(page.locator("#review-facts")).to_contain_text("Local review (LCSPR, SAR or DHR)")

    # --- The LCSPR starts: terms of reference and a reviewer from the pool --------------------------------
    page.get_by_role("link", name="Start the review").click()
    page.get_by_label("Terms of reference").fill(
        "The twelve months before the incident: how agencies understood who lived in the household."
    )
    fill_date(page, "Date the terms of reference were agreed", date(2025, 10, 15))
    page.get_by_label("Reviewer (optional)", exact=True).select_option(label="Rey Poolreviewer")
    fill_date(page, "Date the reviewer was appointed", date(2025, 10, 15))
    page.get_by_label("How the reviewer was appointed").select_option(label=ReviewerAppointment.POOL.label)
    fill_date(page, "Planned date: scoping", date(2025, 11, 5))
    page.get_by_role("button", name="Start the review").click()
    saved(page)
    progress = page.locator("#review-progress")
    expect(progress).to_contain_text("Rey Poolreviewer (Independent Reviews Ltd)")
    expect(progress).to_contain_text("Agreed on 15 October 2025")
    expect(page.locator("#review-facts")).to_contain_text("Review in progress")

    # --- A recommendation, and an action for the police ---------------------------------------------------
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill(
        "Police should check who lives in the household at every domestic incident involving a baby."
    )
    tick(page, "Themes", "Professional curiosity", "Think family")
    fill_date(page, "Date the recommendation was agreed", date(2025, 11, 20))
    page.get_by_role("button", name="Add the recommendation").click()
    saved(page)
    page.get_by_role("link", name="Add an action to recommendation 1").click()
    page.get_by_label("What the action is").fill(ACTION_TITLE)
    page.get_by_label("Owner agency").select_option(label="Test Police")
    fill_date(page, "Due date", date(2026, 3, 31))
    page.get_by_role("button", name="Add the action").click()
    saved(page, "Action added to the tracker")
    action = Action.objects.get()
    actions_table = recommendation_actions_table(page)
    expect(actions_table).to_contain_text(action.reference)
    expect(actions_table).to_contain_text("Test Police")
    assert_accessible(page)

    # --- The police lead updates the action and uploads evidence ------------------------------------------
    switch_to(page, lead)
    page.goto("/actions/")
    page.get_by_role("link", name=action.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION_TITLE)
    page.get_by_label("Progress update").fill("All response officers trained; 42 of 45 so far.")
    page.get_by_label("Status (optional)", exact=True).select_option(label="Complete")
    page.get_by_role("button", name="Add update").click()
    saved(page, "Update added")
    page.get_by_label("File", exact=True).set_input_files(str(evidence_pdf))
    page.get_by_label("What the file shows").fill("The training register for response officers")
    page.get_by_role("button", name="Upload evidence").click()
    saved(page, "Evidence uploaded")
    expect(page.locator("#evidence")).to_contain_text("training-register.pdf")
    expect(page.locator("#updates")).to_contain_text("status set to complete")
    # The lead may not close the action: that is the business unit's job.
    expect(page.get_by_role("button", name="Close the action")).to_have_count(0)
    assert_accessible(page)

    # --- The business unit closes it and records the impact -----------------------------------------------
    switch_to(page, officer)
    page.goto(f"/actions/{action.pk}/")
    page.get_by_role("button", name="Close the action").click()
    saved(page, f"Action {action.reference} closed")
    page.get_by_label("How the impact was assured").select_option(
        label=Action.ImpactApproach.MULTI_AGENCY_AUDIT.label
    )
    page.get_by_label("Impact rating").select_option(label=Action.ImpactRating.SOME.label)
    page.get_by_label("Notes (optional)", exact=True).fill(
        "The spring audit found household members recorded in 9 of 10 cases."
    )
    page.get_by_role("button", name="Record impact").click()
    saved(page, "Impact recorded")
    expect(page.locator("#impact")).to_contain_text("A multi-agency audit theme: Some evidence of impact")

    # --- The database ---------------------------------------------------------------------------------------
    review = CaseReview.objects.get()
    assert review.code == CODE
    assert review.status == CaseReview.Status.IN_PROGRESS
    assert review.referred_by_agency == council and review.owner == officer
    assert set(review.agencies_involved.all()) == {police, council}
    assert review.notification_date == date(2025, 9, 3)
    assert review.rapid_review.recommendation == Decision.LOCAL_REVIEW
    assert review.decision == Decision.LOCAL_REVIEW
    assert review.decided_on == date(2025, 10, 1)
    assert review.terms_agreed_on == date(2025, 10, 15)
    assert review.reviewer is not None and review.reviewer.name == "Rey Poolreviewer"
    assert review.reviewer_appointment == ReviewerAppointment.POOL
    assert review.milestones.count() == 7
    recommendation = Recommendation.objects.get(review=review)
    assert recommendation.number == 1
    assert set(recommendation.themes) == {"professional_curiosity", "think_family"}
    action.refresh_from_db()
    assert action.source_kind == Action.SourceKind.REVIEW_RECOMMENDATION
    assert action.source_ref == f"{CODE}/R1"
    assert action.owner_agency == police
    assert action.themes == recommendation.themes
    assert action.status == Action.Status.COMPLETE
    assert action.closed_at is not None and action.closed_by == officer
    assert action.impact_approach == Action.ImpactApproach.MULTI_AGENCY_AUDIT
    assert action.impact_rating == Action.ImpactRating.SOME
    update = action.updates.get()
    assert update.written_by == lead and update.status_set == Action.Status.COMPLETE
    evidence = action.evidence.get()
    assert evidence.uploaded_by == lead
    assert evidence.original_name == "training-register.pdf"
    assert evidence.content_type == "application/pdf"
    stored_name = evidence.file.name or ""
    assert stored_name and default_storage.exists(stored_name)
    with default_storage.open(stored_name, "rb") as stored:
        assert stored.read() == evidence_pdf.read_bytes()

    # --- The pages ------------------------------------------------------------------------------------------
    page.goto(f"/reviews/{CODE}/")
    row = recommendation_actions_table(page).get_by_role("row").filter(has_text=action.reference)
    expect(row).to_contain_text("Closed: Complete")
    expect(row).not_to_contain_text("Overdue")

    switch_to(page, lead)
    page.goto("/actions/")
    tracker_row = page.locator(f"#action-{action.pk}")
    expect(tracker_row).to_contain_text(ACTION_TITLE)
    expect(tracker_row).to_contain_text(f"Case review recommendation {CODE}/R1")
    expect(tracker_row).to_contain_text("Complete, closed")
    expect(page.locator("#counts")).to_contain_text("1 action: 0 overdue")
    assert_accessible(page)
