"""Cohen's kappa, worked by hand, and the pairs it is computed over (the first two independent grades of
each double-marked case, in a round and in a year)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from safeguarding.audits.agreement import (
    cohen_kappa,
    double_marked_pairs,
    round_agreement,
    year_agreement,
)
from safeguarding.audits.models import AuditCase, AuditRound, IndependentGrade
from safeguarding.audits.tests.auditing_support import YEAR, make_world
from safeguarding.core.testing import make_user

GOOD, RI, INADEQUATE, OUTSTANDING = "good", "requires_improvement", "inadequate", "outstanding"


def _pairs(*counts: tuple[str, str, int]) -> list[tuple[str, str]]:
    return [(first, second) for first, second, n in counts for _ in range(n)]


def test_the_textbook_two_by_two_example() -> None:
    # The standard worked example (Wikipedia, "Cohen's kappa", after Cohen 1960): 50 items, both say "yes"
    # 20 times, A yes / B no 5, A no / B yes 10, both "no" 15. Here "yes" is Good and "no" Inadequate.
    # p_o = (20 + 15) / 50 = 0.7. A says yes 25/50 = 0.5, B says yes 30/50 = 0.6.
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5. kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    result = cohen_kappa(
        _pairs((GOOD, GOOD, 20), (GOOD, INADEQUATE, 5), (INADEQUATE, GOOD, 10), (INADEQUATE, INADEQUATE, 15))
    )
    assert result.n == 50
    assert result.p_o == Fraction(7, 10)
    assert result.p_e == Fraction(1, 2)
    assert result.kappa == Fraction(2, 5)
    assert result.kappa_text == "0.40"
    good, inadequate = result.categories.index(GOOD), result.categories.index(INADEQUATE)
    assert result.table[good][good] == 20
    assert result.table[good][inadequate] == 5
    assert result.table[inadequate][good] == 10
    assert result.table[inadequate][inadequate] == 15
    assert result.column_totals[good] == 30
    assert [total for _label, _counts, total in result.rows][good] == 25


def test_perfect_agreement_is_one() -> None:
    result = cohen_kappa(_pairs((GOOD, GOOD, 3), (RI, RI, 2), (INADEQUATE, INADEQUATE, 1)))
    # p_o = 1; p_e = (3/6)^2 + (2/6)^2 + (1/6)^2 = 14/36; kappa = (1 - 14/36) / (1 - 14/36) = 1.
    assert result.p_o == 1
    assert result.p_e == Fraction(14, 36)
    assert result.kappa == 1
    assert result.kappa_text == "1.00"


def test_chance_level_agreement_is_zero() -> None:
    # Each rater says Good half the time and Inadequate half the time, independently: they agree on half.
    # p_o = 2/4; p_e = 0.5 * 0.5 + 0.5 * 0.5 = 0.5; kappa = 0.
    result = cohen_kappa([(GOOD, GOOD), (GOOD, INADEQUATE), (INADEQUATE, GOOD), (INADEQUATE, INADEQUATE)])
    assert result.p_o == Fraction(1, 2)
    assert result.p_e == Fraction(1, 2)
    assert result.kappa == 0


def test_worse_than_chance_is_negative() -> None:
    # Never agreeing: p_o = 0, p_e = 0.5, kappa = (0 - 0.5) / 0.5 = -1.
    result = cohen_kappa([(GOOD, INADEQUATE), (INADEQUATE, GOOD)])
    assert result.kappa == -1


def test_a_four_grade_example() -> None:
    # 10 cases. Diagonal: Outstanding 1, Good 3, RI 2, Inadequate 1 -> p_o = 7/10.
    # Off-diagonal: (Good, RI) 2, (RI, Inadequate) 1.
    # Rows (first): O 1, G 5, RI 3, I 1. Columns (second): O 1, G 3, RI 4, I 2.
    # p_e = (1*1 + 5*3 + 3*4 + 1*2) / 100 = 30/100. kappa = (0.7 - 0.3) / 0.7 = 4/7.
    result = cohen_kappa(
        _pairs(
            (OUTSTANDING, OUTSTANDING, 1),
            (GOOD, GOOD, 3),
            (RI, RI, 2),
            (INADEQUATE, INADEQUATE, 1),
            (GOOD, RI, 2),
            (RI, INADEQUATE, 1),
        )
    )
    assert result.p_o == Fraction(7, 10)
    assert result.p_e == Fraction(3, 10)
    assert result.kappa == Fraction(4, 7)
    assert result.kappa_text == "0.57"


def test_undefined_kappa_is_reported_not_a_crash() -> None:
    # Both graders gave every case Good: p_o = 1, p_e = 1, and (1 - 1) / (1 - 1) is undefined.
    result = cohen_kappa([(GOOD, GOOD), (GOOD, GOOD)])
    assert result.p_o == 1 and result.p_e == 1
    assert result.kappa is None
    assert not result.defined
    assert result.kappa_text == "Undefined"
    assert "same grade" in result.explanation


def test_no_pairs() -> None:
    result = cohen_kappa([])
    assert result.n == 0 and result.kappa is None and result.p_o is None
    assert result.kappa_text == "None"
    assert "No case" in result.explanation


def test_an_unknown_grade_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown category"):
        cohen_kappa([(GOOD, "brilliant")])


@pytest.mark.django_db
def test_round_and_year_use_the_first_two_grades_of_each_double_marked_case() -> None:
    world = make_world(second_case=True)
    first, second = AuditCase.objects.filter(round=world.round).order_by("code")
    third_grader = make_user("auditor", world.personas.agency_a)
    # First case: A says Good (1 May), B says RI (2 May), a third grader later says Good.
    # The pair is (Good, RI).
    IndependentGrade.objects.create(case=first, grader=world.auditor_b, grade=RI, graded_on=date(2023, 5, 2))
    IndependentGrade.objects.create(
        case=first, grader=world.auditor_a, grade=GOOD, graded_on=date(2023, 5, 1)
    )
    IndependentGrade.objects.create(case=first, grader=third_grader, grade=GOOD, graded_on=date(2023, 5, 3))
    # Second case: only one grade, so not double marked.
    IndependentGrade.objects.create(
        case=second, grader=world.auditor_a, grade=GOOD, graded_on=date(2023, 5, 1)
    )
    assert double_marked_pairs([first, second]) == [(GOOD, RI)]
    # Round and year count only rounds that have reached the panel: before then the grades are hidden.
    assert round_agreement(world.round) is None
    assert year_agreement(YEAR, AuditRound.objects.all()).agreement.n == 0
    AuditRound.objects.filter(pk=world.round.pk).update(status=AuditRound.Status.MODERATION)
    world.round.refresh_from_db()
    result = round_agreement(world.round)
    assert result is not None and result.n == 1 and result.p_o == 0
    assert year_agreement(YEAR, AuditRound.objects.all()).agreement.n == 1
    assert year_agreement("2019-20", AuditRound.objects.all()).agreement.n == 0
