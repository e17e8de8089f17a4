"""Step 4: the demo sign-ins, one per role (safeguarding/demo/sign_ins.py), with the published password.

Demo people have invented names like everyone else; only their email addresses are well known. Those whose
role reaches identifiable data get a confirmed authenticator, so they sign in with a code from
`safeguarding demo-otp EMAIL` instead of enrolling a phone.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.services.two_factor import AUTHENTICATOR_NAME
from safeguarding.demo.generator import REFERENCE_DATE, SeedContext, bulk_save
from safeguarding.demo.sign_ins import DEMO_PASSWORD, demo_sign_ins
from safeguarding.demo.steps.people import NewPerson, people_save, person_new

# The day the demo accounts' roles began: before any date the demo's later records use.
DEMO_ROLES_START = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - 3)


def demo_accounts_create(ctx: SeedContext) -> None:
    # One hash for every demo account: Argon2 is slow by design and the password is the same anyway.
    password_hash = make_password(DEMO_PASSWORD)
    sign_ins = demo_sign_ins()
    people: list[NewPerson] = []
    for sign_in in sign_ins:
        agency = ctx.agency(sign_in.agency_code)
        team = ctx.team(agency.code, sign_in.team) if sign_in.team else None
        user = person_new(ctx, agency, title=sign_in.job_title, email=sign_in.email)
        user.password = password_hash
        user.date_joined = ctx.aware(DEMO_ROLES_START)
        people.append(NewPerson(user, [(agency, team, sign_in.role_code)]))
    users = people_save(ctx, people)
    devices = [
        TOTPDevice(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
        for user, sign_in in zip(users, sign_ins, strict=True)
        if sign_in.needs_code
    ]
    bulk_save(TOTPDevice, devices)
    ctx.counts["demo sign-ins"] += len(users)
