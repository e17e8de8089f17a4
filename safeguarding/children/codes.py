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


class PrimaryNeed(models.TextChoices):
    """The main reason a child needs children's social care (CIN census PrimaryNeedCode, N00101).

    The same codes are the category of need of a looked-after child (SSDA903 CIN, Annex A list 8).
    """

    ABUSE_OR_NEGLECT = "N1", "Abuse or neglect"
    CHILD_DISABILITY = "N2", "Child's disability"
    PARENTAL_DISABILITY = "N3", "Parental disability or illness"
    ACUTE_STRESS = "N4", "Family in acute stress"
    FAMILY_DYSFUNCTION = "N5", "Family dysfunction"
    SOCIALLY_UNACCEPTABLE = "N6", "Socially unacceptable behaviour"
    LOW_INCOME = "N7", "Low income"
    ABSENT_PARENTING = "N8", "Absent parenting"
    NOT_IN_NEED = "N9", "Cases other than children in need"
    NOT_STATED = "N0", "Not stated"


class ReasonForClosure(models.TextChoices):
    """Why a CIN episode closed (CIN census ReasonForClosure, N00103; RC9 from the 2023 schema)."""

    ADOPTED = "RC1", "Adopted"
    DIED = "RC2", "Died"
    CHILD_ARRANGEMENTS_ORDER = "RC3", "Child arrangements order"
    SPECIAL_GUARDIANSHIP_ORDER = "RC4", "Special guardianship order"
    TRANSFERRED_TO_ANOTHER_LA = "RC5", "Transferred to services of another local authority"
    TRANSFERRED_TO_ADULT_SERVICES = "RC6", "Transferred to adult social care"
    SERVICES_CEASED = "RC7", "Services ceased for any other reason, including child no longer in need"
    CLOSED_AFTER_ASSESSMENT_NFA = "RC8", "Case closed after assessment, no further action"
    CLOSED_AFTER_ASSESSMENT_EARLY_HELP = "RC9", "Case closed after assessment, referred to early help"


class CategoryOfAbuse(models.TextChoices):
    """The category of abuse of a child protection plan (CIN census Initial/LatestCategoryOfAbuse)."""

    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple or not recommended"


class Disability(models.TextChoices):
    """A child's disability (CIN census Disability, N00099); a child may have several."""

    NONE = "NONE", "No disability"
    MOBILITY = "MOB", "Mobility"
    HAND_FUNCTION = "HAND", "Hand function"
    PERSONAL_CARE = "PC", "Personal care"
    INCONTINENCE = "INC", "Incontinence"
    COMMUNICATION = "COMM", "Communication"
    LEARNING = "LD", "Learning"
    HEARING = "HEAR", "Hearing"
    VISION = "VIS", "Vision"
    BEHAVIOUR = "BEH", "Behaviour"
    CONSCIOUSNESS = "CON", "Consciousness"
    AUTISM = "AUT", "Autism or Asperger syndrome"
    OTHER = "DDA", "Other disability"


class UPNUnknown(models.TextChoices):
    """Why a child has no unique pupil number (CIN census UPNunknown, N00135).

    UN7 is confirmed by validation rule 8772. The wording of UN1-UN6 is from the DfE CIN census guide as the
    project understands it; statutory-rules.md 2.2 marks it unverified, so check the guide before quoting it.
    The codes themselves are what the XSD allows (UN1-UN7) and are stored verbatim.
    """

    OVER_SCHOOL_AGE = "UN1", "Child is now over compulsory school age"
    NEVER_IN_MAINTAINED_SCHOOL = "UN2", "Child has never attended a maintained school in England"
    EDUCATED_OUTSIDE_ENGLAND = "UN3", "Child is educated outside England"
    NEWLY_KNOWN = "UN4", "Child is newly known and the UPN is not yet obtained"
    SOURCES_EXHAUSTED = "UN5", "Sources that hold the UPN have been exhausted"
    UNDER_SIX = "UN6", "Child is under 6 and not yet in school"
    REFERRAL_NFA = "UN7", "Referral with no further action"


