"""One sample's request as data: what to read, what is known of the patient, the rules, the run.

The CLI, the sample-sheet reader (and through it the workflow) and the Python API all build a
:class:`SampleRequest` and pass it to :func:`alkannot.api.annotate_sample`. Each dataclass checks
its own fields when it is made, with the one-line error the user would see from the command line
(paths must name existing files; numbers must be in range). Drug names are checked against the
catalogue later, by the stage that loads it.

Layer: below the readers (``io``), above ``genome`` (build names) and ``models``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alkannot.bounds import MONTHS, PLOIDY, PURITY, require_option
from alkannot.errors import ConfigError, InputFileError
from alkannot.genome.build import normalise_build
from alkannot.models import Thresholds

SPECIMEN_TYPES = ("tissue", "plasma")
INPUT_FORMATS = ("vcf", "maf")

#: ``--prior-therapy none``: a stated treatment-naive patient (first-line statements apply).
NAIVE = "none"


def require_file(path: str | Path | None, option: str) -> str | None:
    """``None`` for no path; else the path, which must name an existing regular file.

    Raises
    ------
    InputFileError
        The file does not exist or is not a regular file (names the option and the path).
    """
    if path is None or str(path) == "":
        return None
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{option} file does not exist; check the path", path=str(p))
    if not p.is_file():
        raise InputFileError(f"{option} is not a regular file", path=str(p))
    return str(p)


def check_collection_date(value: str | None) -> str | None:
    """A specimen's collection date as ``YYYY-MM-DD`` (a real calendar date), or ``None``.

    Raises
    ------
    ConfigError
        Naming the option and the value.
    """
    if value is None:
        return None
    from datetime import date

    text = str(value)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--collection-date (sheet: collection_date) must be a date as YYYY-MM-DD, not {text!r}"
        ) from None
    return text


def check_specimen_type(value: str | None) -> str | None:
    """``tissue``, ``plasma`` or ``None`` (case and spaces ignored).

    Raises
    ------
    ConfigError
        Any other value.
    """
    specimen = (value or "").strip().lower() or None
    if specimen is not None and specimen not in SPECIMEN_TYPES:
        raise ConfigError(
            f"--specimen-type must be one of {', '.join(SPECIMEN_TYPES)}, not {value!r}"
        )
    return specimen


def parse_time_on_therapy(text: str | None) -> dict[str, str]:
    """Split ``"crizotinib=14,alectinib=9.5"`` (months; ``,`` or ``;`` between drugs).

    Raises
    ------
    ConfigError
        An item without ``=`` (the numbers are checked by :func:`check_time_on_therapy`).
    """
    out = {}
    for item in re.split(r"[,;]", text or ""):
        if not item.strip():
            continue
        drug, sep, months = item.partition("=")
        if not sep or not drug.strip():
            raise ConfigError(
                f"time on therapy {item.strip()!r} must be DRUG=MONTHS, e.g. crizotinib=14"
            )
        out[drug.strip()] = months.strip()
    return out


def check_time_on_therapy(months: dict[str, Any] | None) -> dict[str, float]:
    """Months on each drug as non-negative numbers (drug names are checked later).

    Raises
    ------
    ConfigError
        A value that is not a number, or is negative.
    """
    out: dict[str, float] = {}
    for drug, value in (months or {}).items():
        try:
            out[str(drug).strip()] = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"--time-on-therapy for {drug}: months must be a number, not {value!r}"
            ) from None
        require_option(out[str(drug).strip()], MONTHS, f"--time-on-therapy for {drug}")
    return out


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # normalising a frozen dataclass's own field


@dataclass(frozen=True, slots=True)
class TimePoint:
    """The files of one sample collection and what is known about the specimen.

    ``vcf`` is a VCF or a MAF (``input_format``; default: told from its content), ``vcf_sample``
    the VCF column of the tumour. ``sample`` is the time point's own sample in multi-sample files
    (a MAF's ``Tumor_Sample_Barcode``, copy-number and fusion tables, and the VCF column of that
    name when there is one): ``--baseline-sample`` for the baseline, so one file holding both
    time points can serve both; for the re-biopsy it defaults to the request's ``sample_name``.
    ``purity`` is the tumour content (tissue purity or plasma tumour fraction, 0-1), used with
    ``ploidy`` to adjust copy number. ``label`` names the time
    point in messages and in the options it came from: ``re-biopsy`` or ``baseline``.
    """

    vcf: str | None = None
    cnv: str | None = None
    fusions: str | None = None
    bam: str | None = None
    rna_bam: str | None = None
    input_format: str | None = None
    cnv_format: str | None = None
    fusion_format: str | None = None
    vcf_sample: str | None = None
    sample: str | None = None
    specimen_type: str | None = None
    collection_date: str | None = None
    purity: float | None = None
    ploidy: float | None = None
    label: str = "re-biopsy"

    def __post_init__(self) -> None:
        base = self.label == "baseline"
        opt = "--baseline-" if base else "--"
        _set(self, "vcf", require_file(self.vcf, "--baseline-vcf" if base else "VCF"))
        for name in ("bam", "rna_bam"):
            _set(self, name, require_file(getattr(self, name), opt + name.replace("_", "-")))
        for name in ("cnv", "fusions"):
            _set(self, name, require_file(getattr(self, name), opt + name))
        if base and (self.cnv or self.fusions) and not self.vcf:
            raise ConfigError("--baseline-cnv/--baseline-fusions need --baseline-vcf as well")
        if base and self.sample and not self.vcf:
            raise ConfigError("--baseline-sample needs --baseline-vcf as well")
        if self.input_format not in (None, *INPUT_FORMATS):
            raise ConfigError(f"--input-format must be vcf or maf, not {self.input_format!r}")
        require_option(self.purity, PURITY, f"{opt}purity")
        require_option(self.ploidy, PLOIDY, f"{opt}ploidy")
        _set(self, "specimen_type", check_specimen_type(self.specimen_type))
        check_collection_date(self.collection_date)

    def files(self) -> dict[str, str | None]:
        """The input files by role (``vcf``, ``cnv``, ``fusions``, ``bam``, ``rna_bam``)."""
        return {r: getattr(self, r) for r in ("vcf", "cnv", "fusions", "bam", "rna_bam")}


@dataclass(frozen=True, slots=True)
class ClinicalContext:
    """What is known of the patient: treatment history, CNS involvement, tumour type.

    ``prior_therapy`` in the order given; ``progressed_on`` the prior therapies the tumour
    progressed on (``None``: all of them); ``time_on_therapy`` months on each drug. CNS
    involvement changes ranking and wording, never a call; the tumour type is printed only.
    """

    prior_therapy: tuple[str, ...] = ()
    progressed_on: tuple[str, ...] | None = None
    time_on_therapy: dict[str, float] = field(default_factory=dict)
    cns_metastases: bool | None = None
    tumour_type: str | None = None
    treatment_naive: bool = False  # stated: no prior ALK inhibitor (``prior_therapy`` "none")

    def __post_init__(self) -> None:
        _set(self, "prior_therapy", tuple(t for t in self.prior_therapy if t.strip()))
        if [t.strip().lower() for t in self.prior_therapy] == [NAIVE]:
            # "--prior-therapy none": a stated treatment-naive patient (first-line statements)
            _set(self, "prior_therapy", ())
            _set(self, "treatment_naive", True)
        if self.progressed_on is not None:
            _set(self, "progressed_on", tuple(t for t in self.progressed_on if t.strip()))
        _set(self, "time_on_therapy", check_time_on_therapy(self.time_on_therapy))
        _set(self, "tumour_type", (self.tumour_type or "").strip() or None)

    def with_catalogue_names(self, catalogue) -> ClinicalContext:
        """The same context with every drug under the catalogue's name (aliases resolved).

        Raises
        ------
        ConfigError
            A drug the catalogue does not know, or ``progressed_on`` naming a drug not in
            ``prior_therapy``.
        """
        name = catalogue.canonical_drug
        therapies = tuple(name(t) for t in self.prior_therapy)
        progressed = None
        if self.progressed_on is not None:
            progressed = tuple(name(t) for t in self.progressed_on)
            if set(progressed) - set(therapies):
                raise ConfigError(
                    "--progressed-on names a drug not in --prior-therapy: "
                    + ", ".join(sorted(set(progressed) - set(therapies)))
                )
        months = {name(k): v for k, v in self.time_on_therapy.items()}
        return replace(
            self, prior_therapy=therapies, progressed_on=progressed, time_on_therapy=months
        )


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to run: a local catalogue, the build, a reference FASTA, how to hash the inputs.

    ``build`` (aliases accepted) overrides detection; ``reference`` translates ALK outside the
    bundled slice and reads CRAM; ``full_checksums`` hashes every input whole.
    """

    catalogue: str | None = None
    build: str | None = None
    reference: str | None = None
    full_checksums: bool = False

    def __post_init__(self) -> None:
        _set(self, "reference", require_file(self.reference, "--reference"))
        _set(self, "catalogue", require_file(self.catalogue, "--catalogue"))
        _set(self, "build", normalise_build(self.build) if self.build else None)


