"""Plain dataclasses shared by every layer (readers, consequence, annotator, reports).

Coordinates are 1-based inclusive on the build's canonical contig names (``chr2`` for GRCh38,
``2`` for GRCh37 as in the bundled resources; see :mod:`alkannot.genome.build`). Readers convert at
the border. Nothing here imports a heavy module.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from alkannot.errors import ConfigError

#: version of the per-sample JSON layout (alkannot/report/schema/sample_result.schema.json):
#: written by :mod:`alkannot.report.json`, checked by :mod:`alkannot.io.results`
SCHEMA_VERSION = "2.4.0"
Build = Literal["GRCh37", "GRCh38"]
DrugCallValue = Literal["sensitive", "reduced", "resistant", "unknown"]
CopyNumberCall = Literal["amplification", "gain", "neutral", "loss", "deep_loss", "not_assessed"]
BaselineStatus = Literal["acquired", "pre-existing", "lost", "no_baseline", "not_compared"]
EvidenceLevel = Literal["guideline", "clinical", "case", "preclinical", "inferential"]
MechanismClass = Literal[
    "on_target_mutation", "on_target_amplification", "fusion_loss", "bypass", "context"
]


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file as it is cited in reports: role, path, size and SHA-256."""

    role: str  # "vcf", "cnv", "fusions", "baseline_vcf", "baseline_cnv", "baseline_fusions", "reference"
    path: str
    sha256: str
    size: int
    format: str = ""  # detected format, e.g. "Mutect2", "CNVkit .cns", "Arriba"
    hashed: str = "file"  # what sha256 covers: "file", or "head+index+size" (alkannot.checksums)


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """An input record the tool could not use, and why. Nothing is dropped silently."""

    source: str  # file path (or role) the record came from
    record: str  # locator: "line 17", "chr2:29220765 C>T", "segment 3", ...
    reason: str  # human sentence: "needs --reference: outside the bundled ALK kinase-domain slice"
    category: str = (
        "other"  # short machine key: "needs_reference", "symbolic_alt", "malformed", ...
    )
    vaf: float | None = None  # the record's allele fraction and depth, when it had them
    depth: int | None = None


@dataclass(frozen=True, slots=True)
class ExternalAnnotation:
    """One transcript-level annotation block already present in the VCF (VEP CSQ, SnpEff ANN/EFF)."""

    source: str  # "VEP", "SnpEff", "SnpEff-EFF"
    allele: str
    gene: str
    transcript: str
    consequence: str  # SO terms joined by "&"
    hgvsc: str = ""  # without transcript prefix, e.g. "c.3604G>A"
    hgvsp: str = ""  # 3-letter, without protein prefix, URL-decoded, e.g. "p.Gly1202Arg"
    canonical: bool = False
    mane_select: bool = False
    pick: bool = False


@dataclass(frozen=True, slots=True)
class Variant:
    """One ALT allele of one VCF record in the tumour sample (multi-allelic records are split)."""

    chrom: str
    pos: int
    ref: str
    alt: str
    filter: tuple[str, ...] = ("PASS",)  # ("PASS",), ("weak_evidence", "germline"), or (".",)
    vcf_id: str = "."
    qual: float | None = None
    vaf: float | None = None
    depth: int | None = None
    alt_depth: int | None = None
    vaf_source: str = ""  # e.g. "FORMAT/AF", "AD", "Strelka tier1 AU/CU/GU/TU", "VarScan FREQ"
    sample: str = ""
    allele_index: int = 1  # 1-based index of this ALT in the record
    record: str = ""  # locator for messages, e.g. "line 204" or "chr2:29220765"
    annotations: tuple[ExternalAnnotation, ...] = ()
    # the caller's phase (VCF 4.2 section 1.6.2): phase set id ("PS:29443695", "PID:..." or "*"
    # for phased genotypes without PS) and the haplotypes (0, 1) carrying this ALT; () unphased
    phase_set: str = ""
    haplotypes: tuple[int, ...] = ()

    @property
    def passed(self) -> bool:
        """True when FILTER is PASS or missing ('.')."""
        return self.filter in (("PASS",), (".",), ())

    @property
    def key(self) -> str:
        """Stable identity for baseline comparison and sorting: ``chrom:pos:ref>alt``."""
        return f"{self.chrom}:{self.pos}:{self.ref}>{self.alt}"


