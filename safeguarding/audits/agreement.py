"""How far two people who grade the same cases independently agree: Cohen's kappa (issue 7, "double marking").

Two raters each put the same n cases into one of k nominal categories (here the four grades). From the k x k
agreement table (rows: the first rater's grade, columns: the second's):

    p_o = (sum of the diagonal) / n                          the proportion of cases they agreed on
    p_e = sum over categories c of (row_c / n) * (col_c / n)  the agreement expected by chance alone, from
                                                             each rater's own spread of grades
    kappa = (p_o - p_e) / (1 - p_e)

kappa is 1 for perfect agreement, 0 for agreement no better than chance, and negative for worse than chance.
When p_e is 1 (both raters gave every case the same single grade) the formula divides by zero: kappa is
undefined, and is reported as such rather than as a number.

Source: J. Cohen, "A coefficient of agreement for nominal scales", Educational and Psychological
Measurement 20(1), 1960, pp. 37-46 (equations 1 to 3). The grades are treated as nominal (unweighted kappa),
as Cohen's 1960 coefficient is; a disagreement of one grade counts the same as one of three.

A case is double marked when it has two or more independent grades; its first two (by date graded, then by
when they were recorded) are the pair compared, so a third grader never changes a pair already reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from safeguarding.audits.models import GRADE_ORDER, AuditCase, AuditRound, Grade, IndependentGrade

# The statuses in which a round's independent grades, and so the agreement between them, are shown: the panel
# is meeting or has met. Before then an auditor must not learn whether the other grader agreed with them.
GRADES_SHOWN = (AuditRound.Status.MODERATION, AuditRound.Status.REPORTED)
AGREEMENT_HIDDEN = "The agreement between graders is reported once the moderation panel has met."


@dataclass(frozen=True)
class Agreement:
    """Cohen's kappa for one set of paired grades, with the table it came from.

    `table[i][j]` counts the cases the first rater graded categories[i] and the second categories[j].
    p_o, p_e and kappa are None when there are no pairs; kappa alone is None when p_e is 1 (undefined).
    """

    n: int
    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    p_o: Fraction | None
    p_e: Fraction | None
    kappa: Fraction | None

    @property
    def defined(self) -> bool:
        return self.kappa is not None

    @property
    def explanation(self) -> str:
        """Why there is no kappa, in plain English ("" when there is one)."""
        if self.n == 0:
            return "No case was graded independently by two people."
        if self.kappa is None:
            return (
                "Agreement cannot be measured: both graders gave every case the same grade, so agreement "
                "by chance alone is certain."
            )
        return ""

    @property
    def labels(self) -> tuple[str, ...]:
        names = dict(Grade.choices)
        return tuple(str(names.get(category, category)) for category in self.categories)

    @property
    def rows(self) -> list[tuple[str, tuple[int, ...], int]]:
        """The table for a page: (the first rater's grade, counts by the second's grade, row total)."""
        return [(label, counts, sum(counts)) for label, counts in zip(self.labels, self.table, strict=True)]

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(row[j] for row in self.table) for j in range(len(self.categories)))

    @property
    def sentence(self) -> str:
        """The agreement in one plain sentence for a report, or why there is none."""
        if not self.defined:
            return self.explanation
        cases = "case was" if self.n == 1 else "cases were"
        return (
            f"{self.n} {cases} graded independently by two people. Cohen's kappa: {self.kappa_text} "
            f"(observed agreement {self.p_o_text}, agreement expected by chance {self.p_e_text})."
        )

    @property
    def kappa_text(self) -> str:
        """Kappa to two decimal places for a page, or "Undefined" / "None" when there is none."""
        if self.n == 0:
            return "None"
        return "Undefined" if self.kappa is None else _two_places(self.kappa)

    @property
    def p_o_text(self) -> str:
        return "" if self.p_o is None else _two_places(self.p_o)

    @property
    def p_e_text(self) -> str:
        return "" if self.p_e is None else _two_places(self.p_e)


def _two_places(value: Fraction) -> str:
    return f"{float(value):.2f}"


def cohen_kappa(pairs: Iterable[tuple[str, str]], categories: Sequence[str] = GRADE_ORDER) -> Agreement:
    """Cohen's kappa for (first rater, second rater) pairs of nominal categories. Exact (fractions)."""
    cats = tuple(categories)
    index = {category: i for i, category in enumerate(cats)}
    table = [[0] * len(cats) for _ in cats]
    n = 0
    for first, second in pairs:
        if first not in index or second not in index:
            raise ValueError(f"Unknown category in pair ({first!r}, {second!r})")
        table[index[first]][index[second]] += 1
        n += 1
    frozen = tuple(tuple(row) for row in table)
    if n == 0:
        return Agreement(0, cats, frozen, None, None, None)
    agreed = sum(table[i][i] for i in range(len(cats)))
    p_o = Fraction(agreed, n)
    row_totals = [sum(row) for row in table]
    column_totals = [sum(row[j] for row in table) for j in range(len(cats))]
    p_e = sum(
        (Fraction(row_totals[i], n) * Fraction(column_totals[i], n) for i in range(len(cats))),
        Fraction(0),
    )
    kappa = None if p_e == 1 else (p_o - p_e) / (1 - p_e)
    return Agreement(n, cats, frozen, p_o, p_e, kappa)


