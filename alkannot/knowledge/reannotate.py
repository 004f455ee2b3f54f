"""Re-annotate archived results with another catalogue (``alkannot reannotate``).

Each stored ``{sample}.json`` is read back (never the raw inputs), re-decided with the new
catalogue (:func:`alkannot.redecide.redecide`) and written as new reports in
``OUTDIR/{sample}/``, whose provenance names both catalogue versions. The originals are never
overwritten: an output folder holding one of the inputs is refused before anything is written.
``OUTDIR/reannotation.tsv`` and ``.md`` say per sample which calls and ranked next options changed
and why, with one cohort line ("3 of 212 samples' first option changes").
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from alkannot.errors import ConfigError, InputFileError

DEFAULT_FORMATS = ("tsv", "json", "html")


def result_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """Sample JSON files from files or sample folders (``{sample}/{sample}.json``), and the
    folders passed over: a failed sample's (``{sample}.error.txt``: nothing to re-decide) and
    alkannot's own overviews (patient timelines, a cohort), each named with why.

    A folder that is none of these, or a missing file, is an error.
    """
    from alkannot.io.results import overview_folder

    out, passed_over = [], []
    for p in map(Path, paths):
        if p.name.endswith(".run.json"):
            continue  # a batch run record, not a result
        if p.is_dir():
            if (p / f"{p.name}.json").is_file():
                p = p / f"{p.name}.json"
            elif (p / f"{p.name}.error.txt").is_file():
                passed_over.append(f"{p.name} (not annotated: see {p / p.name}.error.txt)")
                continue
            elif kind := overview_folder(p):
                passed_over.append(f"{p} ({kind}, not a sample)")
                continue
        if not p.is_file() or p.is_dir():
            raise InputFileError(
                "stored sample result not found (a sample folder must hold {sample}.json); "
                "annotate the sample first",
                path=str(p / f"{p.name}.json" if p.is_dir() else p),
            )
        out.append(p)
    return out, passed_over


def _check_outdir(outdir: Path, results: list[tuple[Path, str]]) -> None:
    seen: dict[str, Path] = {}
    for path, sample in results:
        if sample in seen:
            raise ConfigError(
                f"sample {sample} is stored twice ({seen[sample]} and {path}); give each once"
            )
        seen[sample] = path
        if path.resolve().parent == (outdir / sample).resolve():
            raise ConfigError(
                f"-o {outdir} would write over the original report of {sample} ({path}); "
                "choose a new folder"
            )


def _map(func, work: list, jobs: int) -> list:
    """``func`` over ``work`` in order, in ``jobs`` processes when there is more than one item."""
    if jobs <= 1 or len(work) <= 1:
        return [func(w) for w in work]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(func, work, chunksize=max(1, len(work) // (jobs * 4))))


def _check_one(path: str) -> str:
    """Read and validate one stored result; its sample id."""
    from alkannot.io.results import read_result_json

    return read_result_json(path).sample


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
    from alkannot.report.changes import write_reannotation
    from alkannot.report.sample import check_report_request

    check_report_request(formats, report_date)
    cat = load_catalogue(catalogue)
    files, passed_over = result_paths(paths)
    # first pass: every stored result read and validated (in parallel) before anything is written
    samples = _map(_check_one, [str(p) for p in files], jobs)
    out = Path(outdir)
    _check_outdir(out, list(zip(files, samples, strict=True)))
    out.mkdir(parents=True, exist_ok=True)
    work = [(str(p), str(cat.path), str(out), tuple(formats), report_date) for p in files]
    rows = _map(_one, work, jobs)
    n = len(rows)
    first = sum(r["first_option_changed"] == "yes" for r in rows)
    calls = sum(bool(r["calls_changed"]) for r in rows)
    summary = (
        f"{first} of {n} samples' first option changes; {calls} of {n} have a changed drug "
        f"call (catalogue {rows[0]['old_catalogue'] if rows else '-'} -> {cat.version})"
    )
    if passed_over:
        summary += f"; passed over: {'; '.join(passed_over)}"
    write_reannotation(rows, summary, out)
    return rows, summary


def _one(job: tuple) -> dict:
    """Re-decide one stored result and write its reports (runs in a worker process)."""
    import json

    from alkannot.catalogue import load_catalogue
    from alkannot.io.results import result_from_dict
    from alkannot.redecide import decision_changes, redecide
    from alkannot.report.sample import write_sample_reports

    path, cat_path, outdir, formats, report_date = job
    # validated in the first pass; read again here rather than sent between processes
    result = result_from_dict(json.loads(Path(path).read_bytes()))
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
