"""The year's agreement between graders (issue 7, "Cohen's kappa over the round and the year"): every
double-marked case of the year's rounds the panel has met on, pooled into one table, on the round report
(page, PDF, Word), on the grade tables page and in the grades API."""

from __future__ import annotations

import html
import io
from datetime import date
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from safeguarding.accounts.models import User
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.audits.agreement import cohen_kappa, round_agreement, year_agreement
from safeguarding.audits.models import AuditCase, AuditRound, AuditSection, IndependentGrade
from safeguarding.audits.selectors.programme import rounds_visible_to
from safeguarding.audits.tests.test_tables import GRADES_URL, make_round
from safeguarding.core.testing import Personas, make_user, pdf_text, sign_in

pytestmark = pytest.mark.django_db

GOOD, RI, INADEQUATE = "good", "requires_improvement", "inadequate"

# Worked by hand. Q1's pairs: p_o = 2/3, p_e = (2/3)(3/3) = 2/3, kappa = 0.
# Q2's pairs: p_o = 2/3, p_e = (2/3)(1/3) + (1/3)(2/3) = 4/9, kappa = (2/9)/(5/9) = 2/5.
# Pooled (six pairs): p_o = 4/6; rows G 2, RI 3, I 1; columns G 3, RI 1, I 2;
# p_e = (2*3 + 3*1 + 1*2)/36 = 11/36; kappa = (24/36 - 11/36)/(25/36) = 13/25 = 0.52.
# The mean of the two rounds' kappas would be 0.20: pooling is not averaging.
Q1_PAIRS = [(GOOD, GOOD), (GOOD, GOOD), (RI, GOOD)]
Q2_PAIRS = [(RI, RI), (INADEQUATE, INADEQUATE), (RI, INADEQUATE)]
# An open round's disagreements, which must not count: its independent grades are still hidden.
Q3_PAIRS = [(GOOD, INADEQUATE), (INADEQUATE, GOOD)]
YEAR_SENTENCE = (
    "Over 2022-23, pooling the 2 rounds the moderation panel has met on: 6 cases were graded independently "
    "by two people. Cohen's kappa: 0.52 (observed agreement 0.67, agreement expected by chance 0.31)."
)


def _double_mark(audit_round: AuditRound, pairs: list[tuple[str, str]], first: User, second: User) -> None:
    cases = list(AuditCase.objects.filter(round=audit_round).order_by("code"))
    assert len(cases) >= len(pairs)
    for case, (grade_a, grade_b) in zip(cases, pairs, strict=False):
        IndependentGrade.objects.create(case=case, grader=first, grade=grade_a, graded_on=date(2022, 9, 1))
        IndependentGrade.objects.create(case=case, grader=second, grade=grade_b, graded_on=date(2022, 9, 2))


def _a_year_of_double_marking(personas: Personas) -> None:
    actor = personas.bu_officer
    first = make_user("auditor", personas.agency_a)
    second = make_user("auditor", personas.agency_b)
    _double_mark(make_round(actor, "2022-23", 1, "exploitation", (0, 2, 1, 0)), Q1_PAIRS, first, second)
    _double_mark(make_round(actor, "2022-23", 2, "self_harm", (0, 1, 1, 1)), Q2_PAIRS, first, second)
    open_round = make_round(actor, "2022-23", 3, "neglect", (0, 0, 0, 0), ungraded=2)
    AuditRound.objects.filter(pk=open_round.pk).update(status=AuditRound.Status.OPEN)
    _double_mark(open_round, Q3_PAIRS, first, second)
    # Another year's pair, which must not count either.
    _double_mark(
        make_round(actor, "2021-22", 4, "neglect", (0, 1, 0, 0)), [(GOOD, INADEQUATE)], first, second
    )


def _subgroup_member(personas: Personas) -> Client:
    return sign_in(Client(), make_user("subgroup_member", personas.agency_b))


def test_the_year_pools_its_rounds_pairs_into_one_table(personas: Personas) -> None:
    _a_year_of_double_marking(personas)
    q1 = round_agreement(AuditRound.objects.get(code="MAA-2022-23-Q1"))
    q2 = round_agreement(AuditRound.objects.get(code="MAA-2022-23-Q2"))
    assert q1 is not None and q1.kappa == 0
    assert q2 is not None and q2.kappa == Fraction(2, 5)

    pooled = year_agreement("2022-23", AuditRound.objects.all())
    assert pooled.rounds_pooled == 2  # Q1 and Q2; Q3 is still open
    year = pooled.agreement
    assert year == cohen_kappa(Q1_PAIRS + Q2_PAIRS)
    assert year.n == 6
    assert (year.p_o, year.p_e, year.kappa) == (Fraction(2, 3), Fraction(11, 36), Fraction(13, 25))
    assert year.kappa != (q1.kappa + q2.kappa) / 2  # pooled, not the mean of the rounds
    assert year_agreement("2021-22", AuditRound.objects.all()).agreement.n == 1


