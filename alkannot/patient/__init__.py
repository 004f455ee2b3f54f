"""Patients over time: serial tissue and plasma samples of one patient on one timeline.

Each sample is annotated on its own (``alkannot annotate``/``batch``/the workflow); the patient
view is built from the stored per-sample results (``{sample}/{sample}.json``), the sample
sheet's patient columns and ``treatments.tsv`` (:mod:`alkannot.io.timeline`), without reading a
raw input again:

>>> from alkannot.patient import build_patients, write_patient_reports
>>> for t in build_patients("samples.tsv", "results", "treatments.tsv"):  # doctest: +SKIP
...     write_patient_reports(t, "results/patients")

Lanes and transitions: :mod:`alkannot.patient.lanes`; the latest decision over the history:
:mod:`alkannot.patient.history`. Bad timelines (a date in the future, overlapping treatment
periods, a sample whose build differs from the patient's others, a sample in two patients, a
stop before its start) are one :class:`~alkannot.errors.ConfigError` each, before any output.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from alkannot.errors import ConfigError, InputFileError
from alkannot.io.timeline import TimelineSample, Treatment, read_timeline_sheet, read_treatments
from alkannot.models import PatientSample, PatientTimeline, SampleResult
from alkannot.patient.history import decide_with_history, therapy_periods
from alkannot.patient.lanes import Observed, build_lanes, observe

PATIENT_FORMATS = ("tsv", "json", "html")
#: the file-name suffixes of a patient's set of reports (``{patient}.{suffix}``)
PATIENT_SUFFIXES = ("timeline.tsv", "json", "html")


def result_path(results: Path, sample: str) -> Path:
    """Where a sample's result is: ``{results}/{sample}/{sample}.json`` (as ``batch`` and the
    workflow write it) or ``{results}/{sample}.json``."""
    nested = results / sample / f"{sample}.json"
    return (
        nested
        if nested.is_file() or not (results / f"{sample}.json").is_file()
        else results / f"{sample}.json"
    )


def load_results(
    samples: Sequence[TimelineSample], results: Path
) -> tuple[list[tuple[TimelineSample, SampleResult, Path]], list[str]]:
    """The stored result of each sample; a sample whose annotation failed is named in the
    warnings (its ``{sample}.error.txt``) and left off the timeline."""
    from alkannot.io.results import read_result_json

    out, warnings = [], []
    for s in samples:
        error = results / s.sample / f"{s.sample}.error.txt"
        path = result_path(results, s.sample)
        if not path.is_file() and error.is_file():
            message = " ".join(error.read_text(encoding="utf-8").split())
            warnings.append(f"{s.sample} ({s.collection_date}) could not be annotated: {message}")
            continue
        if not path.is_file():
            raise InputFileError(
                f"no result for sample {s.sample} of patient {s.patient}; annotate it first",
                path=str(path),
            )
        out.append((s, read_result_json(path), path))
    return out, warnings


def therapy_name(cat, name: str) -> str:
    """A catalogue drug's id for its name or alias (``Alecensa`` -> ``alectinib``); any other
    therapy (carboplatin, pemetrexed, pembrolizumab) keeps its name as written."""
    try:
        return cat.canonical_drug(name)
    except ConfigError:
        return name.strip()


def near_miss(cat, drug: str, row: int) -> str:
    """A warning when a therapy that is not a catalogue drug is spelt close to one (``lorlatinb``):
    it is kept as "other therapy", so a misspelt ALK inhibitor would leave the ALK history."""
    if drug in cat.drug_by_id:
        return ""
    names = {n: d.id for d in cat.drugs for n in (d.id.lower(), *(a.lower() for a in d.aliases))}
    close = difflib.get_close_matches(drug.lower(), list(names), n=1, cutoff=0.8)
    if not close:
        return ""
    return (
        f"treatments row {row}: {drug!r} is not a catalogue drug and is shown as other therapy; "
        f"if it is {names[close[0]]}, correct the spelling"
    )


def check_dates(
    patient: str,
    samples: Sequence[TimelineSample],
    treatments: list[Treatment],
    today: date,
    paths: tuple[str | None, str | None] = (None, None),
) -> None:
    """Dates in the future and overlapping treatment periods: one error for the first found.

    Needs no sample result, so the workflow runs it before any job.
    """
    for s in samples:
        if s.collection_date > today:
            raise ConfigError(
                f"sample {s.sample} of patient {patient}: collection_date {s.collection_date} "
                f"is in the future (today is {today}); correct the date",
                path=paths[0],
                record=f"row {s.row}, column collection_date",
            )
    periods = sorted(treatments, key=lambda t: (t.start, t.row))
    for t in periods:
        for when, what in ((t.start, "start"), (t.stop, "stop")):
            if when is not None and when > today:
                raise ConfigError(
                    f"{t.drug} of patient {patient}: {what} {when} is in the future (today is "
                    f"{today}); leave stop blank while the drug is ongoing",
                    path=paths[1],
                    record=f"row {t.row}, column {what}",
                )
    for a, b in zip(periods, periods[1:], strict=False):
        if a.stop is None or b.start < a.stop:
            raise ConfigError(
                f"patient {patient}: {a.drug} ({a.start} to {a.stop or 'ongoing'}, row {a.row}) "
                f"overlaps {b.drug} (from {b.start}, row {b.row}); treatment periods must not "
                "overlap (a combination is one row)",
                path=paths[1],
                record=f"row {b.row}",
            )


def check_results(patient: str, entries: list[tuple[TimelineSample, SampleResult, Path]]) -> None:
    """The stored results agree with the sheet (specimen, collection date) and with each other
    (build)."""
    for s, r, path in entries:
        for what, sheet, stored in (
            ("specimen type", s.specimen_type, r.metadata.specimen_type),
            ("collection date", str(s.collection_date), r.metadata.collection_date),
        ):
            if sheet and stored and sheet != stored:
                raise ConfigError(
                    f"sample {s.sample}: the sheet says {sheet}, its result says {stored}; "
                    f"annotate it again with the sheet's {what}",
                    path=str(path),
                )
    for s, r, path in entries[1:]:
        first_sample, first = entries[0][0].sample, entries[0][1]
        if r.build != first.build:
            raise ConfigError(
                f"sample {s.sample} is {r.build} but {first_sample} of patient {patient} "
                f"is {first.build}: one patient's samples must share one build",
                path=str(path),
            )


def read_timeline(
    sheet: str | Path, treatments: str | Path | None = None, today: date | None = None
) -> tuple[dict[str, list[TimelineSample]], dict[str, list[Treatment]]]:
    """The sheet's patients and their treatments, with every check that needs no result.

    Raises
    ------
    ConfigError
        A bad row, a sample in two patients, a treatment of a patient without samples, a date
        in the future, overlapping treatment periods.
    """
    samples = read_timeline_sheet(sheet)
    therapy = read_treatments(treatments) if treatments else []
    by_patient: dict[str, list[TimelineSample]] = {}
    for s in samples:
        by_patient.setdefault(s.patient, []).append(s)
    drugs: dict[str, list[Treatment]] = {p: [] for p in by_patient}
    for t in therapy:
        if t.patient not in by_patient:
            raise ConfigError(
                f"patient {t.patient!r} has no sample in the sheet {sheet}; check the id",
                path=str(treatments),
                record=f"row {t.row}",
            )
        drugs[t.patient].append(t)
    for p in sorted(by_patient):
        where = (str(sheet), str(treatments) if treatments else None)
        check_dates(p, by_patient[p], drugs[p], today or date.today(), where)
    return by_patient, drugs


def build_patient(
    patient: str,
    entries: list[tuple[TimelineSample, SampleResult, Path]],
    treatments: list[Treatment],
    catalogue: str | Path | None = None,
    today: date | None = None,
) -> PatientTimeline:
    """The timeline of one patient from its samples' stored results and its treatments."""
    from alkannot.catalogue import load_catalogue

    entries = sorted(entries, key=lambda e: (e[0].collection_date, e[0].row))
    check_dates(patient, [e[0] for e in entries], treatments, today or date.today())
    check_results(patient, entries)
    if not entries:
        raise ConfigError(f"patient {patient} has no annotated sample")
    cat = load_catalogue(catalogue)
    treatments = [replace(t, drug=therapy_name(cat, t.drug)) for t in treatments]
    observed = [
        observe(
            s.sample,
            s.collection_date.isoformat(),
            s.specimen_type or r.metadata.specimen_type or "",
            r,
        )
        for s, r, _ in entries
    ]
    periods = therapy_periods(treatments, entries[-1][0].collection_date, cat)
    decision, basis, note = decide_with_history(observed, periods, cat)
    return PatientTimeline(
        patient=patient,
        build=entries[0][1].build,
        samples=[_sample(s, o, path) for (s, _, path), o in zip(entries, observed, strict=True)],
        treatments=periods,
        lanes=build_lanes(observed),
        decision=decision,
        decision_basis=basis,
        decision_note=note,
        warnings=[w for t in treatments if (w := near_miss(cat, t.drug, t.row))],
    )


