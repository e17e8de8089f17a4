"""The `safeguarding` command: a friendly front for the platform's management commands.

    safeguarding demo                       set up and serve the demo partnership
    safeguarding serve                      serve the platform (gunicorn) on 127.0.0.1:8000
    safeguarding seed --scale N --seed S    generate a synthetic partnership
    safeguarding clock --list | NAME START  statutory clocks
    safeguarding accesslog verify           re-compute the access log's hash chain
    safeguarding accesslog triggers         check (or --install) the append-only database triggers
    safeguarding token create EMAIL --agency CODE
    safeguarding demo-otp EMAIL             (demo mode only) the current two-factor code
    safeguarding validate cin FILE [--json] check a CIN census file against the DfE rules
    safeguarding import cin FILE [--strict] load a CIN census file (all or nothing)
    safeguarding export cin --year 2022-23 --out FILE [--degrade]   write one from the platform's data
    safeguarding annexa import FILE... | export --to DATE --out FILE.xlsx   Ofsted's Annex A lists
    safeguarding seed-cin --children N --out FILE   write a synthetic CIN census file
    safeguarding indicators compute --year 2022-23  compute and store the year's indicators
    safeguarding scorecard --year 2022-23 --json    print the stored values
    safeguarding datareturns open --quarter 2022-23-q1 --due 2022-07-21   open a quarter's data returns
    safeguarding datareturns remind                  email reminders for returns due or late (daily)
    safeguarding actions remind                      email action owners: due, late or no update (daily)
    safeguarding reviews remind                      email owners of review deadlines due or late (daily)

Any other word is passed to Django's manage.py, with hyphens read as underscores (demo-otp -> demo_otp).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command = args[0].replace("-", "_")
    execute_from_command_line(["safeguarding", command, *args[1:]])


if __name__ == "__main__":
    main()