def test_the_year_pools_only_the_rounds_the_reader_may_see(personas: Personas) -> None:
    """An auditor reads only their rounds, so the year's figure they see is pooled over those alone."""
    _a_year_of_double_marking(personas)
    q1 = AuditRound.objects.get(code="MAA-2022-23-Q1")
    auditor = make_user("auditor", personas.agency_a)
    AuditSection.objects.create(case=q1.cases.order_by("code")[0], agency=personas.agency_a, auditor=auditor)
    mine = year_agreement("2022-23", rounds_visible_to(auditor))
    assert mine.rounds_pooled == 1 and mine.agreement == cohen_kappa(Q1_PAIRS)
    page = html.unescape(
        sign_in(Client(), auditor).get(reverse("audits:tables_year", args=["2022-23"])).content.decode()
    )
    assert "pooling the 1 round the moderation panel has met on: 3 cases were graded" in page


def test_the_round_report_gives_the_round_and_the_year(personas: Personas) -> None:
    _a_year_of_double_marking(personas)
    client = _subgroup_member(personas)
    page = html.unescape(client.get(reverse("audits:round_report", args=["MAA-2022-23-Q2"])).content.decode())
    assert "This round.</strong> 3 cases were graded independently by two people. Cohen's kappa: 0.40" in page
    assert f"The year.</strong> {YEAR_SENTENCE}" in page

    docx = client.get(reverse("audits:round_report_docx", args=["MAA-2022-23-Q2"]))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert f"The year. {YEAR_SENTENCE}" in paragraphs
    assert any(
        p.startswith("This round. 3 cases were graded") and "Cohen's kappa: 0.40" in p for p in paragraphs
    )

    # The open round's own agreement stays hidden; the year's, from the other rounds, is shown.
    open_page = html.unescape(
        client.get(reverse("audits:round_report", args=["MAA-2022-23-Q3"])).content.decode()
    )
    assert (
        "This round.</strong> The agreement between graders is reported once the moderation panel"
        in open_page
    )
    assert YEAR_SENTENCE in open_page


def test_the_round_report_pdf_gives_the_year(personas: Personas) -> None:
    _a_year_of_double_marking(personas)
    response = _subgroup_member(personas).get(reverse("audits:round_report_pdf", args=["MAA-2022-23-Q1"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    words = pdf_text(response.content).replace("\u2019", "'")
    assert "pooling the 2 rounds the moderation panel has met on" in words
    assert "Cohen's kappa: 0.52" in words


def test_a_year_with_no_round_past_the_panel_says_so(personas: Personas) -> None:
    open_round = make_round(personas.bu_officer, "2023-24", 1, "neglect", (0, 0, 0, 0), ungraded=1)
    AuditRound.objects.filter(pk=open_round.pk).update(status=AuditRound.Status.OPEN)
    page = html.unescape(
        personas.client("bu_officer")
        .get(reverse("audits:round_report", args=[open_round.code]))
        .content.decode()
    )
    assert "Over 2023-24: no round has reached its moderation panel yet, so there is nothing to pool." in page


def test_the_grade_tables_page_gives_the_year(personas: Personas) -> None:
    _a_year_of_double_marking(personas)
    page = html.unescape(
        _subgroup_member(personas).get(reverse("audits:tables_year", args=["2022-23"])).content.decode()
    )
    assert "Agreement between graders" in page
    assert YEAR_SENTENCE in page
    assert 'id="agreement-year"' in page  # the first-against-second table behind the figure
    earlier = html.unescape(
        _subgroup_member(personas).get(reverse("audits:tables_year", args=["2021-22"])).content.decode()
    )
    assert "pooling the 1 round the moderation panel has met on: 1 case was graded" in earlier
    assert "Agreement cannot be measured" not in earlier  # one disagreeing pair: p_e = 0, kappa 0
    assert "Cohen's kappa: 0.00" in earlier


def test_the_grades_api_gives_the_year(personas: Personas) -> None:
    _a_year_of_double_marking(personas)
    _, secret = token_for(make_user("subgroup_member", personas.agency_b))
    body = api_get(f"{GRADES_URL}?year=2022-23", secret).json()
    assert body["agreement"] == {
        "rounds_pooled": 2,
        "cases_double_marked": 6,
        "kappa": 0.52,
        "observed_agreement": 0.6667,
        "chance_agreement": 0.3056,
        "explanation": "",
    }
    empty = api_get(f"{GRADES_URL}?year=2020-21", secret).json()["agreement"]
    assert empty["cases_double_marked"] == 0 and empty["kappa"] is None
    assert empty["explanation"] == "No case was graded independently by two people."
