"""Annotate many samples in one process (the CLI ``batch`` command and the workflow's chunk jobs).

Per-sample failures are isolated: the sample's ``{sample}.error.txt`` says why, its reports are
removed (no stale report survives next to an error), and the remaining samples go on. Every
sample, annotated or failed, ends with a run record ``{sample}.run.json`` (written last): the
settings it was produced with and its status. The workflow compares the record with the sample
sheet to plan only the samples whose inputs or clinical fields changed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from alkannot.errors import AlkannotError
from alkannot.io.samplesheet import FILE_COLUMNS
from alkannot.models import Thresholds
from alkannot.outdir import SAMPLE_REPORT_SUFFIXES
from alkannot.report.atomic import write_text

FORMATS = ("tsv", "json", "html", "xlsx")
#: report files per format, as written by :func:`alkannot.api.write_sample_reports`
REPORT_SUFFIXES = {
    "tsv": ("findings.tsv", "drugs.tsv", "skipped.tsv"),
    "json": ("json",),
    "html": ("html",),
    "xlsx": ("xlsx",),
    "va": ("va.json",),  # asked for only: GA4GH VA-Spec statements
    "fhir": ("fhir.json",),  # asked for only: HL7 FHIR Genomics Reporting bundle
}
INPUT_COLUMNS = FILE_COLUMNS  # the sheet's input files: their paths and times plan reruns


def sample_settings(
    row,
    min_vaf: float,
    min_depth: int,
    report_date: str | None = None,
    formats: Sequence[str] = FORMATS,
    min_alt_reads: int | None = None,
) -> dict:
    """Everything that changes a sample's reports, besides the input files' contents.

    Parameters
    ----------
    row : alkannot.io.samplesheet.SampleRow
        The sample-sheet row (input paths, clinical fields).
    min_vaf, min_depth : float, int
        Quality thresholds.
    min_alt_reads : int, optional
        Minimum supporting reads (default: the API's).
    report_date : str, optional
        Date printed on the HTML report.
    formats : sequence of str
        Report formats written.

    Returns
    -------
    dict
        Plain JSON-serialisable values; equal dicts mean equal reports for unchanged input files.
    """
    from alkannot import __version__

    return {
        "alkannot": __version__,
        "sample": row.sample,
        "inputs": {c: getattr(row, c) for c in INPUT_COLUMNS if getattr(row, c)},
        "prior_therapy": list(row.prior_therapy),
        "progressed_on": None if row.progressed_on is None else list(row.progressed_on),
        "cns_metastases": row.cns_metastases,
        "purity": row.purity,
        "ploidy": row.ploidy,
        "build": row.build,
        # only when set, so the settings of sheets without the column stay as they were
        **({"baseline_sample": row.baseline_sample} if row.baseline_sample else {}),
        **({"vcf_sample": row.vcf_sample} if row.vcf_sample else {}),
        **({"collection_date": row.collection_date} if row.collection_date else {}),
        "specimen_type": row.specimen_type,
        "tumour_type": row.tumour_type,
        "time_on_therapy": dict(row.time_on_therapy),
        "min_vaf": float(min_vaf),
        "min_depth": int(min_depth),
        "min_alt_reads": int(
            Thresholds().min_alt_reads if min_alt_reads is None else min_alt_reads
        ),
        "report_date": report_date or None,
        "formats": sorted(formats),
    }


def check_vocabularies(rows, samplesheet: str | Path) -> None:
    """Check the sheet's named values (drugs, builds) before any sample runs.

    Raises
    ------
    ConfigError
        An unknown drug or build, naming the sheet, the row and the column.
    """
    from alkannot.catalogue import load_catalogue
    from alkannot.errors import ConfigError
    from alkannot.genome.build import normalise_build

    catalogue = load_catalogue()
    for row in rows:
        for col, check, values in (
            ("prior_therapy", catalogue.canonical_drug, row.prior_therapy),
            ("progressed_on", catalogue.canonical_drug, row.progressed_on or ()),
            ("build", normalise_build, [row.build] if row.build else []),
        ):
            for value in values:
                if col == "prior_therapy" and value.strip().lower() == "none":
                    continue  # a stated treatment-naive patient
                try:
                    check(value)
                except ConfigError as exc:
                    raise ConfigError(
                        str(exc),
                        path=str(samplesheet),
                        record=f"row {row.line}, column {col} (sample {row.sample!r})",
                    ) from None
        prior = {
            catalogue.canonical_drug(t) for t in row.prior_therapy if t.strip().lower() != "none"
        }
        extra = [t for t in row.progressed_on or () if catalogue.canonical_drug(t) not in prior]
        if extra:
            raise ConfigError(
                f"{', '.join(extra)} not in prior_therapy; list it there too",
                path=str(samplesheet),
                record=f"row {row.line}, column progressed_on (sample {row.sample!r})",
            )


def run_record_path(outdir: str | Path, sample: str) -> Path:
    """Path of a sample's run record, ``outdir/{sample}/{sample}.run.json``."""
    return Path(outdir) / sample / f"{sample}.run.json"


def read_run_record(outdir: str | Path, sample: str) -> dict | None:
    """A sample's run record, or ``None`` when absent or unreadable."""
    try:
        return json.loads(run_record_path(outdir, sample).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def input_fingerprints(inputs: dict[str, str]) -> dict[str, dict]:
    """What each input was when it was read: size, modification time and content checksum.

    The checksum is the one the reports' provenance uses (:func:`alkannot.checksums.input_checksum`:
    an indexed file by its head, index and size; any other file whole).
    """
    from alkannot.checksums import input_checksum

    prints = {}
    for role, path in sorted(inputs.items()):
        st = os.stat(path)
        prints[role] = {
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "sha256": input_checksum(path, role).sha256,
        }
    return prints


def inputs_unchanged(inputs: dict[str, str], recorded: dict[str, dict]) -> bool:
    """Whether every input still has the content recorded, whatever its timestamp.

    A file whose size and modification time are the recorded ones is taken as unchanged without
    reading it; any other is hashed, so a file replaced by an older copy (``rsync -a``, ``cp -p``)
    is seen, and one only touched is not.
    """
    if sorted(inputs) != sorted(recorded):
        return False
    from alkannot.checksums import input_checksum

    for role, path in inputs.items():
        try:
            st = os.stat(path)
            seen = recorded[role]
            if (st.st_size, st.st_mtime_ns) == (seen["size"], seen["mtime_ns"]):
                continue
            if input_checksum(path, role).sha256 != seen["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True


def is_current(outdir: str | Path, settings: dict) -> bool:
    """Whether a sample's outputs in ``outdir`` were made with ``settings`` from today's inputs.

    Current means: a run record with equal settings, every file its status promises (the reports,
    or the error record), and input files with the content recorded when they were read (checked
    by content, not by timestamp: see :func:`inputs_unchanged`).
    """
    sample = settings["sample"]
    record_path = run_record_path(outdir, sample)
    record = read_run_record(outdir, sample)
    if record is None or record.get("settings") != settings:
        return False
    sample_dir = record_path.parent
    if record.get("status") == "annotated":
        names = [f"{sample}.{s}" for f in settings["formats"] for s in REPORT_SUFFIXES[f]]
    else:
        names = [f"{sample}.error.txt"]
    if not all((sample_dir / n).is_file() for n in names):
        return False
    return inputs_unchanged(settings["inputs"], record.get("input_checksums") or {})


def _annotate_one(row, outdir: Path, settings: dict) -> str | None:
    """Annotate one sample into ``outdir/{sample}/`` (owned for the run); the error or None."""
    from alkannot.outdir import owned

    try:
        with owned(outdir / row.sample):
            return _annotate_owned(row, outdir, settings)
    except AlkannotError as exc:  # the folder is another run's: this sample is left untouched
        return exc.one_line()


def _annotate_owned(row, outdir: Path, settings: dict) -> str | None:
    from alkannot.api import annotate_sample
    from alkannot.outdir import signals_held

    failure = None
    try:
        # before reading: a file replaced during the run is then seen as changed next time
        prints = input_fingerprints(settings["inputs"])
    except OSError:
        prints = {}  # a missing input: the annotation below says which, and the sample reruns
    try:
        thresholds = Thresholds(
            min_vaf=settings["min_vaf"],
            min_depth=settings["min_depth"],
            min_alt_reads=settings["min_alt_reads"],
        )
        result = annotate_sample(row.request(thresholds))
    except Exception as exc:  # noqa: BLE001 - one sample's bug must not stop the others
        result, failure = None, exc
    # reports, log and run record as one step: Ctrl-C waits for it, never splits it
    with signals_held():
        return _write_outcome(row, outdir, settings, prints, result, failure)


def _write_outcome(row, outdir: Path, settings: dict, prints: dict, result, failure) -> str | None:
    """Write the sample's reports (or its error), its log and its run record; the error or None."""
    from alkannot.api import write_sample_reports

    sample_dir = outdir / row.sample
    error_file = sample_dir / f"{row.sample}.error.txt"
    try:
        if failure is not None:
            raise failure
        write_sample_reports(result, sample_dir, settings["formats"], settings["report_date"])
        error_file.unlink(missing_ok=True)
        status, error, warnings = "annotated", None, result.warnings
    except Exception as exc:  # noqa: BLE001 - one sample's bug must not stop the others
        # reports of an earlier run must not stand beside the error: remove them
        for s in SAMPLE_REPORT_SUFFIXES:
            (sample_dir / f"{row.sample}.{s}").unlink(missing_ok=True)
        if isinstance(exc, AlkannotError):
            error = exc.one_line()
        else:
            error = (
                f"internal error ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
                "please report it with this sample's inputs"
            )
        write_text(error_file, error + "\n")
        status, warnings = "failed", []
    write_sample_log(sample_dir, row.sample, status, error, warnings)
    record = {"settings": settings, "status": status, "error": error, "input_checksums": prints}
    write_text(
        run_record_path(outdir, row.sample), json.dumps(record, indent=1, sort_keys=True) + "\n"
    )
    return error


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) during a batch: what was finished, what failed, what did not run."""

    def __init__(self, done: list[str], failed: list[tuple[str, str]], not_run: list[str]):
        self.done, self.failed, self.not_run = done, failed, not_run
        super().__init__(self.summary())

    def summary(self) -> str:
        """One line: the partial summary the CLI prints."""
        rest = ", ".join(self.not_run[:10]) + (", ..." if len(self.not_run) > 10 else "")
        return (
            f"interrupted: {len(self.done)} sample(s) annotated, {len(self.failed)} failed, "
            f"{len(self.not_run)} not run" + (f" ({rest})" if rest else "")
        )


def write_sample_log(
    sample_dir: Path, sample: str, status: str, error: str | None, warnings: Sequence[str]
) -> None:
    """The sample's own log, ``{sample}.log`` beside its reports: its status, then the error or
    each warning of the annotation on a line (no times, so a rerun on the same inputs writes the
    same bytes)."""
    lines = [f"{sample}: {status}" + (f": {error}" if error else "")]
    lines += [f"warning: {' '.join(w.split())}" for w in warnings]
    write_text(sample_dir / f"{sample}.log", "\n".join(lines) + "\n")


def _annotate_many(rows, outdir: Path, settings: dict) -> list[tuple[str, str]]:
    """Annotate rows one after the other; ``(sample, error)`` of those that failed."""
    failed: list[tuple[str, str]] = []
    done: list[str] = []
    for i, row in enumerate(rows):
        started = time.time_ns()
        try:
            error = _annotate_one(row, outdir, settings[row.sample])
        except KeyboardInterrupt:  # held until the sample's files were written, or none were
            record = run_record_path(outdir, row.sample)
            finished = record.exists() and record.stat().st_mtime_ns >= started
            if finished:
                error = (read_run_record(outdir, row.sample) or {}).get("error")
                if error is None:
                    done.append(row.sample)
                else:
                    failed.append((row.sample, error))
            rest = [r.sample for r in rows[i + 1 if finished else i :]]
            raise BatchInterrupted(done, failed, rest) from None
        if error is not None:
            failed.append((row.sample, error))
        else:
            done.append(row.sample)
    return failed


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which lets them finish their sample, then stops."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _annotate_parallel(rows, outdir: Path, settings: dict, jobs: int) -> list[tuple[str, str]]:
    """Annotate on ``jobs`` worker processes, one sample per task; failures in sheet order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the annotation uses threads, and a forked child may inherit a held lock
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_ignore_sigint)
    futures = {r.sample: pool.submit(_annotate_one, r, outdir, settings[r.sample]) for r in rows}
    try:
        errors = {s: f.result() for s, f in futures.items()}
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)  # running samples finish, queued ones not
        finished = {s: f for s, f in futures.items() if f.done() and not f.cancelled()}
        failed = [(s, f.result()) for s, f in finished.items() if f.result() is not None]
        done = [s for s, f in finished.items() if f.result() is None]
        not_run = [r.sample for r in rows if r.sample not in finished]
        raise BatchInterrupted(done, failed, not_run) from None
    pool.shutdown()
    return [(r.sample, errors[r.sample]) for r in rows if errors[r.sample] is not None]


