"""The audit grade tables (issue 7, section 3): counted from the panel's grades, laid out and rounded as the
annual report (seed 003, Tables 1 and 2) lays them out, on the page, in the CSV and in the API."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from itertools import count

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.audits.models import AuditCase, AuditProgramme, AuditRound, Grade
from safeguarding.audits.tables import GradeCounts, percent, year_grades, year_on_year, year_sentences
from safeguarding.children.tests.support import make_child
from safeguarding.core.testing import Personas, make_user, sign_in

pytestmark = pytest.mark.django_db

GRADES_URL = "/api/v1/audits/grades"
_children = count(1)

# Seed 003 Table 1 (L1222-L1229): quarter, theme code, how the report names it, (O, G, RI, I).
TABLE_1_2022_23: list[tuple[int, str, str, tuple[int, int, int, int]]] = [
    (1, "exploitation", "JTAI-Exploitation", (0, 2, 2, 1)),
    (2, "self_harm", "", (0, 2, 3, 0)),
    (3, "exploitation", "JTAI-Exploitation", (0, 1, 3, 1)),
    (4, "neglect", "", (0, 2, 2, 1)),
]


def make_round(
    actor: User,
    year: str,
    quarter: int,
    theme: str,
    grades: Sequence[int],
    *,
    theme_detail: str = "",
    ungraded: int = 0,
    child_name: str = "",
) -> AuditRound:
    """A round of `year` with cases graded (O, G, RI, I) times each, and `ungraded` cases not graded yet."""
    programme, _ = AuditProgramme.objects.get_or_create(year=year, defaults={"created_by": actor})
    audit_round = AuditRound.objects.create(
        programme=programme,
        code=f"MAA-{year}-Q{quarter}",
        quarter=quarter,
        theme=theme,
        theme_detail=theme_detail,
        rationale=AuditRound.Rationale.PRIORITY,
        rationale_detail="A partnership priority this year.",
        status=AuditRound.Status.REPORTED,
        created_by=actor,
    )
    wanted = [grade for grade, times in zip(Grade.values, grades, strict=True) for _ in range(times)]
    wanted += [""] * ungraded
    for number, grade in enumerate(wanted, start=1):
        child = make_child(first_name=child_name or "Synthetic", last_name=f"Child{next(_children)}")
        AuditCase.objects.create(
            round=audit_round,
            code=f"{audit_round.code}-{number:02d}",
            child=child,
            sampling=AuditCase.Sampling.RANDOM,
            grade=grade,
            moderated_on=date(int(year[:4]), 6, 30) if grade else None,
        )
    return audit_round


def make_2022_23(actor: User, **extra: object) -> list[AuditRound]:
    return [
        make_round(actor, "2022-23", quarter, theme, grades, theme_detail=detail, **extra)  # type: ignore[arg-type]
        for quarter, theme, detail, grades in TABLE_1_2022_23
    ]


def _subgroup_member(personas: Personas) -> User:
    return make_user("subgroup_member", personas.agency_b)


# --- The counting -------------------------------------------------------------------------------------------


def test_seed_003_table_1_gives_the_reports_percentages(personas: Personas) -> None:
    make_2022_23(personas.bu_officer)
    grades = year_grades(personas.bu_officer, "2022-23")
    assert [(row.quarter_label, row.theme_label, row.counts.values) for row in grades.rounds] == [
        ("Q1", "JTAI-Exploitation", (0, 2, 2, 1)),
        ("Q2", "Self-harm", (0, 2, 3, 0)),
        ("Q3", "JTAI-Exploitation", (0, 1, 3, 1)),
        ("Q4", "Neglect", (0, 2, 2, 1)),
    ]
    assert grades.totals == GradeCounts(0, 7, 10, 3)
    assert grades.totals.total == 20
    assert grades.percentages == (0, 35, 50, 15)
    assert grades.good_or_ri_percent == 85
    assert [row.good_or_ri_percent for row in grades.rounds] == [80, 100, 80, 80]
    assert year_sentences(grades)[1] == (
        "85% of cases were graded good or requires improvement, rising to 100% in Q2 when self-harm was the "
        "theme."
    )
    assert "In 3 of the 4 audit rounds" in year_sentences(grades)[2]


def test_percentages_round_halves_up_each_on_its_own() -> None:
    # Seed 003 Table 2, 2019-20: 0% / 23% / 63% / 15% (101%): 9, 25 and 6 of 40 cases (22.5, 62.5 round up).
    assert GradeCounts(0, 9, 25, 6).percentages == (0, 23, 63, 15)
    # 2020-21: 4% / 61% / 30% / 4% (99%): 1, 14, 7 and 1 of 23 cases.
    assert GradeCounts(1, 14, 7, 1).percentages == (4, 61, 30, 4)
    assert percent(1, 8) == 13  # 12.5 rounds up, where Python's round() would give 12
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(0, 0) is None


def test_cases_not_yet_graded_are_not_counted(personas: Personas) -> None:
    make_round(personas.bu_officer, "2022-23", 1, "neglect", (0, 1, 1, 0), ungraded=3)
    make_round(personas.bu_officer, "2022-23", 2, "self_harm", (0, 0, 0, 0), ungraded=5)
    grades = year_grades(personas.bu_officer, "2022-23")
    # The round with nothing graded has no row; the other counts its 2 graded cases only.
    assert [row.code for row in grades.rounds] == ["MAA-2022-23-Q1"]
    assert grades.totals.total == 2
    assert grades.percentages == (0, 50, 50, 0)
    assert grades.good_or_ri_percent == 100


def test_year_on_year_with_two_years(personas: Personas) -> None:
    make_2022_23(personas.bu_officer)
    # 2021-22 as Table 2 gives it: 60% good, 40% requires improvement (3 and 2 of 5, in one round).
    make_round(personas.bu_officer, "2021-22", 3, "neglect", (0, 3, 2, 0))
    rows = year_on_year(personas.bu_officer)
    assert [(row.long_label, row.percentages) for row in rows] == [
        ("2022-2023", (0, 35, 50, 15)),
        ("2021-2022", (0, 60, 40, 0)),
    ]
    grades = year_grades(personas.bu_officer, "2022-23")
    assert grades.comparison == rows
    assert grades.comparison_span == "2021-2023"
    assert [(c.label, c.points) for c in grades.changes] == [
        ("Outstanding", 0),
        ("Good", -25),
        ("Requires improvement", 10),
        ("Inadequate", 15),
    ]
    # The report's words: "a reduction of approximately 25% rated as good and an increase of 10% ...".
    assert year_sentences(grades)[-1] == (
        "Compared with 2021-22, the share of cases graded good fell by 25 points, requires improvement "
        "rose by 10 points and inadequate rose by 15 points."
    )
    # The earlier year's tables compare with nothing later than itself.
    earlier = year_grades(personas.bu_officer, "2021-22")
    assert [row.year for row in earlier.comparison] == ["2021-22"]
    assert earlier.changes == ()


def test_a_year_without_grades(personas: Personas) -> None:
    make_round(personas.bu_officer, "2021-22", 1, "neglect", (0, 3, 2, 0))
    grades = year_grades(personas.bu_officer, "2022-23")
    assert grades.rounds == ()
    assert grades.percentages == (None, None, None, None)
    assert [row.year for row in grades.comparison] == ["2022-23", "2021-22"]
    assert year_sentences(grades) == ["No cases were graded in 2022-23."]


def test_only_rounds_the_user_may_see_count(personas: Personas) -> None:
    make_2022_23(personas.bu_officer)
    assert year_grades(personas.a_readonly, "2022-23").totals.total == 0  # a referrer holds no audit.view


# --- The API ------------------------------------------------------------------------------------------------


def test_api_gives_the_same_numbers_as_the_tables(personas: Personas) -> None:
    make_2022_23(personas.bu_officer)
    make_round(personas.bu_officer, "2021-22", 3, "neglect", (0, 3, 2, 0))
    _, secret = token_for(_subgroup_member(personas))
    response = api_get(f"{GRADES_URL}?year=2022-23", secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["year"] == "2022-23"
    assert body["percentages"] == {"outstanding": 0, "good": 35, "requires_improvement": 50, "inadequate": 15}
    assert body["good_or_requires_improvement_percent"] == 85
    assert body["totals"] == {
        "outstanding": 0,
        "good": 7,
        "requires_improvement": 10,
        "inadequate": 3,
        "total": 20,
    }
    q2 = body["rounds"][1]
    assert (q2["code"], q2["quarter"], q2["theme_label"]) == ("MAA-2022-23-Q2", 2, "Self-harm")
    assert q2["counts"]["requires_improvement"] == 3
    assert q2["good_or_requires_improvement_percent"] == 100
    assert [row["year"] for row in body["comparison"]] == ["2022-23", "2021-22"]
    assert body["comparison"][1]["percentages"]["good"] == 60
    assert body["previous_year"] == "2021-22"
    assert [change["points"] for change in body["changes"]] == [0, -25, 10, 15]

    grades = year_grades(personas.bu_officer, "2022-23")
    assert [row["counts"]["total"] for row in body["rounds"]] == [row.counts.total for row in grades.rounds]
    assert body["sentences"] == year_sentences(grades)


@pytest.mark.parametrize(
    ("year", "words"),
    [
        ("2022", "Enter a financial year as 4 digits, a hyphen and 2 digits, like 2022-23"),
        ("2022-24", "2022-24 is not a financial year"),
        ("2999-00", "has not started yet"),
    ],
)
def test_api_refuses_a_bad_year_clearly(personas: Personas, year: str, words: str) -> None:
    _, secret = token_for(personas.bu_officer)
    response = api_get(f"{GRADES_URL}?year={year}", secret)
    assert response.status_code == 422
    assert words in response.content.decode()
    assert "year" in response.content.decode()


def test_api_needs_a_token_and_audit_view(personas: Personas) -> None:
    assert api_get(f"{GRADES_URL}?year=2022-23", None).status_code == 401
    _, secret = token_for(personas.a_readonly)
    response = api_get(f"{GRADES_URL}?year=2022-23", secret)
    assert response.status_code == 403
    assert "audit.view" in response.json()["detail"]


# --- The pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bu_officer", "subgroup_member"])
def test_tables_page_shows_tables_1_and_2_like_the_report(personas: Personas, persona: str) -> None:
    make_2022_23(personas.bu_officer, child_name="Zebedee")
    make_round(personas.bu_officer, "2021-22", 3, "neglect", (0, 3, 2, 0))
    user = _subgroup_member(personas) if persona == "subgroup_member" else personas.bu_officer
    client = sign_in(Client(), user)

    # The way in goes to the latest year with grades.
    response = client.get(reverse("audits:tables"))
    assert response.status_code == 302
    assert response["Location"] == reverse("audits:tables_year", args=["2022-23"])

    page = client.get(reverse("audits:tables_year", args=["2022-23"])).content.decode()
    assert "Table 1: Multi-agency children audit gradings 2022-2023" in page
    assert "Year/Quarter 2022/2023" in page
    assert "JTAI-Exploitation" in page
    assert "Table 2: Comparison of annual audit grades" in page and "from 2021-2023" in page
    assert "2021-2022" in page and "60%" in page
    assert "85% of cases were graded good or requires improvement, rising to 100% in Q2" in page
    assert "-25 points" in page and "+15 points" in page
    assert "Zebedee" not in page


def test_year_picker(personas: Personas) -> None:
    make_2022_23(personas.bu_officer)
    client = personas.client("bu_officer")
    response = client.get(reverse("audits:tables"), {"year": "2022-23"})
    assert response["Location"] == reverse("audits:tables_year", args=["2022-23"])
    wrong = client.get(reverse("audits:tables"), {"year": "2022-24"})
    assert wrong.status_code == 200
    assert "2022-24 is not a financial year" in wrong.content.decode()
    assert client.get(reverse("audits:tables_year", args=["nonsense"])).status_code == 404


def test_tables_page_is_refused_to_a_referrer(personas: Personas) -> None:
    client = personas.client("a_readonly")
    assert client.get(reverse("audits:tables")).status_code == 403
    assert client.get(reverse("audits:tables_year", args=["2022-23"])).status_code == 403
    assert client.get(reverse("audits:tables_csv", args=["2022-23", "grades"])).status_code == 403


def _csv(response: object) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(content)))


def test_csv_exports_of_the_tables(personas: Personas) -> None:
    rounds = make_2022_23(personas.bu_officer)
    # A theme named by someone who typed a formula: the export neutralises it.
    rounds[3].theme_detail = "=HYPERLINK(1)"
    rounds[3].save()
    make_round(personas.bu_officer, "2021-22", 3, "neglect", (0, 3, 2, 0))
    client = personas.client("bu_officer")

    grades = client.get(reverse("audits:tables_csv", args=["2022-23", "grades"]))
    assert grades["Content-Disposition"] == 'attachment; filename="audit-grades-2022-23.csv"'
    rows = _csv(grades)
    assert rows[0][:4] == ["Year", "Quarter", "Round", "Theme"]
    assert rows[2] == ["2022-23", "Q2", "MAA-2022-23-Q2", "Self-harm", "0", "2", "3", "0", "5", "100"]
    assert rows[4][3] == "'=HYPERLINK(1)"
    assert rows[-1] == ["2022-23", "Total", "", "", "0", "7", "10", "3", "20", "85"]

    comparison = _csv(client.get(reverse("audits:tables_csv", args=["2022-23", "comparison"])))
    assert comparison[1] == ["2022-23", "0", "35", "50", "15", "20"]
    assert comparison[2] == ["2021-22", "0", "60", "40", "0", "5"]

    change = _csv(client.get(reverse("audits:tables_csv", args=["2022-23", "change"])))
    assert change[2] == ["Good", "35", "60", "'-25"]
    assert client.get(reverse("audits:tables_csv", args=["2022-23", "other"])).status_code == 404
