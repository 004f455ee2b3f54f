# The workflow's entry point is workflow/Snakefile (Snakemake workflow catalogue layout); this file
# lets `snakemake` run from the repository root as well.
include: "workflow/Snakefile"
