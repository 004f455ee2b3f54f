"""Readers: one module per input format family (VCF, copy number, fusions, sample sheets)."""
