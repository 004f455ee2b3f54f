"""Clinical scenarios a tumour board would bring (issue 11), each with the answer it needs.

Every scenario is a small re-biopsy written as the program receives it (a Mutect2-style VCF, a
CNVkit ``.cns``, a ``sample<TAB>fusion`` table, optional baseline files) and annotated end to end
with :func:`alkannot.api.annotate_sample`; a few call the decision functions directly. Alleles
come from the bundled reference tables and the genetic code (``tests/clinical_inputs.py``).

Expected values are written from the sources, never from the program's output. Citations:
"review N.N [n]" is a section and reference number of the review the project is built on
(shared/review/000_690d235e66a3fb30.txt); "EIDnnnn" is a CIViC evidence item
(shared/literature/civic_01-Aug-2024_ALK_context_evidence.tsv); "Lin 2017" is Lin, Riely & Shaw,
Cancer Discov 2017, Table 2 (shared/literature/lin2017_table2_qualitative_coverage.tsv);
"guideline row" is a row of shared/literature/guidelines_and_approvals.tsv; "bypass row" a row of
shared/literature/bypass_mechanisms.tsv; "rule N" is a numbered rule of the decision layer
documented in resources/catalogue/README.md ("The drug matrix of a sample").
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from alkannot.api import annotate_sample, write_sample_reports
from alkannot.models import DrugCall, SampleResult
from tests.clinical_inputs import (
    KINASE_DOMAIN,
    Build,
    Record,
    focal_segments,
    write_cns,
    write_fusion_table,
    write_vcf,
)

G38 = Build("GRCh38")
G37 = Build("GRCh37")
SAMPLE = "S1"
CHEMO = "chemotherapy (pemetrexed-based)"
COMBO_MET = "ALK inhibitor + MET inhibitor"
#: Approved ALK inhibitors for ALK-positive NSCLC (FDA/EMA rows of guidelines_and_approvals.tsv).
APPROVED_ALK = ("crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib", "ensartinib")
#: Agents with no approval in the sourced approval tables (review section 5; guideline rows).
INVESTIGATIONAL = ("ASP3026", "HSP90 inhibitor", "TSR-011")


# every result annotated by a scenario, for the cross-scenario checks at the end
_RESULTS: list[SampleResult] = []


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def annotate(
    tmp_path: Path,
    build: Build = G38,
    records: list[Record] = (),
    segments: list | None = None,
    fusions: list[str] | None = None,
    baseline: list[Record] | None = None,
    baseline_segments: list | None = None,
    baseline_fusions: list[str] | None = None,
    **kw,
) -> SampleResult:
    """Write the scenario's files into ``tmp_path`` and annotate them through the public API."""
    vcf = write_vcf(tmp_path / "rebiopsy.vcf", build, list(records), tumour=SAMPLE)
    args = dict(build=build.name, sample_name=SAMPLE)
    if segments is not None:
        args["cnv"] = str(write_cns(tmp_path / "rebiopsy.cns", segments))
    if fusions is not None:
        args["fusions"] = str(write_fusion_table(tmp_path / "fusions.tsv", SAMPLE, fusions))
    if baseline is not None:
        args["baseline_vcf"] = str(
            write_vcf(tmp_path / "baseline.vcf", build, list(baseline), tumour=SAMPLE)
        )
    if baseline_segments is not None:
        args["baseline_cnv"] = str(write_cns(tmp_path / "baseline.cns", baseline_segments))
    if baseline_fusions is not None:
        args["baseline_fusions"] = str(
            write_fusion_table(tmp_path / "baseline.fusions.tsv", SAMPLE, baseline_fusions)
        )
    args.update(kw)
    res = annotate_sample(str(vcf), **args)
    _RESULTS.append(res)
    return res


def drugs(res: SampleResult) -> dict[str, DrugCall]:
    return {d.drug: d for d in res.drugs}


def ranked(res: SampleResult) -> list[str]:
    """Drugs in rank order (rank 1 first)."""
    return [d.drug for d in sorted((d for d in res.drugs if d.rank), key=lambda d: d.rank)]


def finding(res: SampleResult, gene: str, alteration: str | None = None, kind: str | None = None):
    hits = [
        f
        for f in res.findings
        if f.gene == gene
        and (alteration is None or f.alteration == alteration)
        and (kind is None or f.kind == kind)
    ]
    assert len(hits) == 1, [(f.kind, f.gene, f.alteration) for f in res.findings]
    return hits[0]


def reason_text(dc: DrugCall) -> str:
    """Everything a reader sees behind a drug call: reason labels and quoted evidence."""
    parts = []
    for r in dc.reasons:
        parts.append(r.finding)
        parts += [e.statement for e in r.evidence]
    return " | ".join(parts)


def reasons_from(dc: DrugCall, gene: str) -> list:
    """Reasons that come from a finding of ``gene`` (their label starts with the gene)."""
    return [r for r in dc.reasons if r.finding.startswith(gene + " ")]


def not_offered(dc: DrugCall) -> bool:
    return dc.rank is None and dc.call != "sensitive"


def fusion_loss_finding(res: SampleResult):
    hits = [f for f in res.findings if f.kind == "fusion_loss"]
    assert len(hits) == 1, [(f.kind, f.alteration) for f in res.findings]
    return hits[0]


def text_of(f) -> str:
    return " ".join((f.alteration, f.significance, *f.notes))


def log2_of(fold: float) -> float:
    """The log2 ratio CNVkit writes for a fold change (no purity given: fold = 2 ** log2)."""
    return math.log2(fold)


EML4_ALK = ["EML4-ALK"]
NO_ALK_FUSION = ["KIF5B-RET"]  # the assay ran and called a fusion, but none with ALK


# ----------------------------------------------------------------------------------------------
# A. A single ALK kinase-domain mutation
# ----------------------------------------------------------------------------------------------


def test_g1202r_after_crizotinib_puts_lorlatinib_first(tmp_path):
    """G1202R in a re-biopsy after crizotinib (GRCh38).

    - crizotinib: resistant (EID441, Katayama 2012 [34], review 2.1) and progressed on.
    - ceritinib, alectinib: resistant (review 2.1: "cells with the G1202R mutation were insensitive
      to ceritinib and alectinib" [34,45,46]; EID1345; EID1350 alectinib 64.4x WT).
    - brigatinib: reduced (issue 11 item 11: Fontana 2015 EID1351 resistant, Lin 2017 "some
      activity against G1202R"): not offered.
    - lorlatinib: sensitive (Lin 2017 lists G1202R as targeted by lorlatinib; FDA lorlatinib label,
      any line, guideline row 1; EID7286 ORR 69.5% after crizotinib only): first option.
    - HSP90 inhibitor: preclinical only (EID1352), investigational: never ranked (rule "ranking").
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("G1202R", alt_reads=54)], prior_therapy=["crizotinib"]
    )
    f = finding(res, "ALK", "G1202R")
    assert f.mechanism == "on_target_mutation" and f.hgvsp == "p.Gly1202Arg"
    d = drugs(res)
    assert d["crizotinib"].call == "resistant" and d["crizotinib"].progressed_on
    assert d["ceritinib"].call == "resistant"
    assert d["alectinib"].call == "resistant"
    assert d["brigatinib"].call == "reduced" and d["brigatinib"].rank is None
    assert d["lorlatinib"].call == "sensitive"
    assert ranked(res)[0] == "lorlatinib"
    assert d["HSP90 inhibitor"].rank is None


def test_l1196m_after_crizotinib_ranks_alectinib_and_flags_crizotinib(tmp_path):
    """L1196M after crizotinib (GRCh37).

    - crizotinib: resistant (EID237 Choi 2010, EID442 Katayama 2012; review 2.1 gatekeeper) and
      progressed on: flagged, never offered.
    - alectinib: sensitive and ranked (review 6: "If a crizotinib-refractory patient has the L1196M
      ALK gatekeeper mutation, alectinib or an HSP90 inhibitor might be effective"; review 4;
      EID141 xenograft regression).
    - ceritinib: sensitive and ranked (EID1341; review 3 [46]).
    - HSP90 inhibitor: only "might" (review 6) and preclinical items; investigational, so it is
      not ranked and its level is preclinical or inferential (issue 11 item 11).
    """
    res = annotate(
        tmp_path, G37, [G37.alk_snv("L1196M", alt_reads=75)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant" and d["crizotinib"].progressed_on
    assert d["crizotinib"].rank is None
    assert "progressed on" in d["crizotinib"].note
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None
    assert d["ceritinib"].call == "sensitive" and d["ceritinib"].rank is not None
    assert d["HSP90 inhibitor"].rank is None
    assert d["HSP90 inhibitor"].level in ("preclinical", "inferential", "")


def test_i1171t_after_crizotinib_then_alectinib(tmp_path):
    """I1171T after crizotinib then alectinib (the review 4 patient: "an I1171T ALK mutation in a
    tumor from a patient treated with crizotinib followed by alectinib").

    - alectinib: resistant (EID1283) and progressed on; crizotinib resistant (EID1287) and
      progressed on.
    - ceritinib: sensitive, ranked (review 4 [51]: "Ceritinib and AP26113 were effective at
      inhibiting tumors expressing the V1180L and I1171T mutations"; EID1344; EID1284 PR 7 mo).
    - brigatinib (AP26113): sensitive, ranked (review 4 [51]; review 5 [63]).
    - lorlatinib: sensitive, ranked (Lin 2017 targets I1171T/N/S; EMA lorlatinib after crizotinib
      and at least one other ALK TKI, guideline row "EMA post-2nd-gen").
    - ASP3026: "seemed to be inactive against I1171T Ba/F3 murine cells" (review 4 [51]): not
      sensitive, not ranked.
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("I1171T", alt_reads=66)],
        prior_therapy=["crizotinib", "alectinib"],
    )
    d = drugs(res)
    for drug in ("crizotinib", "alectinib"):
        assert d[drug].call == "resistant" and d[drug].progressed_on and d[drug].rank is None
    for drug in ("ceritinib", "brigatinib", "lorlatinib"):
        assert d[drug].call == "sensitive" and d[drug].rank is not None, drug
    assert d["ASP3026"].call != "sensitive" and d["ASP3026"].rank is None


