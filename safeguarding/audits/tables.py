"""The audit grade tables, counted from the moderation panel's grades, laid out as the annual report lays them
out (Walsall Safeguarding Partnership annual report 2022-23, seed 003, "Learning from Multi-Agency Audits",
Tables 1 and 2):

- Table 1, "Multi-Agency Children Audit Gradings": one row per round (quarter and theme), the cases graded
  Outstanding, Good, Requires improvement and Inadequate and their total, and a totals row;
- Table 2, "Comparison of annual audit grades": each year's distribution in percentages, the latest year
  first, for every year with grades up to the one chosen;
- the year-on-year change against the year before, in percentage points (the report's narrative: "a
  reduction of approximately 25% rated as good and an increase of 10% ... requires improvement");
- the share of cases graded good or requires improvement, for the year and each round ("85% being graded as
  good or requires improvement ... increased to 100% in Q2").

Counting: a case counts once the panel has graded it (AuditCase.grade); a case not yet graded is not
counted anywhere, and a round with no graded case has no row. Only rounds the person may see (audit.view)
count. A round belongs to its programme's financial year.

Rounding: every percentage is rounded on its own to a whole number, halves up, so a year's percentages may
add up to 99 or 101, as in the report's Table 2 (2020-21: 4% + 61% + 30% + 4% = 99%; 2019-20: 0% + 23% +
63% + 15% = 101%, which is what 9, 25 and 6 of 40 cases give when 22.5 and 62.5 round up).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from safeguarding.audits.models import AUDIT_THEMES, GRADE_ORDER, AuditCase, AuditRound, Grade
from safeguarding.audits.selectors.programme import rounds_visible_to

# The grades a report counts as "good or requires improvement".
GOOD_OR_RI: tuple[str, ...] = (Grade.GOOD, Grade.REQUIRES_IMPROVEMENT)
GRADE_LABELS: dict[str, str] = {str(grade.value): str(grade.label) for grade in Grade}


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole percentage, halves rounded up (22.5 -> 23); None when `whole` is 0.

    Integer arithmetic, so no float ever rounds a half the wrong way (Python's round() would give 22).
    """
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class GradeCounts:
    """Cases graded at each grade, in the report's column order (best first)."""

    outstanding: int = 0
    good: int = 0
    requires_improvement: int = 0
    inadequate: int = 0

    @classmethod
    def of(cls, counts: dict[str, int]) -> GradeCounts:
        return cls(**{grade: counts.get(grade, 0) for grade in GRADE_ORDER})

    def __add__(self, other: GradeCounts) -> GradeCounts:
        return GradeCounts(*(a + b for a, b in zip(self.values, other.values, strict=True)))

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(getattr(self, grade) for grade in GRADE_ORDER)

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def good_or_ri(self) -> int:
        return self.good + self.requires_improvement

    @property
    def percentages(self) -> tuple[int | None, ...]:
        """Each grade's share of the cases, in GRADE_ORDER (None each when nothing was graded)."""
        return tuple(percent(count, self.total) for count in self.values)

    @property
    def good_or_ri_percent(self) -> int | None:
        return percent(self.good_or_ri, self.total)

    def as_dict(self) -> dict[str, int]:
        return dict(zip(GRADE_ORDER, self.values, strict=True))


@dataclass(frozen=True)
class RoundGrades:
    """One row of Table 1: a round, its quarter and theme, and its cases' grades."""

    code: str
    quarter: int
    theme: str
    theme_label: str
    counts: GradeCounts

    @property
    def quarter_label(self) -> str:
        return f"Q{self.quarter}"

    @property
    def good_or_ri_percent(self) -> int | None:
        return self.counts.good_or_ri_percent


@dataclass(frozen=True)
class YearDistribution:
    """One row of Table 2: a financial year's cases by grade, and each grade's share."""

    year: str  # "2022-23"
    counts: GradeCounts

    @property
    def long_label(self) -> str:
        """The year as Table 2 writes it: "2022-2023"."""
        return long_year(self.year)

    @property
    def percentages(self) -> tuple[int | None, ...]:
        return self.counts.percentages