def _chosen_rows(rows, only: Sequence[str], samplesheet) -> list:
    """The sheet's rows after the vocabulary check, narrowed to ``only`` when given.

    Raises
    ------
    ConfigError
        A sample of ``only`` that the sheet does not have.
    """
    from alkannot.errors import ConfigError

    check_vocabularies(rows, samplesheet)
    if only:
        unknown = sorted(set(only) - {r.sample for r in rows})
        if unknown:
            raise ConfigError(
                f"sample(s) {', '.join(unknown)} not in the sheet", path=str(samplesheet)
            )
        rows = [r for r in rows if r.sample in set(only)]
    return rows


def run_batch(
    samplesheet: str | Path,
    outdir: Path,
    base: str | Path = ".",
    only: Sequence[str] = (),
    formats: Sequence[str] = FORMATS,
    min_vaf: float | None = None,
    min_depth: int | None = None,
    report_date: str | None = None,
    jobs: int = 1,
    min_alt_reads: int | None = None,
) -> list[tuple[str, str]]:
    """Annotate the sheet's samples into ``outdir/{sample}/``; return ``(sample, error)`` pairs.

    Parameters
    ----------
    samplesheet : path
        Tab-separated sample sheet (see :mod:`alkannot.io.samplesheet`).
    outdir : path
        Results directory; each sample gets ``outdir/{sample}/``.
    base : path
        Directory the sheet's relative paths are relative to.
    only : sequence of str
        Annotate only these samples (all when empty).
    formats : sequence of str
        Reports to write (``tsv``, ``json``, ``html``, ``xlsx``).
    min_vaf, min_depth : optional
        Quality thresholds (the API defaults when ``None``).
    report_date : str, optional
        Date printed on the HTML reports.
    jobs : int
        Worker processes; each takes the next sample in sheet order.

    Raises
    ------
    BatchInterrupted
        On Ctrl-C/SIGTERM: samples in progress finish (or leave nothing), queued ones do not
        start; it carries the partial summary.

    Returns
    -------
    list of (str, str)
        The samples that failed and their one-line errors, in sheet order.
    """
    from alkannot.errors import ConfigError
    from alkannot.io.samplesheet import read_samplesheet
    from alkannot.report.html import report_date as check_date

    check_date(report_date)  # once for the batch, not as an error of every sample
    unknown_formats = sorted(set(formats) - set(REPORT_SUFFIXES))
    if unknown_formats:
        raise ConfigError(
            f"unknown report format(s) {', '.join(unknown_formats)}; use {', '.join(REPORT_SUFFIXES)}"
        )
    rows = _chosen_rows(read_samplesheet(samplesheet, base=base), only, samplesheet)
    min_vaf = Thresholds().min_vaf if min_vaf is None else min_vaf
    min_depth = Thresholds().min_depth if min_depth is None else min_depth
    settings = {
        r.sample: sample_settings(r, min_vaf, min_depth, report_date, formats, min_alt_reads)
        for r in rows
    }
    outdir = Path(outdir)
    jobs = max(1, min(jobs, len(rows)))
    if jobs == 1:
        return _annotate_many(rows, outdir, settings)
    return _annotate_parallel(rows, outdir, settings, jobs)


