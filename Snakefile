# The workflow's entry point is workflow/Snakefile (Snakemake workflow catalogue layout); this file
# lets `snakemake` run from the repository root as well, with the same rules and default target.
configfile: "config/config.yaml"


module alkannot:
    snakefile:
        "workflow/Snakefile"
    config:
        config


use rule * from alkannot