class AssessmentFactor(models.TextChoices):
    """Factors identified at the end of an assessment (CIN census AssessmentFactors, N00181).

    In the groups 1 to 6 the letter is the person concerned: A the child, B a parent or carer, C another
    person in the household. 18A and 19A were split into B (child on child) and C (adult on child); queries
    8945Q and 8950Q reject the old codes from 2024-25, but imports of older years still carry them.
    """

    ALCOHOL_CHILD = "1A", "Alcohol misuse: the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: another person in the household"
    DRUGS_CHILD = "2A", "Drug misuse: the child"
    DRUGS_PARENT = "2B", "Drug misuse: parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: another person in the household"
    DOMESTIC_VIOLENCE_CHILD = "3A", "Domestic violence: the child"
    DOMESTIC_VIOLENCE_PARENT = "3B", "Domestic violence: parent or carer"
    DOMESTIC_VIOLENCE_OTHER = "3C", "Domestic violence: another person in the household"
    MENTAL_HEALTH_CHILD = "4A", "Mental health: the child"
    MENTAL_HEALTH_PARENT = "4B", "Mental health: parent or carer"
    MENTAL_HEALTH_OTHER = "4C", "Mental health: another person in the household"
    LEARNING_DISABILITY_CHILD = "5A", "Learning disability: the child"
    LEARNING_DISABILITY_PARENT = "5B", "Learning disability: parent or carer"
    LEARNING_DISABILITY_OTHER = "5C", "Learning disability: another person in the household"
    PHYSICAL_DISABILITY_CHILD = "6A", "Physical disability or illness: the child"
    PHYSICAL_DISABILITY_PARENT = "6B", "Physical disability or illness: parent or carer"
    PHYSICAL_DISABILITY_OTHER = "6C", "Physical disability or illness: another person in the household"
    YOUNG_CARER = "7A", "Young carer"
    PRIVATE_FOSTERING_OVERSEAS_RETURN = "8B", "Privately fostered: overseas, intends to return"
    PRIVATE_FOSTERING_OVERSEAS_STAY = "8C", "Privately fostered: overseas, intends to stay"
    PRIVATE_FOSTERING_UK_EDUCATION = "8D", "Privately fostered: UK, educational placement"
    PRIVATE_FOSTERING_UK_FAMILY = "8E", "Privately fostered: UK, alternative family arrangement"
    PRIVATE_FOSTERING_OTHER = "8F", "Privately fostered: other"
    UASC = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going or being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    SOCIALLY_UNACCEPTABLE = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Neglect"
    EMOTIONAL_ABUSE = "17A", "Emotional abuse"
    PHYSICAL_ABUSE_OLD = "18A", "Physical abuse (before 2024-25)"
    PHYSICAL_ABUSE_CHILD_ON_CHILD = "18B", "Physical abuse: child on child"
    PHYSICAL_ABUSE_ADULT_ON_CHILD = "18C", "Physical abuse: adult on child"
    SEXUAL_ABUSE_OLD = "19A", "Sexual abuse (before 2024-25)"
    SEXUAL_ABUSE_CHILD_ON_CHILD = "19B", "Sexual abuse: child on child"
    SEXUAL_ABUSE_ADULT_ON_CHILD = "19C", "Sexual abuse: adult on child"
    OTHER = "20", "Other"
    NO_FACTORS = "21", "No factors identified"
    FGM = "22A", "Female genital mutilation"
    FAITH_OR_BELIEF = "23A", "Abuse linked to faith or belief"
    CCE = "24A", "Child criminal exploitation"


class LegalStatus(models.TextChoices):
    """The legal status of a looked-after child (DfE SSDA903 children looked after return, LS; Ofsted Annex A
    list 8 "Legal Status"). Codes from statutory-rules.md section 3; wording from the SSDA903 guide."""

    INTERIM_CARE_ORDER = "C1", "Interim care order"
    FULL_CARE_ORDER = "C2", "Full care order"
    FREEING_ORDER = "D1", "Freeing order granted"
    PLACEMENT_ORDER = "E1", "Placement order granted"
    REMANDED = "J1", "Remanded to local authority accommodation or to youth detention accommodation"
    PACE = "J2", "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984"
    SENTENCED = "J3", "Sentenced to a youth rehabilitation order with a local authority residence requirement"
    POLICE_PROTECTION = "L1", "Under police protection and in local authority accommodation"
    EMERGENCY_PROTECTION_ORDER = "L2", "Emergency protection order"
    CHILD_ASSESSMENT_ORDER = "L3", "Under a child assessment order and in local authority accommodation"
    SECTION_20 = "V2", "Single period of accommodation under section 20 (Children Act 1989)"
    SHORT_BREAKS_SINGLE = "V3", "Accommodated under an agreed series of short-term breaks: each a placement"
    SHORT_BREAKS_AGREEMENT = "V4", "Accommodated under an agreed series of short-term breaks: one agreement"


