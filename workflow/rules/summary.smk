# The run's closing line, after everything else: "28 of 30 samples annotated; failed: S07 (...)".
# With fail_on_sample_error (the default) a failed sample fails this job, so the run exits
# non-zero (also when the workflow is used as a module, where onsuccess handlers do not run) and
# the next run reports it again until the sample is fixed.


rule run_summary:
    input:
        summary_inputs(),
    output:
        f"{OUT}/run_summary.txt",
    log:
        f"{OUT}/logs/run_summary.log",
    localrule: True
    run:
        close_run(output[0], log[0])
