# alkannot: resistance annotation of ALK-positive lung cancer re-biopsies, for a sequencing batch.
# Entry point: `snakemake --cores 2` (one machine) or `--profile workflow/profiles/slurm` (SLURM).
from snakemake.utils import min_version, validate

min_version("8.10")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/cohort.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
