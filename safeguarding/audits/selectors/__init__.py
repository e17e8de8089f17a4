"""Reads for audits, one module per part."""