@dataclass(frozen=True, slots=True)
class ProteinChange:
    """The coding and protein consequence of a variant on one transcript."""

    gene: str
    transcript: str  # "NM_004304.5"
    hgvsc: str  # "c.3604G>A", "c.3452_3454dup", "c.3173-1G>A"
    hgvsp: str  # "p.Gly1202Arg", "p.Thr1151dup", "p.Gly1202=", "" for intronic
    short: str  # "G1202R", "T1151dup", "G1202=", "" for intronic
    consequence: str  # SO term: missense_variant, synonymous_variant, inframe_insertion, ...
    protein_start: int | None = None
    protein_end: int | None = None
    exon: int | None = None
    intron: int | None = None
    in_kinase_domain: bool = False
    source: str = "alkannot"  # "alkannot" (computed) or "VEP"/"SnpEff" (taken from the VCF)


@dataclass(frozen=True, slots=True)
class Segment:
    """A copy-number segment (or bin, or gene row) from a CNV file, 1-based inclusive."""

    chrom: str
    start: int
    end: int
    log2: float | None = None
    copy_number: float | None = None  # absolute total copy number when the format gives it
    discrete: int | None = None  # -2..2 (GISTIC / cBioPortal) when the format gives it
    call: str = ""  # the tool's own call when present ("+", "-", "0", "AMP", ...)
    gene: str = ""  # gene-level formats only
    sample: str = ""
    record: str = ""  # "line 12"
    probes: int | None = None


@dataclass(frozen=True, slots=True)
class GeneCopyNumber:
    """The gene-level copy-number state derived from overlapping segments."""

    gene: str
    chrom: str
    start: int
    end: int
    call: CopyNumberCall
    copy_number: float | None = None
    log2: float | None = None
    fold_change: float | None = None  # copy number over ploidy
    n_segments: int = 0
    segment_bp: int | None = None  # length of the longest segment over the gene (None: gene-level)
    method: str = ""  # "absolute copy number", "log2 ratio", "discrete", ...
    thresholds: dict[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, slots=True)
class FusionCall:
    """A gene fusion or SV junction involving ALK (or another catalogue gene)."""

    gene5: str  # 5' partner ("EML4"); "" when unknown
    gene3: str  # 3' partner ("ALK")
    chrom5: str = ""
    pos5: int | None = None
    chrom3: str = ""
    pos3: int | None = None
    exon5: str = ""  # partner exon kept ("13", "6a", "6b")
    exon3: str = ""  # ALK exon ("20")
    variant: str = ""  # "v1", "v2", "v3a", "v3b", or "" when not one of the named variants
    junction: str = ""  # "E13;A20"
    orientation_ok: bool | None = None  # True: 5' partner + ALK kinase 3'; None: not checkable
    supporting_reads: int | None = None
    source_format: str = ""  # "Manta BND", "Arriba", "STAR-Fusion", "table", ...
    record: str = ""
    filter: tuple[str, ...] = ("PASS",)
    note: str = ""

    @property
    def passed(self) -> bool:
        """True when the caller's FILTER is PASS or missing ('.'): a confirmed call."""
        return self.filter in (("PASS",), (".",), ())

    @property
    def name(self) -> str:
        """The fusion written the HGNC way: ``EML4::ALK``."""
        return f"{self.gene5 or '?'}::{self.gene3 or '?'}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cited piece of evidence behind a catalogue call."""

    call: DrugCallValue
    source: str  # "review" | "literature" | "civic"
    citation: str  # "Review [46], section 3" / "Shaw 2016 NEJM"
    pmid: str = ""
    civic_eid: str = ""
    level: str = ""  # EvidenceLevel: guideline, clinical, case, preclinical, inferential
    assay: str = ""
    statement: str = ""  # the quoted sentence or the row's wording
    fusion_context: str = ""
    civic_level: str = ""  # CIViC's own A-E level, for CIViC items
    doi: str = ""
    pmc: str = ""
    url: str = ""  # the publisher's or registry's page, when there is no PMID or DOI
    locator: str = ""  # where in the source: table, figure, section
    source_kind: str = ""  # "primary", "registry", "approval table" or "secondary"
    source_row: str = ""  # the fact's id in resources/catalogue/sources_2026.tsv


