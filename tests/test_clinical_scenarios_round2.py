"""Clinical scenarios, round 2 (issue 20): the caller's phase, plasma, evidence that fits the allele,
whether the findings explain the progression, copy number by level, read evidence.

Each scenario is a small re-biopsy written as the program receives it (``tests/clinical_inputs.py``:
alleles from the bundled reference tables and the genetic code) and annotated end to end; a few
call a decision function directly. Expected values are written from the sources named in each
docstring, never from the program's output:

- "VCF 4.2 s1.6.2": the VCF v4.2 specification, section 1.6.2 (Genotype fields): ``|`` = phased;
  "PS ... Phased genotypes for an individual that are on the same chromosome and have the same PS
  value are in the same phased set ... All phased genotypes that do not contain a PS subfield are
  assumed to belong to the same phased set"; GATK's header lines for ``PGT`` ("Physical phasing
  haplotype information, describing how the alternate alleles are phased in relation to one
  another") and ``PID`` ("Physical phasing ID information, where each unique ID within a given
  sample ... connects records within a phasing group"), as in
  shared/formats/somatic_vcf/mutect2/gatk_cfdna-unfiltered.mutect2.vcf.
- "EIDnnnn": a CIViC evidence item (shared/literature/civic_01-Aug-2024_ALK_context_evidence.tsv);
  "review N.N [n]": section and reference of the review (shared/review/000_690d235e66a3fb30.txt);
  "Lin 2017": Lin, Riely & Shaw 2017, Table 2 (shared/literature/lin2017_table2_...tsv).
- "Lanman 2015": PLoS One 10:e0140712 (PMC4608804), "Analytic sensitivity down to 0.1% mutant
  allele fraction"; "Cui 2017": Oncotarget 8:2771 (doi:10.18632/oncotarget.13741), plasma ALK
  fusion found in 13 of 24 tissue-positive patients (54.2%).
- "rule": a rule of the decision layer as written in resources/catalogue/README.md.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from alkannot.models import DrugCall, SampleResult
from tests.clinical_inputs import ROOT, Build, Record
from tests.test_clinical_scenarios import annotate as _annotate

G38 = Build("GRCh38")
G37 = Build("GRCh37")
SAMPLE = "S1"
SECOND_GEN_APPROVED = ("ceritinib", "alectinib", "brigatinib")


def annotate(tmp_path: Path, records: list[Record], build: Build = G38, **kw) -> SampleResult:
    """The round-1 helper (write the files, annotate through the public API), records first."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    return _annotate(tmp_path, build, records, **kw)


def drugs(res: SampleResult) -> dict[str, DrugCall]:
    return {d.drug: d for d in res.drugs}


def ranked(res: SampleResult) -> list[str]:
    return [d.drug for d in sorted((d for d in res.drugs if d.rank), key=lambda d: d.rank)]


def compounds(res: SampleResult) -> list:
    return [f for f in res.findings if f.consequence == "compound"]


def one(res: SampleResult, gene: str, alteration: str):
    hits = [f for f in res.findings if f.gene == gene and f.alteration == alteration]
    assert len(hits) == 1, [(f.gene, f.alteration) for f in res.findings]
    return hits[0]


# ----------------------------------------------------------------------------------------------
# 1. Phase from the caller
# ----------------------------------------------------------------------------------------------


def _pair(gt_a: str, gt_b: str, alt_a: int = 90, alt_b: int = 90, **kw) -> list[Record]:
    """G1202R and L1196M (18 bp apart, as the issue says) with the tumour genotypes given."""
    return [
        G38.alk_snv("G1202R", depth=400, alt_reads=alt_a, gt=gt_a, **kw),
        G38.alk_snv("L1196M", depth=400, alt_reads=alt_b, gt=gt_b, **kw),
    ]


def test_two_mutations_are_18_bp_apart():
    """The issue's premise, from the bundled slice: codons 1196 and 1202 are 6 codons = 18 bp."""
    a, b = _pair("0/1", "0/1")
    assert abs(a.pos - b.pos) in range(15, 21)


def test_phased_trans_refutes_the_compound(tmp_path):
    """G1202R ``0|1`` and L1196M ``1|0`` in one phase set (PS) after crizotinib and alectinib.

    VCF 4.2 s1.6.2: same PS, opposite haplotypes: the two mutations are on different copies
    (trans), so they are not the compound of EID11113/EID11114 ("G1202R ... in cis with L1196M").
    Each keeps its own profile: lorlatinib is active against each alone (Lin 2017 lists G1202R
    and L1196M as targeted by lorlatinib), so lorlatinib is sensitive and first, never the
    compound's lorlatinib resistance (EID11114) with chemotherapy first.
    """
    res = annotate(
        tmp_path, _pair("0|1", "1|0", ps="29220000"), prior_therapy=["crizotinib", "alectinib"]
    )
    assert compounds(res) == []
    assert any("trans" in w and "caller" in w for w in res.warnings), res.warnings
    assert drugs(res)["lorlatinib"].call == "sensitive"
    assert ranked(res)[0] == "lorlatinib"


def test_phased_cis_confirms_the_compound(tmp_path):
    """The same pair ``0|1`` and ``0|1`` in one phase set: cis (VCF 4.2 s1.6.2), the compound
    exists; lorlatinib is resistant (G1202R + a second ALK mutation, EID11114) and not offered."""
    res = annotate(
        tmp_path, _pair("0|1", "0|1", ps="29220000"), prior_therapy=["crizotinib", "alectinib"]
    )
    (c,) = compounds(res)
    assert set(c.alteration.split("+")) == {"G1202R", "L1196M"}
    assert any("cis from the caller" in n for n in c.notes), c.notes
    d = drugs(res)["lorlatinib"]
    assert d.call == "resistant" and d.rank is None


def test_phased_cis_with_unequal_vafs_is_a_flagged_subclonal_compound(tmp_path):
    """Cis in one phase set, G1202R at 30 % and L1196M at 5 %: without phase these VAFs (ratio
    1/6) would be split into two clones, with lorlatinib first next to a lorlatinib-resistant
    compound (the issue's failure). Cis says the compound exists (VCF 4.2 s1.6.2), in a subclone
    of the G1202R clone: flagged subclonal, and lorlatinib resistant (EID11114)."""
    res = annotate(
        tmp_path,
        _pair("0|1", "0|1", alt_a=120, alt_b=20, ps="29220000"),
        prior_therapy=["crizotinib", "alectinib"],
    )
    (c,) = compounds(res)
    assert "subclonal compound" in c.significance
    assert any("subclonal compound" in w for w in res.warnings), res.warnings
    assert drugs(res)["lorlatinib"].call == "resistant"
    assert "lorlatinib" not in ranked(res)


def test_unequal_vafs_without_phase_stay_separate(tmp_path):
    """The same VAFs unphased (``0/1``): no phase, and a sixfold VAF difference does not fit one
    clone (rule 6: the smaller VAF at least half the larger): no compound, a warning."""
    res = annotate(
        tmp_path,
        _pair("0/1", "0/1", alt_a=120, alt_b=20),
        prior_therapy=["crizotinib", "alectinib"],
    )
    assert compounds(res) == []
    assert any("do not fit one clone" in w for w in res.warnings)


def test_pgt_pid_trans_refutes_the_compound(tmp_path):
    """GATK physical phase beside an unphased GT: same PID, PGT ``0|1`` and ``1|0``: the ALT
    alleles lie on different haplotypes of one phasing group (GATK's PGT/PID header): trans."""
    recs = [
        G38.alk_snv("G1202R", depth=400, alt_reads=90, pgt="0|1", pid="29220001_C_G"),
        G38.alk_snv("L1196M", depth=400, alt_reads=90, pgt="1|0", pid="29220001_C_G"),
    ]
    res = annotate(tmp_path, recs, prior_therapy=["crizotinib", "alectinib"])
    assert compounds(res) == []
    assert drugs(res)["lorlatinib"].call == "sensitive"


