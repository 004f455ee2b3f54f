# One job per chunk of samples that need work (see common.smk). A sample that fails writes its
# error record ({sample}.error.txt) into its declared directory, so the job succeeds and the
# other samples' reports stay; the cohort overview lists the failure.


for _chunk, _samples in CHUNKS.items():

    rule:
        name:
            _chunk
        input:
            chunk_inputs(_chunk),
        output:
            [
                report(
                    directory(f"{OUT}/{s}"),
                    patterns=["{name}.html", "{name}.tsv", "{name}.txt"],
                    caption="../report/sample.rst",
                    category="Samples",
                    subcategory=s,
                )
                for s in _samples
            ],
        log:
            f"{OUT}/logs/annotate/{_chunk}.log",
        benchmark:
            f"{OUT}/benchmarks/annotate/{_chunk}.tsv"
        conda:
            "../envs/alkannot.yaml"
        container:
            config["container"]
        threads: config["threads"]
        resources:
            mem_mb=chunk_mem_mb(config["threads"]),
            runtime=chunk_runtime(_samples, config["threads"]),
        params:
            # every setting that changes a member's reports: a change reruns that sample
            settings=[f"{s}:{settings_digest(SETTINGS[s])}" for s in _samples],
            previous=previous_runs(_samples),
            samples=",".join(_samples),
            sheet=config["samples"],
            outdir=lambda wildcards, output: os.path.dirname(output[0]),
            min_vaf=config["min_vaf"],
            min_depth=config["min_depth"],
            min_alt_reads=config["min_alt_reads"],
            report_date=f"--report-date {REPORT_DATE}" if REPORT_DATE else "",
        shell:
            "alkannot batch {params.sheet:q} -o {params.outdir:q} --only {params.samples}"
            " --jobs {threads} --min-vaf {params.min_vaf} --min-depth {params.min_depth}"
            " --min-alt-reads {params.min_alt_reads}"
            " {params.report_date} --failures-ok > {log} 2>&1"