def test_i1171t_after_first_line_alectinib(tmp_path):
    """I1171T after first-line alectinib (review 4 [60]: "a patient with alectinib-resistance
    harbored the I1171T ALK mutation").

    - alectinib: progressed on, not offered.
    - crizotinib: I1171T is crizotinib-resistant (EID1287 ~50x; Lin 2017 lists I1171T as
      resistance to crizotinib): not offered, although review 6 names crizotinib for
      alectinib-refractory tumours in general.
    - ceritinib: ranked (review 3 [51] "ceritinib could overcome alectinib resistance, including in
      tumors with ALK secondary mutations (I1171T and V1180L)"; EID1344).
    - lorlatinib: ranked (Lin 2017; EMA after alectinib as first ALK TKI; ASCO/Ontario 2L lorlatinib
      after 1L alectinib; NCCN 2019 after 1L alectinib).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("I1171T", alt_reads=66)], prior_therapy=["alectinib"]
    )
    d = drugs(res)
    assert d["alectinib"].progressed_on and not_offered(d["alectinib"])
    assert not d["crizotinib"].progressed_on
    assert not_offered(d["crizotinib"])
    assert d["ceritinib"].call == "sensitive" and d["ceritinib"].rank is not None
    assert d["lorlatinib"].call == "sensitive" and d["lorlatinib"].rank is not None


def test_v1180l_after_crizotinib_then_alectinib(tmp_path):
    """V1180L after crizotinib then alectinib (GRCh37).

    - alectinib: "highly resistant" (EID1286), progressed on; crizotinib "moderately resistant"
      (EID1288), progressed on.
    - ceritinib: sensitive (EID1289; review 4 [51]), ranked; brigatinib sensitive (EID1291; review 5
      [63] "AP26113 was effective on ... V1180L"), ranked.
    - ASP3026: effective in preclinical models (review 5 [51]) but investigational (no approval in
      the sourced tables): positive call in the investigational block, never ranked.
    """
    res = annotate(
        tmp_path,
        G37,
        [G37.alk_snv("V1180L", alt_reads=60)],
        prior_therapy=["crizotinib", "alectinib"],
    )
    d = drugs(res)
    assert d["alectinib"].call == "resistant" and d["alectinib"].progressed_on
    assert d["crizotinib"].call == "resistant" and d["crizotinib"].progressed_on
    assert d["ceritinib"].call == "sensitive" and d["ceritinib"].rank is not None
    assert d["brigatinib"].call == "sensitive" and d["brigatinib"].rank is not None
    assert d["ASP3026"].call == "sensitive"
    assert d["ASP3026"].rank is None and d["ASP3026"].group == "investigational"


def test_f1174c_after_crizotinib_keeps_not_reported_visible(tmp_path):
    """F1174C after crizotinib.

    - ceritinib: resistant (review 2.1 "cells with the F1174C mutation were insensitive to
      ceritinib" [34,45,46]; review 3 [46]).
    - alectinib: review 2.1 "The sensitivity of cells with F1174C mutations to alectinib has not
      been reported" against Lin 2017 (F1174C/L/V targeted by alectinib): conflicting, the review's
      sentence visible, low level (issue 11 item 11), never resistant.
    - lorlatinib: sensitive (Lin 2017 targets F1174C/L/V), ranked.
    - crizotinib: resistant (Lin 2017) and progressed on.
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("F1174C", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["ceritinib"].call == "resistant" and d["ceritinib"].rank is None
    alec = d["alectinib"]
    assert alec.conflicting
    assert "has not been reported" in reason_text(alec)
    assert alec.call != "resistant"
    assert alec.level not in ("guideline", "clinical")
    assert d["lorlatinib"].call == "sensitive" and d["lorlatinib"].rank is not None
    assert d["crizotinib"].call == "resistant" and d["crizotinib"].progressed_on


def test_c1156y_after_crizotinib_hsp90_inhibitor_not_offered(tmp_path):
    """C1156Y after crizotinib: CIViC EID841 (Shaw 2016) reports progression on the HSP90
    inhibitor AUY922 (luminespib) with C1156Y, so the HSP90 inhibitor is not sensitive here
    (issue 11 item 11) and never ranked. Crizotinib: resistant (EID236, EID1346) and progressed on.
    Lorlatinib: sensitive (EID842 PR 8 months; Lin 2017).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("C1156Y", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["HSP90 inhibitor"].call != "sensitive" and d["HSP90 inhibitor"].rank is None
    assert d["crizotinib"].call == "resistant"
    assert d["lorlatinib"].call == "sensitive" and d["lorlatinib"].rank is not None


# ----------------------------------------------------------------------------------------------
# B. Compound mutations against passengers
# ----------------------------------------------------------------------------------------------


def test_c1156y_l1198f_after_lorlatinib_resensitises_to_crizotinib(tmp_path):
    """C1156Y + L1198F at VAFs of one clone (0.20, 0.19) after crizotinib, ceritinib, lorlatinib:
    the Shaw 2016 NEJM patient (EID843: resistant to lorlatinib; EID844: re-sensitised to
    crizotinib, clinical response 6 months; literature README caution: a compound's calls are its
    own).

    - a compound finding naming both mutations;
    - lorlatinib: resistant, progressed on, not ranked;
    - crizotinib: sensitive although progressed on (a source reports activity after progression on
      it, rule 4), the first option: the only drug with patient evidence for this compound.
    """
    res = annotate(
        tmp_path,
        G37,
        [G37.alk_snv("C1156Y", alt_reads=60), G37.alk_snv("L1198F", alt_reads=57)],
        prior_therapy=["crizotinib", "ceritinib", "lorlatinib"],
    )
    compound = [f for f in res.findings if "C1156Y" in f.alteration and "L1198F" in f.alteration]
    assert len(compound) == 1 and compound[0].mechanism
    d = drugs(res)
    assert d["lorlatinib"].call == "resistant" and d["lorlatinib"].progressed_on
    assert d["lorlatinib"].rank is None
    assert d["crizotinib"].progressed_on
    assert d["crizotinib"].call == "sensitive"
    assert d["crizotinib"].rank == 1


def test_c1156y_l1198f_of_two_clones_is_not_the_compound(tmp_path):
    """C1156Y at VAF 0.30 and L1198F at 0.04: the VAFs do not fit one clone (rule 6: the smaller
    VAF at least half the larger), so the Shaw 2016 compound is not asserted; each mutation keeps
    its own profile and a warning names the other variant (issue 11 item 6). Crizotinib is then
    not re-sensitised: C1156Y is crizotinib-resistant (EID236, EID1346).
    """
    res = annotate(
        tmp_path,
        G37,
        [
            G37.alk_snv("C1156Y", depth=400, alt_reads=120),
            G37.alk_snv("L1198F", depth=400, alt_reads=16),
        ],
        prior_therapy=["crizotinib", "ceritinib", "lorlatinib"],
    )
    assert not [f for f in res.findings if "+" in f.alteration]
    assert any("C1156Y" in w and "L1198F" in w for w in res.warnings), res.warnings
    d = drugs(res)
    assert d["crizotinib"].call != "sensitive" and d["crizotinib"].rank is None


def _names_variant(res: SampleResult, dc: DrugCall, name: str) -> bool:
    return any(name in w for w in res.warnings) or name in dc.note


def test_g1202r_with_low_vaf_kinase_domain_vus_keeps_lorlatinib(tmp_path):
    """G1202R (VAF 0.20) plus a kinase-domain missense at codon 1300 that no source names, at 3 %
    VAF (12/400 reads), after crizotinib. A variant of unknown significance never changes a call
    and never completes "G1202R + second mutation" (issue 11 item 6): lorlatinib stays sensitive
    and first (Lin 2017; EID7286), and a warning names the other variant.
    """
    vus = G38.alk_missense(1300, depth=400, alt_reads=12)
    assert KINASE_DOMAIN[0] <= 1300 <= KINASE_DOMAIN[1]
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=400, alt_reads=80), vus],
        prior_therapy=["crizotinib"],
    )
    assert not [f for f in res.findings if "+" in f.alteration]
    f = finding(res, "ALK", vus.name)
    assert f.mechanism == ""
    d = drugs(res)
    assert d["lorlatinib"].call == "sensitive" and ranked(res)[0] == "lorlatinib"
    assert _names_variant(res, d["lorlatinib"], vus.name), (res.warnings, d["lorlatinib"].note)


def test_g1202r_with_clonal_kinase_domain_vus_is_not_a_compound(tmp_path):
    """G1202R (VAF 0.20) and the codon-1300 kinase-domain VUS at VAF 0.18 (one clone by VAF):
    still no compound, because the second change must itself be a catalogued kinase-domain
    resistance mutation (issue 11 item 6; rule 6). Lorlatinib stays sensitive and first.
    """
    vus = G38.alk_missense(1300, depth=400, alt_reads=72)
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=400, alt_reads=80), vus],
        prior_therapy=["crizotinib"],
    )
    assert not [f for f in res.findings if "+" in f.alteration]
    d = drugs(res)
    assert d["lorlatinib"].call == "sensitive" and ranked(res)[0] == "lorlatinib"
    assert _names_variant(res, d["lorlatinib"], vus.name), (res.warnings, d["lorlatinib"].note)


def test_g1202r_with_missense_outside_kinase_domain_keeps_lorlatinib(tmp_path):
    """G1202R plus an ALK missense at codon 1100, before the kinase domain (UniProt Q9UM73 kinase
    domain 1116-1392), at a clonal VAF, after crizotinib: "G1202R + second mutation" needs a
    second kinase-domain resistance mutation (issue 11 item 6), so lorlatinib stays sensitive and
    first; a warning names the other variant.
    """
    other = G38.alk_missense(1100, depth=400, alt_reads=76)
    assert not KINASE_DOMAIN[0] <= 1100 <= KINASE_DOMAIN[1]
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=400, alt_reads=80), other],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", other.name)
    assert not f.in_kinase_domain and f.mechanism == ""
    assert not [f for f in res.findings if "+" in f.alteration]
    d = drugs(res)
    assert d["lorlatinib"].call == "sensitive" and ranked(res)[0] == "lorlatinib"
    assert _names_variant(res, d["lorlatinib"], other.name), (res.warnings, d["lorlatinib"].note)


def test_g1202r_plus_l1196m_of_one_clone_makes_lorlatinib_resistant(tmp_path):
    """G1202R (VAF 0.20) + L1196M (VAF 0.17) after crizotinib: both catalogued kinase-domain
    resistance mutations, both pass, VAFs fit one clone (0.17 >= 0.20 / 2, rule 6), so "G1202R +
    second mutation" fires: lorlatinib resistant at case level (Hu 2020, EID11114; literature
    README: "G1202R plus a second ALK mutation confers lorlatinib resistance (case level)").

    No approved ALK inhibitor is then supported: crizotinib progressed on; ceritinib and
    alectinib resistant to G1202R (review 2.1); brigatinib reduced (Fontana 2015 EID1351 / Lin
    2017). Chemotherapy is the option (issue 11 item 4: "chemotherapy (pemetrexed, CIViC EID945)
    when no ALK inhibitor is supported"; NCCN 2019 "lorlatinib or chemotherapy").
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=400, alt_reads=68),
        ],
        prior_therapy=["crizotinib"],
    )
    compound = [f for f in res.findings if "G1202R" in f.alteration and "+" in f.alteration]
    assert len(compound) == 1 and compound[0].mechanism == "on_target_mutation"
    d = drugs(res)
    assert d["lorlatinib"].call == "resistant" and d["lorlatinib"].rank is None
    assert d["lorlatinib"].level == "case"
    assert not [x for x in APPROVED_ALK if d[x].rank is not None]
    assert ranked(res)[:1] == [CHEMO]