@dataclass(frozen=True, slots=True)
class SampleRequest:
    """One sample to annotate: the re-biopsy, an optional baseline, the patient, rules and run.

    ``sample_name`` names the reports (default: the VCF's tumour sample) and picks the sample
    of multi-sample tables. ``timepoints`` lists the re-biopsy first, then the baseline; a later
    version may hold more collections.
    """

    rebiopsy: TimePoint
    baseline: TimePoint | None = None
    context: ClinicalContext = field(default_factory=ClinicalContext)
    thresholds: Thresholds = field(default_factory=Thresholds)
    options: RunOptions = field(default_factory=RunOptions)
    sample_name: str | None = None

    def __post_init__(self) -> None:
        if not self.rebiopsy.vcf and not self.rebiopsy.bam:
            raise ConfigError("give a VCF, a --bam, or both")
        if ((self.baseline and self.baseline.bam) or self.rebiopsy.rna_bam) and not (
            self.rebiopsy.bam
        ):
            raise ConfigError("--baseline-bam/--rna-bam need --bam as well")

    @property
    def timepoints(self) -> tuple[TimePoint, ...]:
        """The re-biopsy, then the baseline when there is one."""
        return (self.rebiopsy,) if self.baseline is None else (self.rebiopsy, self.baseline)

    def bams(self) -> dict[str, str | None]:
        """The aligned reads: ``bam`` and ``rna_bam`` of the re-biopsy, ``baseline_bam``."""
        base = self.baseline.bam if self.baseline else None
        return {"bam": self.rebiopsy.bam, "baseline_bam": base, "rna_bam": self.rebiopsy.rna_bam}

    def input_files(self) -> dict[str, str]:
        """Every input file by report role, in the order the reports list them."""
        now, base = self.rebiopsy, self.baseline or TimePoint(label="baseline")
        roles = {
            "vcf": now.vcf,
            "reference": self.options.reference,
            "cnv": now.cnv,
            "fusions": now.fusions,
            "baseline_vcf": base.vcf,
            "baseline_cnv": base.cnv,
            "baseline_fusions": base.fusions,
            "bam": now.bam,
            "baseline_bam": base.bam,
            "rna_bam": now.rna_bam,
            "catalogue": self.options.catalogue,
        }
        return {role: path for role, path in roles.items() if path}