def test_pgt_pid_cis_confirms_the_compound(tmp_path):
    """Same PID and the same PGT ``0|1``: the same haplotype (GATK's PGT/PID header): cis."""
    recs = [
        G38.alk_snv("G1202R", depth=400, alt_reads=120, pgt="0|1", pid="29220001_C_G"),
        G38.alk_snv("L1196M", depth=400, alt_reads=20, pgt="0|1", pid="29220001_C_G"),
    ]
    res = annotate(tmp_path, recs, prior_therapy=["crizotinib", "alectinib"])
    assert len(compounds(res)) == 1
    assert drugs(res)["lorlatinib"].call == "resistant"


def test_different_phase_sets_say_nothing(tmp_path):
    """Different PS values are different phase sets (VCF 4.2 s1.6.2): their haplotypes cannot be
    compared, so the phase is unknown and the VAF rule decides (equal VAFs: one clone, the
    compound with lorlatinib resistant, EID11114)."""
    recs = [
        G38.alk_snv("G1202R", depth=400, alt_reads=90, gt="0|1", ps="100"),
        G38.alk_snv("L1196M", depth=400, alt_reads=90, gt="1|0", ps="200"),
    ]
    res = annotate(tmp_path, recs, prior_therapy=["crizotinib", "alectinib"])
    (c,) = compounds(res)
    assert any("VAFs fit one clone" in n for n in c.notes)


def test_phased_genotypes_without_ps_are_one_phase_set(tmp_path):
    """VCF 4.2 s1.6.2: "All phased genotypes that do not contain a PS subfield are assumed to
    belong to the same phased set": ``0|1`` and ``1|0`` without PS are trans."""
    res = annotate(tmp_path, _pair("0|1", "1|0"), prior_therapy=["crizotinib", "alectinib"])
    assert compounds(res) == []


def test_reads_decide_when_they_disagree_with_the_caller(tmp_path):
    """The caller says cis (same PS, same haplotype); the reads, with every cell above the error
    threshold, say trans: a disagreement is a warning and the fragments spanning both sites decide
    (issue 20 point 1; README "phase")."""
    from alkannot.annotate import compound_findings
    from alkannot.catalogue import load_catalogue

    res = annotate(tmp_path, _pair("0|1", "0|1", ps="7"))
    singles = [f for f in res.findings if f.alteration in ("G1202R", "L1196M")]
    cat = load_catalogue()
    out, warnings = compound_findings(singles, cat, {frozenset(("G1202R", "L1196M")): "trans"})
    assert out == []
    assert any("caller's phase" in w and "reads say trans" in w for w in warnings), warnings
    agree, warnings = compound_findings(singles, cat, {frozenset(("G1202R", "L1196M")): "cis"})
    assert len(agree) == 1 and not any("reads say" in w for w in warnings)


def test_compound_no_source_names_is_warned(tmp_path):
    """L1196M + G1269A at equal VAFs (one clone by rule 6): no catalogue entry names this compound
    (the sourced compounds are C1156Y+L1198F, I1171N+L1196M, G1202R+I1171N+L1196M, G1202R + a
    second mutation, E1210K+S1206C, E1210K+D1203N): a warning says the parts were combined."""
    recs = [
        G38.alk_snv("L1196M", depth=400, alt_reads=90),
        G38.alk_snv("G1269A", depth=400, alt_reads=90),
    ]
    res = annotate(tmp_path, recs, prior_therapy=["crizotinib"])
    assert compounds(res) == []
    assert any("no source names" in w and "L1196M" in w and "G1269A" in w for w in res.warnings)


def test_fragments_with_both_mutations_forbid_trans():
    """A 2x2 table with each single mutant well above threshold and 1 fragment carrying both: a
    both-mutant clone cannot be excluded, so the phase is never ``trans`` (issue 20 point 6)."""
    from alkannot.reads.phase import classify

    table = Counter(both=1, a_only=60, b_only=55, neither=300)
    phase, _ = classify(table, error_rate=0.001, alpha=0.01, min_support=2)
    assert phase in ("mixed", "cis")
    table["both"] = 0
    assert classify(table, error_rate=0.001, alpha=0.01, min_support=2)[0] == "trans"


def test_real_mutect2_phase_fields_are_read():
    """shared/formats/somatic_vcf/mutect2/gatk_cfdna-unfiltered.mutect2.vcf, 2:29451790 T>C
    (copied here): tumour ``0|1`` with PS 29451790 and PGT ``0|1`` / PID 29451790_T_C."""
    from alkannot.io.callers import read_phase

    keys = ["GT", "AD", "AF", "DP", "F1R2", "F2R1", "PGT", "PID", "PS", "SB"]
    values = "0|1:268,64:0.015:332:233,40:0,0:0|1:29451790_T_C:29451790:47,221,64,0"
    fmt = {k: v.split(",") for k, v in zip(keys, values.split(":"), strict=True)}
    assert read_phase(fmt, 1) == ("PS:29451790", (1,))
    fmt["GT"], fmt["PS"] = ["0/1"], ["."]
    assert read_phase(fmt, 1) == ("PID:29451790_T_C", (1,))
    assert read_phase({"GT": ["0/1"]}, 1) == ("", ())


# ----------------------------------------------------------------------------------------------
# 2. Specimen-aware decisions
# ----------------------------------------------------------------------------------------------


def test_plasma_g1202r_below_one_percent_counts(tmp_path):
    """Plasma, G1202R at 0.8 % (24 of 3000 fragments) after alectinib: above the plasma rule
    (5 supporting fragments; Lanman 2015: sensitivity down to 0.1 %), so it is a mechanism:
    alectinib and ceritinib resistant (review 2.1 [34,45,46]: "cells with the G1202R mutation
    were insensitive to ceritinib and alectinib"), lorlatinib sensitive (Lin 2017) and first."""
    rec = G38.alk_snv("G1202R", depth=3000, alt_reads=24)
    res = annotate(tmp_path, [rec], prior_therapy=["alectinib"], specimen_type="plasma")
    f = one(res, "ALK", "G1202R")
    assert f.drives_calls
    d = drugs(res)
    assert d["ceritinib"].call == "resistant"
    assert ranked(res)[0] == "lorlatinib"
    assert "no catalogued resistance mechanism" not in d["lorlatinib"].note


def test_same_g1202r_in_tissue_is_shown_and_caveats_the_calls_it_contradicts(tmp_path):
    """The same 0.8 % G1202R in tissue: below the 2 % tissue floor (rule 1), shown, not a call.
    It never vanishes: every positive call that its sources contradict (ceritinib, review 2.1)
    carries a caveat naming it."""
    rec = G38.alk_snv("G1202R", depth=3000, alt_reads=24)
    res = annotate(tmp_path, [rec], prior_therapy=["crizotinib"], specimen_type="tissue")
    f = one(res, "ALK", "G1202R")
    assert not f.drives_calls
    d = drugs(res)
    assert d["ceritinib"].call == "sensitive"  # the after-crizotinib setting [27]
    assert "G1202R" in d["ceritinib"].note and "below the support rules" in d["ceritinib"].note
    assert "G1202R" not in d["lorlatinib"].note  # lorlatinib: G1202R's sources say sensitive


def test_plasma_below_the_detection_limit_is_not_a_call(tmp_path):
    """Plasma, 6 of 10000 fragments (0.06 %): under the 0.1 % the assay was validated for
    (Lanman 2015): shown, not a call."""
    rec = G38.alk_snv("G1202R", depth=10000, alt_reads=6)
    res = annotate(tmp_path, [rec], prior_therapy=["alectinib"], specimen_type="plasma")
    f = one(res, "ALK", "G1202R")
    assert not f.drives_calls and any("detection limit" in n for n in f.notes)


