"""What a referral must contain: one definition shared by the eMARF pages, saved drafts and the API.

Messages follow the GOV.UK style ("Enter...", "Select...") so the same words reach a practitioner on the form
and an agency system through the API.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from safeguarding.children.codes import Ethnicity, Sex
from safeguarding.children.identity import nhs_number_is_valid
from safeguarding.frontdoor.models import Concern, Contact, Level


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; say so rather than fail on saving.
    if "\x00" in value:
        raise ValueError("Remove the unprintable character (NUL) from this answer")
    return value


_Clean = AfterValidator(_no_nul)
# Each limit matches the column the answer is stored in (frontdoor.models).
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), _Clean]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), _Clean]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), _Clean]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), _Clean]
# UK postcode shape (the Royal Mail format, without checking the postcode exists).
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
# An unborn baby's expected date may be up to ten months ahead; a date of birth can't be in the future.
MAX_PREGNANCY = timedelta(days=305)


class ChildAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name = ""
    last_name: Name = Field(min_length=1)
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: Sex = Sex.NOT_RECORDED
    ethnicity: Ethnicity = Ethnicity.NOBT
    address: Text = ""
    postcode: ShortText = ""
    school_or_setting: ShortText = ""
    gp_practice: ShortText = ""
    nhs_number: ShortText = ""
    disability_or_sen: Text = ""
    first_language: Name = ""
    interpreter_needed: bool = False

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        value = value.upper().strip()
        if value and not POSTCODE.match(value):
            raise ValueError("Enter a real postcode, like WS1 1TP")
        return value

    @field_validator("nhs_number")
    @classmethod
    def _nhs_number(cls, value: str) -> str:
        value = value.replace(" ", "")
        if value and not nhs_number_is_valid(value):
            raise ValueError("Enter a valid 10-digit NHS number, or leave it empty if you do not know it")
        return value

    @model_validator(mode="after")
    def _dates(self) -> Self:
        today = date.today()
        if self.date_of_birth is None and self.expected_date_of_birth is None:
            raise ValueError("Enter the child's date of birth, or the expected date for an unborn baby")
        if self.date_of_birth is not None and self.expected_date_of_birth is not None:
            raise ValueError("Enter either a date of birth or an expected date of birth, not both")
        if self.date_of_birth is not None and self.date_of_birth > today:
            raise ValueError("The date of birth must be today or in the past")
        if self.date_of_birth is not None and self.date_of_birth < today - timedelta(days=365 * 25):
            raise ValueError("The date of birth is more than 25 years ago: check it")
        if self.expected_date_of_birth is not None and not (
            today - timedelta(days=31) <= self.expected_date_of_birth <= today + MAX_PREGNANCY
        ):
            raise ValueError("The expected date of birth must be within the next 10 months")
        return self


class HouseholdMemberAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText = Field(min_length=1)
    relationship: Name = Field(min_length=1)
    date_of_birth: date | None = None
    address: Text = ""
    parental_responsibility: bool = False
    lives_with_child: bool = True


class ReferralAnswers(BaseModel):
    """A complete referral. The referrer's identity comes from their sign-in, not from these answers."""

    model_config = ConfigDict(extra="forbid")

    referrer_phone: Phone = Field(min_length=1)
    children: list[ChildAnswers] = Field(min_length=1, max_length=12)
    household: list[HouseholdMemberAnswers] = Field(default_factory=list, max_length=20)
    concerns: list[Concern] = Field(min_length=1)
    what_happened: Text = Field(min_length=1)
    when_happened: ShortText = ""
    child_views: Text = ""
    support_tried: Text = ""
    referrer_level: Level | None = None
    immediate_danger: bool = False
    called_999: bool = False
    parents_aware: Contact.ParentsAware = Contact.ParentsAware.NOT_KNOWN
    consent: Contact.Consent = Contact.Consent.NOT_SOUGHT
    no_consent_reason: Contact.NoConsentReason | None = None
    no_consent_detail: Text = ""

    @field_validator("concerns")
    @classmethod
    def _distinct(cls, value: list[Concern]) -> list[Concern]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _danger_and_consent(self) -> Self:
        if self.immediate_danger and not self.called_999:
            raise ValueError(
                "If a child is in immediate danger, call 999 first, then confirm you have called"
            )
        if not self.immediate_danger and self.called_999:
            self.called_999 = False
        if self.consent != Contact.Consent.GIVEN and self.no_consent_reason is None:
            raise ValueError("Select why the parents have not agreed to this referral, or were not asked")
        if self.no_consent_reason == Contact.NoConsentReason.OTHER and not self.no_consent_detail:
            raise ValueError("Explain why the parents have not agreed, or were not asked")
        if self.consent == Contact.Consent.GIVEN:
            self.no_consent_reason = None
            self.no_consent_detail = ""
        return self