@dataclass(frozen=True, slots=True)
class Finding:
    """One alteration found in the sample, matched (or not) to the catalogue."""

    kind: Literal["mutation", "copy_number", "fusion", "fusion_loss"]
    gene: str
    alteration: str  # short name: "G1202R", "amplification", "EML4::ALK", "fusion lost"
    hgvsp: str = ""
    hgvsc: str = ""
    consequence: str = ""
    chrom: str = ""
    pos: int | None = None
    ref: str = ""
    alt: str = ""
    in_kinase_domain: bool = False
    vaf: float | None = None
    depth: int | None = None
    filter: tuple[str, ...] = ("PASS",)
    catalogue_id: str = ""  # "" when the catalogue has no entry
    mechanism: str = ""  # MechanismClass of the catalogue entry, or ""
    significance: str = ""  # "known resistance mutation", "kinase-domain VUS", "bypass", ...
    baseline_status: str = "no_baseline"
    annotation_check: str = ""  # "agrees with VEP", "disagrees with VEP: p.Gly1202Lys", ""
    passed_filters: bool = True  # FILTER PASS and above the minimum VAF/depth/alt reads
    notes: tuple[str, ...] = ()
    source: str = ""  # input role: "vcf", "cnv", "fusions"
    alt_reads: int | None = None  # reads supporting the ALT allele, when the caller gives them
    subclonal: bool = False  # VAF far below what the purity implies: shown, never drives a call
    phase_set: str = ""  # the caller's phase set (Variant.phase_set), "" when unphased
    haplotypes: tuple[int, ...] = ()  # haplotypes carrying the ALT within ``phase_set``
    vrs_id: str = ""  # GA4GH VRS 2 id (Allele, CopyNumberChange); "" when not computable offline

    @property
    def drives_calls(self) -> bool:
        """True when the finding is a mechanism that may change a drug call."""
        return bool(self.mechanism and self.catalogue_id and self.passed_filters) and not (
            self.subclonal or (self.baseline_status == "lost" and self.kind != "fusion_loss")
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        d["filter"] = list(self.filter)
        d["notes"] = list(self.notes)
        d["haplotypes"] = list(self.haplotypes)
        return d


@dataclass(frozen=True, slots=True)
class DrugReason:
    """Why a drug got its call in this sample: which finding, which entry, which evidence."""

    finding: str  # "ALK G1202R"
    catalogue_id: str
    call: DrugCallValue
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class TraceItem:
    """One statement a drug call weighed: a finding's reason or a treatment-setting statement."""

    label: str  # "ALK G1202R", "setting: after crizotinib", "treatment history: ..."
    catalogue_id: str
    call: DrugCallValue
    level: str = ""  # the item's own level ("" when no source states one)
    counted: bool = True  # False: shown only (superseded by a compound entry)
    after_progression: bool = False  # a source reports activity after progression on the drug
    evidence: tuple[str, ...] = ()  # "citation [PMID ...]: call, level" per evidence item


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One step of the path a drug call took (the decision layer's rules, in order).

    ``step`` is ``evidence`` (what each counted finding says), ``setting`` (treatment-setting
    statements that filled or supported a reason), ``combine`` (the combination rule over
    ``items``), ``history`` (progressed on the drug), ``context`` (CNS and other ranking
    statements), ``caveat`` (findings shown but kept out of the calls) or ``rank``.
    """

    step: str
    rule: str  # the rule applied, as a sentence
    call: str = ""  # the call after this step ("" when the step does not set it)
    level: str = ""
    items: tuple[TraceItem, ...] = ()
    key: tuple[str, ...] = ()  # rank: the sort key, as "name=value" strings
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class DrugCall:
    """The combined call for one drug over all findings of a sample."""

    drug: str
    call: DrugCallValue
    reasons: tuple[DrugReason, ...] = ()
    rank: int | None = None  # 1 = first to consider; None: not ranked (no positive call)
    note: str = ""  # prior-therapy / CNS wording
    conflicting: bool = False  # sources disagree; every reason is shown
    level: str = ""  # EvidenceLevel of the call ("" for unknown)
    status: str = ""  # approved, guideline, investigational, discontinued
    approval: str = ""  # "FDA 2021-03-03; EMA 2019-05-06" or the status note
    progressed_on: bool = False  # the tumour progressed on this drug (treatment history)
    amp_tier: str = ""  # AMP/ASCO/CAP tier and level, e.g. "Tier I, Level B"
    oncokb_level: str = ""  # OncoKB-style level: 1, 2, 3A, 4, R1, R2
    group: str = ""  # next_option, avoid, discuss, investigational, unranked (report blocks)
    alk_part: str = ""  # a combination's ALK inhibitor chosen from the on-target profile
    # what the call rests on: "allele" (sources on the alteration), "population" (a treatment-
    # setting statement only: no data for the alteration), "history" (progressed on it), ""
    basis: str = ""
    # for a drug progressed on: "yes", "no" or "unknown", then a sentence (see drugs.py)
    explains_progression: str = ""
    trace: tuple[TraceStep, ...] = ()  # the path the call took ("why this call")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The support rules a finding must meet to drive a drug call, and the read settings.

    ``min_vaf`` 2 % and ``min_depth`` 20 are common tissue-panel reporting limits;
    ``min_alt_reads`` 5 keeps one or two reads from driving a call; ``subclonal_fraction`` flags a
    variant whose cancer-cell fraction (2 x VAF / purity) is below 0.2; ``focal_max_bp``: a gain
    whose segment spans 10 Mb or more is broad (arm-level/polysomy), not focal amplification;
    ``min_fusion_purity``: below 20 % tumour content a fusion that is not detected is unconfirmed,
    never "lost" (review 2.3 [47]). Reads (``--bam``): reads below ``min_mapq`` and bases below
    ``min_base_quality`` do not count; a site whose detection limit is above
    ``max_detection_limit`` is not evaluable.

    Plasma (cell-free DNA) has its own rule: no 2 % VAF floor, since tumour DNA is diluted in
    normal cell-free DNA; ``min_alt_reads`` supporting fragments, the depth, and
    ``plasma_min_vaf`` 0.1 %, the analytic sensitivity reported for a plasma NGS panel (Lanman et
    al. 2015, PLoS One 10:e0140712, PMC4608804: "Analytic sensitivity down to 0.1% mutant allele
    fraction"). Below it a plasma call is outside what the assay was validated for.

    Raises
    ------
    ConfigError
        A value out of range, with the command line's option name.
    """

    min_vaf: float = 0.02
    min_depth: int = 20
    min_alt_reads: int = 5
    subclonal_fraction: float = 0.2
    focal_max_bp: int = 10_000_000
    min_fusion_purity: float = 0.2
    plasma_min_vaf: float = 0.001
    min_mapq: int = 20
    min_base_quality: int = 20
    max_detection_limit: float = 0.05

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_vaf <= 1.0:
            raise ConfigError(f"--min-vaf must be between 0 and 1, not {self.min_vaf}")
        for name in ("min_depth", "min_alt_reads", "min_mapq", "min_base_quality"):
            if getattr(self, name) < 0:
                option = "--" + name.replace("_", "-")
                raise ConfigError(f"{option} must be >= 0, not {getattr(self, name)}")
        for name in ("min_depth", "min_alt_reads"):  # the read-count range of bounds.READS
            if getattr(self, name) > 10**9:
                option = "--" + name.replace("_", "-")
                raise ConfigError(f"{option} must be in [0, 10^9], not {getattr(self, name)}")
        for name in ("min_mapq", "min_base_quality"):  # SAM: MAPQ and base qualities 0-255
            if getattr(self, name) > 255:
                option = "--" + name.replace("_", "-")
                raise ConfigError(f"{option} must be in [0, 255], not {getattr(self, name)}")
        if not 0.0 <= self.max_detection_limit <= 1.0:
            raise ConfigError(
                f"--max-detection-limit must be between 0 and 1, not {self.max_detection_limit}"
            )

    def as_dict(self) -> dict[str, float]:
        """The support rules as a plain dict for reports (the read settings are reported with
        the read evidence)."""
        return {k: getattr(self, k) for k in SUPPORT_RULES}


#: the fields of :class:`Thresholds` the reports list as the run's support rules
SUPPORT_RULES = (
    "min_vaf",
    "min_depth",
    "min_alt_reads",
    "subclonal_fraction",
    "focal_max_bp",
    "min_fusion_purity",
)


@dataclass(frozen=True, slots=True)
class SampleMetadata:
    """What the sample sheet or the command line says about the patient and sample."""

    sample: str
    prior_therapy: tuple[str, ...] = ()  # in order given, e.g. ("crizotinib", "alectinib")
    cns_metastases: bool | None = None
    purity: float | None = None
    ploidy: float | None = None
    build: str | None = None
    progressed_on: tuple[str, ...] | None = None  # None: every prior therapy was progressed on
    specimen_type: str | None = None  # "tissue" or "plasma" (cell-free DNA), when given
    tumour_type: str | None = None  # free text as given, e.g. "lung adenocarcinoma"
    time_on_therapy: dict[str, float] = field(default_factory=dict)  # drug -> months, when given
    treatment_naive: bool = False  # stated: no prior ALK inhibitor (--prior-therapy none)
    collection_date: str | None = None  # the re-biopsy specimen's collection date (YYYY-MM-DD)


@dataclass(frozen=True, slots=True)
class BoardNote:
    """A sourced statement for the board that changes no call and no rank.

    ``topic`` is ``line_of_therapy``, ``compound_class``, ``prognostic`` or ``histology``; ``title`` names the
    setting or marker; each line of ``recommend`` and ``look_for`` ends with its citation.
    """

    topic: str
    title: str
    recommend: tuple[str, ...] = ()
    look_for: tuple[str, ...] = ()
    catalogue_id: str = ""


@dataclass(slots=True)
class SampleResult:
    """Everything known about one sample after annotation; the reports only render this."""

    def __repr__(self) -> str:
        # a result holds every finding, reason and skipped record: print what a person looks for
        ranked = sorted((d for d in self.drugs if d.rank is not None), key=lambda d: d.rank)
        options = [d.drug for d in ranked[:3]]
        return (
            f"SampleResult(sample={self.sample!r}, build={self.build!r}, "
            f"mechanisms={self.mechanisms!r}, findings={len(self.findings)}, "
            f"next_options={options!r}, skipped={len(self.skipped)}, "
            f"warnings={len(self.warnings)})"
        )

    def findings_frame(self):
        """The findings as a :class:`pandas.DataFrame`, one row per finding (pandas imported
        here only)."""
        from alkannot.frames import findings_frame

        return findings_frame(self.findings, Finding)

    def drugs_frame(self):
        """The drug matrix as a :class:`pandas.DataFrame`, one row per drug, ranked first."""
        from alkannot.frames import drugs_frame

        return drugs_frame(self.drugs, DrugCall)

    sample: str
    build: str
    metadata: SampleMetadata
    findings: list[Finding] = field(default_factory=list)
    variants_examined: int = 0
    copy_number: list[GeneCopyNumber] = field(default_factory=list)
    fusions: list[FusionCall] = field(default_factory=list)
    fusion_status: str = "not_assessed"  # "present", "lost", "absent", "not_assessed"
    mechanisms: list[str] = field(default_factory=list)  # MechanismClass values found
    drugs: list[DrugCall] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)  # sentences: what could not be assessed
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    tool_version: str = ""
    catalogue_version: str = ""
    settings: dict[str, Any] = field(default_factory=dict)  # thresholds used (min VAF, depth, CN)
    reads: ReadEvidence | None = None  # evidence from --bam / --rna-bam, when given
    # line of therapy, prognostic context and histology notes (alkannot.lines): never a call
    board_context: list[BoardNote] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReadGenotype:
    """A catalogued mutation looked up in the reads: fragment counts, interval, detection limit.

    ``status`` is ``detected``, ``not_detected`` (with the fraction it would have been seen
    from) or ``not_evaluable``. ``vcf_status`` says how the VCF agrees: ``called``, ``filtered``,
    ``not in VCF`` or ``no VCF``; a detection missing from the calls is *read evidence only*.
    """

    gene: str
    alteration: str
    catalogue_id: str
    chrom: str
    pos: int
    end: int
    fragments: int = 0  # fragments showing REF, ALT or another allele at the site
    alt_fragments: int = 0
    vaf: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    detection_limit: float | None = None  # smallest fraction seen with the stated power
    status: str = "not_evaluable"
    error_rate: float | None = None  # the site's error rate used by the model
    threshold: int | None = None  # alt fragments needed to call
    other_fragments: int = 0
    low_quality_fragments: int = 0
    mate_conflicts: int = 0
    overlapping_mates: int = 0
    vcf_status: str = ""
    note: str = ""
    source: str = "dna"  # "dna" (--bam) or "rna" (--rna-bam)


@dataclass(frozen=True, slots=True)
class PhaseCall:
    """The phase of two ALK variants from fragments covering both positions."""

    variant_a: str
    variant_b: str
    spanning_fragments: int = 0
    both: int = 0
    a_only: int = 0
    b_only: int = 0
    neither: int = 0
    phase: str = "indeterminate"  # cis, trans, mixed, indeterminate, not_phaseable
    distance: int = 0
    source: str = "dna"
    note: str = ""


@dataclass(slots=True)
class ReadEvidence:
    """Everything read from the BAM/CRAM files of a sample."""

    build: str
    genotypes: list[ReadGenotype] = field(default_factory=list)
    phases: list[PhaseCall] = field(default_factory=list)
    fusions: list[FusionCall] = field(default_factory=list)
    fusion_status: str = "not_assessed"  # present, absent, lost, not_covered, not_assessed
    fusion_check: str = ""  # sentence: what the fusion search in the reads found
    settings: dict[str, Any] = field(default_factory=dict)  # filters and model parameters
    qc: dict[str, int] = field(default_factory=dict)  # reads seen / excluded by reason
    warnings: list[str] = field(default_factory=list)
    baseline_fusion_status: str = "not_assessed"  # from --baseline-bam: present / absent
    compounds_rephased: bool = False  # compound findings were redone with the reads' phase
    files: dict[str, str] = field(default_factory=dict)  # role -> path


@dataclass(frozen=True)
class CohortResult:
    """What :func:`annotate_cohort` summarised and wrote.

    ``results`` are the samples' results (sorted by sample), ``failed`` the ``(sample, error)``
    pairs of samples that could not be annotated, ``paths`` the written files by kind
    (``cohort_tsv``, ``mechanisms_tsv``, ``cohort_xlsx``, ``index_html``, ``failed_tsv``, ...).
    """

    results: list[SampleResult]
    failed: list[tuple[str, str]]
    paths: dict[str, Any]  # pathlib.Path values
    # folders given that hold alkannot's own overviews (patient timelines, a cohort), not a sample
    passed_over: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"CohortResult(samples={len(self.results)}, failed={len(self.failed)}, "
            f"index={str(self.paths.get('index_html', ''))!r})"
        )

    def __getitem__(self, kind: str) -> Any:
        # the written paths by kind, as annotate_cohort returned them before this object
        return self.paths[kind]

    def frame(self):
        """One row per annotated sample (the cohort table) as a :class:`pandas.DataFrame`."""
        import csv

        import pandas as pd

        with open(self.paths["cohort_tsv"], encoding="utf-8", newline="") as fh:
            return pd.DataFrame(list(csv.DictReader(fh, delimiter="\t")))


