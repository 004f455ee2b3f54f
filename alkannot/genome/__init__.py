"""Genome facts: builds and contig names, transcript models, gene spans, reference sequence."""