def test_plasma_with_few_fragments_is_not_a_call(tmp_path):
    """Plasma, 3 of 200 fragments (1.5 %): fewer than 5 supporting fragments (rule 1)."""
    rec = G38.alk_snv("G1202R", depth=200, alt_reads=3)
    res = annotate(tmp_path, [rec], prior_therapy=["alectinib"], specimen_type="plasma")
    assert not one(res, "ALK", "G1202R").drives_calls


def test_plasma_vaf_is_not_judged_subclonal_by_tissue_purity(tmp_path):
    """Plasma VAF reflects the tumour fraction of cell-free DNA, not the tissue purity: a 1 %
    G1202R with purity 0.8 given is not "subclonal" (2 x 0.01 / 0.8 = 0.025 would be, in tissue)."""
    rec = G38.alk_snv("G1202R", depth=2000, alt_reads=20)
    res = annotate(tmp_path, [rec], prior_therapy=["alectinib"], specimen_type="plasma", purity=0.8)
    f = one(res, "ALK", "G1202R")
    assert not f.subclonal and f.drives_calls


def test_plasma_fusion_negative_is_never_lost(tmp_path):
    """Plasma without an ALK fusion after a fusion-positive tissue baseline: a plasma negative
    does not rule out (Cui 2017: 13 of 24 tissue-positive found, 54.2 %): never "lost", never a
    mechanism; the finding says so with the figure and recommends tissue. ALK inhibitors are not
    made resistant by it (the fusion-loss entry, EID4288, does not apply)."""
    res = annotate(
        tmp_path,
        [],
        fusions=["KIF5B-RET"],
        baseline=[],
        baseline_fusions=["EML4-ALK"],
        prior_therapy=["alectinib"],
        specimen_type="plasma",
        purity=0.5,
    )
    (f,) = [f for f in res.findings if f.kind == "fusion_loss"]
    assert "lost" not in f.alteration and not f.drives_calls
    assert "54.2%" in f.significance and "tissue" in f.significance
    assert "fusion_loss" not in res.mechanisms
    assert drugs(res)["lorlatinib"].call == "sensitive"


def test_tissue_fusion_negative_without_purity_is_unconfirmed(tmp_path):
    """Tissue, fusion-positive baseline, no fusion now, tumour content not stated: "lost" needs
    a stated adequate tumour content (review 2.3 [47]: detection depends on tumour content), so
    it is "not detected (unconfirmed)", not a mechanism."""
    res = annotate(
        tmp_path, [], fusions=["KIF5B-RET"], baseline=[], baseline_fusions=["EML4-ALK"],
        prior_therapy=["alectinib"], specimen_type="tissue",
    )  # fmt: skip
    (f,) = [f for f in res.findings if f.kind == "fusion_loss"]
    assert f.alteration == "fusion not detected (unconfirmed)" and not f.drives_calls
    assert "fusion_loss" not in res.mechanisms


def test_tissue_fusion_negative_with_adequate_purity_is_lost(tmp_path):
    """Tissue, fusion-positive baseline, tumour content 60 % (>= 20 %, rule 8): lost, a
    mechanism (Doebele 2012, EID4288): ALK inhibitors resistant."""
    res = annotate(
        tmp_path, [], fusions=["KIF5B-RET"], baseline=[], baseline_fusions=["EML4-ALK"],
        prior_therapy=["alectinib"], specimen_type="tissue", purity=0.6,
    )  # fmt: skip
    (f,) = [f for f in res.findings if f.kind == "fusion_loss"]
    assert f.alteration == "fusion lost" and f.drives_calls
    assert drugs(res)["lorlatinib"].call == "resistant"


# ----------------------------------------------------------------------------------------------
# 3. Evidence that fits the allele
# ----------------------------------------------------------------------------------------------


def test_g1202del_without_evidence_is_a_kinase_domain_variant(tmp_path):
    """G1202del (residues 1201-1202 are both Gly in UniProt Q9UM73, so the codon deletion is
    named G1202del by the HGVS 3' rule): the catalogue names it but no retrieved source gives a
    drug call (its entry: "no per-drug call in the retrieved sources"), so it is a kinase-domain
    variant of unknown significance (issue 20 point 8), not a "known resistance mutation" and not
    a mechanism."""
    res = annotate(tmp_path, [G38.alk_codon_del(1202)], prior_therapy=["crizotinib"])
    f = one(res, "ALK", "G1202del")
    assert f.significance.startswith("kinase-domain variant of unknown significance")
    assert not f.mechanism and "on_target_mutation" not in res.mechanisms


def test_setting_fills_g1202del_only_at_population_level(tmp_path):
    """After crizotinib with G1202del: ceritinib's support is the after-crizotinib statement
    (review 3 [27]: ceritinib in crizotinib-pretreated patients), made for ALK-positive NSCLC, not
    for G1202del: a population-level call, labelled "no data for ALK G1202del", never AMP Tier I /
    OncoKB-style level 1 (those need a sourced alteration-drug pair; issue 20 point 3)."""
    res = annotate(tmp_path, [G38.alk_codon_del(1202)], prior_therapy=["crizotinib"])
    cer = drugs(res)["ceritinib"]
    assert cer.call == "sensitive" and cer.basis == "population"
    assert any("no data for ALK G1202del" in r.finding for r in cer.reasons)
    assert not cer.amp_tier.startswith("Tier I,") and cer.oncokb_level != "1"


def test_after_crizotinib_with_nothing_found_keeps_the_setting_tier(tmp_path):
    """Nothing found after crizotinib: the after-crizotinib statements are about this patient's own
    population (ALK-positive NSCLC progressing on crizotinib; alectinib: EMA/FDA approval after
    crizotinib, guideline rows), so alectinib keeps guideline level and Tier I, Level A (README
    mapping), with basis "setting", not "population"."""
    res = annotate(tmp_path, [], fusions=["EML4-ALK"], prior_therapy=["crizotinib"])
    alec = drugs(res)["alectinib"]
    assert alec.basis == "setting" and alec.amp_tier == "Tier I, Level A"


def test_tsr011_for_g1202r_is_unknown(tmp_path):
    """G1202R after crizotinib: the review's TSR-011 sentence (section 5 [68]: responses in
    crizotinib-pretreated patients) says nothing of G1202R, and G1202R's own sources call the other
    second-generation inhibitors resistant (review 2.1: "insensitive to ceritinib and alectinib"):
    TSR-011 is unknown for G1202R (issue 20 point 7), with no positive call and no level 3A."""
    res = annotate(tmp_path, [G38.alk_snv("G1202R", alt_reads=90)], prior_therapy=["crizotinib"])
    tsr = drugs(res)["TSR-011"]
    assert tsr.call == "unknown" and tsr.oncokb_level == "" and tsr.rank is None


def test_setting_never_raises_an_allele_level(tmp_path):
    """L1196M after crizotinib: ceritinib's L1196M evidence is preclinical (EID1341, review 3 [46]
    "a preclinical study"); the after-crizotinib guideline statement is about the population, so
    the call keeps the allele's level (not guideline) and is not Tier I (issue 20 point 3), while
    the setting statement is listed beside it."""
    res = annotate(tmp_path, [G38.alk_snv("L1196M", alt_reads=90)], prior_therapy=["crizotinib"])
    cer = drugs(res)["ceritinib"]
    assert cer.call == "sensitive" and cer.basis == "allele"
    assert cer.level != "guideline" and not cer.amp_tier.startswith("Tier I,")
    assert any("beside the allele's own evidence" in r.finding for r in cer.reasons)


def test_progressed_on_lorlatinib_shows_no_tier_of_a_sensitive_reason(tmp_path):
    """G1202R after crizotinib, alectinib and lorlatinib: lorlatinib is resistant for this patient
    because it progressed on it (rule 4), while G1202R's own source says lorlatinib is active
    (Lin 2017): the tier shown is the deciding reason's, the history, which has none (issue 20
    point 3), never the sensitive reason's Tier II / level 4."""
    res = annotate(
        tmp_path,
        [G38.alk_snv("G1202R", alt_reads=90)],
        prior_therapy=["crizotinib", "alectinib", "lorlatinib"],
    )
    lor = drugs(res)["lorlatinib"]
    assert lor.call == "resistant" and lor.basis == "history"
    assert (lor.amp_tier, lor.oncokb_level) == ("", "")


