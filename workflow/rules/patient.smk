# One job per patient, after its samples: the timeline of serial samples built from their stored
# results (`alkannot patient`), into {results}/patients/. Patients come from the sheet's patient
# columns, their treatments from config["treatments"]; both are checked in common.smk.
rule patient:
    input:
        samples=lambda wildcards: [
            f"{OUT}/{s.sample}" for s in PATIENTS[wildcards.patient]
        ],
        treatments=[TREATMENTS] if TREATMENTS else [],
    output:
        html=report(
            f"{OUT}/patients/{{patient}}.html",
            caption="../report/patient.rst",
            category="Patients",
            labels={"patient": "{patient}"},
        ),
        json=f"{OUT}/patients/{{patient}}.json",
        tsv=f"{OUT}/patients/{{patient}}.timeline.tsv",
    log:
        f"{OUT}/logs/patient/{{patient}}.log",
    benchmark:
        f"{OUT}/benchmarks/patient/{{patient}}.tsv"
    wildcard_constraints:
        patient="|".join(re.escape(p) for p in PATIENTS) or "(?!)",
    conda:
        "../envs/alkannot.yaml"
    container:
        config["container"]
    resources:
        mem_mb=chunk_mem_mb(1),
        runtime=chunk_runtime([], 1),
    params:
        rows=patient_rows,
        sheet=config["samples"],
        results=lambda wildcards, input: os.path.dirname(input.samples[0]),
        outdir=lambda wildcards, output: os.path.dirname(output.html),
        treatments=f"-t {shlex.quote(TREATMENTS)}" if TREATMENTS else "",
        report_date=f"--report-date {REPORT_DATE}" if REPORT_DATE else "",
    shell:
        "alkannot patient {params.sheet:q} -r {params.results:q} {params.treatments}"
        " -p {wildcards.patient} -o {params.outdir:q} {params.report_date} > {log} 2>&1"
