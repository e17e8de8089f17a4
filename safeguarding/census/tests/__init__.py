"""Tests of the census app. `census_xml` writes small hand-made CIN census files (made-up children only)."""

from __future__ import annotations

from safeguarding.census.generator import upn_check_letter

HEADER = """<Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>335</LEA>
      <SoftwareCode>Test Software</SoftwareCode>
      <Release>1.0</Release>
      <SerialNo>001</SerialNo>
      <DateTime>{year}-04-20T09:00:00</DateTime>
    </Source>
  </Header>"""

# One child on a child protection plan, every block present; {sex} is the whole sex element.
CHILD = """<Child>
      <ChildIdentifiers>
        <LAchildID>{child_id}</LAchildID>
        <UPN>{upn}</UPN>
        <PersonBirthDate>2015-06-01</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>{ethnicity}</Ethnicity>
        <Disabilities>
          <Disability>NONE</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-05-03</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2022-05-04</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2022-06-20</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>4B</AssessmentFactors>
            <AssessmentFactors>16A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2022-05-04</S47ActualStartDate>
          <InitialCPCtarget>2022-05-25</InitialCPCtarget>
          <DateOfInitialCPC>2022-05-20</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>{cpp_start}</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>2022-08-19</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>"""


def _upn(n: int) -> str:
    """A valid UPN (LA 801, check letter as the DfE computes it), different for each child number."""
    digits = f"801200005{n:03d}"
    return upn_check_letter(digits) + digits


def census_xml(
    *,
    year: int = 2023,
    children: int = 1,
    sex: str = "<GenderCurrent>1</GenderCurrent>",
    ethnicity: str = "WBRI",
    cpp_start: str = "2022-05-20",
    message_open: str = "<Message>",
    message_close: str = "</Message>",
) -> str:
    """A small, valid census: the header and ``children`` children (WS000001...), all alike."""
    body = "\n    ".join(
        CHILD.format(child_id=f"WS{n:06d}", upn=_upn(n), sex=sex, ethnicity=ethnicity, cpp_start=cpp_start)
        for n in range(1, children + 1)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{message_open}\n  {HEADER.format(year=year)}\n'
        f"  <Children>\n    {body}\n  </Children>\n{message_close}\n"
    )