def test_g1202r_plus_l1196m_of_two_clones_keeps_lorlatinib(tmp_path):
    """G1202R (VAF 0.30) + L1196M (VAF 0.05): the VAFs do not fit one clone (0.05 < 0.30 / 2,
    rule 6), so no compound: each keeps its own profile (lorlatinib targets both, Lin 2017) and a
    warning names both variants (issue 11 item 6). Lorlatinib sensitive, first.
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=120),
            G38.alk_snv("L1196M", depth=400, alt_reads=20),
        ],
        prior_therapy=["crizotinib"],
    )
    assert not [f for f in res.findings if "+" in f.alteration]
    assert any("G1202R" in w and "L1196M" in w for w in res.warnings), res.warnings
    d = drugs(res)
    assert d["lorlatinib"].call == "sensitive" and ranked(res)[0] == "lorlatinib"


def test_compound_refuted_by_read_backed_phase(tmp_path):
    """Rule 6: read-backed phase decides when given; ``trans`` refutes a compound even when the
    VAFs fit one clone. Built from the G1202R/L1196M findings of an annotated re-biopsy and passed
    to :func:`alkannot.annotate.compound_findings` with the phase a read-level tool would give.
    """
    from alkannot.annotate import compound_findings
    from alkannot.catalogue import load_catalogue

    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=400, alt_reads=68),
        ],
    )
    singles = [f for f in res.findings if f.alteration in ("G1202R", "L1196M")]
    assert len(singles) == 2
    cat = load_catalogue()
    cis, _ = compound_findings(singles, cat, {frozenset(("G1202R", "L1196M")): "cis"})
    trans, warnings = compound_findings(singles, cat, {frozenset(("G1202R", "L1196M")): "trans"})
    assert len(cis) == 1
    assert trans == [] and any("trans" in w for w in warnings)


# ----------------------------------------------------------------------------------------------
# C. Bypass tracks
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [G38, G37], ids=["GRCh38", "GRCh37"])
def test_met_amplification_after_alectinib(tmp_path, build):
    """Focal MET amplification (8-fold, 1.1-Mb segment) after alectinib, no baseline (both builds).

    - MET amplification is a bypass mechanism (review 4 [31]; Dagogo-Jack 2020, bypass row), with
      the sourced 5-fold threshold shown (CIViC EID1713 MET:CEP7 >= 5) - issue 11 item 7.
    - baseline_status no_baseline (no baseline given; issue 11 item 9).
    - crizotinib: sensitive, first (review 4 [31]: "The patient experienced a dramatic response to
      crizotinib, which strongly inhibits MET"; "crizotinib might be effective against
      crizotinib-naive tumors expressing MET activation after treatment with alectinib").
    - alectinib: progressed on, not offered.
    - ceritinib, brigatinib: ALK-inhibitor monotherapy reduced (Dagogo-Jack 2020: both pathways
      must be blocked; issue 11 item 5), not ranked; lorlatinib not offered either (also MET
      amplification in 22 % after lorlatinib).
    - "ALK inhibitor + MET inhibitor": sensitive (Dagogo-Jack 2020, 2 patients responding).
    """
    res = annotate(
        tmp_path, build, [], segments=focal_segments(build, "MET", 3.0), prior_therapy=["alectinib"]
    )
    f = finding(res, "MET", kind="copy_number")
    assert f.alteration == "amplification" and f.mechanism == "bypass"
    assert f.baseline_status == "no_baseline"
    assert any("EID1713" in n and "5" in n for n in f.notes), f.notes
    d = drugs(res)
    assert d["crizotinib"].call == "sensitive" and d["crizotinib"].rank == 1
    assert d["alectinib"].progressed_on and not_offered(d["alectinib"])
    for drug in ("ceritinib", "brigatinib"):
        assert d[drug].call == "reduced" and d[drug].rank is None, drug
    assert not_offered(d["lorlatinib"])
    assert d[COMBO_MET].call == "sensitive"


def test_l1196m_with_met_amplification_after_alectinib_offers_combination(tmp_path):
    """L1196M + focal MET amplification after alectinib (issue 11 item 5).

    - "ALK inhibitor + MET inhibitor" first, its ALK part lorlatinib: L1196M is targeted by
      lorlatinib (Lin 2017) and lorlatinib is the guideline inhibitor after a second-generation
      one (EMA after alectinib as first TKI; ESMO III,A; NCCN 2019; ASCO/Ontario 2L).
    - ceritinib monotherapy: reduced (Dagogo-Jack 2020, both pathways must be blocked), not ranked.
    - crizotinib: inhibits MET but L1196M is crizotinib-resistant (EID237, EID442): not offered.
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("L1196M", alt_reads=75)],
        segments=focal_segments(G38, "MET", 3.0),
        prior_therapy=["alectinib"],
    )
    d = drugs(res)
    combo = d[COMBO_MET]
    assert combo.call == "sensitive" and combo.rank == 1
    assert combo.alk_part == "lorlatinib"
    assert d["ceritinib"].call == "reduced" and d["ceritinib"].rank is None
    assert not_offered(d["crizotinib"])


def test_met_amplification_after_crizotinib_then_alectinib_combination_part(tmp_path):
    """Focal MET amplification after crizotinib then alectinib. Crizotinib is not offered (progressed
    on; review 4 [31] speaks of "crizotinib-naive tumors"). The combination "ALK inhibitor + MET
    inhibitor" (Dagogo-Jack 2020) is the option; its ALK part is the current ALK inhibitor,
    alectinib, with the MET inhibitor added: the source names "ALK TKI + MET inhibitor" without a
    particular ALK inhibitor, and issue 20 point 7 settles that the ALK part is then the current
    (last) one, which the progressed-on rule does not exclude there.
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        segments=focal_segments(G38, "MET", 3.0),
        prior_therapy=["crizotinib", "alectinib"],
    )
    d = drugs(res)
    assert d["crizotinib"].progressed_on and d["crizotinib"].rank is None
    combo = d[COMBO_MET]
    assert combo.call == "sensitive" and combo.rank == 1
    assert combo.alk_part == "alectinib"


def test_kit_amplification_needs_its_ligand_and_imatinib_only_as_add_on(tmp_path):
    """Focal KIT amplification (8-fold) after crizotinib (review 2.5 [34]).

    - the finding says that KIT-driven resistance needs the ligand SCF, which DNA cannot show
      (review 2.5: "this type of resistance might require both activated tyrosine kinase receptor
      and presence of the ligand");
    - no KIT level in the sources: the threshold used is labelled borrowed (rule 7);
    - imatinib appears only as an add-on to an ALK inhibitor, never alone (review 2.5; issue 11
      item 5);
    - ALK-inhibitor monotherapy (ceritinib, alectinib, brigatinib) reduced: "blocking both pathways
      is likely required" (review 2.4, cKIT named).
    """
    res = annotate(
        tmp_path, G38, [], segments=focal_segments(G38, "KIT", 3.0), prior_therapy=["crizotinib"]
    )
    f = finding(res, "KIT", kind="copy_number")
    assert f.alteration == "amplification" and f.mechanism == "bypass"
    assert "SCF" in text_of(f) or "ligand" in text_of(f), text_of(f)
    assert "borrowed" in text_of(f)
    d = drugs(res)
    assert "imatinib" not in d
    assert any("imatinib" in x and "+" in x for x in d)
    for drug in ("ceritinib", "alectinib", "brigatinib"):
        assert d[drug].call == "reduced" and d[drug].rank is None, drug


@pytest.mark.parametrize("protein", ["p.L858R", "p.E746_A750del"])
def test_egfr_mutant_outgrowth_does_not_trigger_asp3026(tmp_path, protein):
    """EGFR-mutant outgrowth after crizotinib: L858R (Doebele 2012, EID4288: crizotinib resistance)
    or the exon-19 deletion E746_A750del (curated hotspot allele; bypass row "EGFR-mutant
    outgrowth").

    - a bypass mechanism; crizotinib resistant (EID4288) and progressed on;
    - ASP3026: the review 6 sentence ("In cases of crizotinib resistance involving EGFR or IGF-1R,
      ASP3026 (a dual ALK/EGFR inhibitor) ... would be reasonable") is about EGFR activation, not
      an EGFR-mutant clone (issue 11 item 11): ASP3026 is not made sensitive or ranked by it;
    - ALK monotherapy reduced (review 2.4: "blocking both pathways is likely required"; bypass row
      "EGFR activation / EGFR-mutant outgrowth: ALK+EGFR co-inhibition").
    """
    res = annotate(
        tmp_path, G38, [G38.hotspot("EGFR", protein, alt_reads=45)], prior_therapy=["crizotinib"]
    )
    f = finding(res, "EGFR", protein.removeprefix("p."))
    assert f.mechanism == "bypass"
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    asp = d["ASP3026"]
    assert asp.call != "sensitive" and asp.rank is None
    assert "dual ALK/EGFR inhibitor" not in reason_text(asp)
    for drug in ("ceritinib", "alectinib", "brigatinib", "lorlatinib"):
        assert d[drug].call == "reduced" and d[drug].rank is None, drug


def test_kras_g12c_present_before_treatment_is_intrinsic(tmp_path):
    """KRAS G12C in the re-biopsy and in the pre-treatment sample: review 2.6 "harbored a KRAS
    G12C mutation ab initio, this case was considered to be intrinsic resistance" [32]. The
    finding is pre-existing and says intrinsic.
    """
    kras = G38.hotspot("KRAS", "p.G12C", alt_reads=93)
    res = annotate(
        tmp_path,
        G38,
        [kras],
        baseline=[G38.hotspot("KRAS", "p.G12C", alt_reads=84)],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "KRAS", "G12C")
    assert f.baseline_status == "pre-existing"
    assert "intrinsic" in text_of(f)


def test_kras_g12c_absent_before_treatment_is_acquired(tmp_path):
    """KRAS G12C in the re-biopsy, not in a baseline VCF that was assessed: acquired (issue 11
    item 9), not labelled intrinsic (review 2.6 calls only the ab-initio case intrinsic).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.hotspot("KRAS", "p.G12C", alt_reads=93)],
        baseline=[G38.alk_missense(1300, alt_reads=3)],  # the baseline VCF has a record, not KRAS
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "KRAS", "G12C")
    assert f.baseline_status == "acquired"
    assert "intrinsic" not in text_of(f)


# ----------------------------------------------------------------------------------------------
# D. Amplification against gain against arm-level gain
# ----------------------------------------------------------------------------------------------


def test_alk_focal_2_2_fold_is_amplification(tmp_path):
    """ALK 2.2-fold on a focal (1.7-Mb) segment after crizotinib: the review's level ("an ALK copy
    number gain of 2.2-fold", review 2.2 [32]) makes it the ALK amplification mechanism.

    - crizotinib resistant (review 2.2 [32,33]) and progressed on;
    - both halves of "a second-generation ALK inhibitor or an HSP90 inhibitor might abrogate this
      resistance" (review 2.2 [33,34]; issue 11 item 11): alectinib sensitive and ranked (also
      review 4 [53] after crizotinib), the HSP90 inhibitor positive but investigational, unranked;
    - the threshold is shown on the finding (issue 11 item 7).
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        segments=focal_segments(G38, "ALK", log2_of(2.2) + 1e-6, flank=500_000),
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", kind="copy_number")
    assert f.alteration == "amplification" and f.mechanism == "on_target_amplification"
    assert any("2.2" in n for n in f.notes), f.notes
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None
    assert d["HSP90 inhibitor"].call == "sensitive" and d["HSP90 inhibitor"].rank is None
    assert d["HSP90 inhibitor"].level in ("preclinical", "inferential")


def test_alk_focal_gain_below_2_2_fold_is_an_observation(tmp_path):
    """ALK 1.8-fold focal after crizotinib: below the review's 2.2-fold (review 2.2 [32]), a gain,
    an observation that never drives a call (issue 11 item 7): no ALK copy-number reason on any
    drug; alectinib keeps its after-crizotinib call (review 4 [53]).
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        segments=focal_segments(G38, "ALK", log2_of(1.8)),
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", kind="copy_number")
    assert f.alteration != "amplification" and f.mechanism == ""
    assert not any(reasons_from(dc, "ALK") for dc in res.drugs)
    assert drugs(res)["alectinib"].call == "sensitive"


def test_met_low_gain_on_30_mb_segment_is_an_observation(tmp_path):
    """MET log2 0.4 (1.32-fold) on a 30-Mb segment after crizotinib: a broad low-level gain, an
    observation (issue 11 item 7), never the MET amplification mechanism; alectinib and lorlatinib
    are not made resistant or reduced by it (after crizotinib: alectinib review 4 [53]; lorlatinib
    EID7286), and no drug has a MET reason.
    """
    chrom, start, end = G38.span("MET")
    segs = [
        (chrom, 10_001, start - 15_000_001, 0.0),
        (chrom, start - 15_000_000, start + 15_000_000, 0.4),
        (chrom, start + 15_000_001, start + 40_000_000, 0.0),
    ]
    res = annotate(tmp_path, G38, [], segments=segs, prior_therapy=["crizotinib"])
    f = finding(res, "MET", kind="copy_number")
    assert f.alteration != "amplification" and f.mechanism == ""
    d = drugs(res)
    for drug in ("alectinib", "lorlatinib"):
        assert d[drug].call == "sensitive", drug
        assert not reasons_from(d[drug], "MET"), drug


def test_whole_7q_gain_is_not_met_amplification(tmp_path):
    """A 97-Mb segment over MET (most of chromosome 7q) at log2 0.585 (3 copies): an arm-level gain
    or polysomy, never amplification (issue 11 item 7; rule 7). After alectinib: no drug has a MET
    reason; lorlatinib is first (EMA after alectinib as first ALK TKI; NCCN 2019; ASCO/Ontario 2L).
    The same segment at a level of MET's 5-fold or more is amplification (issue 20 point 5: a level
    at or above the threshold times the ploidy is never polysomy), tests/test_clinical_scenarios_round2.py.
    """
    chrom, start, end = G38.span("MET")
    segs = [(chrom, 10_001, 61_999_999, 0.0), (chrom, 62_000_000, 159_000_000, 0.585)]
    res = annotate(tmp_path, G38, [], segments=segs, prior_therapy=["alectinib"])
    f = finding(res, "MET", kind="copy_number")
    assert f.alteration != "amplification" and f.mechanism == ""
    assert not any(reasons_from(dc, "MET") for dc in res.drugs)
    assert ranked(res)[0] == "lorlatinib"


def test_met_three_fold_focal_is_below_the_sourced_threshold(tmp_path):
    """MET 3-fold on a 1.1-Mb segment after crizotinib: below the sourced MET level (MET:CEP7 >= 5,
    CIViC EID1713; > 5.0, EID735), so a gain, not amplification (issue 11 item 7): no MET reason,
    alectinib sensitive after crizotinib (review 4 [53]).
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        segments=focal_segments(G38, "MET", log2_of(3.0)),
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "MET", kind="copy_number")
    assert f.alteration != "amplification" and f.mechanism == ""
    assert not any(reasons_from(dc, "MET") for dc in res.drugs)
    assert drugs(res)["alectinib"].call == "sensitive"


def test_discrete_amplification_counts_with_level_not_verifiable(tmp_path):
    """A cBioPortal/GISTIC discrete table (``Hugo_Symbol, Entrez_Gene_Id, sample``; 2 = "high-level
    amplification" by the caller's own cut-off) says MET 2, after alectinib. Issue 20 point 5: a
    tool's discrete high-level call counts as amplification, marked "level not verifiable" (the
    sourced MET 5-fold, CIViC EID1713/EID735, cannot be checked from it). So it is the MET bypass
    mechanism and crizotinib, which "strongly inhibits MET" (review 4 [31]), is first.
    """
    table = tmp_path / "data_CNA.txt"
    table.write_text(f"Hugo_Symbol\tEntrez_Gene_Id\t{SAMPLE}\nMET\t4233\t2\nALK\t238\t0\n")
    vcf = write_vcf(tmp_path / "rebiopsy.vcf", G38, [], tumour=SAMPLE)
    res = annotate_sample(
        str(vcf), build="GRCh38", cnv=str(table), sample_name=SAMPLE, prior_therapy=["alectinib"]
    )
    _RESULTS.append(res)
    f = finding(res, "MET", kind="copy_number")
    assert f.drives_calls and "level not verifiable" in text_of(f)
    assert ranked(res)[0] == "crizotinib"


def test_alk_arm_level_high_gain_is_alk_amplification(tmp_path):
    """ALK 2.5-fold on a 25-Mb segment of 2p after crizotinib: above the review's 2.2-fold (review
    2.2 [32]); a level at or above the threshold times the ploidy is never polysomy (issue 20 point
    5), and it is 2.5 x the rest of chromosome 2: ALK amplification, a mechanism, though not focal.
    """
    chrom, start, end = G38.span("ALK")
    segs = [(chrom, 10_001, 19_999_999, 0.0), (chrom, 20_000_000, 45_000_000, log2_of(2.5))]
    res = annotate(tmp_path, G38, [], segments=segs, prior_therapy=["crizotinib"])
    f = finding(res, "ALK", kind="copy_number")
    assert f.alteration == "amplification" and f.mechanism == "on_target_amplification"
    assert "not polysomy" in text_of(f)


# ----------------------------------------------------------------------------------------------
# E. Fusion not detected against fusion lost
# ----------------------------------------------------------------------------------------------

_CAUTION = "difficult to prove loss of ALK"  # review 2.3


def test_fusion_not_detected_without_baseline_is_not_lost(tmp_path):
    """The fusion assay found no ALK fusion and there is no baseline (review 2.3: "It is difficult
    to prove loss of ALK in clinical samples"; issue 11 item 8): "not detected (unconfirmed)",
    never "lost", no mechanism, the caution shown; baseline_status no_baseline. After crizotinib,
    alectinib keeps its call (review 4 [53]).
    """
    res = annotate(tmp_path, G38, [], fusions=NO_ALK_FUSION, prior_therapy=["crizotinib"])
    f = fusion_loss_finding(res)
    assert "lost" not in f.alteration and f.mechanism == ""
    assert _CAUTION in text_of(f)
    assert f.baseline_status == "no_baseline"
    assert res.fusion_status != "lost"
    assert drugs(res)["alectinib"].call == "sensitive"


def test_fusion_positive_baseline_low_purity_is_unconfirmed(tmp_path):
    """EML4-ALK at baseline, none at re-biopsy, tumour content 10 %: review 2.3 ("we always have to
    consider whether the specimens contain sufficient cancer cells for analysis" [47]); rule 8
    needs >= 20 %: unconfirmed, not lost, no mechanism; alectinib keeps its after-crizotinib call.
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        fusions=NO_ALK_FUSION,
        baseline=[],
        baseline_fusions=EML4_ALK,
        purity=0.1,
        prior_therapy=["crizotinib"],
    )
    f = fusion_loss_finding(res)
    assert f.alteration != "fusion lost" and f.mechanism == ""
    assert _CAUTION in text_of(f)
    assert res.fusion_status != "lost"
    assert drugs(res)["alectinib"].call == "sensitive"


@pytest.mark.parametrize("build", [G38, G37], ids=["GRCh38", "GRCh37"])
def test_fusion_positive_baseline_adequate_purity_is_lost(tmp_path, build):
    """EML4-ALK at baseline, none at re-biopsy, tumour content 60 %, no kinase-domain mutation:
    fusion lost, a mechanism (review 2.3 [32]: "Two of nine ALK-positive NSCLC tumors lost the
    EML4-ALK fusion gene"; EID4288 ALK-negative EGFR-mutant relapse; bypass row "Loss of ALK fusion:
    non-ALK therapy"). No ALK inhibitor is offered; chemotherapy is (non-ALK therapy; NCCN 2019).
    """
    res = annotate(
        tmp_path,
        build,
        [],
        fusions=NO_ALK_FUSION,
        baseline=[],
        baseline_fusions=EML4_ALK,
        purity=0.6,
        prior_therapy=["crizotinib"],
    )
    f = fusion_loss_finding(res)
    assert f.alteration == "fusion lost" and f.mechanism == "fusion_loss"
    assert res.fusion_status == "lost"
    d = drugs(res)
    assert not [x for x in APPROVED_ALK if d[x].rank is not None]
    assert CHEMO in ranked(res)


def test_fusion_not_detected_beside_kinase_domain_mutation_is_a_contradiction(tmp_path):
    """EML4-ALK at baseline, none at re-biopsy (purity 0.6), but an acquired G1202R, which needs
    the fusion: a contradiction to resolve, not a loss (issue 11 item 8). The warning says so, no
    fusion-loss mechanism, and G1202R keeps its profile (lorlatinib first, Lin 2017; EID7286).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", alt_reads=60)],
        fusions=NO_ALK_FUSION,
        baseline=[],
        baseline_fusions=EML4_ALK,
        purity=0.6,
        prior_therapy=["crizotinib"],
    )
    f = fusion_loss_finding(res)
    assert "contradiction" in text_of(f).lower()
    assert f.alteration != "fusion lost" and f.mechanism == ""
    assert res.fusion_status != "lost"
    assert any("contradiction" in w.lower() for w in res.warnings)
    assert finding(res, "ALK", "G1202R").baseline_status == "acquired"
    assert ranked(res)[0] == "lorlatinib"


def test_fusion_absent_at_both_time_points_is_not_lost(tmp_path):
    """No ALK fusion in the baseline nor in the re-biopsy: nothing was lost (issue 11 item 8, "lost"
    needs a fusion-positive baseline): no mechanism, fusion status not "lost".
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        fusions=NO_ALK_FUSION,
        baseline=[],
        baseline_fusions=NO_ALK_FUSION,
        purity=0.6,
        prior_therapy=["crizotinib"],
    )
    f = fusion_loss_finding(res)
    assert f.alteration != "fusion lost" and f.mechanism == ""
    assert res.fusion_status != "lost"