@dataclass(frozen=True)
class GradeChange:
    """A grade's share this year against the year before, and the change in percentage points."""

    grade: str
    label: str
    this_year: int | None
    last_year: int | None

    @property
    def points(self) -> int | None:
        if self.this_year is None or self.last_year is None:
            return None
        return self.this_year - self.last_year

    @property
    def points_text(self) -> str:
        """ "+10 points", "-25 points", "No change"."""
        points = self.points
        if points is None:
            return "Not known"
        if points == 0:
            return "No change"
        return f"{points:+d} {'point' if abs(points) == 1 else 'points'}"


@dataclass(frozen=True)
class YearGrades:
    """Everything the tables show for one financial year."""

    year: str
    rounds: tuple[RoundGrades, ...]
    totals: GradeCounts
    comparison: tuple[YearDistribution, ...]  # Table 2: this year and every earlier year with grades

    @property
    def long_label(self) -> str:
        return long_year(self.year)

    @property
    def slash_label(self) -> str:
        """The year as Table 1's heading writes it: "2022/2023"."""
        return long_year(self.year).replace("-", "/")

    @property
    def percentages(self) -> tuple[int | None, ...]:
        return self.totals.percentages

    @property
    def good_or_ri_percent(self) -> int | None:
        return self.totals.good_or_ri_percent

    @property
    def previous(self) -> YearDistribution | None:
        """The latest earlier year with grades (the one the report compares against)."""
        return self.comparison[1] if len(self.comparison) > 1 else None

    @property
    def changes(self) -> tuple[GradeChange, ...]:
        """This year against the previous year with grades, grade by grade (empty without one)."""
        previous = self.previous
        if previous is None or not self.totals.total:
            return ()
        return tuple(
            GradeChange(grade, GRADE_LABELS[grade], this, last)
            for grade, this, last in zip(GRADE_ORDER, self.percentages, previous.percentages, strict=True)
        )

    @property
    def comparison_span(self) -> str:
        """ "2019-2023": the first year's start to this year's end, as Table 2's caption names them."""
        first = self.comparison[-1].year if self.comparison else self.year
        return f"{first[:4]}-{long_year(self.year)[5:]}"


def long_year(year: str) -> str:
    """ "2022-23" -> "2022-2023"."""
    start = int(year[:4])
    return f"{start}-{start + 1}"


# --- Counting -----------------------------------------------------------------------------------------------


def _graded_cases(user: Any) -> QuerySet[AuditCase]:
    return AuditCase.objects.filter(round__in=rounds_visible_to(user)).exclude(grade="")


