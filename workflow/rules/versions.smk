# The versions of everything that made this run's results: the tool, its catalogue, Python and
# the packages and system tools it used. Rewritten when the tool's or the catalogue's version
# changes (its params).


rule versions:
    output:
        f"{OUT}/versions.tsv",
    log:
        f"{OUT}/logs/versions.log",
    conda:
        "../envs/alkannot.yaml"
    container:
        config["container"]
    resources:
        mem_mb=chunk_mem_mb(1),
        runtime=chunk_runtime([], 1),
    params:
        tool=tool_versions(),
    shell:
        "alkannot versions -o {output:q} > {log} 2>&1"