def summary_line(samples: Sequence[str], failed: Sequence[tuple[str, str]]) -> str:
    """One closing line of a run: how many samples were annotated and which failed, and why.

    >>> summary_line(["A", "B"], [("B", "x.vcf: not a VCF")])
    '1 of 2 samples annotated; failed: B (x.vcf: not a VCF)'
    """
    done = len(samples) - len(failed)
    line = f"{done} of {len(samples)} samples annotated"
    if failed:
        line += "; failed: " + "; ".join(f"{s} ({' '.join(e.split())})" for s, e in failed)
    return line


def recorded_failures(outdir: str | Path, samples: Sequence[str]) -> list[tuple[str, str]]:
    """``(sample, error)`` of the samples whose run record in ``outdir`` says they failed.

    A sample without a readable record counts as failed ("no run record"): the run did not finish
    it, and a closing summary must not call it annotated.
    """
    failed = []
    for sample in samples:
        record = read_run_record(outdir, sample)
        if record is None:
            failed.append((sample, "no run record"))
        elif record.get("status") != "annotated":
            failed.append((sample, str(record.get("error") or "failed")))
    return failed


def settings_digest(settings: dict) -> str:
    """A short, stable name of a sample's settings (the workflow's job parameter).

    Snakemake prints a changed parameter in full as the rerun reason; the settings themselves are
    in the run record.
    """
    import hashlib

    text = json.dumps(settings, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_marker(outdir: str | Path, chunk: str, members: dict, write: bool = True) -> str:
    """Path of the marker that tells Snakemake a chunk is planned; rewritten when ``write``.

    The marker, ``outdir/.plans/{chunk}.json`` (its members and their settings digests), is an input of the chunk's
    job; writing it makes it newer than the members' outputs, so the job runs by Snakemake's own
    time rule. One marker per chunk, not per sample: Snakemake records every input's state for
    every output of a job, so per-sample inputs cost outputs x inputs (quadratic in the chunk).
    """
    path = Path(outdir) / ".plans" / f"{chunk}.json"
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(members, indent=1, sort_keys=True) + "\n")
    return str(path)


