# Each sample's tumour-board page, copied to {results}/pages/ for `snakemake --report`: the chunk
# jobs exist only for samples that need work, so a report run (nothing stale) would otherwise
# find no rule that made the sample pages and embed none. A failed sample gets a page saying so.


rule sample_page:
    input:
        f"{OUT}/{{sample}}",
    output:
        report(
            f"{OUT}/pages/{{sample}}.html",
            caption="../report/sample.rst",
            category="Samples",
            subcategory="{sample}",
            labels={"sample": "{sample}", "file": "report"},
        ),
    log:
        f"{OUT}/logs/pages/{{sample}}.log",
    localrule: True
    conda:
        "../envs/alkannot.yaml"
    container:
        config["container"]
    resources:
        mem_mb=100,
        runtime=1,
    shell:
        "(cp {input:q}/{wildcards.sample}.html {output:q} 2>/dev/null"
        " || printf '<!DOCTYPE html><meta charset=utf-8><title>%s</title><p>Sample %s could not"
        " be annotated: see %s.error.txt.</p>' {wildcards.sample} {wildcards.sample}"
        " {wildcards.sample} > {output:q}) > {log} 2>&1"
