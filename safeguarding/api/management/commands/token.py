"""`safeguarding token create|list|revoke`: API tokens for agency systems, from the command line.

    safeguarding token create EMAIL --agency CODE [--role ROLE] [--name NAME] [--expires YYYY-MM-DD]
        prints the new token, alone on one line (the only time it is shown); notes go to stderr
    safeguarding token list [--email EMAIL] [--agency CODE] [--all]
    safeguarding token revoke ID|PREFIX|TOKEN

Errors go to stderr with exit code 2.
"""

from __future__ import annotations

import getpass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeguarding.api.selectors import (
    CommandLookupError,
    api_token_for_command,
    api_tokens_for_listing,
    membership_for_new_token,
)
from safeguarding.api.services import api_token_create, api_token_revoke

ERROR_EXIT_CODE = 2


def _channel() -> str:
    """Where a change came from, for the access log: the command line and the operating-system user."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):  # no user name in some containers
        return "command line"


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=ERROR_EXIT_CODE)


def _expiry(value: str | None) -> datetime | None:
    """An ISO date: the token stops working at the start of that day (local time)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise _fail(f"--expires must be a date like 2027-03-31, not {value}") from exc
    if day <= timezone.localdate():
        raise _fail("--expires must be a day after today")
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(BaseCommand):
    help = "Create, list and revoke API tokens for agency systems."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Create a token and print it once")
        create.add_argument("email", help="The person the token acts for")
        create.add_argument("--agency", required=True, help="The code of the agency the token acts in")
        create.add_argument("--role", help="The role to act in, when the person holds several in the agency")
        create.add_argument("--name", default="", help="What the token is for (default: '<AGENCY> system')")
        create.add_argument("--expires", help="The day the token stops working (YYYY-MM-DD); default never")
        listing = actions.add_parser("list", help="List tokens (active ones unless --all)")
        listing.add_argument("--email", default="", help="Only this person's tokens")
        listing.add_argument("--agency", default="", help="Only tokens acting in this agency")
        listing.add_argument("--all", action="store_true", help="Include revoked, expired and ended tokens")
        revoke = actions.add_parser("revoke", help="Revoke a token at once")
        revoke.add_argument("token", help="The token's id (see list), its prefix, or the whole token")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options)

    def _create(self, options: dict[str, Any]) -> None:
        expires_at = _expiry(options["expires"])
        try:
            membership = membership_for_new_token(
                email=options["email"], agency_code=options["agency"], role=options["role"]
            )
            token, secret = api_token_create(
                actor=None,
                membership=membership,
                name=options["name"] or f"{membership.agency.code} system",
                expires_at=expires_at,
                channel=_channel(),
            )
        except CommandLookupError as exc:
            raise _fail(str(exc)) from exc
        except ValidationError as exc:
            raise _fail(" ".join(exc.messages)) from exc
        # The token alone on stdout, so scripts can capture it; everything for people goes to stderr.
        self.stdout.write(secret)
        self.stderr.write(
            f"Created API token {token.prefix}… '{token.name}' for {membership.user.email} as "
            f"{membership.role_definition.name} in {membership.agency.code}. It is shown only this once."
        )

    def _list(self, options: dict[str, Any]) -> None:
        tokens = api_tokens_for_listing(
            email=options["email"], agency_code=options["agency"], include_inactive=options["all"]
        )
        if not tokens:
            self.stderr.write("No tokens match.")
            return
        self.stdout.write(
            "\t".join(["id", "prefix", "status", "email", "agency", "role", "name", "created", "last used"])
        )
        for token in tokens:
            membership = token.membership
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.prefix,
                        token.status.value,
                        membership.user.email,
                        membership.agency.code,
                        membership.role,
                        token.name,
                        timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M"),
                        timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
                        if token.last_used_at
                        else "never",
                    ]
                )
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        try:
            token = api_token_for_command(options["token"])
        except CommandLookupError as exc:
            raise _fail(str(exc)) from exc
        owner = token.membership.user.email
        if api_token_revoke(actor=None, token=token, channel=_channel()):
            self.stdout.write(f"Revoked token {token.prefix}… '{token.name}' of {owner}.")
        else:
            self.stdout.write(f"Token {token.prefix}… '{token.name}' of {owner} was already revoked.")
