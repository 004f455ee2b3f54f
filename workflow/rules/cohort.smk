# The cohort overview over every sample, annotated or failed.


rule cohort:
    input:
        samples=[f"{OUT}/{s}" for s in SAMPLES],
        patients=[f"{OUT}/patients/{p}.json" for p in PATIENTS],
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
        failed=f"{OUT}/cohort/failed.tsv",
        multiqc=f"{OUT}/cohort/alkannot_mqc.tsv",
    log:
        f"{OUT}/logs/cohort.log",
    benchmark:
        f"{OUT}/benchmarks/cohort.tsv"
    conda:
        "../envs/alkannot.yaml"
    container:
        config["container"]
    resources:
        mem_mb=chunk_mem_mb(1),
        runtime=chunk_runtime([], 1),
    params:
        outdir=lambda wildcards, output: os.path.dirname(output.html),
        report_date=f"--report-date {REPORT_DATE}" if REPORT_DATE else "",
        patients=lambda wildcards, input: (
            f"--patients {shlex.quote(os.path.dirname(input.patients[0]))}"
            if input.patients
            else ""
        ),
    shell:
        "alkannot cohort {input.samples:q} -o {params.outdir:q} {params.report_date}"
        " {params.patients} > {log} 2>&1"