# ----------------------------------------------------------------------------------------------
# 4. Does it explain the progression?
# ----------------------------------------------------------------------------------------------


def test_g1202r_does_not_explain_progression_on_lorlatinib(tmp_path):
    """G1202R is the only finding after crizotinib, alectinib and lorlatinib. Lin 2017 lists G1202R
    as targeted by lorlatinib, so G1202R does not explain progression on lorlatinib: the call says
    so first and names what to look for (compound mutations, bypass tracks, histologic
    transformation; issue 20 point 4). It does explain progression on alectinib (review 2.1:
    "insensitive to ceritinib and alectinib") and on crizotinib (EID441)."""
    res = annotate(
        tmp_path,
        [G38.alk_snv("G1202R", alt_reads=90)],
        prior_therapy=["crizotinib", "alectinib", "lorlatinib"],
    )
    d = drugs(res)
    lor = d["lorlatinib"]
    assert lor.explains_progression.startswith("no:")
    assert "compound" in lor.explains_progression and "histologic" in lor.explains_progression
    assert lor.note.startswith("the findings do not explain progression on lorlatinib")
    assert d["alectinib"].explains_progression.startswith("yes:")
    assert d["crizotinib"].explains_progression.startswith("yes:")
    assert d["ceritinib"].explains_progression == ""  # not progressed on


def test_nothing_found_leaves_progression_unexplained(tmp_path):
    """Nothing catalogued found after alectinib: the progression is unexplained ("unknown"), and
    the sentence lists the mechanisms DNA cannot show (catalogue entries not detectable in DNA,
    e.g. small-cell transformation: bypass row 'Small-cell/histologic transformation')."""
    res = annotate(tmp_path, [], fusions=["EML4-ALK"], prior_therapy=["alectinib"])
    alec = drugs(res)["alectinib"]
    assert alec.explains_progression.startswith("unknown:")
    assert "histologic transformation" in alec.explains_progression