#: the keyword options of ``alkannot annotate`` (and of the keyword API) -> the request's part
#: and field: ``now`` the re-biopsy, ``base`` the baseline, ``both`` both time points
KEYWORDS = {
    "vcf_sample": ("now", "vcf_sample"),
    "cnv": ("now", "cnv"),
    "fusions": ("now", "fusions"),
    "bam": ("now", "bam"),
    "rna_bam": ("now", "rna_bam"),
    "specimen_type": ("now", "specimen_type"),
    "collection_date": ("now", "collection_date"),
    "baseline_vcf": ("base", "vcf"),
    "baseline_cnv": ("base", "cnv"),
    "baseline_fusions": ("base", "fusions"),
    "baseline_bam": ("base", "bam"),
    "baseline_sample": ("base", "sample"),
    "input_format": ("both", "input_format"),
    "cnv_format": ("both", "cnv_format"),
    "fusion_format": ("both", "fusion_format"),
    "purity": ("both", "purity"),
    "ploidy": ("both", "ploidy"),
    **{k: ("thresholds", k) for k in ("min_vaf", "min_depth", "min_alt_reads")},
    **{k: ("thresholds", k) for k in ("min_mapq", "min_base_quality", "max_detection_limit")},
    **{k: ("context", k) for k in ("prior_therapy", "progressed_on", "time_on_therapy")},
    **{k: ("context", k) for k in ("cns_metastases", "tumour_type")},
    **{k: ("options", k) for k in ("catalogue", "build", "reference", "full_checksums")},
}