# ----------------------------------------------------------------------------------------------
# F. Partial baselines
# ----------------------------------------------------------------------------------------------


def test_baseline_vcf_without_baseline_copy_number_gives_no_baseline(tmp_path):
    """Baseline VCF but no baseline copy number (issue 11 item 9): the MET amplification is
    no_baseline, never acquired; G1202R also in the baseline VCF is pre-existing; L1196M only in
    the re-biopsy is acquired.
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", alt_reads=60), G38.alk_snv("L1196M", alt_reads=20)],
        segments=focal_segments(G38, "MET", 3.0),
        baseline=[G38.alk_snv("G1202R", alt_reads=45)],
        prior_therapy=["alectinib"],
    )
    assert finding(res, "MET", kind="copy_number").baseline_status == "no_baseline"
    assert finding(res, "ALK", "G1202R").baseline_status == "pre-existing"
    assert finding(res, "ALK", "L1196M").baseline_status == "acquired"


def test_baseline_copy_number_assessed_gives_acquired_met_amplification(tmp_path):
    """With baseline copy number given and neutral over MET, the re-biopsy's MET amplification is
    acquired (issue 11 item 9: compare each data type the baseline assessed).
    """
    chrom, start, end = G38.span("MET")
    res = annotate(
        tmp_path,
        G38,
        [],
        segments=focal_segments(G38, "MET", 3.0),
        baseline=[],
        baseline_segments=[(chrom, 10_001, end + 40_000_000, 0.0)],
        prior_therapy=["alectinib"],
    )
    assert finding(res, "MET", kind="copy_number").baseline_status == "acquired"


def test_baseline_record_below_filters_is_pre_existing(tmp_path):
    """G1202R in the baseline VCF below the filters (3 of 300 reads, FILTER weak_evidence) and
    clearly in the re-biopsy: "pre-existing (below threshold)" (issue 11 item 9), not acquired.
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", alt_reads=60)],
        baseline=[G38.alk_snv("G1202R", alt_reads=3, filter="weak_evidence")],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", "G1202R")
    assert f.baseline_status == "pre-existing"
    assert "below" in " ".join(f.notes)


def test_fusion_without_baseline_fusion_calls_is_no_baseline(tmp_path):
    """EML4-ALK detected in the re-biopsy; a baseline VCF was given but no baseline fusion calls:
    the fusion is no_baseline, never acquired (issue 11 item 9, "the EML4-ALK fusion of the
    bundled example").
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        fusions=EML4_ALK,
        baseline=[G38.alk_missense(1300, alt_reads=3)],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", kind="fusion")
    assert f.baseline_status == "no_baseline"


def test_mutation_lost_since_baseline_does_not_drive_calls(tmp_path):
    """G1202R in the baseline but not in the re-biopsy: lost, not what drives this progression. After
    crizotinib, ceritinib and alectinib keep their setting call (review [27], [53]), which a
    counted G1202R would have made resistant (review 2.1).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_missense(1300, alt_reads=3)],
        baseline=[G38.alk_snv("G1202R", alt_reads=60)],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", "G1202R")
    assert f.baseline_status == "lost" and not f.drives_calls
    d = drugs(res)
    assert d["ceritinib"].call == "sensitive" and d["alectinib"].call == "sensitive"


# ----------------------------------------------------------------------------------------------
# G. Support: alt reads and clonality
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alt_reads", [1, 2, 3, 4])
def test_one_to_four_alt_reads_never_drive_a_call(tmp_path, alt_reads):
    """G1202R supported by 1-4 of 100 reads (VAF 1-4 %, depth 100) after crizotinib: below the
    default of 5 alt reads (issue 11 item 10; rule 1), shown, never a call. Ceritinib and
    alectinib keep their after-crizotinib call (review [27] ORR 56 %, [53] ORR 54.5 %) instead of
    the G1202R resistance (review 2.1), and lorlatinib is not ranked on G1202R evidence.
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=100, alt_reads=alt_reads)],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", "G1202R")
    assert not f.drives_calls and f.mechanism == ""
    d = drugs(res)
    assert d["ceritinib"].call == "sensitive" and d["alectinib"].call == "sensitive"
    assert not any(
        "G1202R" in r.finding and r.call != "unknown"
        for dc in res.drugs
        for r in dc.reasons
        if "superseded" not in r.finding
    )


def test_five_alt_reads_drive_the_call(tmp_path):
    """G1202R with 5 of 100 reads (VAF 5 %, depth 100): at the default minimum (rule 1: alt reads
    >= 5), so it drives: ceritinib and alectinib resistant (review 2.1 [34,45,46]).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("G1202R", depth=100, alt_reads=5)], prior_therapy=["crizotinib"]
    )
    assert finding(res, "ALK", "G1202R").drives_calls
    d = drugs(res)
    assert d["ceritinib"].call == "resistant" and d["alectinib"].call == "resistant"


