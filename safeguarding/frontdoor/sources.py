"""Which CIN census referral source (ReferralSource, 1A...10) a referring agency's kind maps to.

The census asks who made the referral; the platform knows the referrer's agency, so the source follows from
the agency's kind. MASH staff recording a phone or email contact choose the source themselves.
"""

from __future__ import annotations

from safeguarding.accounts.models import Agency
from safeguarding.children.codes import ReferralSource

_BY_KIND: dict[str, ReferralSource] = {
    Agency.Kind.SCHOOL: ReferralSource.SCHOOLS,
    Agency.Kind.COLLEGE: ReferralSource.EDUCATION_SERVICES,
    Agency.Kind.EARLY_YEARS: ReferralSource.OTHER,  # children's centres and independent providers: code 8
    Agency.Kind.GP_PRACTICE: ReferralSource.GP,
    Agency.Kind.NHS_TRUST: ReferralSource.OTHER_HEALTH,
    Agency.Kind.HEALTH_ICB: ReferralSource.OTHER_PRIMARY_HEALTH,
    Agency.Kind.PUBLIC_HEALTH: ReferralSource.OTHER_PRIMARY_HEALTH,
    Agency.Kind.POLICE: ReferralSource.POLICE,
    Agency.Kind.BRITISH_TRANSPORT_POLICE: ReferralSource.POLICE,
    Agency.Kind.HOUSING: ReferralSource.HOUSING,
    Agency.Kind.LOCAL_AUTHORITY: ReferralSource.LA_OTHER_INTERNAL,
    Agency.Kind.COUNCIL_SERVICE: ReferralSource.LA_OTHER_INTERNAL,
    Agency.Kind.YOUTH_JUSTICE: ReferralSource.LA_OTHER_INTERNAL,
    Agency.Kind.ADULT_SERVICES: ReferralSource.LA_SOCIAL_CARE,
    Agency.Kind.PROBATION: ReferralSource.OTHER_LEGAL,
    Agency.Kind.PRISON: ReferralSource.OTHER_LEGAL,
    Agency.Kind.CAFCASS: ReferralSource.OTHER_LEGAL,
    Agency.Kind.IMMIGRATION: ReferralSource.OTHER_LEGAL,
    Agency.Kind.VOLUNTARY_FAITH: ReferralSource.OTHER,
    Agency.Kind.CHILDRENS_HOMES: ReferralSource.OTHER,
    Agency.Kind.SPORTS: ReferralSource.OTHER,
    Agency.Kind.FIRE: ReferralSource.OTHER,
    Agency.Kind.ARMED_FORCES: ReferralSource.OTHER,
    Agency.Kind.REGULATOR: ReferralSource.OTHER,
}


def referral_source_for(agency: Agency | None) -> ReferralSource:
    if agency is None:
        return ReferralSource.UNKNOWN
    return _BY_KIND.get(agency.kind, ReferralSource.UNKNOWN)