class PlacementType(models.TextChoices):
    """Where a looked-after child lives (DfE SSDA903 children looked after return, PLACE; Ofsted Annex A list
    8 "Placement Type"). Codes and wording from the SSDA903 guide (2023-24)."""

    ADOPTION_CONSENT_CURRENT_CARER = "A3", "Placed for adoption with consent, with current foster carer"
    ADOPTION_CONSENT_OTHER = "A4", "Placed for adoption with consent, not with current foster carer"
    ADOPTION_ORDER_CURRENT_CARER = "A5", "Placed for adoption with placement order, with current foster carer"
    ADOPTION_ORDER_OTHER = "A6", "Placed for adoption with placement order, not with current foster carer"
    SUPPORTED_ACCOMMODATION = "H5", "Supported accommodation (semi-independent living)"
    SECURE_CHILDRENS_HOME = "K1", "Secure children's home"
    CHILDRENS_HOME = "K2", "Children's home"
    WITH_PARENTS = "P1", "Placed with own parents or other person with parental responsibility"
    INDEPENDENT_LIVING = "P2", "Independent living (flat, lodgings, bedsit, B&B or with friends)"
    RESIDENTIAL_EMPLOYMENT = "P3", "Residential employment"
    RESIDENTIAL_CARE_HOME = "R1", "Residential care home"
    NHS_ESTABLISHMENT = "R2", "NHS or health trust establishment providing medical or nursing care"
    FAMILY_CENTRE = "R3", "Family centre or mother and baby unit"
    YOUNG_OFFENDER_INSTITUTION = "R5", "Young offender institution"
    RESIDENTIAL_SCHOOL = "S1", "Residential school"
    TEMPORARY_MOVE = "T0", "Temporary move of any kind"
    TEMPORARY_HOSPITAL = "T1", "Temporary period in hospital"
    TEMPORARY_HOLIDAY = "T2", "Temporary absence on holiday"
    TEMPORARY_CARER_HOLIDAY = "T3", "Temporary accommodation while the usual foster carer is on holiday"
    TEMPORARY_SHORT = "T4", "Temporary accommodation of seven days or less"
    KINSHIP_LONG_TERM = "U1", "Foster placement with relative or friend: long term"
    KINSHIP_FFA = "U2", "Foster placement with relative or friend: fostering for adoption or concurrent"
    KINSHIP_OTHER = "U3", "Foster placement with relative or friend: other"
    FOSTER_LONG_TERM = "U4", "Foster placement with other foster carer: long term"
    FOSTER_FFA = "U5", "Foster placement with other foster carer: fostering for adoption or concurrent"
    FOSTER_OTHER = "U6", "Foster placement with other foster carer: other"
    OTHER = "Z1", "Other placement"


class EarlyHelpNeed(models.TextChoices):
    """What an early help episode is about: the ten headline outcomes of the Supporting Families programme's
    national outcomes framework (DLUHC, "Supporting Families Programme guidance 2022 to 2025", chapter 3), the
    framework English councils use to record and count early help needs. A family may present with several.
    """

    EDUCATION = "education", "Getting a good education"
    EARLY_YEARS = "early_years", "Good early years development"
    HEALTH = "health", "Improved mental and physical health"
    SUBSTANCE_USE = "substance_use", "Promoting recovery and reducing harm from substance use"
    FAMILY_RELATIONSHIPS = "family_relationships", "Improved family relationships"
    ABUSE_AND_EXPLOITATION = "abuse_exploitation", "Children safe from abuse and exploitation"
    CRIME = "crime", "Crime prevention and tackling crime"
    DOMESTIC_ABUSE = "domestic_abuse", "Safe from domestic abuse"
    HOUSING = "housing", "Secure housing"
    FINANCES = "finances", "Financial stability"


class EarlyHelpClosureReason(models.TextChoices):
    """Why an early help episode closed (issue 4: the reasons partnerships report on)."""

    OUTCOMES_MET = "outcomes_met", "Outcomes met"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    STEPPED_DOWN = "stepped_down", "Stepped down to universal services"
    DISENGAGED = "disengaged", "Family disengaged or withdrew consent"
    MOVED_AWAY = "moved_away", "Moved out of the area"


class ExploitationType(models.TextChoices):
    """What a child was screened as being at risk of (issue 4's three kinds: sexual, criminal, other)."""

    SEXUAL = "sexual", "Sexual exploitation"
    CRIMINAL = "criminal", "Criminal exploitation"
    OTHER = "other", "Other exploitation"


class ExploitationRisk(models.TextChoices):
    """The level of risk an exploitation screening found (issue 4: at risk, significant, serious)."""

    AT_RISK = "at_risk", "At risk"
    SIGNIFICANT = "significant", "Significant risk"
    SERIOUS = "serious", "Serious risk"