def _sample(s: TimelineSample, obs: Observed, path: Path) -> PatientSample:
    return PatientSample(
        sample=s.sample,
        date=obs.date,
        specimen=obs.specimen,
        timepoint=s.timepoint,
        build=obs.result.build,
        assessed=tuple(t for t in ("mutation", "copy_number", "fusion") if t in obs.assessed),
        purity=obs.result.metadata.purity,
        report=str(path.with_suffix(".html")),
    )


def build_patients(
    sheet: str | Path,
    results: str | Path,
    treatments: str | Path | None = None,
    patients: Sequence[str] = (),
    catalogue: str | Path | None = None,
    today: date | None = None,
) -> list[PatientTimeline]:
    """Every patient of the sheet (or those named), each checked before any is returned."""
    samples, therapy = read_timeline(sheet, treatments, today)
    known = sorted(samples)
    if not known:
        raise ConfigError(
            "no sample names a patient: add the patient and collection_date columns "
            "(see config/README.md, 'Patients over time')",
            path=str(sheet),
        )
    for p in patients:
        if p not in samples:
            raise ConfigError(
                f"patient {p!r} is not in the sheet; its patients: {', '.join(known) or 'none'}",
                path=str(sheet),
            )
    out = []
    for p in list(patients) or known:
        entries, warnings = load_results(samples[p], Path(results))
        timeline = build_patient(p, entries, therapy[p], catalogue, today)
        timeline.warnings.extend(warnings)
        out.append(timeline)
    return out