def test_l1196m_explains_crizotinib_but_not_alectinib(tmp_path):
    """L1196M after crizotinib then alectinib: crizotinib resistant (EID237, EID442, review 2.1
    gatekeeper): explains progression on crizotinib; alectinib is active against L1196M (review 6:
    "alectinib ... might be effective"; EID141), so L1196M does not explain progression on it."""
    res = annotate(
        tmp_path, [G38.alk_snv("L1196M", alt_reads=90)], prior_therapy=["crizotinib", "alectinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].explains_progression.startswith("yes:")
    assert d["alectinib"].explains_progression.startswith("no:")


# ----------------------------------------------------------------------------------------------
# 5. Copy number by level
# ----------------------------------------------------------------------------------------------


def _met_arm(log2: float) -> list[tuple]:
    """Chromosome 7: a neutral 7p part and one long segment over MET (7q), as panel
    segmentation often yields (round-1 scenario 'whole 7q')."""
    chrom, _, _ = G38.span("MET")
    return [(chrom, 10_001, 61_999_999, 0.0), (chrom, 62_000_000, 159_000_000, log2)]


def test_met_ten_copies_on_a_long_segment_is_amplification(tmp_path):
    """MET at 5.5-fold (11 copies at ploidy 2) on a 97-Mb segment after alectinib: polysomy cannot
    reach the MET threshold times the ploidy (MET:CEP7 >= 5, EID1713), so it is MET amplification
    (issue 20 point 5), not "broad gain": the bypass mechanism, ALK inhibitor monotherapy reduced
    (Dagogo-Jack 2020, bypass row) and crizotinib, which "strongly inhibits MET", first (review 4
    [31])."""
    res = annotate(tmp_path, [], segments=_met_arm(math.log2(5.5)), prior_therapy=["alectinib"])
    f = [f for f in res.findings if f.gene == "MET" and f.kind == "copy_number"][0]
    assert f.alteration == "amplification" and f.drives_calls
    d = drugs(res)
    assert d["brigatinib"].call == "reduced"
    assert ranked(res)[0] == "crizotinib"


def test_met_relative_to_its_chromosome_is_amplification(tmp_path):
    """MET focal at 2.5-fold on a chromosome 7 whose other segments are at 0.45-fold: below MET's
    5-fold over ploidy, but 5.6 x its chromosome's median level, the sequencing analogue of
    MET:CEP7 >= 5 (EID1713): amplification judged against the chromosome's own level."""
    chrom, start, end = G38.span("MET")
    low = math.log2(0.45)
    segs = [
        (chrom, 10_001, start - 500_001, low),
        (chrom, start - 500_000, end + 500_000, math.log2(2.5)),
        (chrom, end + 500_001, 159_000_000, low),
    ]
    res = annotate(tmp_path, [], segments=segs, prior_therapy=["alectinib"])
    f = [f for f in res.findings if f.gene == "MET" and f.kind == "copy_number"][0]
    assert f.alteration == "amplification"
    assert any("chromosome's median" in n for n in f.notes), f.notes


def test_met_three_fold_on_a_neutral_chromosome_stays_a_gain(tmp_path):
    """MET 3-fold focal on an otherwise neutral chromosome 7: 3 < 5 over ploidy and 3 x the
    chromosome's level (< 5; EID1713): a gain, an observation."""
    chrom, start, end = G38.span("MET")
    segs = [
        (chrom, 10_001, start - 500_001, 0.0),
        (chrom, start - 500_000, end + 500_000, math.log2(3.0)),
        (chrom, end + 500_001, 159_000_000, 0.0),
    ]
    res = annotate(tmp_path, [], segments=segs, prior_therapy=["alectinib"])
    f = [f for f in res.findings if f.gene == "MET" and f.kind == "copy_number"][0]
    assert f.alteration == "gain" and not f.drives_calls


def test_discrete_low_level_gain_stays_an_observation(tmp_path):
    """cBioPortal discrete MET 1 ("gain", the format's low-level value): an observation (issue 20
    point 5: a low-level gain stays an observation)."""
    table = tmp_path / "data_CNA.txt"
    table.write_text(f"Hugo_Symbol\tEntrez_Gene_Id\t{SAMPLE}\nMET\t4233\t1\n")
    res = annotate(tmp_path, [], cnv=str(table), prior_therapy=["alectinib"])
    f = [f for f in res.findings if f.gene == "MET" and f.kind == "copy_number"][0]
    assert not f.drives_calls and f.alteration != "amplification"


def test_baseline_gain_now_amplified_is_acquired(tmp_path):
    """MET 3-fold focal at baseline (a gain: below 5, EID1713), 8-fold focal now: the amplification
    is acquired (increased) under treatment, with the baseline level shown (issue 20 point 5),
    not "pre-existing"."""
    chrom, start, end = G38.span("MET")

    def focal(fold):
        return [
            (chrom, 10_001, start - 500_001, 0.0),
            (chrom, start - 500_000, end + 500_000, math.log2(fold)),
            (chrom, end + 500_001, 159_000_000, 0.0),
        ]

    res = annotate(
        tmp_path, [], segments=focal(8.0), baseline=[], baseline_segments=focal(3.0),
        prior_therapy=["alectinib"],
    )  # fmt: skip
    f = [f for f in res.findings if f.gene == "MET" and f.kind == "copy_number"][0]
    assert f.alteration == "amplification" and f.baseline_status == "acquired"
    assert "increased" in f.notes
    assert any(n.startswith("baseline: MET gain") and "fold 3" in n for n in f.notes), f.notes


# ----------------------------------------------------------------------------------------------
# 6. Read evidence
# ----------------------------------------------------------------------------------------------


def _read_genotypes(bam: Path) -> dict:
    from alkannot.catalogue import load_catalogue
    from alkannot.genome.sequence import ReferenceSequence
    from alkannot.reads import read_evidence

    ev = read_evidence(
        str(bam), build="GRCh38", catalogue=load_catalogue(), reference=ReferenceSequence("GRCh38")
    )
    return {g.alteration: g for g in ev.genotypes if g.source == "dna"}


def test_clonal_neighbour_does_not_hide_a_low_fraction_mutation(tmp_path):
    """400 fragments over codons 1196 and 1202 (18 bp apart): 160 carry G1202R only (a clonal 40 %),
    12 carry G1202R and L1196M (a 3 % subclone), the rest are reference, with no other change
    anywhere. G1202R is a real change, not sequencer noise: the noise estimate must leave its
    positions out (issue 20 point 6), so L1196M, 12 of 400 fragments on an otherwise clean
    background, is detected (expected errors at the 0.1 % floor: 0.4 fragments)."""
    from tests.reads_helpers import BamBuilder, mutate, ref

    start = 29220720
    wt = ref(start, start + 59)
    g1202r = mutate(wt, start, {29220747: "T"})  # G1202R: c.3604G>A, plus strand C>T
    both = mutate(g1202r, start, {29220765: "T"})  # L1196M: plus strand G>T
    b = BamBuilder()
    for i, seq in enumerate([g1202r] * 160 + [both] * 12 + [wt] * 228):
        b.read(f"f{i}", start, seq)
    g = _read_genotypes(b.write(tmp_path / "neighbour.bam"))
    assert g["G1202R"].status == "detected" and g["G1202R"].alt_fragments == 172
    assert g["L1196M"].status == "detected" and g["L1196M"].alt_fragments == 12


def test_second_catalogued_allele_at_a_codon_is_not_noise(tmp_path):
    """Codon 1269 (GGA; plus strand TCC at 29209815-7) in 300 fragments: 60 G1269A (GCA), 60
    G1269S (TCA), 180 reference. Each catalogued allele is its own allele, not a third-allele error
    of the other (issue 20 point 6): both detected with 60 fragments, neither "not evaluable"."""
    from tests.reads_helpers import BamBuilder, mutate, ref

    start = 29209790
    wt = ref(start, start + 59)
    ala = mutate(wt, start, {29209816: "G"})
    ser = mutate(wt, start, {29209817: "A", 29209816: "G"})
    b = BamBuilder()
    for i, seq in enumerate([ala] * 60 + [ser] * 60 + [wt] * 180):
        b.read(f"f{i}", start, seq)
    g = _read_genotypes(b.write(tmp_path / "codon.bam"))
    for name in ("G1269A", "G1269S"):
        assert g[name].status == "detected" and g[name].alt_fragments == 60, g[name]


def test_not_evaluable_says_why(tmp_path):
    """A BAM with reads only over codon 1202: a catalogued site 10 kb away (codon 1269) has no
    reads near it at all: the note says so (issue 20 point 6: "not evaluable" says why)."""
    from tests.reads_helpers import BamBuilder, ref

    b = BamBuilder()
    for i in range(50):
        b.read(f"f{i}", 29220720, ref(29220720, 29220779))
    g = _read_genotypes(b.write(tmp_path / "narrow.bam"))
    assert g["G1269A"].fragments == 0 and "no reads within" in g["G1269A"].note


# ----------------------------------------------------------------------------------------------
# 7. Settled calls
# ----------------------------------------------------------------------------------------------


def test_e1210k_after_crizotinib_second_generation_at_population_level(tmp_path):
    """E1210K after crizotinib: its only sources are Lin 2017 (crizotinib resistance, lorlatinib
    targeted). The second-generation calls come from the after-crizotinib statements (review 3
    [27] ceritinib, [53] alectinib, [64] brigatinib) at population level, labelled "no data for
    ALK E1210K" (issue 20 point 7); brigatinib carries the caution that E1210K with S1206C or with
    D1203N is reported brigatinib-resistant (Lin 2017 Table 2)."""
    res = annotate(tmp_path, [G38.alk_snv("E1210K", alt_reads=90)], prior_therapy=["crizotinib"])
    d = drugs(res)
    for drug in SECOND_GEN_APPROVED:
        assert d[drug].call == "sensitive" and d[drug].basis == "population", drug
        assert any("no data for ALK E1210K" in r.finding for r in d[drug].reasons), drug
        assert not d[drug].amp_tier.startswith("Tier I,"), drug
    assert "E1210K+S1206C" in d["brigatinib"].note and "E1210K+D1203N" in d["brigatinib"].note
    assert d["lorlatinib"].basis == "allele"


def test_reduced_conflicting_goes_to_discuss_not_avoid(tmp_path):
    """G1202R after crizotinib: brigatinib is reduced because the sources disagree (Fontana 2015,
    EID1351, resistant; Lin 2017 "some activity against G1202R"): a call for the board to weigh
    (group "discuss"), not "avoid"; ceritinib, resistant without dissent (review 2.1), is avoid."""
    res = annotate(tmp_path, [G38.alk_snv("G1202R", alt_reads=90)], prior_therapy=["crizotinib"])
    d = drugs(res)
    assert d["brigatinib"].call == "reduced" and d["brigatinib"].conflicting
    assert d["brigatinib"].group == "discuss"
    assert d["ceritinib"].group == "avoid"


def test_met_only_after_alectinib_combines_with_the_current_inhibitor(tmp_path):
    """Focal MET amplification, no on-target finding, after alectinib: the combination's ALK part
    is the current inhibitor, alectinib (issue 20 point 7; the source names "ALK TKI + MET
    inhibitor", Dagogo-Jack 2020 bypass row), although the tumour progressed on alectinib."""
    from tests.clinical_inputs import focal_segments

    res = annotate(
        tmp_path, [], segments=focal_segments(G38, "MET", 3.0), prior_therapy=["alectinib"]
    )
    combo = drugs(res)["ALK inhibitor + MET inhibitor"]
    assert combo.call == "sensitive" and combo.alk_part == "alectinib" and combo.rank is not None


def test_kinase_domain_splice_variant_is_a_kinase_domain_splice_vus(tmp_path):
    """A splice-acceptor change (intron position -1) before the exon holding codon 1202: the
    exon encodes kinase-domain residues (UniProt Q9UM73 kinase domain 1116-1392), so it is a
    kinase-domain splice variant of unknown significance, not "outside the kinase domain"."""
    _, positions = G38.codon(1202)
    # the exon's 3'-most transcript base on the minus strand is its lowest plus-strand position;
    # walk up from codon 1202 to the exon's first transcript base (highest plus position)
    pos = max(positions)
    while pos + 1 in G38.c_to_pos.values():
        pos += 1
    acceptor = pos + 1  # intron base -1 (minus strand: the base after the exon on the plus strand)
    ref = G38.base[acceptor]
    alt = "A" if ref != "A" else "G"
    rec = Record("chr2", acceptor, ref, alt, 300, 60, name="splice")
    res = annotate(tmp_path, [rec], prior_therapy=["crizotinib"])
    (f,) = [f for f in res.findings if f.gene == "ALK" and f.kind == "mutation"]
    assert "splice" in f.consequence
    assert f.significance == "kinase-domain splice variant of unknown significance"


def test_specific_compound_silent_on_a_drug_keeps_the_general_rule(tmp_path):
    """A local catalogue adds a hypothetical named compound G1202R+L1196M that states only a
    crizotinib call. For lorlatinib it is silent, so the general "G1202R + second ALK mutation"
    rule (EID11114, resistant) still applies to lorlatinib, labelled as the general rule (issue
    20 point 7), instead of the silence erasing it."""
    import yaml

    data = yaml.safe_load((ROOT / "resources" / "catalogue" / "catalogue.yaml").read_text())
    data["entries"].append(
        {
            "id": "TEST_G1202R+L1196M",
            "gene": "ALK",
            "alteration": "G1202R+L1196M",
            "kind": "compound",
            "mechanism": "on_target_mutation",
            "summary": "Hypothetical named compound for a test (states crizotinib only).",
            "detectable_in_dna": True,
            "drugs": {
                "crizotinib": {
                    "call": "resistant",
                    "conflicting": False,
                    "evidence": [
                        {
                            "call": "resistant",
                            "source": "civic",
                            "citation": "Katayama 2012; CIViC EID441",
                            "pmid": "22277784",
                            "civic_eid": "EID441",
                            "level": "preclinical",
                            "assay": "test",
                            "statement": "G1202R confers crizotinib resistance",
                        }
                    ],
                }
            },
            "parts": ["G1202R", "L1196M"],
        }
    )
    local = tmp_path / "local.yaml"
    local.write_text(yaml.safe_dump(data, sort_keys=False))
    res = annotate(
        tmp_path, _pair("0/1", "0/1"), prior_therapy=["crizotinib"], catalogue=str(local)
    )
    (c,) = compounds(res)
    assert c.catalogue_id == "TEST_G1202R+L1196M"
    lor = drugs(res)["lorlatinib"]
    assert lor.call == "resistant"
    assert any("general rule" in r.finding for r in lor.reasons)


# ----------------------------------------------------------------------------------------------
# 8. Catalogue corrections and validation
# ----------------------------------------------------------------------------------------------


def _catalogue_data() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "resources" / "catalogue" / "catalogue.yaml").read_text())


