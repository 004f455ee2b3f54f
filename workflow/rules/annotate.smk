# One job per sample, calling the package's CLI; on SLURM, jobs are grouped (`group:`) so many
# small samples share one cluster job.


rule annotate:
    input:
        sample_inputs,
    output:
        findings=report(
            f"{OUT}/{{sample}}/{{sample}}.findings.tsv",
            caption="../report/findings.rst",
            category="Samples",
            subcategory="{sample}",
            labels={"sample": "{sample}", "file": "findings"},
        ),
        drugs=report(
            f"{OUT}/{{sample}}/{{sample}}.drugs.tsv",
            caption="../report/drugs.rst",
            category="Samples",
            subcategory="{sample}",
            labels={"sample": "{sample}", "file": "drug matrix"},
        ),
        skipped=f"{OUT}/{{sample}}/{{sample}}.skipped.tsv",
        json=f"{OUT}/{{sample}}/{{sample}}.json",
        html=report(
            f"{OUT}/{{sample}}/{{sample}}.html",
            caption="../report/sample.rst",
            category="Samples",
            subcategory="{sample}",
            labels={"sample": "{sample}", "file": "report"},
        ),
        xlsx=f"{OUT}/{{sample}}/{{sample}}.xlsx",
    log:
        f"{OUT}/logs/annotate/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/annotate/{{sample}}.tsv"
    group:
        "annotate"
    conda:
        "../envs/alkannot.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        cli=ALKANNOT,
        samples=config["samples"],
        outdir=lambda wildcards, output: os.path.dirname(os.path.dirname(output.json)),
        min_vaf=config["min_vaf"],
        min_depth=config["min_depth"],
        report_date=REPORT_DATE,
    shell:
        "{params.cli} batch {params.samples} -o {params.outdir} --only {wildcards.sample}"
        " --min-vaf {params.min_vaf} --min-depth {params.min_depth} {params.report_date}"
        " > {log} 2>&1"