def double_marked_pairs(cases: Iterable[AuditCase]) -> list[tuple[str, str]]:
    """The first two independent grades of each case that has two or more, as (first, second) pairs."""
    case_ids = [case.pk for case in cases]
    by_case: dict[int, list[str]] = {}
    grades = IndependentGrade.objects.filter(case_id__in=case_ids).order_by("case_id", "graded_on", "pk")
    for case_id, grade in grades.values_list("case_id", "grade"):
        by_case.setdefault(case_id, []).append(grade)
    return [(found[0], found[1]) for found in by_case.values() if len(found) >= 2]


def round_agreement(audit_round: AuditRound) -> Agreement | None:
    """Agreement over a round's double-marked cases; None until the panel meets (GRADES_SHOWN)."""
    if audit_round.status not in GRADES_SHOWN:
        return None
    return cohen_kappa(double_marked_pairs(AuditCase.objects.filter(round=audit_round)))


@dataclass(frozen=True)
class YearAgreement:
    """A programme year's agreement: every double-marked case of its rounds the panel has met on, pooled."""

    year: str
    rounds_pooled: int
    agreement: Agreement

    @property
    def sentence(self) -> str:
        """For a report: which year, how many rounds pooled, and the kappa or why there is none."""
        over = f"Over {self.year}"
        if not self.rounds_pooled:
            return f"{over}: no round has reached its moderation panel yet, so there is nothing to pool."
        pooled = "1 round" if self.rounds_pooled == 1 else f"{self.rounds_pooled} rounds"
        return f"{over}, pooling the {pooled} the moderation panel has met on: {self.agreement.sentence}"


def year_agreement(year: str, rounds: QuerySet[AuditRound]) -> YearAgreement:
    """Agreement over the double-marked cases of a programme year ("2022-23") among `rounds` (the rounds the
    reader may see: audits.selectors.programme.rounds_visible_to), pooling those that have reached the panel
    (before then a round's independent grades are hidden and may be incomplete).

    Pooling puts every pair into one table before computing kappa; it is not an average of the rounds'
    kappas, which would weigh a round of two pairs the same as a round of ten."""
    round_ids = list(
        rounds.filter(programme__year=year, status__in=GRADES_SHOWN).values_list("pk", flat=True)
    )
    pairs = double_marked_pairs(AuditCase.objects.filter(round_id__in=round_ids))
    return YearAgreement(year, len(round_ids), cohen_kappa(pairs))