def _drug_entry(data: dict, entry_id: str, drug: str) -> dict:
    return next(e for e in data["entries"] if e["id"] == entry_id)["drugs"][drug]


def _validate(tmp_path: Path, data: dict):
    import yaml
    from click.testing import CliRunner

    from alkannot.cli import cli

    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return CliRunner().invoke(cli, ["catalogue", "validate", str(path)])


def test_validate_rejects_a_tier_that_contradicts_its_reason(tmp_path):
    """G1202R/lorlatinib rests on Lin 2017 Table 2, graded preclinical (README evidence levels):
    a curated "Tier I, Level A" contradicts it (preclinical maps to Tier II, Level D, README
    mapping) and `catalogue validate` refuses the file (issue 20 "Done when"); the tier the
    evidence maps to is accepted."""
    data = _catalogue_data()
    _drug_entry(data, "ALK_G1202R", "lorlatinib")["tier"] = "Tier I, Level A"
    bad = _validate(tmp_path, data)
    assert bad.exit_code == 2 and "contradicts its reason" in bad.output
    _drug_entry(data, "ALK_G1202R", "lorlatinib")["tier"] = "Tier II, Level D"
    assert _validate(tmp_path, data).exit_code == 0


def test_validate_rejects_a_resistant_tier_from_a_sensitive_item(tmp_path):
    """G1202R/brigatinib is reduced and conflicting (Fontana 2015 resistant vs Lin 2017 targeted):
    its tier must come from the items saying it loses activity, never from the sensitive one."""
    data = _catalogue_data()
    de = _drug_entry(data, "ALK_G1202R", "brigatinib")
    de["evidence"][1]["level"] = "guideline"  # make the *sensitive* item the strongest
    de["tier"] = "Tier I, Level A"
    assert _validate(tmp_path, data).exit_code == 2


def test_alk_amplification_and_fusion_loss_are_case_level():
    """Review 2.2: "Doeble et al. also reported an ALK copy number gain in two re-biopsied samples
    [32]" and 2.3: "Two of nine ALK-positive NSCLC tumors lost the EML4-ALK fusion gene": two
    patients each, "case" by the catalogue's rule (one to three patients; README levels)."""
    from alkannot.catalogue import load_catalogue

    cat = load_catalogue()
    assert cat.entries["ALK_AMP"].drugs["crizotinib"].level == "case"
    assert cat.entries["ALK_FUSION_LOSS"].drugs["crizotinib"].level == "case"


def test_i1171t_asp3026_is_conflicting():
    """Review section 4 says both: "tumors harboring V1180L and I1171T mutations could be
    suppressed by ... ASP3026" and "ASP3026 seemed to be inactive against I1171T Ba/F3 murine
    cells [51]": sensitive against resistant is reduced and conflicting (README curated-call rule)."""
    from alkannot.catalogue import load_catalogue

    de = load_catalogue().entries["ALK_I1171T"].drugs["ASP3026"]
    assert (de.call, de.conflicting) == ("reduced", True)


def test_section3_phase1_sentence_cites_reference_27():
    """Review section 3: the phase 1 study is reference [27] ("In a phase 1 study of patients with
    advanced NSCLC harboring ALK rearrangements, ceritinib demonstrated ... [27]")."""
    from alkannot.catalogue import load_catalogue

    evs = load_catalogue().entries["ALK_T1151dup"].drugs["ceritinib"].evidence
    phase1 = [e for e in evs if e.statement.startswith("In a phase 1 study")]
    assert phase1 and all("[27]" in e.citation for e in phase1)


def test_cns_context_cites_no_reference_its_sentence_lacks():
    """Review section 6: "In contrast, ceritinib, alectinib, AP26113, or PF-06463922 might be
    preferred in crizotinib-refractory patients with brain metastasis." carries no reference number,
    so its items cite none."""
    from alkannot.catalogue import load_catalogue

    for de in load_catalogue().entries["CONTEXT_CNS"].drugs.values():
        for e in de.evidence:
            if e.statement.startswith("In contrast, ceritinib, alectinib"):
                assert "[" not in e.citation, e.citation


def test_v1180l_alectinib_quote_is_limited_to_v1180l():
    """The V1180L/alectinib item quotes only the V1180L part of the review 4 sentence (the I1171T
    part is I1171T's evidence)."""
    from alkannot.catalogue import load_catalogue

    for e in load_catalogue().entries["ALK_V1180L"].drugs["alectinib"].evidence:
        assert "I1171T" not in e.statement


def test_met_threshold_states_its_provenance(tmp_path):
    """The MET 5-fold threshold is a FISH MET:CEP7 ratio from case reports (EID1713, EID735); the
    finding says so beside the threshold (issue 20 point 8)."""
    from tests.clinical_inputs import focal_segments

    res = annotate(
        tmp_path, [], segments=focal_segments(G38, "MET", 3.0), prior_therapy=["alectinib"]
    )
    f = [f for f in res.findings if f.gene == "MET" and f.kind == "copy_number"][0]
    assert any("FISH ratio" in n and "provenance" in n for n in f.notes), f.notes


def test_i1171n_l1196m_compound_is_alectinib_resistant_from_its_own_case(tmp_path):
    """I1171N + L1196M in cis (same PS and haplotype) after alectinib: the compound's own source
    now names alectinib (Hu 2020, EID11115: progression on alectinib with I1171N and L1196M), so
    the alectinib call rests on the compound entry, and lorlatinib stays sensitive (EID11113: PR
    on lorlatinib)."""
    recs = [
        G38.alk_snv("I1171N", depth=400, alt_reads=80, gt="0|1", ps="5"),
        G38.alk_snv("L1196M", depth=400, alt_reads=80, gt="0|1", ps="5"),
    ]
    res = annotate(tmp_path, recs, prior_therapy=["alectinib"])
    (c,) = compounds(res)
    assert c.catalogue_id == "ALK_I1171N+L1196M"
    alec = drugs(res)["alectinib"]
    assert any(
        r.catalogue_id == "ALK_I1171N+L1196M" and any(e.civic_eid == "EID11115" for e in r.evidence)
        for r in alec.reasons
    )
    assert drugs(res)["lorlatinib"].call == "sensitive"


def test_after_crizotinib_settings_cite_the_trials():
    """The after-crizotinib statements carry the trials CIViC grades A/B for the ALK fusion:
    ASCEND-5 ceritinib (EID7285), alectinib phase 2 (EID1282), ALTA brigatinib (EID4835)."""
    from alkannot.catalogue import load_catalogue

    e = load_catalogue().entries["CONTEXT_CRIZOTINIB_REFRACTORY"]
    for drug, eid in (
        ("ceritinib", "EID7285"),
        ("alectinib", "EID1282"),
        ("brigatinib", "EID4835"),
    ):
        assert any(ev.civic_eid == eid for ev in e.drugs[drug].evidence), drug