def test_min_alt_reads_is_configurable(tmp_path):
    """With ``min_alt_reads=3`` (issue 11 item 10: "default 5, configurable"), G1202R on 4 of 100
    reads drives: ceritinib resistant (review 2.1).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=100, alt_reads=4)],
        prior_therapy=["crizotinib"],
        min_alt_reads=3,
    )
    assert finding(res, "ALK", "G1202R").drives_calls
    assert drugs(res)["ceritinib"].call == "resistant"


def test_subclonal_variant_with_purity_does_not_drive(tmp_path):
    """G1202R at VAF 0.04 (16/400) with tumour content 80 %: cancer-cell fraction 2 x 0.04 / 0.8 =
    0.10, below 0.2 (rule 1; issue 11 item 10: "a subclonal flag when the VAF is far below what the
    purity implies"): flagged subclonal, shown, not a call: ceritinib keeps its after-crizotinib
    call (review [27]).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=400, alt_reads=16)],
        purity=0.8,
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", "G1202R")
    assert f.subclonal and not f.drives_calls
    assert drugs(res)["ceritinib"].call == "sensitive"


def test_same_vaf_without_purity_drives(tmp_path):
    """The same G1202R (16/400 reads) without a purity: no subclonal flag is possible, all support
    rules pass (VAF 4 % >= 2 %, depth 400 >= 20, 16 reads >= 5): it drives (ceritinib resistant,
    review 2.1).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=400, alt_reads=16)],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", "G1202R")
    assert not f.subclonal and f.drives_calls
    assert drugs(res)["ceritinib"].call == "resistant"


# ----------------------------------------------------------------------------------------------
# H. Each line of prior therapy (nothing catalogued found: the setting speaks)
# ----------------------------------------------------------------------------------------------


def test_no_prior_therapy_flags_nothing_as_progressed_on(tmp_path):
    """L1196M with no prior ALK inhibitor given: no drug is flagged progressed on and no note says
    so; crizotinib is still not offered (L1196M: EID237, EID442), alectinib is (review 6; EID141).
    """
    res = annotate(tmp_path, G38, [G38.alk_snv("L1196M", alt_reads=75)])
    assert not any(dc.progressed_on for dc in res.drugs)
    assert not any("progressed on" in dc.note for dc in res.drugs)
    d = drugs(res)
    assert d["crizotinib"].call == "resistant" and d["crizotinib"].rank is None
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None


def test_after_crizotinib_with_nothing_found(tmp_path):
    """Progression on crizotinib, fusion still present, nothing catalogued found.

    Second-generation inhibitors after crizotinib whatever the mechanism (review [27] ceritinib ORR
    56 %, [53] alectinib ORR 54.5 %, [64] AP26113 ORR 67 %; ESMO 2020 "ceritinib and alectinib
    after crizotinib (I,A)", "brigatinib after crizotinib (III,A)"; ASCO/Ontario "after 1L
    crizotinib -> alectinib, brigatinib or ceritinib (strong)"): ceritinib, alectinib, brigatinib
    sensitive and ranked; alectinib at guideline level, mapped to AMP Tier I, Level A and OncoKB 1
    (README mapping table). Crizotinib progressed on: resistant for this patient, not ranked.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"])
    d = drugs(res)
    for drug in ("ceritinib", "alectinib", "brigatinib"):
        assert d[drug].call == "sensitive" and d[drug].rank is not None, drug
    alec = d["alectinib"]
    assert alec.level == "guideline"
    assert (alec.amp_tier, alec.oncokb_level) == ("Tier I, Level A", "1")
    assert d["crizotinib"].progressed_on and d["crizotinib"].rank is None


def test_after_crizotinib_then_alectinib_lorlatinib_first(tmp_path):
    """Crizotinib then alectinib, nothing found: lorlatinib (EMA: after crizotinib and at least one
    other ALK TKI; ESMO "lorlatinib after 2nd-gen ALK TKI (III,A)"; NCCN 2019) first; crizotinib
    and alectinib progressed on, not ranked.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib", "alectinib"])
    d = drugs(res)
    assert ranked(res)[0] == "lorlatinib"
    for drug in ("crizotinib", "alectinib"):
        assert d[drug].progressed_on and d[drug].rank is None


def test_after_first_line_alectinib_lorlatinib_first(tmp_path):
    """First-line alectinib, nothing found: lorlatinib first (EMA after alectinib as first ALK TKI;
    ASCO/Ontario "2L lorlatinib after 1L alectinib"; NCCN 2019 "after 1L alectinib ... lorlatinib
    or chemotherapy"). Review 6 names crizotinib or ceritinib after alectinib only "with activated
    MET or secondary mutations (V1180L or I1171T)", none of which is present: neither is ranked
    above lorlatinib.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["alectinib"])
    d = drugs(res)
    assert ranked(res)[0] == "lorlatinib"
    assert d["alectinib"].progressed_on and d["alectinib"].rank is None


def test_after_ceritinib_alectinib_is_offered(tmp_path):
    """Ceritinib, nothing found: alectinib offered (review 3: "alectinib might be useful in
    ceritinib-refractory patients" [44,45]; issue 11 item 4), and lorlatinib (EMA after ceritinib as
    first ALK TKI). Ceritinib progressed on, not ranked.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["ceritinib"])
    d = drugs(res)
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None
    assert d["lorlatinib"].call == "sensitive" and d["lorlatinib"].rank is not None
    assert d["ceritinib"].progressed_on and d["ceritinib"].rank is None


def test_l1196m_after_ceritinib_alectinib_overcomes_it(tmp_path):
    """L1196M after ceritinib: review 3 "the resistance induced by L1196M and G1269A mutations which
    could occur in patients with ceritinib-resistance could be overcome by alectinib [44,45]":
    alectinib sensitive and ranked; ceritinib progressed on.
    """
    res = annotate(
        tmp_path, G37, [G37.alk_snv("L1196M", alt_reads=60)], prior_therapy=["ceritinib"]
    )
    d = drugs(res)
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None
    assert d["ceritinib"].progressed_on and d["ceritinib"].rank is None


def test_after_lorlatinib_chemotherapy_is_the_option(tmp_path):
    """Crizotinib, alectinib, then lorlatinib, nothing found: no source supports another ALK
    inhibitor whatever the mechanism after lorlatinib (ASCO/Ontario 3L: "lorlatinib (moderate) or
    non-driver chemo-based"); chemotherapy (CIViC EID945; NCCN 2019) is ranked and no ALK inhibitor
    is (issue 11 item 4).
    """
    res = annotate(
        tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib", "alectinib", "lorlatinib"]
    )
    d = drugs(res)
    assert d["lorlatinib"].progressed_on and d["lorlatinib"].rank is None
    assert not [x for x in APPROVED_ALK if d[x].rank is not None]
    assert ranked(res)[:1] == [CHEMO]


def test_stopped_for_toxicity_is_not_progressed_on(tmp_path):
    """Crizotinib received but stopped for toxicity (``progressed_on=[]``; rule 4: "--progressed-on
    narrows it, e.g. after a stop for toxicity"): not flagged progressed on, no history reason.
    """
    res = annotate(
        tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"], progressed_on=[]
    )
    criz = drugs(res)["crizotinib"]
    assert not criz.progressed_on
    assert not any(r.finding.startswith("treatment history") for r in criz.reasons)


# ----------------------------------------------------------------------------------------------
# I. CNS involvement: ranking and wording only
# ----------------------------------------------------------------------------------------------


def test_cns_changes_wording_not_calls(tmp_path):
    """L1196M after crizotinib with and without brain metastases: CNS involvement changes ranking
    and wording only, never a call (issue 11 "CNS involvement"; rule 3 context statements). With
    CNS, a note speaks of the CNS (review 4 [53]: alectinib "might have antitumor activity against
    CNS lesions"; review 6).
    """
    (tmp_path / "cns").mkdir()
    (tmp_path / "no_cns").mkdir()
    l1196m = [G37.alk_snv("L1196M", alt_reads=75)]
    a = annotate(tmp_path / "cns", G37, l1196m, prior_therapy=["crizotinib"], cns_metastases=True)
    b = annotate(
        tmp_path / "no_cns", G37, l1196m, prior_therapy=["crizotinib"], cns_metastases=False
    )
    da, db = drugs(a), drugs(b)
    assert set(da) == set(db)
    for drug in da:
        assert (da[drug].call, da[drug].level) == (db[drug].call, db[drug].level), drug
    assert any("CNS" in dc.note for dc in a.drugs)
    assert not any("CNS" in dc.note for dc in b.drugs)


def test_cns_after_crizotinib_prefers_alectinib_over_ceritinib(tmp_path):
    """Brain metastases after crizotinib, nothing found: ESMO 2020 grades CNS activity alectinib
    (III,A) above ceritinib (IV,B) (guideline row ESMO 1L/CNS), and review 4 reports CNS responses
    to alectinib after crizotinib [53,55-58]: alectinib ranked above ceritinib.
    """
    res = annotate(
        tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"], cns_metastases=True
    )
    d = drugs(res)
    assert d["alectinib"].rank is not None and d["ceritinib"].rank is not None
    assert d["alectinib"].rank < d["ceritinib"].rank


# ----------------------------------------------------------------------------------------------
# J. Output contract: drugs.tsv
# ----------------------------------------------------------------------------------------------


def test_drugs_tsv_columns_rank_level_status_progressed_on(tmp_path):
    """drugs.tsv (issue 11 "Output contract"): keeps sample, drug, call, rank, conflicting,
    reasons, note and adds level, status, progressed_on; rank is empty for every unranked drug;
    crizotinib after progression on it carries progressed_on and no rank; approved drugs say
    approved (FDA/EMA rows), ASP3026 investigational (review 5: no approval).
    """
    res = annotate(
        tmp_path, G37, [G37.alk_snv("L1196M", alt_reads=75)], prior_therapy=["crizotinib"]
    )
    paths = write_sample_reports(res, tmp_path / "out", formats=["tsv"])
    tsv = next(p for p in paths.values() if str(p).endswith(".drugs.tsv"))
    with open(tsv, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    cols = set(rows[0])
    for col in (
        "sample",
        "drug",
        "call",
        "rank",
        "conflicting",
        "reasons",
        "note",
        "level",
        "status",
        "progressed_on",
    ):
        assert col in cols, col
    by = {r["drug"]: r for r in rows}
    unranked = [r for r in rows if r["call"] != "sensitive"]
    assert unranked and all(r["rank"] == "" for r in unranked), unranked
    assert by["crizotinib"]["rank"] == "" and by["crizotinib"]["progressed_on"] in (
        "yes",
        "true",
        "True",
    )
    assert by["alectinib"]["rank"] != "" and by["alectinib"]["status"] == "approved"
    assert by["ASP3026"]["status"] == "investigational"
    unknown = [r for r in rows if r["call"] == "unknown"]
    # X-376 and CEP-37440: no allele-level evidence in the sources (review 5 names them only)
    assert {"X-376", "CEP-37440"} <= {r["drug"] for r in unknown}
    assert all(r["rank"] == "" and r["level"] == "" for r in unknown), unknown


# ----------------------------------------------------------------------------------------------
# K. More mutation profiles, settings and curation corrections
# ----------------------------------------------------------------------------------------------


def test_t1151dup_after_crizotinib(tmp_path):
    """1151Tins (T1151dup) after crizotinib (GRCh37; review 2.1 [34]).

    - crizotinib resistant (EID444, 16x WT) and progressed on;
    - alectinib: EID1347 (16x WT, "resistant") against review 4 ("substantial inhibitory potency
      against ... 1151Tins"): sources disagree, so `reduced` and conflicting (README: "sensitive
      against reduced/resistant: reduced, conflicting"), not ranked;
    - ceritinib not offered (TAE684, ceritinib analogue, 20x WT: EID1348; Lin 2017 lists
      I1151Tins as resistance to ceritinib; review 3 phase-1 sentence, kept for 1151Tins);
    - lorlatinib sensitive and ranked (Lin 2017 targets I1151Tins);
    - HSP90 inhibitor: 17-AAG 0.4x WT (EID1349), preclinical, investigational: never ranked.
    """
    dup = G37.alk_codon_dup(1151, alt_reads=45)
    assert dup.name == "T1151dup"
    res = annotate(tmp_path, G37, [dup], prior_therapy=["crizotinib"])
    f = finding(res, "ALK", "T1151dup")
    assert f.mechanism == "on_target_mutation" and f.hgvsp == "p.Thr1151dup"
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    alec = d["alectinib"]
    assert alec.call == "reduced" and alec.conflicting and alec.rank is None
    assert not_offered(d["ceritinib"])
    assert d["lorlatinib"].call == "sensitive" and d["lorlatinib"].rank is not None
    assert d["HSP90 inhibitor"].rank is None


def test_g1269a_after_crizotinib(tmp_path):
    """G1269A after crizotinib (review 2.1 [32]).

    - crizotinib resistant (EID764 341 vs 22 nM; EID1342) and progressed on;
    - ceritinib sensitive and ranked (EID1342 2.2 vs 1.6 nM; EID1355 1.5x; review 3 [46]); the
      section 3 phase-1 sentence ("ceritinib might paradoxically cause these mutations") is an
      observation, never resistance evidence for G1269A (issue 11 item 11);
    - brigatinib sensitive (EID1353 1.5x WT);
    - alectinib: review 4 "substantial inhibitory potency against ... G1269A" against Fontana 2015
      (EID1354: 6x WT, "resistant" by the authors' 4-10x rule): sources disagree, so `reduced`
      and conflicting (README: "sensitive against reduced/resistant: reduced, conflicting"), not
      ranked.
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("G1269A", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    cer = d["ceritinib"]
    assert cer.call == "sensitive" and cer.rank is not None
    assert not any(
        "paradoxically" in e.statement and r.call == "resistant"
        for r in cer.reasons
        for e in r.evidence
    )
    assert d["brigatinib"].call == "sensitive"
    alec = d["alectinib"]
    assert alec.call == "reduced" and alec.conflicting and alec.rank is None


def test_l1196m_phase1_sentence_is_not_ceritinib_resistance(tmp_path):
    """L1196M with no history: the review 3 phase-1 sentence ("ceritinib could overcome resistance
    by acquiring L1196M or G1269A mutations, whereas ceritinib might paradoxically cause these
    mutations") is an observation, not resistance evidence (issue 11 item 11): ceritinib is
    sensitive (EID1341) and no resistant reason quotes it.
    """
    res = annotate(tmp_path, G38, [G38.alk_snv("L1196M", alt_reads=60)])
    cer = drugs(res)["ceritinib"]
    assert cer.call == "sensitive"
    assert not any(
        "paradoxically" in e.statement and r.call != "sensitive"
        for r in cer.reasons
        for e in r.evidence
    )


def test_s1206y_silent_source_is_covered_by_the_after_crizotinib_setting(tmp_path):
    """S1206Y after crizotinib: crizotinib resistant (EID443); ceritinib sensitive (EID1343 1.5 vs
    1.7 nM); alectinib sensitive (Lin 2017 S1206C/Y targeted). No source speaks of brigatinib and
    S1206Y (Lin 2017's brigatinib row does not list it), so the after-crizotinib statement that
    holds whatever the mechanism covers it (rule 3: review 5 [64] AP26113 ORR 67 % after
    crizotinib; ESMO "brigatinib after crizotinib (III,A)"): brigatinib sensitive and ranked, with
    a reason that names the setting.
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("S1206Y", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    assert d["ceritinib"].call == "sensitive" and d["alectinib"].call == "sensitive"
    brig = d["brigatinib"]
    assert brig.call == "sensitive" and brig.rank is not None
    assert any("setting" in r.finding.lower() for r in brig.reasons), brig.reasons


def test_a_vus_changes_no_call(tmp_path):
    """G1202R alone and G1202R with a clonal kinase-domain VUS (codon 1300) after crizotinib give
    the same call, level and rank for every drug (issue 11 item 6: "A variant of unknown
    significance never changes a call").
    """
    (tmp_path / "alone").mkdir()
    (tmp_path / "vus").mkdir()
    g1202r = G38.alk_snv("G1202R", depth=400, alt_reads=80)
    a = annotate(tmp_path / "alone", G38, [g1202r], prior_therapy=["crizotinib"])
    b = annotate(
        tmp_path / "vus",
        G38,
        [g1202r, G38.alk_missense(1300, depth=400, alt_reads=72)],
        prior_therapy=["crizotinib"],
    )
    da, db = drugs(a), drugs(b)
    assert set(da) == set(db)
    for drug in da:
        assert (da[drug].call, da[drug].level, da[drug].rank) == (
            db[drug].call,
            db[drug].level,
            db[drug].rank,
        ), drug


def test_chemotherapy_not_ranked_while_an_alk_option_is_positive(tmp_path):
    """G1202R after crizotinib: lorlatinib has a positive call (Lin 2017), so the fallback
    chemotherapy (CIViC EID945) is not ranked (issue 11 item 4: chemotherapy "when no ALK
    inhibitor is supported"; README ranking: the fallback is ranked only when no ALK-directed option
    has a positive call).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("G1202R", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["lorlatinib"].rank == 1
    assert d[CHEMO].rank is None


def test_met_amplification_after_crizotinib_offers_the_combination(tmp_path):
    """Focal MET amplification after crizotinib: crizotinib inhibits MET (review 4 [31]) but the
    tumour progressed on it and no source reports activity after that (rule 4): not offered.
    ALK-inhibitor monotherapy reduced (Dagogo-Jack 2020: both pathways must be blocked);
    alectinib, which the MET entry names itself (review 4 [31]: MET amplification "observed in
    alectinib-refractory tumors"), resistant or reduced, not offered either. The
    option is "ALK inhibitor + MET inhibitor" (Dagogo-Jack 2020), ranked, its ALK part the current
    ALK inhibitor, crizotinib (issue 20 point 7: the current inhibitor unless a source says
    otherwise; the progressed-on rule does not exclude it there).
    """
    res = annotate(
        tmp_path, G38, [], segments=focal_segments(G38, "MET", 3.0), prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].progressed_on and d["crizotinib"].rank is None
    for drug in ("ceritinib", "brigatinib"):
        assert d[drug].call == "reduced" and d[drug].rank is None, drug
    assert d["alectinib"].call in ("reduced", "resistant") and d["alectinib"].rank is None
    combo = d[COMBO_MET]
    assert combo.call == "sensitive" and combo.rank is not None
    assert combo.alk_part == "crizotinib"


@pytest.mark.parametrize(
    "depth, alt_reads, filt, why",
    [
        (400, 6, "PASS", "VAF 1.5 % below 2 %"),
        (15, 5, "PASS", "depth 15 below 20"),
        (300, 60, "weak_evidence", "FILTER not PASS"),
    ],
    ids=["vaf", "depth", "filter"],
)
def test_support_rules_vaf_depth_filter(tmp_path, depth, alt_reads, filt, why):
    """G1202R below one support rule (rule 1: FILTER PASS, VAF >= 2 %, depth >= 20): shown, never a
    call. After crizotinib, ceritinib keeps its setting call (review [27]) instead of the G1202R
    resistance (review 2.1).
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("G1202R", depth=depth, alt_reads=alt_reads, filter=filt)],
        prior_therapy=["crizotinib"],
    )
    f = finding(res, "ALK", "G1202R")
    assert not f.drives_calls, why
    assert drugs(res)["ceritinib"].call == "sensitive", why


def test_purity_adjusted_alk_copy_number(tmp_path):
    """ALK focal log2 0.6 with tumour content 40 %: the observed ratio 2**0.6 = 1.516 is a mix of
    tumour and normal cells, so the tumour's fold change is (1.516 - 0.6) / 0.4 = 2.29 (CNVkit's
    purity rescaling, documented in alkannot/copynumber.py), at least the review's 2.2-fold (review
    2.2 [32]): ALK amplification. Without the purity the fold is 1.52: a gain.
    """
    (tmp_path / "pure").mkdir()
    (tmp_path / "raw").mkdir()
    segs = focal_segments(G38, "ALK", 0.6)
    a = annotate(tmp_path / "pure", G38, [], segments=segs, purity=0.4)
    b = annotate(tmp_path / "raw", G38, [], segments=segs)
    assert finding(a, "ALK", kind="copy_number").alteration == "amplification"
    assert finding(b, "ALK", kind="copy_number").alteration != "amplification"


def test_fusion_lost_without_purity_says_to_confirm_adequacy(tmp_path):
    """EML4-ALK at baseline, none at re-biopsy, purity not given, no kinase-domain mutation: rule 8
    (issue 20 point 2) needs a *stated*, adequate tumour content for "lost" (review 2.3 [47]:
    "whether the specimens contain sufficient cancer cells for analysis"), so the fusion is "not
    detected (unconfirmed)", not a mechanism, and the finding asks for the tumour content.
    """
    res = annotate(
        tmp_path,
        G38,
        [],
        fusions=NO_ALK_FUSION,
        baseline=[],
        baseline_fusions=EML4_ALK,
        prior_therapy=["crizotinib"],
    )
    f = fusion_loss_finding(res)
    assert f.alteration == "fusion not detected (unconfirmed)" and not f.mechanism
    assert "tumour content" in text_of(f) or "purity" in text_of(f)


def test_fusion_not_detected_beside_mutation_without_baseline_is_a_contradiction(tmp_path):
    """No baseline; the fusion assay found no ALK fusion but the re-biopsy has L1196M, which needs
    the fusion: flagged as a contradiction (issue 11 item 8), never "lost".
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("L1196M", alt_reads=60)],
        fusions=NO_ALK_FUSION,
        prior_therapy=["crizotinib"],
    )
    f = fusion_loss_finding(res)
    assert "contradiction" in text_of(f).lower() and f.mechanism == ""
    assert res.fusion_status != "lost"


def test_fusion_present_gives_no_fusion_finding_of_loss(tmp_path):
    """EML4-ALK detected in the re-biopsy: the fusion is present; no "not detected" or "lost"
    finding exists (issue 11 item 8).
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"])
    assert res.fusion_status == "present"
    assert not [f for f in res.findings if f.kind == "fusion_loss"]
    assert finding(res, "ALK", kind="fusion").alteration == "EML4::ALK"


def test_what_dna_cannot_show_is_listed_as_not_assessed(tmp_path):
    """Mechanisms DNA sequencing does not show are listed under "not assessed" (issue 11 item 11):
    HGF-driven MET activation (review 4 [61]), the KIT ligand SCF (review 2.5), EMT (Recondo 2020,
    bypass row), histologic transformation (bypass row "Small-cell/histologic transformation"),
    MAP2K1 (Crystal 2014, bypass row; not among the genes read), NF2 loss (Recondo 2020, bypass
    row; not among the genes read).
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"])
    text = " ".join(res.not_assessed)
    for word in ("HGF", "SCF", "EMT", "transformation", "MAP2K1", "NF2"):
        assert word in text, word


def test_drug_status_from_the_sourced_approval_table(tmp_path):
    """Drug status (issue 11 item 2) from guidelines_and_approvals.tsv: lorlatinib FDA 2021-03-03
    (label 210868s004) and EMA 2019-05-06; alectinib FDA 2017-11-06; ensartinib FDA 2024-12-18;
    crizotinib FDA 2017-07-21 -> approved. ASP3026, TSR-011, HSP90 inhibitors: no approval ->
    investigational (review 5). Combinations are never approved as such. Chemotherapy:
    guideline (NCCN, ASCO/Ontario; no ALK-specific approval).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("L1196M", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    for drug, dates in (
        ("lorlatinib", ("2021-03-03", "2019-05-06")),
        ("alectinib", ("2017-11-06",)),
        ("crizotinib", ("2017-07-21",)),
    ):
        assert d[drug].status == "approved", drug
        for date in dates:
            assert date in d[drug].approval, (drug, d[drug].approval)
    for drug in ("ASP3026", "HSP90 inhibitor"):
        assert d[drug].status == "investigational", drug
    from alkannot.catalogue import load_catalogue

    combinations = [x for x in load_catalogue().drugs if " + " in x.id]
    assert combinations and all(x.status != "approved" for x in combinations), combinations
    assert d[CHEMO].status == "guideline"


def test_investigational_agent_with_trial_data_is_tier_ii_level_c(tmp_path):
    """After crizotinib, TSR-011: "four of six evaluable ALK-positive and crizotinib-pretreated
    patients achieved a response" (review 5 [68], a phase 1/2 study: clinical). A positive call for
    an investigational agent: its own block, not ranked (issue 11 item 3), AMP/ASCO/CAP Tier II,
    Level C (README mapping: clinical evidence, investigational agent).
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"])
    tsr = drugs(res)["TSR-011"]
    assert tsr.call == "sensitive" and tsr.rank is None
    assert tsr.group == "investigational"
    assert tsr.amp_tier == "Tier II, Level C"


def test_progressed_on_drug_has_no_evidence_tier(tmp_path):
    """A call that rests on the patient's own history carries no AMP/ASCO/CAP tier and no
    OncoKB-style level (README mapping: "inferential, unknown, history: not tiered"): crizotinib
    after progression on it, nothing found.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib"])
    criz = drugs(res)["crizotinib"]
    assert criz.progressed_on and criz.call == "resistant"
    assert criz.amp_tier == "" and criz.oncokb_level == ""


def test_compound_resistance_at_case_level_has_no_oncokb_resistance_level(tmp_path):
    """G1202R + L1196M of one clone: lorlatinib resistant at case level (Hu 2020, EID11114). README
    mapping: case -> Tier II, Level D and no OncoKB resistance level (R2 needs compelling clinical
    evidence).
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=400, alt_reads=68),
        ],
        prior_therapy=["crizotinib"],
    )
    lor = drugs(res)["lorlatinib"]
    assert (lor.call, lor.level) == ("resistant", "case")
    assert lor.amp_tier == "Tier II, Level D" and lor.oncokb_level == ""


# ----------------------------------------------------------------------------------------------
# L. The HTML report: next options and the fusion caution
# ----------------------------------------------------------------------------------------------


def _html(res: SampleResult, outdir: Path) -> str:
    paths = write_sample_reports(res, outdir, formats=["html"])
    return Path(paths["html"]).read_text()


def test_next_options_sentence_lists_ranked_drugs_only(tmp_path):
    """G1202R after crizotinib: the report's "next options" sentence names the ranked drugs only
    (issue 11 item 3): lorlatinib; never crizotinib (progressed on), the reduced brigatinib, or
    the unranked investigational HSP90 inhibitor and TSR-011.
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("G1202R", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    html = _html(res, tmp_path / "out")
    start = html.index('id="next-options"')
    ranked = html[html.index("<ol>", start) : html.index("</ol>", start)]
    offered = re.findall(r'<li data-drug="([^"]+)"', ranked)
    assert offered == ["lorlatinib"]
    # chemotherapy keeps its positive call (guideline, Lee 2011) and stands under its own
    # heading in the same box (issue 24), never among the ranked options
    box = html[start : html.index('id="avoid"', start)]
    assert "guideline: chemotherapy" in box
    for drug in ("crizotinib", "brigatinib", "HSP90 inhibitor", "TSR-011", "ceritinib"):
        assert drug not in offered, drug


def test_fusion_caution_in_the_summary_not_a_footnote(tmp_path):
    """Fusion not detected, no baseline: the review 2.3 caution ("It is difficult to prove loss of
    ALK in clinical samples") stands in the summary section of the report, before the findings
    table (issue 11 item 8: "in the headline, not a footnote").
    """
    res = annotate(tmp_path, G38, [], fusions=NO_ALK_FUSION, prior_therapy=["crizotinib"])
    html = _html(res, tmp_path / "out")
    summary = html[html.index('id="first-screen"') : html.index('id="findings-section"')]
    assert _CAUTION in summary


# ----------------------------------------------------------------------------------------------
# M. More compound and history cases
# ----------------------------------------------------------------------------------------------


def test_compound_part_below_support_does_not_complete_it(tmp_path):
    """G1202R (80/400 reads) with L1196M on 4 of 20 reads (VAF 0.20, one clone by VAF, but 4 alt
    reads < 5): rule 6 "every compound needs both parts counted", so no compound; lorlatinib
    stays sensitive and first (Lin 2017) and a warning names L1196M.
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=20, alt_reads=4),
        ],
        prior_therapy=["crizotinib"],
    )
    assert not [f for f in res.findings if "+" in f.alteration]
    assert any("L1196M" in w for w in res.warnings), res.warnings
    assert ranked(res)[0] == "lorlatinib"