def years_with_grades(user: Any) -> list[str]:
    """The financial years with at least one graded case the user may see, latest first."""
    years = _graded_cases(user).values_list("round__programme__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def _year_counts(user: Any, years: Iterable[str] | None = None) -> dict[str, GradeCounts]:
    cases = _graded_cases(user)
    if years is not None:
        cases = cases.filter(round__programme__year__in=list(years))
    by_year: dict[str, dict[str, int]] = defaultdict(dict)
    for row in cases.values("round__programme__year", "grade").annotate(n=Count("pk")):
        by_year[row["round__programme__year"]][row["grade"]] = row["n"]
    return {year: GradeCounts.of(counts) for year, counts in by_year.items()}


def year_on_year(user: Any, *, up_to: str | None = None) -> tuple[YearDistribution, ...]:
    """Table 2: every year with grades (up to and including `up_to`, when given), latest first."""
    counts = _year_counts(user)
    years = sorted((year for year in counts if up_to is None or year <= up_to), reverse=True)
    return tuple(YearDistribution(year, counts[year]) for year in years)


def year_grades(user: Any, year: str) -> YearGrades:
    """Tables 1 and 2 and the shares for one financial year ("2022-23"), over the rounds `user` may see."""
    cases = _graded_cases(user).filter(round__programme__year=year)
    rows = cases.values("round_id", "grade").annotate(n=Count("pk"))
    by_round: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_round[row["round_id"]][row["grade"]] = row["n"]
    rounds = AuditRound.objects.filter(pk__in=list(by_round)).order_by("quarter", "code")
    round_rows = tuple(
        RoundGrades(
            code=round_.code,
            quarter=round_.quarter,
            theme=round_.theme,
            theme_label=round_.theme_label,
            counts=GradeCounts.of(by_round[round_.pk]),
        )
        for round_ in rounds
    )
    totals = sum((row.counts for row in round_rows), GradeCounts())
    comparison = year_on_year(user, up_to=year)
    if not totals.total:
        # No grades this year: Table 2 still compares the earlier years, under a row of its own.
        comparison = (YearDistribution(year, totals), *comparison)
    return YearGrades(year=year, rounds=round_rows, totals=totals, comparison=comparison)


# --- The words ----------------------------------------------------------------------------------------------


def _joined(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _theme_words(label: str) -> str:
    """A theme inside a sentence: "Self-harm" -> "self-harm"; "JTAI-Exploitation" keeps its capitals."""
    if label in AUDIT_THEMES.values() and not label[:2].isupper():
        return label[0].lower() + label[1:]
    return label


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def year_sentences(grades: YearGrades) -> list[str]:
    """The year's grades in the annual report's words, written from the numbers: "85% of cases were graded
    good or requires improvement, rising to 100% in Q2 when self-harm was the theme." and so on."""
    totals = grades.totals
    if not totals.total:
        return [f"No cases were graded in {grades.year}."]
    share = grades.good_or_ri_percent
    sentences = []
    graded = f"{_counted(totals.total, 'case was', 'cases were')} graded in " + _counted(
        len(grades.rounds), "audit round", "audit rounds"
    )
    sentences.append(f"In {grades.year}, {graded}.")
    first = f"{share}% of cases were graded good or requires improvement"
    best = max((row.good_or_ri_percent or 0) for row in grades.rounds)
    best_rounds = [row for row in grades.rounds if row.good_or_ri_percent == best]
    if share is not None and best > share and len(grades.rounds) > 1:
        if len(best_rounds) == 1:
            row = best_rounds[0]
            theme = _theme_words(row.theme_label)
            first += f", rising to {best}% in {row.quarter_label} when {theme} was the theme"
        else:
            first += f", rising to {best}% in {_joined([row.quarter_label for row in best_rounds])}"
    sentences.append(first + ".")
    outstanding_share = percent(totals.outstanding, totals.total)
    if totals.outstanding:
        sentences.append(f"{outstanding_share}% were graded outstanding.")
    inadequate_rounds = [row for row in grades.rounds if row.counts.inadequate]
    if inadequate_rounds:
        sentences.append(
            f"In {len(inadequate_rounds)} of the "
            f"{_counted(len(grades.rounds), 'audit round', 'audit rounds')}, "
            "the quality of multi-agency practice was graded inadequate in at least one case: "
            f"{percent(totals.inadequate, totals.total)}% of all the cases graded."
        )
    else:
        sentences.append("No case was graded inadequate.")
    change = _change_sentence(grades)
    if change:
        sentences.append(change)
    return sentences


def _change_sentence(grades: YearGrades) -> str:
    previous = grades.previous
    changes = grades.changes
    if previous is None or not changes:
        return ""
    parts = []
    for change in changes:
        label = change.label.lower()
        points = change.points
        if points is None:
            continue
        if points > 0:
            parts.append(f"{label} rose by {_counted(points, 'point', 'points')}")
        elif points < 0:
            parts.append(f"{label} fell by {_counted(-points, 'point', 'points')}")
        elif change.this_year:
            parts.append(f"{label} stayed at {change.this_year}%")
    if not parts:
        return f"The grades were shared out as in {previous.year}."
    return f"Compared with {previous.year}, the share of cases graded {_joined(parts)}."
