"""Writes for audits (DESIGN rule 1), one module per part: programme (rounds, tools, samples) and
auditing (sections, moderation)."""
