"""The audit pages, one module per part: the programme and tools, auditing and moderation, tables and
reports."""
