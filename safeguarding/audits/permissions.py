"""The audits area's three permissions (their meaning and who holds them: accounts/roles.py)."""

VIEW = "audit.view"  # read the programme, grade tables and reports, by audit code only
CONDUCT = "audit.conduct"  # complete an agency's section on an allocated case (identifiable: two factors)
MANAGE = "audit.manage"  # plan and run rounds, edit tools, moderate (the business unit)
