"""National code lists used for children, as the DfE children in need (CIN) census defines them.

Source: the CIN census XSD (cin-2022.xsd plus the 2023 additions), summarised in the project's research notes
(statutory-rules.md section 2). Stored verbatim so imports and exports need no translation.
"""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    # CIN census GenderCurrent / Sex: 1 male, 2 female, 0 not recorded (or unborn), 9 indeterminate.
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    NOT_RECORDED = "0", "Not known or not recorded"
    INDETERMINATE = "9", "Indeterminate"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WOTH = "WOTH", "White: any other White background"
    WROM = "WROM", "White: Gypsy or Roma"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ReferralSource(models.TextChoices):
    """Who made a referral (CIN census ReferralSource, with 5D from the 2023 schema)."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours, child minders)"
    SELF = "1C", "Individual: self"
    OTHER_INDIVIDUAL = "1D", "Individual: other (including strangers)"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health: GP"
    HEALTH_VISITOR = "3B", "Health: health visitor"
    SCHOOL_NURSE = "3C", "Health: school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Health: other primary health"
    A_AND_E = "3E", "Health: A&E"
    OTHER_HEALTH = "3F", "Health: other (e.g. hospice)"
    HOUSING = "4", "Housing (LA housing or housing association)"
    LA_SOCIAL_CARE = "5A", "LA services: social care (e.g. adult social care)"
    LA_OTHER_INTERNAL = "5B", "LA services: other internal (e.g. youth offending; excludes housing)"
    LA_EXTERNAL = "5C", "LA services: external (e.g. another LA's adult social care)"
    LA_EARLY_HELP = "5D", "LA services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency (courts, probation, immigration, Cafcass, prison)"
    OTHER = "8", "Other (children's centres, independent providers, voluntary organisations)"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"