def sample_request(
    vcf: str | Path | None = None, *, sample_name: str | None = None, **options: Any
) -> SampleRequest:
    """Build a :class:`SampleRequest` from the flat options of ``alkannot annotate``.

    Parameters
    ----------
    vcf
        Somatic VCF (or MAF) of the re-biopsy; ``None`` with ``bam``.
    sample_name
        Sample id for reports and file names; default: the VCF's tumour sample name.
    **options
        One keyword per command-line option (:data:`KEYWORDS` says where each goes):
        ``vcf_sample`` (the VCF column of the tumour); ``cnv``, ``cnv_format``, ``fusions``,
        ``fusion_format`` (copy-number and fusion/SV calls and their forced formats);
        ``baseline_vcf``, ``baseline_cnv``, ``baseline_fusions``, ``baseline_bam`` (the
        pre-treatment sample: findings become acquired, pre-existing or lost),
        ``baseline_sample`` (its sample in multi-sample files, see :class:`TimePoint`); ``bam``,
        ``rna_bam`` (re-biopsy BAM/CRAM, enough without a VCF; spliced RNA alignments for
        phasing); ``input_format`` (``vcf`` or ``maf``); ``purity``, ``ploidy`` (tumour content
        0-1 and ploidy, for both time points); ``specimen_type`` (``tissue``/``plasma``);
        ``prior_therapy`` (in order), ``progressed_on`` (default: all of them),
        ``time_on_therapy`` (months by drug), ``cns_metastases``, ``tumour_type``;
        ``min_vaf``, ``min_depth``, ``min_alt_reads``, ``min_mapq``, ``min_base_quality``,
        ``max_detection_limit`` (:class:`~alkannot.models.Thresholds`); ``catalogue`` (a local
        catalogue YAML), ``build``, ``reference`` (indexed FASTA), ``full_checksums``
        (:class:`RunOptions`).

    Raises
    ------
    TypeError
        An unknown keyword.
    AlkannotError
        The first field that is not valid, with the command line's message.
    """
    parts: dict[str, dict[str, Any]] = {p: {} for p in ("now", "base", "both")}
    parts |= {p: {} for p in ("thresholds", "context", "options")}
    for key, value in options.items():
        if key not in KEYWORDS:
            raise TypeError(f"unknown option {key!r}")
        part, name = KEYWORDS[key]
        parts[part][name] = value
    now = TimePoint(vcf=vcf, **parts["now"], **parts["both"])
    base = None
    if any(parts["base"].values()):
        base = TimePoint(**parts["base"], **parts["both"], label="baseline")
    return SampleRequest(
        now,
        base,
        thresholds=Thresholds(**parts["thresholds"]),
        context=ClinicalContext(**parts["context"]),
        options=RunOptions(**parts["options"]),
        sample_name=sample_name,
    )
