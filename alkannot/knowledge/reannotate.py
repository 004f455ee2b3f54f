"""Re-annotate archived results with another catalogue (``alkannot reannotate``).

Each stored ``{sample}.json`` is read back (never the raw inputs), re-decided with the new
catalogue (:func:`alkannot.redecide.redecide`) and written as new reports in
``OUTDIR/{sample}/``, whose provenance names both catalogue versions. The originals are never
overwritten: an output folder holding one of the inputs is refused before anything is written.
``OUTDIR/reannotation.tsv`` and ``.md`` say per sample which calls and ranked next options changed
and why, with one cohort line ("3 of 212 patients' first option changes").
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from alkannot.errors import ConfigError, InputFileError

DEFAULT_FORMATS = ("tsv", "json", "html")


def result_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Sample JSON files from files or sample folders (``{sample}/{sample}.json``).

    A folder without its JSON is an error (a failed sample has nothing to re-decide: it is
    named so that it is not dropped silently).
    """
    out = []
    for p in map(Path, paths):
        if p.name.endswith(".run.json"):
            continue  # a batch run record, not a result
        if p.is_dir():
            p = p / f"{p.name}.json"
        if not p.is_file():
            raise InputFileError(
                "stored sample result not found (a sample folder must hold {sample}.json); "
                "annotate the sample first",
                path=str(p),
            )
        out.append(p)
    return out


def _check_outdir(outdir: Path, results: list[tuple[Path, object]]) -> None:
    seen: dict[str, Path] = {}
    for path, r in results:
        if r.sample in seen:
            raise ConfigError(
                f"sample {r.sample} is stored twice ({seen[r.sample]} and {path}); give each once"
            )
        seen[r.sample] = path
        target = (outdir / r.sample).resolve()
        if path.resolve().parent == target:
            raise ConfigError(
                f"-o {outdir} would write over the original report of {r.sample} ({path}); "
                "choose a new folder"
            )


def reannotate(
    paths: Sequence[str | Path],
    catalogue: str | Path,
    outdir: str | Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    report_date: str | None = None,
    jobs: int = 1,
) -> tuple[list[dict], str]:
    """Re-decide every stored result with ``catalogue`` and write the new reports.

    Everything is read and checked first (the catalogue, every JSON, the output folder), so a
    bad input writes nothing. Returns the per-sample rows and the cohort summary line.

    Raises
    ------
    AlkannotError
        A catalogue that fails validation, a result file of another schema, a missing result,
        an output folder that would overwrite an original.
    """
    from alkannot.catalogue import load_catalogue
    from alkannot.io.results import read_result_json
    from alkannot.report.changes import write_reannotation
    from alkannot.report.sample import check_report_request

    check_report_request(formats, report_date)
    cat = load_catalogue(catalogue)
    files = result_paths(paths)
    results = [(p, read_result_json(p)) for p in files]
    out = Path(outdir)
    _check_outdir(out, results)
    out.mkdir(parents=True, exist_ok=True)
    work = [(str(p), r, str(cat.path), str(out), tuple(formats), report_date) for p, r in results]
    if jobs > 1 and len(work) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            rows = list(pool.map(_one, work, chunksize=max(1, len(work) // (jobs * 4))))
    else:
        rows = [_one(w) for w in work]
    n = len(rows)
    first = sum(r["first_option_changed"] == "yes" for r in rows)
    calls = sum(bool(r["calls_changed"]) for r in rows)
    summary = (
        f"{first} of {n} patients' first option changes; {calls} of {n} have a changed drug "
        f"call (catalogue {rows[0]['old_catalogue'] if rows else '-'} -> {cat.version})"
    )
    write_reannotation(rows, summary, out)
    return rows, summary


def _one(job: tuple) -> dict:
    """Re-decide one stored result and write its reports (runs in a worker process)."""
    from alkannot.catalogue import load_catalogue
    from alkannot.redecide import decision_changes, redecide
    from alkannot.report.sample import write_sample_reports

    path, result, cat_path, outdir, formats, report_date = job
    cat = load_catalogue(cat_path)
    new = redecide(result, cat, source=path)
    write_sample_reports(new, Path(outdir) / new.sample, formats, report_date)
    return {
        "sample": result.sample,
        "old_catalogue": result.catalogue_version,
        "new_catalogue": new.catalogue_version,
        **decision_changes(result, new),
        "report": f"{new.sample}/",
    }