def closing_summary(results: str | Path, samplesheet: str | Path, base: str | Path = ".") -> tuple:
    """The closing line of a workflow run over ``samplesheet`` and its failed samples.

    Returns
    -------
    (str, list of (str, str))
        :func:`summary_line` over the sheet's samples, and the failures their run records hold.
    """
    from alkannot.io.samplesheet import read_samplesheet

    samples = [row.sample for row in read_samplesheet(samplesheet, base=base)]
    failed = recorded_failures(results, samples)
    return summary_line(samples, failed), failed


def workflow_closing(config: dict, summary_path: str | Path, log_path: str | Path) -> str | None:
    """The workflow's closing step: print the summary line; the error to end the run with, if any.

    The line goes to stderr and to ``log_path``. Returns the message of the error the workflow
    raises (a non-zero exit) when a sample failed and the config's ``fail_on_sample_error``
    (default true) holds; else writes the line to ``summary_path`` and returns ``None``.
    """
    import sys

    line, failed = closing_summary(config["results"], config["samples"])
    print(f"alkannot: {line}", file=sys.stderr)
    write_text(log_path, line + "\n")
    if failed and config.get("fail_on_sample_error", True):
        return (
            f"{len(failed)} sample(s) failed, see the line above; the other samples' reports are "
            "written (config fail_on_sample_error: false to end with exit 0)"
        )
    write_text(summary_path, line + "\n")
    return None