def test_found_kras_g12d_is_shown_as_found_never_not_detected(tmp_path):
    """KRAS c.35G>A (G12D: codon 12 GGT -> GAT; KRAS is on the minus strand, so the plus-strand
    change at the second base of codon 12, chr12:25245350 in GRCh38 per the bundled hotspot table's
    G12V neighbour, is C>T). Only G12C and G12V are named by the review (2.6 [32]): G12D is found,
    with the gene's sourced role, not a call, and the first screen never says "KRAS mutation: not
    detected" (issue 20 point 7)."""
    from alkannot.report.firstscreen import not_seen

    rec = Record("chr12", 25245350, "C", "T", 300, 90, name="KRAS G12D")
    res = annotate(tmp_path, [rec], prior_therapy=["crizotinib"])
    f = one(res, "KRAS", "G12D")
    assert not f.mechanism and "review 2.6" in f.significance and "found" in f.significance
    (row,) = [s for s in not_seen(res) if s.mechanism.startswith("KRAS mutation")]
    assert row.state != "not detected" and "G12D" in row.basis


def test_treatment_naive_ranks_the_first_line_inhibitors(tmp_path):
    """A stated treatment-naive patient (``--prior-therapy none``) with EML4-ALK and nothing else:
    the first-line statements apply (AID3, AID34, EMA/FDA first-line approvals, ESMO 1L row). The
    inhibitors with a randomised first-line trial showing longer PFS than crizotinib come first:
    alectinib (ALEX, EID7284, HR 0.47), brigatinib (ALTA-1L, EID11121, HR 0.49), ensartinib
    (eXALT3, FDA row, HR 0.56), lorlatinib (CROWN, Solomon 2024, HR 0.19); then ceritinib and
    crizotinib, the comparator (issue 20 point 7). Chemotherapy, the fallback, is not ranked."""
    res = annotate(tmp_path, [], fusions=["EML4-ALK"], prior_therapy=["none"])
    order = ranked(res)
    assert set(order[:4]) == {"alectinib", "brigatinib", "ensartinib", "lorlatinib"}
    assert set(order[4:6]) == {"ceritinib", "crizotinib"}
    assert "chemotherapy (pemetrexed-based)" not in order
    assert res.metadata.treatment_naive and res.metadata.prior_therapy == ()


def test_unstated_history_is_not_treatment_naive(tmp_path):
    """No --prior-therapy at all: the history is unknown, not "naive"; no first-line statement
    applies and no ALK inhibitor is ranked from a setting (README rule 3)."""
    res = annotate(tmp_path, [], fusions=["EML4-ALK"])
    assert ranked(res) == [] and not res.metadata.treatment_naive


def test_bypass_reduced_call_is_avoid_not_discuss(tmp_path):
    """T1151dup with EGFR L858R after crizotinib: alectinib is reduced because a bypass track needs
    both pathways blocked (review 2.4: EGFR activation "partially retain[s] ALK survival
    signaling"), a reason the sources agree on, so it is "avoid", although T1151dup's own alectinib
    sources disagree (review 4 sensitive, EID1347 resistant); "discuss" is only for a call whose
    every reduced reason is such a disagreement (README report groups)."""
    recs = [G38.alk_codon_dup(1151, alt_reads=60), G38.hotspot("EGFR", "p.L858R", alt_reads=60)]
    res = annotate(tmp_path, recs, prior_therapy=["crizotinib"])
    alec = drugs(res)["alectinib"]
    assert alec.call == "reduced" and alec.group == "avoid"


def test_compound_resensitising_crizotinib_does_not_explain_crizotinib(tmp_path):
    """C1156Y + L1198F (one clone) after crizotinib then lorlatinib: the compound is reported
    lorlatinib-resistant and re-sensitised to crizotinib (Shaw 2016, the compound's entry), so it
    explains progression on lorlatinib ("yes") and not on crizotinib ("no"), never "no source"."""
    recs = [
        G38.alk_snv("C1156Y", alt_reads=60),
        G38.alk_snv("L1198F", alt_reads=57),
    ]
    res = annotate(tmp_path, recs, prior_therapy=["crizotinib", "lorlatinib"])
    d = drugs(res)
    assert d["lorlatinib"].explains_progression.startswith("yes:")
    assert d["crizotinib"].explains_progression.startswith("no:")


def test_bam_trans_overrides_a_cis_caller_phase(tmp_path):
    """The VCF phases G1202R and L1196M in cis (``0|1``, ``0|1``, one PS); the BAM's 400 fragments
    spanning both codons show 100 with G1202R alone, 100 with L1196M alone and none with both
    (built here): the reads say trans, they decide (issue 20 point 1: read evidence wins with
    enough spanning fragments), the disagreement is a warning, and there is no compound."""
    from tests.reads_helpers import BamBuilder, mutate, ref

    start = 29220720
    wt = ref(start, start + 59)
    g = mutate(wt, start, {29220747: "T"})
    m = mutate(wt, start, {29220765: "T"})
    b = BamBuilder()
    for i, seq in enumerate([g] * 100 + [m] * 100 + [wt] * 200):
        b.read(f"f{i}", start, seq)
    bam = b.write(tmp_path / "reads.bam")
    res = annotate(
        tmp_path,
        _pair("0|1", "0|1", alt_a=100, alt_b=100, ps="29220747"),
        prior_therapy=["crizotinib", "alectinib"],
        bam=str(bam),
    )
    assert compounds(res) == []
    assert any("reads say trans" in w for w in res.warnings), res.warnings


def test_population_support_never_ranks_above_allele_support_of_the_same_strength(tmp_path):
    """I1171N after crizotinib: ceritinib has I1171N's own support (EID1368: "I1171N responded to
    ceritinib") beside the after-crizotinib guideline statements; brigatinib has only those
    statements (no I1171N data). Both reach guideline strength through the setting, so the
    allele-specific ceritinib ranks above the population-level brigatinib (issue 20 point 3)."""
    res = annotate(tmp_path, [G38.alk_snv("I1171N", alt_reads=90)], prior_therapy=["crizotinib"])
    d = drugs(res)
    assert d["ceritinib"].basis == "allele" and d["brigatinib"].basis == "population"
    order = ranked(res)
    assert order.index("ceritinib") < order.index("brigatinib")


def test_sensitive_call_partly_covered_by_a_setting_is_population_level(tmp_path):
    """E1210K with focal ALK amplification (4-fold) after crizotinib: ceritinib is supported for
    ALK amplification by review 2.2 [33,34] ("a second-generation ALK inhibitor ... might abrogate
    this resistance") but has no E1210K data; a sensitive call must cover every finding (rule 5),
    and for E1210K only the after-crizotinib statement does, so the call is population level: no
    AMP/ASCO/CAP tier (issue 20 point 3)."""
    from tests.clinical_inputs import focal_segments

    res = annotate(
        tmp_path, [G38.alk_snv("E1210K", alt_reads=90)],
        segments=focal_segments(G38, "ALK", 2.0), prior_therapy=["crizotinib"],
    )  # fmt: skip
    cer = drugs(res)["ceritinib"]
    assert cer.call == "sensitive" and cer.basis == "population" and cer.amp_tier == ""


def test_bypass_only_combination_note_names_the_current_inhibitor(tmp_path):
    """MET amplification alone after alectinib: the combination's note says its ALK part is the
    current inhibitor kept with the MET inhibitor added, not "chosen from the on-target profile"
    (there is no on-target finding; README rule 5)."""
    from tests.clinical_inputs import focal_segments

    res = annotate(
        tmp_path, [], segments=focal_segments(G38, "MET", 3.0), prior_therapy=["alectinib"]
    )
    note = drugs(res)["ALK inhibitor + MET inhibitor"].note
    assert "current ALK inhibitor, alectinib" in note and "on-target profile" not in note


