"""Ofsted ILACS Annex A lists 1 to 8: reading (reader, values), importing into the child's journey
(importer) and exporting for an inspection window (exporter). Column definitions in columns.py; the guide
is docs/annex-a.md; the command is `safeguarding annexa import|export`."""
