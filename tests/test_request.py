"""The request as data (alkannot.request) and the stages of one sample, each on its own.

Expected values come from the example inputs' own content: resources/examples/truth.tsv (the
planted alterations, derived from reference tables, not from alkannot) and the files themselves
(P03's fusion tables: the baseline lists EML4--ALK, the re-biopsy only PPIL4-EML4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.catalogue import load_catalogue
from alkannot.errors import ConfigError, InputFileError
from alkannot.models import Thresholds
from alkannot.request import (
    ClinicalContext,
    RunOptions,
    SampleRequest,
    TimePoint,
    sample_request,
)

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "resources" / "examples" / "GRCh38"
P01 = str(EX / "P01.rebiopsy.vcf.gz")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: TimePoint(vcf="no/such.vcf"), "VCF file does not exist"),
        (lambda: TimePoint(vcf=P01, cnv=str(EX)), "--cnv is not a regular file"),
        # the valid ranges of alkannot/bounds.py (README, "Nothing dropped silently")
        (lambda: TimePoint(vcf=P01, purity=0), r"--purity: purity 0 is outside its valid range"),
        (lambda: TimePoint(vcf=P01, ploidy=-2), r"--ploidy: ploidy -2 is outside its valid range"),
        (lambda: TimePoint(vcf=P01, specimen_type="bone"), "--specimen-type must be one of"),
        (lambda: TimePoint(vcf=P01, input_format="bam"), "--input-format must be vcf or maf"),
        (lambda: TimePoint(vcf=P01, collection_date="5/12/2026"), "must be a date as YYYY-MM-DD"),
        (
            lambda: TimePoint(cnv=str(EX / "P01.cns"), label="baseline"),
            "--baseline-cnv/--baseline-fusions need --baseline-vcf",
        ),
        (lambda: Thresholds(min_vaf=1.5), "--min-vaf must be between 0 and 1, not 1.5"),
        (lambda: Thresholds(min_depth=-1), "--min-depth must be >= 0, not -1"),
        (lambda: Thresholds(min_mapq=-1), "--min-mapq must be >= 0, not -1"),
        (lambda: Thresholds(max_detection_limit=2), "--max-detection-limit must be between"),
        (lambda: ClinicalContext(time_on_therapy={"crizotinib": "x"}), "must be a number"),
        (
            lambda: ClinicalContext(time_on_therapy={"crizotinib": -1}),
            "months on therapy -1 is outside its valid range",
        ),
        (lambda: RunOptions(build="hg17"), "unknown genome build 'hg17'"),
        (lambda: RunOptions(reference="no/such.fa"), "--reference file does not exist"),
        (lambda: SampleRequest(TimePoint()), "give a VCF, a --bam, or both"),
        (lambda: SampleRequest(TimePoint(vcf=P01, rna_bam=P01)), "--rna-bam need --bam"),
    ],
)
def test_each_constructor_checks_its_own_fields_with_one_line(make, message):
    with pytest.raises((ConfigError, InputFileError), match=message) as exc:
        make()
    assert "\n" not in exc.value.one_line()


def test_fields_are_normalised_and_frozen():
    tp = TimePoint(vcf=Path(P01), specimen_type=" Plasma ", cnv="")
    assert (tp.vcf, tp.specimen_type, tp.cnv) == (P01, "plasma", None)
    assert RunOptions(build="hg38").build == "GRCh38"
    ctx = ClinicalContext(prior_therapy=["crizotinib", " "], time_on_therapy={"x": "14"})
    assert ctx.prior_therapy == ("crizotinib",) and ctx.time_on_therapy == {"x": 14.0}
    with pytest.raises(AttributeError):
        tp.vcf = "other"  # type: ignore[misc]


def test_catalogue_names_resolve_aliases_and_progressed_on_must_be_a_prior_therapy():
    cat = load_catalogue()
    # PF-06463922 is lorlatinib's development code (README: aliases accepted)
    ctx = ClinicalContext(prior_therapy=("crizotinib", "PF-06463922"))
    assert ctx.with_catalogue_names(cat).prior_therapy == ("crizotinib", "lorlatinib")
    bad = ClinicalContext(prior_therapy=("crizotinib",), progressed_on=("alectinib",))
    with pytest.raises(ConfigError, match="--progressed-on names a drug not in --prior-therapy"):
        bad.with_catalogue_names(cat)


def test_keywords_build_the_same_request_as_the_dataclasses():
    base = str(EX / "P01.baseline.vcf.gz")
    by_keywords = sample_request(
        P01, baseline_vcf=base, purity=0.5, prior_therapy=["crizotinib"], min_depth=30
    )
    by_hand = SampleRequest(
        TimePoint(vcf=P01, purity=0.5),
        TimePoint(vcf=base, purity=0.5, label="baseline"),
        context=ClinicalContext(prior_therapy=("crizotinib",)),
        thresholds=Thresholds(min_depth=30),
    )
    assert by_keywords == by_hand
    assert list(by_hand.input_files()) == ["vcf", "baseline_vcf"]
    with pytest.raises(TypeError, match="min_vafs"):
        sample_request(P01, min_vafs=0.1)


def test_annotate_sample_takes_the_request_or_the_keywords():
    request = SampleRequest(TimePoint(vcf=P01, cnv=str(EX / "P01.cns")))
    a = annotate_sample(request)
    b = annotate_sample(P01, cnv=str(EX / "P01.cns"))
    assert a == b
    # truth.tsv: P01 carries ALK G1202R (chr2:29220747 C>T)
    assert any(f.alteration == "G1202R" and f.pos == 29220747 for f in a.findings)
    with pytest.raises(TypeError):
        annotate_sample(request, min_vaf=0.1)


def test_stages_read_compare_and_agree_on_their_own():
    from alkannot.baseline import assessed_at_both, compare_timepoints
    from alkannot.timepoint import check_same_build, read_timepoint

    cat = load_catalogue()
    common = dict(build=None, fasta=None, thresholds=Thresholds(), catalogue=cat)
    now_tp = TimePoint(vcf=str(EX / "P03.rebiopsy.vcf.gz"), fusions=str(EX / "P03.fusions.tsv"))
    base_tp = TimePoint(
        vcf=str(EX / "P03.baseline.vcf.gz"),
        fusions=str(EX / "P03.baseline.fusions.tsv"),
        label="baseline",
    )
    now, ref = read_timepoint(now_tp, reference=None, **common)
    base, _ = read_timepoint(base_tp, reference=ref, **common)
    assert now.build == base.build == "GRCh38" and ref.build == "GRCh38"
    # the re-biopsy's fusion table holds no ALK fusion; the baseline's holds EML4--ALK
    assert (now.fusion_status, base.fusion_status) == ("absent", "present")
    both = assessed_at_both(now_tp.files(), base_tp.files())
    assert both == {"mutation", "fusion"}
    findings, _skipped, _warnings = compare_timepoints(now, base, both)
    kras = next(f for f in findings if f.gene == "KRAS")
    assert (kras.alteration, kras.baseline_status) == ("G12C", "pre-existing")  # truth.tsv
    check_same_build(now, base, "b.vcf")
    base.build = "GRCh37"
    with pytest.raises(ConfigError, match="baseline VCF is GRCh37 but the re-biopsy is GRCh38"):
        check_same_build(now, base, "b.vcf")


def test_fusion_absence_stage_on_its_own():
    """README "Drug matrix": "fusion not detected" is a loss only beside a fusion-positive
    baseline and adequate tumour content (review 2.3 [47]); beside a kinase-domain mutation, which
    needs the fusion, it is a contradiction to resolve (said as a warning)."""
    from alkannot.annotate import add_fusion_absence
    from alkannot.models import Finding

    cat, th = load_catalogue(), Thresholds()
    same, none = add_fusion_absence([], "present", cat, "present", purity=0.5, thresholds=th)
    assert (same, none) == ([], [])  # the fusion was detected: nothing to add
    (lost,), warnings = add_fusion_absence([], "absent", cat, "present", purity=0.5, thresholds=th)
    assert (lost.alteration, lost.drives_calls, warnings) == ("fusion lost", True, [])
    (low,), _ = add_fusion_absence([], "absent", cat, "present", purity=0.1, thresholds=th)
    assert low.alteration == "fusion not detected (unconfirmed)" and not low.drives_calls
    g1202r = Finding(
        "mutation", "ALK", "G1202R", catalogue_id="ALK_G1202R", mechanism="on_target_mutation"
    )
    both, warnings = add_fusion_absence(
        [g1202r], "absent", cat, "present", purity=0.5, thresholds=th
    )
    assert both[0] is g1202r and both[1].alteration == "fusion not detected (contradiction)"
    assert len(warnings) == 1 and warnings[0].startswith("CONTRADICTION")


def test_read_warnings_stage_on_its_own():
    from alkannot.models import ReadEvidence
    from alkannot.reads.integrate import read_warnings

    reads = ReadEvidence("GRCh38", warnings=["low coverage"], compounds_rephased=True)
    vcf_only = "ALK G1202R and L1196M: not treated as the compound (phase unknown)"
    out = read_warnings(["kept", vcf_only], reads)
    # the VCF-only compound verdict is replaced by the reads' phase; the reads' own warnings
    # follow, marked
    assert out == ["kept", "reads: low coverage"]
    assert read_warnings([], ReadEvidence("GRCh38", warnings=["x"])) == ["reads: x"]
