# The cohort overview over every annotated sample.


rule cohort:
    input:
        expand(f"{OUT}/{{sample}}/{{sample}}.json", sample=sorted(SAMPLES)),
    output:
        html=report(
            f"{OUT}/cohort/index.html",
            caption="../report/cohort.rst",
            category="Cohort",
            labels={"file": "overview"},
        ),
        tsv=report(
            f"{OUT}/cohort/cohort.tsv",
            caption="../report/cohort_tsv.rst",
            category="Cohort",
            labels={"file": "summary table"},
        ),
        mechanisms=f"{OUT}/cohort/mechanisms.tsv",
        xlsx=report(
            f"{OUT}/cohort/cohort.xlsx",
            caption="../report/cohort_xlsx.rst",
            category="Cohort",
            labels={"file": "spreadsheet"},
        ),
    log:
        f"{OUT}/logs/cohort.log",
    benchmark:
        f"{OUT}/benchmarks/cohort.tsv"
    conda:
        "../envs/alkannot.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        cli=ALKANNOT,
        outdir=lambda wildcards, output: os.path.dirname(output.html),
        report_date=REPORT_DATE,
    shell:
        "{params.cli} cohort {input} -o {params.outdir} {params.report_date} > {log} 2>&1"