@pytest.mark.parametrize(
    "l1196m_reads, fires", [(40, True), (36, False)], ids=["half-fits", "below-half"]
)
def test_one_clone_rule_boundary(tmp_path, l1196m_reads, fires):
    """Rule 6: the parts fit one clone when "the smaller VAF [is] at least half the larger".
    G1202R at 80/400 (0.20) with L1196M at 40/400 (0.10, exactly half): the compound fires and
    lorlatinib is resistant (EID11114); at 36/400 (0.09) it does not and lorlatinib stays
    sensitive (Lin 2017).
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=400, alt_reads=l1196m_reads),
        ],
        prior_therapy=["crizotinib"],
    )
    compound = [f for f in res.findings if "+" in f.alteration]
    assert bool(compound) == fires
    assert drugs(res)["lorlatinib"].call == ("resistant" if fires else "sensitive")


def test_i1171n_l1196m_compound_responds_to_lorlatinib(tmp_path):
    """I1171N + L1196M of one clone after alectinib: the Hu 2020 case (EID11113: partial response to
    lorlatinib, 3.6 months; mesothelioma, case level). Lorlatinib sensitive, first; alectinib
    progressed on (and I1171N is alectinib-resistant, EID1367/EID1483).
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("I1171N", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=400, alt_reads=76),
        ],
        prior_therapy=["alectinib"],
    )
    d = drugs(res)
    assert d["lorlatinib"].call == "sensitive" and ranked(res)[0] == "lorlatinib"
    assert d["alectinib"].progressed_on and d["alectinib"].rank is None