def test_plasma_reads_alone_use_the_plasma_support_rule(tmp_path):
    """A plasma BAM alone (no VCF): 20 of 2000 fragments carry G1202R (1 %, built here). With no
    VCF the reads are the caller and meet the specimen's support rule: in plasma 5 fragments and
    the 0.1 % detection limit (Lanman 2015), not the 2 % tissue floor, so G1202R drives the calls;
    in tissue the same reads stay below the rules (README "Specimen")."""
    from alkannot.api import annotate_sample
    from tests.reads_helpers import BamBuilder, mutate, ref

    start = 29220720
    wt = ref(start, start + 59)
    g = mutate(wt, start, {29220747: "T"})
    b = BamBuilder()
    for i, seq in enumerate([g] * 20 + [wt] * 1980):
        b.read(f"f{i}", start, seq)
    bam = str(b.write(tmp_path / "plasma.bam"))
    plasma = annotate_sample(bam=bam, sample_name="p", specimen_type="plasma")
    tissue = annotate_sample(bam=bam, sample_name="t", specimen_type="tissue")
    (fp,) = [f for f in plasma.findings if f.alteration == "G1202R"]
    (ft,) = [f for f in tissue.findings if f.alteration == "G1202R"]
    assert fp.drives_calls and not ft.drives_calls


# ----------------------------------------------------------------------------------------------
# Follow-up: a fusion call that failed the caller's filters is not evidence of absence
# ----------------------------------------------------------------------------------------------
# "VCF 4.2 s1.4.1 FILTER": "PASS if this position has passed all filters ... Otherwise, if the
# site has not passed all filters, a semicolon-separated list of codes for filters that fail"; a
# record that fails a filter was still called. Arriba's output documentation
# (shared/formats/sv_fusion/arriba/arriba_05-Output-files.md, "confidence"): each prediction is
# "low", "medium" or "high" confidence. Neither says the fusion is absent, so with a
# fusion-positive tissue baseline at an adequate tumour content (rule: "lost" needs the fusion to
# be not detected) the re-biopsy is "not detected (unconfirmed)", never "lost" (EID4288 applies
# to a fusion that is gone, not to one called and filtered).

# GRCh38 EML4 intron 13 / ALK intron 19 ends, as tests/fixtures/fusions/GRCh38.bedpe (sv1)
_BEDPE_HEAD = "#chrom1\tstart1\tend1\tchrom2\tstart2\tend2\tname\tscore\tstrand1\tstrand2\tfilter\n"
_FILTERED_FUSIONS = {
    "lowqual.bedpe": _BEDPE_HEAD
    + "chr2\t42295515\t42295516\tchr2\t29223527\t29223528\tsv1\t3\t+\t-\tLowQual\n",
    "sv.vcf": "##fileformat=VCFv4.2\n"
    + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    + "chr2\t29224000\tb1\tA\tA]chr2:42295554]\t.\tMinSomaticScore\tSVTYPE=BND;MATEID=b2\n"
    + "chr2\t42295554\tb2\tG\tG]chr2:29224000]\t.\tMinSomaticScore\tSVTYPE=BND;MATEID=b1\n",
    "arriba.tsv": "#gene1\tgene2\tstrand1(gene/fusion)\tstrand2(gene/fusion)\tbreakpoint1\t"
    "breakpoint2\tsite1\tsite2\ttype\tsplit_reads1\tsplit_reads2\tdiscordant_mates\tcoverage1\t"
    "coverage2\tconfidence\n"
    "EML4\tALK\t+/+\t-/-\t2:42295516\t2:29223528\tsplice-site\tsplice-site\tinversion\t1\t0\t1\t"
    "40\t60\tlow\n",
}


def _filtered_rebiopsy(tmp_path: Path, name: str, **kw) -> SampleResult:
    from alkannot.api import annotate_sample
    from tests.clinical_inputs import write_fusion_table, write_vcf

    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(_FILTERED_FUSIONS[name])
    return annotate_sample(
        str(write_vcf(tmp_path / "r.vcf", G38, [], tumour=SAMPLE)), build="GRCh38",
        sample_name=SAMPLE, fusions=str(tmp_path / name),
        baseline_vcf=str(write_vcf(tmp_path / "b.vcf", G38, [], tumour=SAMPLE)),
        baseline_fusions=str(write_fusion_table(tmp_path / "b.tsv", SAMPLE, ["EML4-ALK"])),
        prior_therapy=["alectinib"], specimen_type="tissue", purity=0.6, **kw,
    )  # fmt: skip


def test_a_filtered_fusion_call_is_not_a_fusion_loss(tmp_path):
    """A LowQual BEDPE row, a non-PASS breakend pair and an Arriba low-confidence row, each the
    re-biopsy's only ALK call, after a fusion-positive tissue baseline at 60 % tumour content:
    the fusion is "not detected (unconfirmed)" naming the filtered call, never lost, never a
    mechanism; lorlatinib (EID4288 would make it resistant) keeps its call."""
    from alkannot.report.firstscreen import not_seen

    for name, flt in (
        ("lowqual.bedpe", "LowQual"),
        ("sv.vcf", "MinSomaticScore"),
        ("arriba.tsv", "low_confidence"),
    ):
        res = _filtered_rebiopsy(tmp_path / name.split(".")[0], name)
        (f,) = [f for f in res.findings if f.kind == "fusion_loss"]
        assert f.alteration == "fusion not detected (unconfirmed)", name
        assert "EML4::ALK" in f.significance and flt in f.significance, name
        assert "not evidence of absence" in f.significance and not f.drives_calls, name
        assert "fusion_loss" not in res.mechanisms and res.fusion_status == "not_detected", name
        assert drugs(res)["lorlatinib"].call != "resistant", name
        # the filtered call itself is shown as called and unconfirmed, never "detected", and the
        # first screen's fusion row names it rather than saying no fusion was found
        (call,) = [f for f in res.findings if f.kind == "fusion" and f.gene == "ALK"]
        assert not call.passed_filters and "detected" not in call.significance, name
        (row,) = [s for s in not_seen(res) if s.mechanism == "ALK fusion"]
        assert "failed the caller's filters" in row.basis and flt in row.basis, name


def test_a_filtered_fusion_call_beside_a_passing_one_is_present(tmp_path):
    """The same LowQual row beside a passing EML4-ALK call: the passing call decides (present);
    no "not detected" finding at all."""
    (tmp_path / "f.bedpe").write_text(
        _FILTERED_FUSIONS["lowqual.bedpe"]
        + "chr2\t42295515\t42295516\tchr2\t29223527\t29223528\tsv2\t60\t+\t-\tPASS\n"
    )
    from alkannot.fusion import summarise_fusion_status
    from alkannot.io.fusions import read_fusions

    assert summarise_fusion_status(read_fusions(str(tmp_path / "f.bedpe"), "GRCh38")) == "present"


def test_the_first_screen_reason_of_a_history_call_is_the_history(tmp_path):
    """I1171T after alectinib: alectinib is resistant for two reasons, the treatment history (rule
    4: progressed on it, level clinical, no tier) and I1171T's own sources (Katayama 2014, CIViC
    EID1283; review 4 [60]). The call's level is the history's, so its one-line reason says the history first
    (issue 20 point 3: the level shown comes from the reason that decides), then the finding that
    agrees, with that finding's citation."""
    from alkannot.report.firstscreen import reason_line

    res = annotate(tmp_path, [G38.alk_snv("I1171T", alt_reads=66)], prior_therapy=["alectinib"])
    alec = drugs(res)["alectinib"]
    assert alec.basis == "history" and alec.level == "clinical" and not alec.amp_tier
    line = reason_line(alec)
    assert line["text"].startswith("treatment history: progressed on alectinib: resistant")
    assert "ALK I1171T: resistant" in line["text"] and line["citation"]