def write_patient_reports(
    timeline: PatientTimeline,
    outdir: str | Path,
    formats: Sequence[str] = PATIENT_FORMATS,
    report_date: str | None = None,
) -> dict[str, Path]:
    """Write ``{patient}.timeline.tsv``, ``{patient}.json`` and ``{patient}.html`` atomically.

    Links to the sample reports are made relative to ``outdir``.
    """
    from alkannot.report.cohort import relative_link

    unknown = sorted(set(formats) - set(PATIENT_FORMATS))
    if unknown:
        raise ConfigError(
            f"unknown patient report format(s) {', '.join(unknown)}; choose from {', '.join(PATIENT_FORMATS)}"
        )
    outdir = Path(outdir)
    timeline = replace(
        timeline,
        samples=[
            replace(s, report=relative_link(Path(s.report), outdir)) for s in timeline.samples
        ],
    )
    texts: dict[str, tuple[Path, str]] = {}
    stem = Path(timeline.patient)
    if "tsv" in formats:
        from alkannot.report.patient_tsv import render_timeline_tsv

        texts["tsv"] = (Path(f"{stem}.timeline.tsv"), render_timeline_tsv(timeline))
    if "json" in formats:
        from alkannot.report.patient_json import render_patient_json

        texts["json"] = (Path(f"{stem}.json"), render_patient_json(timeline))
    if "html" in formats:
        from alkannot.report.patient_html import render_patient_html

        texts["html"] = (Path(f"{stem}.html"), render_patient_html(timeline, report_date))
    from alkannot.outdir import staged
    from alkannot.report.atomic import write_text

    # everything rendered first, then moved in as the patient's set (replacing an earlier set
    # of other formats whole), in a folder this run owns: an error writes nothing
    with staged(outdir, sample=timeline.patient, suffixes=PATIENT_SUFFIXES) as stage:
        for name, text in texts.values():
            write_text(stage / name, text)
    return {kind: outdir / name for kind, (name, _) in texts.items()}