def test_g1202r_i1171n_l1196m_is_one_compound(tmp_path):
    """G1202R + I1171N + L1196M of one clone after alectinib: the Hu 2020 progression on lorlatinib
    (EID11114, case). One triple compound finding (the three alleles are one profile, listed
    once), lorlatinib resistant, not ranked.
    """
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("G1202R", depth=400, alt_reads=72),
            G38.alk_snv("I1171N", depth=400, alt_reads=80),
            G38.alk_snv("L1196M", depth=400, alt_reads=76),
        ],
        prior_therapy=["alectinib"],
    )
    d = drugs(res)
    assert d["lorlatinib"].call == "resistant" and d["lorlatinib"].rank is None
    triples = [
        f for f in res.findings if all(x in f.alteration for x in ("G1202R", "I1171N", "L1196M"))
    ]
    assert len(triples) == 1, [f.alteration for f in triples]


def test_alk_amplification_with_l1196m_after_crizotinib(tmp_path):
    """ALK 4-fold focal amplification with L1196M after crizotinib (review 2.2 [33]: cells with the
    amplification "also harbored the gatekeeper mutation L1196M" were completely resistant to
    crizotinib). Crizotinib resistant; alectinib sensitive for both findings (review 2.2 "a
    second-generation ALK inhibitor ... might abrogate this resistance"; review 6 and EID141 for
    L1196M), ranked; the HSP90 inhibitor (review 2.2, review 6) investigational, unranked.
    """
    res = annotate(
        tmp_path,
        G38,
        [G38.alk_snv("L1196M", alt_reads=60)],
        segments=focal_segments(G38, "ALK", 2.0),
        prior_therapy=["crizotinib"],
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None
    assert d["HSP90 inhibitor"].rank is None


def test_after_first_line_brigatinib_lorlatinib_first(tmp_path):
    """First-line brigatinib, nothing found: lorlatinib first (ASCO/Ontario "2L lorlatinib after 1L
    alectinib or brigatinib"; NCCN 2019 "after 1L alectinib/brigatinib/ceritinib -> lorlatinib or
    chemotherapy"); brigatinib progressed on.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["brigatinib"])
    d = drugs(res)
    assert ranked(res)[0] == "lorlatinib"
    assert d["brigatinib"].progressed_on and d["brigatinib"].rank is None


def test_prior_therapy_by_code_name(tmp_path):
    """Prior therapy given by its code name (PF-06463922 is lorlatinib, review section 5) is the same
    drug: lorlatinib is flagged progressed on and not offered.
    """
    res = annotate(tmp_path, G38, [], fusions=EML4_ALK, prior_therapy=["crizotinib", "PF-06463922"])
    lor = drugs(res)["lorlatinib"]
    assert lor.progressed_on and lor.rank is None


def test_findings_tsv_mechanism_empty_for_observations(tmp_path):
    """findings.tsv (issue 11 "Output contract"): ``mechanism`` is empty for observations - a
    broad gain (MET log2 0.4 on a 30-Mb segment), a kinase-domain VUS (codon 1300), a variant below
    the support rules (G1202R on 3 reads) - and filled for the mechanism (L1196M, review 2.1);
    ``baseline_status`` is one of acquired, pre-existing, lost, no_baseline, not_compared.
    """
    chrom, start, end = G38.span("MET")
    segs = [(chrom, start - 15_000_000, start + 15_000_000, 0.4)]
    res = annotate(
        tmp_path,
        G38,
        [
            G38.alk_snv("L1196M", alt_reads=60),
            G38.alk_missense(1300, alt_reads=50),
            G38.alk_snv("G1202R", depth=100, alt_reads=3),
        ],
        segments=segs,
        prior_therapy=["crizotinib"],
    )
    vus = G38.alk_missense(1300).name
    paths = write_sample_reports(res, tmp_path / "out", formats=["tsv"])
    tsv = next(p for p in paths.values() if str(p).endswith(".findings.tsv"))
    with open(tsv, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    by = {(r["gene"], r["alteration"]): r for r in rows}
    assert by[("ALK", "L1196M")]["mechanism"] == "on_target_mutation"
    assert by[("ALK", vus)]["mechanism"] == ""
    assert by[("ALK", "G1202R")]["mechanism"] == ""
    met = [r for r in rows if r["gene"] == "MET"]
    assert len(met) == 1 and met[0]["mechanism"] == ""
    allowed = {"acquired", "pre-existing", "lost", "no_baseline", "not_compared"}
    assert {r["baseline_status"] for r in rows} <= allowed


# ----------------------------------------------------------------------------------------------
# N. Mutation-specific evidence against the treatment setting alone
# ----------------------------------------------------------------------------------------------


def test_s1206y_drugs_with_data_rank_above_the_setting_alone(tmp_path):
    """S1206Y after crizotinib. The after-crizotinib statements apply to ceritinib ([27], ESMO
    I,A), alectinib ([53], ESMO I,A) and brigatinib ([64], ESMO III,A) alike; ceritinib and
    alectinib also have S1206Y-specific support (EID1343; Lin 2017 S1206C/Y targeted by alectinib),
    brigatinib has none (Lin 2017's brigatinib row does not list S1206). A drug backed by the same
    setting plus mutation-specific data cannot rank below one backed by the setting alone (README:
    a call carries the strongest level behind it; then the setting).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("S1206Y", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["brigatinib"].rank > d["ceritinib"].rank
    assert d["brigatinib"].rank > d["alectinib"].rank


def test_e1210k_after_crizotinib(tmp_path):
    """E1210K after crizotinib: crizotinib resistant (Lin 2017 lists E1210K as resistance to
    crizotinib) and progressed on; lorlatinib targets E1210K (Lin 2017): sensitive and ranked.
    No source speaks of ceritinib, alectinib or brigatinib and E1210K, so the after-crizotinib
    statements that hold whatever the mechanism cover them (rule 3: review [27], [53], [64]; ESMO
    2020 "ceritinib and alectinib after crizotinib (I,A)", "brigatinib after crizotinib (III,A)";
    ASCO/Ontario "after 1L crizotinib -> alectinib, brigatinib or ceritinib (strong)"): sensitive,
    ranked, each with a reason naming the setting. (Which of them comes first is left to the
    documented ranking: the sources give no E1210K-specific order.)
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("E1210K", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant" and d["crizotinib"].rank is None
    assert d["lorlatinib"].call == "sensitive" and d["lorlatinib"].rank is not None
    for drug in ("ceritinib", "alectinib", "brigatinib"):
        dc = d[drug]
        assert dc.call == "sensitive" and dc.rank is not None, drug
        assert any("setting" in r.finding.lower() for r in dc.reasons), drug


def test_f1174l_after_crizotinib(tmp_path):
    """F1174L after crizotinib (Figure 2 list, cited as review 2.1): crizotinib resistant (EID33,
    Sasaki 2010) and progressed on; ceritinib not offered (Lin 2017: F1174C/L/V reported as
    resistance to ceritinib); alectinib sensitive and ranked (review 4: "substantial inhibitory
    potency against ... F1174L"; Lin 2017).
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("F1174L", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    assert not_offered(d["ceritinib"])
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None


def test_l1152r_after_crizotinib(tmp_path):
    """L1152R after crizotinib (Sasaki 2011, EID763: crizotinib resistance): ceritinib not offered
    (Lin 2017: L1152P/R reported as resistance to ceritinib); alectinib sensitive and ranked (review
    4: "substantial inhibitory potency against ... L1152R"; Lin 2017 L1152P/R targeted).
    """
    res = annotate(
        tmp_path, G37, [G37.alk_snv("L1152R", alt_reads=60)], prior_therapy=["crizotinib"]
    )
    d = drugs(res)
    assert d["crizotinib"].call == "resistant"
    assert not_offered(d["ceritinib"])
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None


def test_l1256f_after_lorlatinib_alectinib(tmp_path):
    """L1256F after first-line lorlatinib: resistant to lorlatinib with increased alectinib
    sensitivity (Okada 2019 EBioMedicine, PMC6441848, literature table row L1256F): lorlatinib
    progressed on, not offered; alectinib sensitive and ranked.
    """
    res = annotate(
        tmp_path, G38, [G38.alk_snv("L1256F", alt_reads=60)], prior_therapy=["lorlatinib"]
    )
    d = drugs(res)
    assert d["lorlatinib"].progressed_on and not_offered(d["lorlatinib"])
    assert d["alectinib"].call == "sensitive" and d["alectinib"].rank is not None


# ----------------------------------------------------------------------------------------------
# O. Read-backed phase decides a compound (VCF and BAM of the same re-biopsy)
# ----------------------------------------------------------------------------------------------


def _phase_bam(path: Path, a: Record, b: Record, both: int, a_only: int, b_only: int) -> Path:
    """Read pairs over ALK exon 23 (both codons 1196 and 1202 on every fragment: 18 bp apart),
    carrying the two alleles together, apart, or not at all (100 reference pairs)."""
    from tests.reads_helpers import BamBuilder, mutate, ref

    s1, s2 = 29220720, 29220730  # each mate covers 29220745-29220789
    r1, r2 = ref(s1, s1 + 59), ref(s2, s2 + 59)
    bam = BamBuilder()
    for prefix, n, changes in (
        ("both", both, {a.pos: a.alt, b.pos: b.alt}),
        ("a", a_only, {a.pos: a.alt}),
        ("b", b_only, {b.pos: b.alt}),
        ("n", 100, {}),
    ):
        for i in range(n):
            bam.pair(f"{prefix}{i}", s1, mutate(r1, s1, changes), s2, mutate(r2, s2, changes))
    return bam.write(path)


@pytest.mark.parametrize("phase", ["cis", "trans"])
def test_read_backed_phase_decides_g1202r_plus_l1196m(tmp_path, phase):
    """G1202R and L1196M after crizotinib, both at VAF 0.19 in the VCF (one clone by VAF), with the
    re-biopsy's reads. Rule 6: phase from reads decides when given: ``cis`` (the two on the same
    fragments) confirms "G1202R + second mutation" - lorlatinib resistant (EID11114, case) - and
    ``trans`` (never on the same fragment) refutes it: each mutation keeps its own profile,
    lorlatinib sensitive and first (Lin 2017 targets both; EID7286).
    """
    g, m = G38.alk_snv("G1202R", alt_reads=57), G38.alk_snv("L1196M", alt_reads=57)
    counts = (
        dict(both=30, a_only=0, b_only=0) if phase == "cis" else dict(both=0, a_only=30, b_only=30)
    )
    bam = _phase_bam(tmp_path / "rebiopsy.bam", g, m, **counts)
    res = annotate(tmp_path, G38, [g, m], prior_therapy=["crizotinib"], bam=str(bam))
    compound = [f for f in res.findings if "+" in f.alteration]
    lor = drugs(res)["lorlatinib"]
    if phase == "cis":
        assert compound and lor.call == "resistant" and lor.rank is None
    else:
        assert compound == []
        assert lor.call == "sensitive" and ranked(res)[0] == "lorlatinib"


@pytest.mark.parametrize("alt_fragments, drives", [(3, False), (12, True)])
def test_reads_only_support_rule(tmp_path, alt_fragments, drives):
    """The re-biopsy given as reads only (``bam=``, no VCF), after crizotinib: G1202R on 3 of 103
    fragments (VAF 2.9 %, above 2 %, but 3 alt reads < 5) never drives a call; on 12 of 112 it
    does (issue 11 item 10; rule 1). Driving, G1202R makes ceritinib resistant (review 2.1);
    not driving, ceritinib keeps its after-crizotinib call (review [27]).
    """
    g = G38.alk_snv("G1202R")
    other = G38.alk_snv("L1196M")  # not planted: only G1202R fragments differ from the reference
    bam = _phase_bam(tmp_path / "reads.bam", g, other, both=0, a_only=alt_fragments, b_only=0)
    res = annotate_sample(bam=str(bam), sample_name=SAMPLE, prior_therapy=["crizotinib"])
    _RESULTS.append(res)
    f = finding(res, "ALK", "G1202R")
    assert f.drives_calls == drives
    assert drugs(res)["ceritinib"].call == ("resistant" if drives else "sensitive")


# ----------------------------------------------------------------------------------------------
# P. Across scenarios: a fixed panel, plus every result the scenarios above produced
# ----------------------------------------------------------------------------------------------

#: A panel of the scenarios above (records, copy-number gene and log2, fusion, prior therapy), so
#: that these checks do not depend on which other tests ran.
_PANEL = [
    (G38, ["G1202R"], None, None, ["crizotinib"]),
    (G37, ["L1196M"], None, None, ["crizotinib"]),
    (G38, ["I1171T"], None, None, ["crizotinib", "alectinib"]),
    (G37, ["V1180L"], None, None, ["crizotinib", "alectinib"]),
    (G38, ["F1174C"], None, None, ["crizotinib"]),
    (G38, ["C1156Y"], None, None, ["crizotinib"]),
    (G37, ["C1156Y", "L1198F"], None, None, ["crizotinib", "ceritinib", "lorlatinib"]),
    (G38, ["G1202R", "L1196M"], None, None, ["crizotinib"]),
    (G38, [], ("MET", 3.0), None, ["alectinib"]),
    (G38, ["L1196M"], ("MET", 3.0), None, ["alectinib"]),
    (G38, [], ("KIT", 3.0), None, ["crizotinib"]),
    (G38, [], ("ALK", 1.2), None, ["crizotinib"]),
    (G38, [], None, EML4_ALK, ["crizotinib"]),
    (G38, [], None, EML4_ALK, ["ceritinib"]),
    (G38, [], None, EML4_ALK, ["alectinib"]),
    (G38, [], None, EML4_ALK, ["crizotinib", "alectinib", "lorlatinib"]),
    (G38, ["L1196M"], None, None, []),
    (G38, ["S1206Y"], None, None, ["crizotinib"]),
    (G38, ["G1269A"], None, None, ["crizotinib"]),
    (G38, [], None, NO_ALK_FUSION, ["crizotinib"]),
]


@pytest.fixture(scope="module")
def all_results(tmp_path_factory) -> list[SampleResult]:
    out = []
    for i, (build, changes, cn, fusions, prior) in enumerate(_PANEL):
        d = tmp_path_factory.mktemp(f"panel{i}")
        records = [build.alk_snv(c, alt_reads=60 - 3 * j) for j, c in enumerate(changes)]
        segments = focal_segments(build, cn[0], cn[1]) if cn else None
        out.append(
            annotate(d, build, records, segments=segments, fusions=fusions, prior_therapy=prior)
        )
    panel = {id(r) for r in out}
    return out + [r for r in _RESULTS if id(r) not in panel]


def test_across_scenarios_unknown_is_never_ranked_nor_looks_sensitive(all_results):
    """Issue 11 item 3: ``unknown`` drugs get no rank, no level, no tier, and are not grouped with
    the next options."""
    seen = 0
    for res in all_results:
        for dc in res.drugs:
            if dc.call == "unknown":
                seen += 1
                assert dc.rank is None and dc.level == "" and dc.amp_tier == "", dc
                assert dc.group != "next_option", dc
    # X-376 and CEP-37440 have no allele-level evidence in the catalogue's sources (review 5
    # names them as agents only): unknown in every panel sample at least
    assert seen >= 2 * len(_PANEL)


def test_across_scenarios_no_rank_without_a_positive_call(all_results):
    """Issue 11 item 3: only positive (``sensitive``) calls are ranked."""
    seen = 0
    for res in all_results:
        for dc in res.drugs:
            if dc.rank is not None:
                seen += 1
                assert dc.call == "sensitive", (res.sample, dc.drug, dc.call)
    # at least lorlatinib for G1202R after crizotinib (first panel sample; Lin 2017 Table 2)
    assert drugs(all_results[0])["lorlatinib"].rank == 1
    assert seen >= 1


def test_across_scenarios_investigational_never_above_an_approved_positive(all_results):
    """Issue 11 item 3: ASP3026, HSP90 inhibitors and TSR-011 (no approval in the sourced tables;
    review 5) are never ranked, so never above an approved ALK inhibitor with a positive call;
    with a positive call of their own they stand in the investigational block.
    """
    beside_approved = []
    for res in all_results:
        d = drugs(res)
        approved_positive = [x for x in APPROVED_ALK if x in d and d[x].call == "sensitive"]
        for agent in INVESTIGATIONAL:
            if agent not in d:
                continue
            assert d[agent].rank is None, (res.sample, agent)
            if d[agent].call == "sensitive":
                assert d[agent].group == "investigational", (res.sample, agent, d[agent].group)
                if approved_positive:
                    beside_approved.append((id(res), agent))
    # G1202R after crizotinib (first panel sample): the HSP90 inhibitor is positive (17-AAG, CIViC
    # EID1352, Ba/F3) beside lorlatinib (Lin 2017 Table 2): the case the rule is about occurs
    assert (id(all_results[0]), "HSP90 inhibitor") in beside_approved


def test_across_scenarios_hsp90_inhibitor_only_preclinical_or_inferential(all_results):
    """Issue 11 item 11: a positive HSP90-inhibitor call only at ``inferential``/``preclinical``
    level (the evidence for activity is Ba/F3 work, EID1349/EID1352, and the review's "might",
    sections 2.2 and 6); the one patient report, EID841, is progression on AUY922 (a case-level
    resistance call, as in the C1156Y scenario)."""
    seen = 0
    for res in all_results:
        hsp = drugs(res).get("HSP90 inhibitor")
        if hsp is not None and hsp.call == "sensitive":
            seen += 1
            assert hsp.level in ("preclinical", "inferential"), (res.sample, hsp.level)
    assert drugs(all_results[0])["HSP90 inhibitor"].call == "sensitive"  # EID1352, G1202R
    assert seen >= 1


def test_across_scenarios_progressed_on_is_flagged_and_not_offered(all_results):
    """Issue 11 item 4: a drug the tumour progressed on is flagged "progressed on" in its note and
    is not offered, unless a source reports activity after progression on it (then its call is
    positive and its reasons cite that source, as crizotinib for C1156Y+L1198F, EID844)."""
    seen = 0
    for res in all_results:
        for dc in res.drugs:
            if not dc.progressed_on:
                continue
            seen += 1
            assert "progressed on" in dc.note, (dc.drug, dc.note)
            if dc.call != "sensitive":
                assert dc.rank is None and dc.group == "avoid", (dc.drug, dc.group)
    assert seen >= 20
