"""Report writers: each renders a :class:`alkannot.models.SampleResult` and nothing else."""