# --- a patient over time (alkannot.patient builds these from stored sample results) -------------


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One alteration at one time point: its state, its value and how it changed.

    ``state`` is ``detected``, ``not_detected`` (the sample assessed the data type; ``limit`` is
    the detection limit where reads gave one) or ``not_assessed``. ``transition`` compares with
    the earlier time points: ``first_seen`` (detected, nothing earlier assessed it), ``acquired``,
    ``persistent``, ``increased``, ``decreased``, ``lost``, ``re-emerged``, ``not_detected`` (a
    negative that is not a loss: plasma, tumour content not adequate or not given, limit above
    the earlier VAF), or ``""``.
    """

    sample: str
    date: str  # YYYY-MM-DD
    specimen: str  # tissue, plasma, or "" when not given
    state: str
    vaf: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    limit: float | None = None
    fold_change: float | None = None  # copy number: the gene's fold change over the ploidy
    transition: str = ""
    passed_filters: bool | None = None  # detected: met the support rules
    note: str = ""


@dataclass(frozen=True, slots=True)
class AlterationLane:
    """Every time point of one alteration seen at least once in a patient."""

    key: str  # identity across samples: "mutation:chr2:29220765:C>T", "copy_number:MET", ...
    kind: str  # mutation, copy_number, fusion
    gene: str
    alteration: str  # "G1202R", "amplification", "EML4::ALK", "G1202R+L1196M"
    catalogue_id: str = ""
    points: tuple[TimelinePoint, ...] = ()
    emerged_from: tuple[str, ...] = ()  # a compound: its parts already detected before it


@dataclass(frozen=True, slots=True)
class PatientSample:
    """One sample of the patient, placed in time."""

    sample: str
    date: str
    specimen: str
    timepoint: str = ""
    build: str = ""
    assessed: tuple[str, ...] = ()  # data types: mutation, copy_number, fusion
    purity: float | None = None
    report: str = ""  # the sample's HTML report, relative to the patient page


@dataclass(frozen=True, slots=True)
class TherapyPeriod:
    """One period on one drug, with its time on drug."""

    drug: str
    start: str
    stop: str = ""  # "" while ongoing
    reason: str = ""  # progression, toxicity, "" while ongoing
    days: int = 0  # to stop, or to the latest sample while ongoing
    months: float = 0.0  # days / 30.4375
    #: an ALK inhibitor of the catalogue; other therapies (chemotherapy, immunotherapy) are shown
    #: on the timeline with their time on drug and never enter the ALK-inhibitor history
    alk_inhibitor: bool = True


@dataclass(slots=True)
class PatientTimeline:
    """A patient's samples, treatments, alteration lanes and the latest decision over history."""

    patient: str
    build: str
    samples: list[PatientSample] = field(default_factory=list)
    treatments: list[TherapyPeriod] = field(default_factory=list)
    lanes: list[AlterationLane] = field(default_factory=list)
    decision: SampleResult | None = None  # the latest sample decided again with the history
    decision_basis: dict[str, Any] = field(default_factory=dict)  # baselines, therapy used
    decision_note: str = ""  # why the decision was not re-run, when it was not
    warnings: list[str] = field(default_factory=list)
