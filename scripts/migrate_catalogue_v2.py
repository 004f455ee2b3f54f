"""One-off migration of the catalogue from schema 1 to schema 2 (kept as the record of the re-grade).

Schema 2 adds an evidence level to every item (guideline, clinical, case, preclinical, inferential),
a status and approvals to every drug, treatment-history settings, copy-number thresholds, the
bypass-track monotherapy rule, and the curation corrections of issue 11. How each old item was
graded is written here, rule by rule, so a curator can check it against the source text:

- CIViC items: the CIViC evidence level is kept as ``civic_level`` and mapped A/B -> clinical,
  C -> case (CIViC's "case study"), D -> preclinical, E -> inferential.
- Lin, Riely & Shaw 2017 Table 2 ("reported as targeted / as resistance"): preclinical. The table
  pools cell-line and patient reports without saying which; the lower kind is taken.
- Review items: graded one by one from the sentence (``REVIEW_LEVELS`` below): patients in a
  series or trial -> clinical, one to three patients -> case, cells/Ba-F3/xenografts -> preclinical,
  the review's own "might", "could", "would be reasonable" -> inferential.

Run once: ``python scripts/migrate_catalogue_v2.py``; it rewrites resources/catalogue/catalogue.yaml.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PATH = ROOT / "resources" / "catalogue" / "catalogue.yaml"
SOURCE = Path(os.environ.get("CATALOGUE_V1", PATH))  # the schema-1 file to migrate
REVIEW = (ROOT.parent / "shared" / "review" / "000_690d235e66a3fb30.txt").read_text()

CIVIC = {"A": "clinical", "B": "clinical", "C": "case", "D": "preclinical", "E": "inferential"}

# (citation, first words of the statement) -> level, from the review's sentence
REVIEW_LEVELS = [
    ("might be preferred in crizotinib-refractory patients with brain", "inferential"),
    ("In contrast, ceritinib, alectinib, AP26113", "inferential"),
    ("MET amplification was observed in alectinib-refractory", "case"),
    ("A gain in ALK gene fusion copy number", "clinical"),
    ("Figure 2: Approximate proportion", "clinical"),
    ("Two of nine ALK-positive NSCLC tumors lost", "clinical"),
    ("Doeble et al. also observed two different mutations", "clinical"),
    ("Oncogenic mutations within the KRAS gene", "case"),
    ("The other patient exhibited a KRAS G12V", "case"),
    ("A preclinical study demonstrated that a second-generation", "preclinical"),
    ("Sasaki et al. detected the secretion of amphiregulin", None),  # per drug, below
    ("cells with the G1202R mutation were insensitive", "preclinical"),
    ("Katayama et al. performed a comprehensive investigation", "clinical"),
    ("Crizotinib resistance caused by amplification of the cKIT", None),  # per drug, below
    ("Choi et al. described two different secondary mutations", "case"),
    ("Ceritinib is a second-generation ALK-TKI that can block", "preclinical"),
    ("expression of IGF-1R and insulin receptor substrate-1", None),  # per drug, below
    ("mechanisms of resistance to X-376", "preclinical"),
    ("preclinical studies demonstrated that the resistance induced by L1196M", "preclinical"),
    ("Alectinib also had substantial inhibitory potency", "preclinical"),
    ("A preclinical study reported that ceritinib was sensitive", "preclinical"),
    ("a preclinical study showed that ceritinib could overcome alectinib", "preclinical"),
    ("ALK-positive tumors harboring V1180L and I1171T", "preclinical"),
    ("Ceritinib and AP26113 were effective", "preclinical"),
    ("Katayama et al. discovered the V1180L", None),  # per drug, below
    ("ASP3026 was effective in tumors expressing", "preclinical"),
    ("In a preclinical study using Ba/F3 cell lines", "preclinical"),
    ("A phase 1 study of ASP3026", "clinical"),
    ("PF-06463922 is a small ATP competitive inhibitor", "preclinical"),
    ("X-396 could inhibit the crizotinib-resistant", "preclinical"),
    ("TSR-011 is a potent ALK-TKI", "clinical"),
    ("RXDX-101", "preclinical"),
    ("The sensitivity of cells with F1174C", "preclinical"),
    ("In a phase 1 study, ALK secondary mutations", "clinical"),
    ("a phase 1 trial (NCT01922752)", "clinical"),
    ("If a crizotinib-refractory patient has the L1196M", "inferential"),
    ("In addition, alectinib might be acceptable in frail", "inferential"),
    ("In addition, crizotinib has limited efficacy in the CNS", "inferential"),
    ("In cases of crizotinib resistance involving EGFR or IGF-1R", "inferential"),
    ("In the near future, crizotinib or ceritinib might be selected", "inferential"),
]
PER_DRUG = {
    # crizotinib resistance from patients (4/9 tumours with pEGFR); the combination is preclinical
    ("Sasaki et al. detected", "crizotinib"): "clinical",
    ("Sasaki et al. detected", "crizotinib + EGFR inhibitor"): "preclinical",
    # two samples from patients; imatinib reversal in cells
    ("Crizotinib resistance caused by", "crizotinib"): "case",
    ("Crizotinib resistance caused by", "imatinib"): "preclinical",
    # three tumour biopsies; the combination is preclinical
    ("expression of IGF-1R", "crizotinib"): "case",
    ("expression of IGF-1R", "crizotinib + IGF-1R inhibitor"): "preclinical",
    # V1180L was found in vitro; I1171T in patients [60]
    ("Katayama et al. discovered", "ALK_V1180L"): "preclinical",
    ("Katayama et al. discovered", "ALK_I1171T"): "case",
}

LIT_LEVELS = {
    "Dagogo-Jack 2020": {"ALK inhibitor + MET inhibitor": "case", "lorlatinib": "clinical"},
    "Crystal 2014": "preclinical",
    "Doebele 2012 (PMC3311875": "clinical",
    "Okada 2019": "preclinical",
    "Recondo 2020": "preclinical",
    "shared/literature": "inferential",  # file or README citations: removed or replaced below
}

LIN = "Lin, Riely & Shaw 2017 Cancer Discov 7(2):137-55, Table 2 (medium confidence)"


def review_level(entry_id: str, drug: str, ev: dict) -> str:
    st = ev["statement"]
    for prefix, level in REVIEW_LEVELS:
        if prefix in st[:200]:
            if level is not None:
                return level
            for (p, key), lv in PER_DRUG.items():
                if p in st and key in (drug, entry_id):
                    return lv
    raise SystemExit(f"no review grade for {entry_id}/{drug}: {st[:80]}")


def grade(entry_id: str, drug: str, ev: dict) -> None:
    old = ev.get("level", "")
    if ev["source"] == "civic":
        ev["civic_level"] = old
        ev["level"] = CIVIC[old]
    elif ev["source"] == "review":
        ev["level"] = review_level(entry_id, drug, ev)
    elif ev["citation"].startswith("Lin, Riely"):
        ev["level"] = "preclinical"
        ev["grade_note"] = (
            "review table pooling cell-line and patient reports; the lower kind is taken"
        )
    else:
        for key, lv in LIT_LEVELS.items():
            if ev["citation"].startswith(key):
                ev["level"] = lv[drug] if isinstance(lv, dict) else lv
                break
        else:
            raise SystemExit(f"no literature grade for {entry_id}/{drug}: {ev['citation']}")
    for k in ("pmid", "assay", "fusion_context"):
        if ev.get(k) == "":
            del ev[k]


def rv(citation: str, statement: str, call: str, level: str, **kw) -> dict:
    """A review evidence item; the statement must be verbatim (fragments joined by ' ... ')."""
    for frag in statement.split(" ... "):
        if " ".join(frag.split()) not in " ".join(REVIEW.split()):
            raise SystemExit(f"not verbatim in the review: {frag!r}")
    return {
        "call": call,
        "source": "review",
        "citation": citation,
        "level": level,
        "statement": statement,
        **kw,
    }


def lit(citation: str, statement: str, call: str, level: str, **kw) -> dict:
    return {
        "call": call,
        "source": "literature",
        "citation": citation,
        "level": level,
        "statement": statement,
        **kw,
    }


def civic(eid: str, citation: str, pmid: str, statement: str, call: str, letter: str, **kw):
    return {
        "call": call,
        "source": "civic",
        "citation": f"{citation}; CIViC {eid}",
        "pmid": pmid,
        "civic_eid": eid,
        "civic_level": letter,
        "level": CIVIC[letter],
        "statement": statement,
        **kw,
    }


def drug_entry(call: str, evidence: list[dict], conflicting: bool = False, **kw) -> dict:
    return {"call": call, "conflicting": conflicting, "evidence": evidence, **kw}


APPROVALS = {
    "crizotinib": [
        (
            "FDA",
            "2017-07-21",
            "ALK- or ROS1-positive metastatic NSCLC",
            "MOAlmanac ind:fda.xalkori:0",
        ),
        ("EMA", "2015-11-23", "ALK-positive advanced NSCLC", "MOAlmanac ind:ema.*"),
    ],
    "ceritinib": [
        ("FDA", "2019-03-18", "ALK-positive metastatic NSCLC", "MOAlmanac ind:fda.zykadia:0"),
        ("EMA", "2017-06-23", "ALK-positive advanced NSCLC", "MOAlmanac ind:ema.*"),
    ],
    "alectinib": [
        ("FDA", "2017-11-06", "ALK-positive metastatic NSCLC", "MOAlmanac ind:fda.alecensa:1"),
        (
            "EMA",
            "2017-02-16",
            "ALK-positive advanced NSCLC previously treated with crizotinib",
            "MOAlmanac ind:ema.alecensa:1",
        ),
        (
            "EMA",
            "2017-12-18",
            "first-line ALK-positive advanced NSCLC",
            "MOAlmanac ind:ema.alecensa:0",
        ),
    ],
    "brigatinib": [
        ("FDA", "2020-05-22", "ALK-positive metastatic NSCLC", "MOAlmanac ind:fda.alunbrig:0"),
        (
            "EMA",
            "2020-04-01",
            "ALK-positive advanced NSCLC not previously treated with an ALK inhibitor",
            "MOAlmanac ind:ema.alunbrig:0",
        ),
    ],
    "lorlatinib": [
        (
            "FDA",
            "2021-03-03",
            "ALK-positive metastatic NSCLC (first line or any line)",
            "MOAlmanac ind:fda.lorbrena:0",
        ),
        (
            "EMA",
            "2019-05-06",
            "after alectinib or ceritinib as first ALK TKI, or crizotinib and at "
            "least one other ALK TKI",
            "MOAlmanac ind:ema.lorviqua:1",
        ),
    ],
    "ensartinib": [
        (
            "FDA",
            "2024-12-18",
            "ALK-positive locally advanced or metastatic NSCLC, no prior ALK inhibitor",
            "MOAlmanac ind:fda.ensacove:0",
        ),
    ],
}
GENERATION = {
    "crizotinib": 1,
    "ceritinib": 2,
    "alectinib": 2,
    "brigatinib": 2,
    "ASP3026": 2,
    "ensartinib": 2,
    "lorlatinib": 3,
}  # review section 2 (crizotinib, first), 3 and 5 (second); later literature: lorlatinib third
NO_APPROVAL = (
    "no approval for ALK-positive NSCLC in the sourced approval tables "
    "(shared/literature guidelines_and_approvals.tsv, MOAlmanac)"
)


def migrate(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["version"] = "2.0.0"
    data["date"] = "2026-11-30"
    data["sources"]["guidelines"] = (
        "regulatory approvals (FDA, EMA via MOAlmanac) and guideline statements (ESMO, NCCN, "
        "ASCO/Ontario Health) as tabulated in shared/literature/guidelines_and_approvals.tsv"
    )
    # ---- drugs: status, approvals, generation, combinations -------------------------------
    drugs = []
    for d in data["drugs"]:
        if d["id"] == "imatinib":
            continue  # KIT: imatinib only as an add-on (review 2.5): "crizotinib + imatinib"
        d = dict(d)
        if d["id"] in APPROVALS:
            d["status"] = "approved"
            d["approvals"] = [
                {"agency": a, "date": dt, "indication": ind, "source": src}
                for a, dt, ind, src in APPROVALS[d["id"]]
            ]
        else:
            d["status"] = "investigational"
            d["status_note"] = NO_APPROVAL
        if d["id"] in GENERATION:
            d["generation"] = GENERATION[d["id"]]
        if d["id"] == "HSP90 inhibitor":
            d["aliases"] = d["aliases"] + ["luminespib", "AUY922"]
        if d["drug_class"] == "combination":
            d["components"] = [c.strip() for c in d["id"].split("+")]
            d["status_note"] = "combination: not approved as such; " + NO_APPROVAL
        drugs.append(d)
    drugs += [
        {
            "id": "crizotinib + imatinib",
            "aliases": [],
            "drug_class": "combination",
            "alk_inhibitor": False,
            "components": ["crizotinib", "imatinib"],
            "status": "investigational",
            "status_note": "combination: not approved as such; " + NO_APPROVAL,
        },
        {
            "id": "mTOR inhibitor",
            "aliases": [],
            "drug_class": "mTOR inhibitor",
            "alk_inhibitor": False,
            "status": "investigational",
            "status_note": NO_APPROVAL,
        },
        {
            "id": "chemotherapy (pemetrexed-based)",
            "aliases": ["pemetrexed", "chemotherapy"],
            "drug_class": "chemotherapy",
            "alk_inhibitor": False,
            "status": "guideline",
            "status_note": "recommended by guidelines after ALK inhibitors (NCCN NSCLC v2.2019; "
            "ASCO/Ontario Health); no ALK-specific approval in the sourced tables",
            "fallback": True,
        },
    ]
    data["drugs"] = drugs

    # ---- grade every existing evidence item -----------------------------------------------
    for e in data["entries"]:
        for drug, de in e["drugs"].items():
            for ev in de["evidence"]:
                grade(e["id"], drug, ev)
    by_id = {e["id"]: e for e in data["entries"]}

    # ---- curation corrections (issue 11, point 11) ----------------------------------------
    fig2 = "Review [32,34], section 2.1 (Figure 2)"
    phase1 = (
        "In a phase 1 study, ALK secondary mutations (1151Tins, L1196M or G1269A) were detected "
        "in refractory tumors after crizotinib-naïve patients were treated with ceritinib."
    )
    for e in data["entries"]:
        for drug, de in list(e["drugs"].items()):
            keep = []
            for ev in de["evidence"]:
                if ev["citation"].startswith("Review [32,34], section 6 (Figure 2)"):
                    ev["citation"] = fig2
                    ev["statement"] = ev["statement"].removeprefix("Figure 2: ")
                if ev["source"] == "review":  # verbatim: the review writes "naïve"
                    ev["statement"] = ev["statement"].replace("-naive", "-naïve")
                    # a sentence of the passage was left out: mark the join
                    ev["statement"] = ev["statement"].replace(
                        "MET tyrosine kinase. Thus,", "MET tyrosine kinase. ... Thus,"
                    )
                if ev["source"] == "review" and ev["statement"].startswith("In a phase 1 study"):
                    if e["id"] != "ALK_T1151dup":
                        continue  # an observation, not resistance evidence for L1196M/G1269A
                    ev["statement"] = phase1
                if "README" in ev["citation"] or ev["citation"].startswith("shared/literature ("):
                    continue  # a citation is a source, never a README note
                keep.append(ev)
            de["evidence"] = keep
            if not keep:
                del e["drugs"][drug]
    # G1202R/brigatinib: Lin 2017 lists G1202R(a) in both columns (partial activity)
    briga = by_id["ALK_G1202R"]["drugs"]["brigatinib"]["evidence"]
    lin = next(ev for ev in briga if ev["citation"] == LIN)
    briga.remove(lin)
    briga += [
        {
            **lin,
            "call": "sensitive",
            "statement": "G1202R(a) listed as targeted by brigatinib: (a) 'some activity against "
            "G1202R ... potency may be compromised'",
        },
        {
            **lin,
            "call": "resistant",
            "statement": "G1202R(a) listed as resistance to brigatinib: (a) '... but G1202R also "
            "detected in biopsies after brigatinib ...'",
        },
    ]
    # F1174C/alectinib: the review's "has not been reported" stays visible
    for ev in by_id["ALK_F1174C"]["drugs"]["alectinib"]["evidence"]:
        if ev["source"] == "review":
            ev["statement"] = (
                "The sensitivity of cells with F1174C mutations to alectinib has not been reported."
            )
    # EGFR-mutant outgrowth: the combination citation was a file; cite the sources of its row
    by_id["EGFR_MUT"]["drugs"]["crizotinib + EGFR inhibitor"]["evidence"] = [
        lit(
            "Doebele 2012 Clin Cancer Res; Kim 2013 (bypass_mechanisms.tsv row "
            "'EGFR activation / EGFR-mutant outgrowth')",
            "therapy not defined; ALK+EGFR co-inhibition preclinical",
            "unknown",
            "preclinical",
            pmid="22235099",
        )
    ]
    # HSP90 inhibitor: progression on AUY922 in the C1156Y case (CIViC EID841)
    by_id["ALK_C1156Y"]["drugs"]["HSP90 inhibitor"] = drug_entry(
        "resistant",
        [
            civic(
                "EID841",
                "Shaw 2016 NEJM",
                "26698910",
                "a patient with metastatic, ALK-rearranged NSCLC with C1156Y mutation had tumor "
                "progression under sequential treatment with first crizotinib, then ceritinib and "
                "finally AUY922",
                "resistant",
                "C",
                assay="case report",
                fusion_context="EML4-ALK",
            )
        ],
    )
    # C1156Y+L1198F: crizotinib re-sensitised after progression on it (the source says so)
    by_id["ALK_C1156Y+L1198F"]["drugs"]["crizotinib"]["after_progression"] = True

    # ALK amplification: both halves of "a second-generation ALK inhibitor or an HSP90 inhibitor"
    amp = by_id["ALK_AMP"]
    half = rv(
        "Review [33,34], section 2.2",
        "A preclinical study demonstrated that a second-generation ALK inhibitor or an HSP90 "
        "inhibitor might abrogate this resistance [33,34].",
        "sensitive",
        "preclinical",
    )
    amp["class_calls"] = [
        {
            "drug_class": "second-generation ALK inhibitor",
            "generation": 2,
            **drug_entry("sensitive", [dict(half)]),
        }
    ]
    amp["threshold"] = {
        "fold": 2.2,
        "citation": "Review [32], section 2.2",
        "statement": "the other had no secondary mutation but possessed an ALK copy number gain of "
        "2.2-fold, which was the highest gain among the 10 samples examined in the study.",
    }
    amp["synonyms"] = []
    met = by_id["MET_AMP"]
    met["threshold"] = {
        "fold": 5.0,
        "citation": "CIViC EID1713 (MET:CEP7 ratio >= 5); CIViC EID735 (MET/CEP7 ratio > 5.0)",
        "statement": "Case report of two patients with MET amplification (MET:CEP7 ratio ≥5) and "
        "no concomitant MET exon 14 deletion.",
    }
    dagogo = lit(
        "Dagogo-Jack 2020 Clin Cancer Res (doi:10.1158/1078-0432.CCR-19-3906, abstract)",
        "dual ALK+MET inhibition (ALK TKI + MET inhibitor; crizotinib = ALK/MET dual): preclinical "
        "reversal + 2 patients with rapid responses to ALK/MET combination",
        "reduced",
        "case",
    )
    met["monotherapy"] = drug_entry(
        "reduced",
        [dagogo],
        note="both ALK and MET must be blocked: an ALK inhibitor that does not inhibit MET is "
        "offered only with a MET inhibitor",
    )
    met["drugs"]["ALK inhibitor + MET inhibitor"]["alk_part"] = "choose"
    kit = by_id["KIT_AMP"]
    kit["threshold"] = {
        "fold": 2.2,
        "borrowed": True,
        "citation": "Review [32], section 2.2 (the ALK level; no KIT threshold in the sources)",
        "statement": "the other had no secondary mutation but possessed an ALK copy number gain of "
        "2.2-fold, which was the highest gain among the 10 samples examined in the study.",
    }
    both = rv(
        "Review [34,38,39], section 2.4",
        "Because these resistance mechanisms partially retain ALK survival signaling (namely the "
        "co-activation of ALK and other tyrosine kinase pathways), blocking both pathways is likely "
        "required to overcome this resistance.",
        "reduced",
        "inferential",
    )
    kit["monotherapy"] = drug_entry("reduced", [dict(both)])
    kit_stmt = (
        "Treatment with imatinib, a small molecule inhibitor of KIT, reversed the resistance "
        "phenotype completely, suggesting that imatinib is useful for treating KIT-overexpressing "
        "crizotinib-refractory NSCLC."
    )
    kit["drugs"].pop("imatinib")
    kit["drugs"]["crizotinib + imatinib"] = drug_entry(
        "sensitive",
        [rv("Review [34], section 2.5", kit_stmt, "sensitive", "preclinical")],
        after_progression=True,
    )
    kit["ligand_note"] = rv(
        "Review [34], section 2.5",
        "Therefore, this type of resistance might require both activated tyrosine kinase receptor "
        "and presence of the ligand.",
        "unknown",
        "inferential",
    )
    kit["summary"] = (
        "KIT amplification in two crizotinib-refractory tumours [34]; resistance needs the KIT "
        "ligand SCF as well, which DNA sequencing cannot show; imatinib reversed resistance in "
        "cells, so it is an add-on to an ALK inhibitor, not a replacement [34]."
    )
    for eid in ("EGFR_MUT", "KRAS_G12C"):
        by_id[eid]["monotherapy"] = drug_entry("reduced", [dict(both)])
    # EGFR/IGF-1R sentence of section 6: ASP3026 with EGFR activation, ceritinib with IGF-1R
    data["entries"] = [e for e in data["entries"] if e["id"] != "CONTEXT_EGFR_IGF1R"]
    # HSP90 inhibitor only at inferential/preclinical: checked by the validator (max_level)
    # ---- new entries --------------------------------------------------------------------
    recondo = "Recondo 2020 Clin Cancer Res (bypass_mechanisms.tsv)"
    data["entries"] += [
        {
            "id": "NF2_LOF",
            "gene": "NF2",
            "alteration": "loss of function",
            "kind": "mutation",
            "mechanism": "bypass",
            "summary": "NF2 loss-of-function in lorlatinib resistance (Recondo 2020).",
            "detectable_in_dna": True,
            "drugs": {
                "lorlatinib": drug_entry(
                    "resistant",
                    [
                        lit(
                            recondo,
                            "NF2 loss-of-function: lorlatinib resistance (patient + models)",
                            "resistant",
                            "case",
                            pmid="31585938",
                        )
                    ],
                ),
                "mTOR inhibitor": drug_entry(
                    "sensitive",
                    [
                        lit(
                            recondo,
                            "NF2 loss-of-function: candidate therapy mTOR inhibitors (preclinical)",
                            "sensitive",
                            "preclinical",
                            pmid="31585938",
                        )
                    ],
                ),
            },
        },
        {
            "id": "MET_HGF_ACTIVATION",
            "gene": "MET",
            "alteration": "activation by HGF (autocrine)",
            "kind": "activation",
            "mechanism": "bypass",
            "summary": "MET activation by autocrine HGF in an alectinib-resistant cell line [61]; a "
            "ligand effect, not a DNA change.",
            "detectable_in_dna": False,
            "drugs": {
                "crizotinib": drug_entry(
                    "sensitive",
                    [
                        rv(
                            "Review [61], section 4",
                            "Moreover, MET activation induced by hepatocyte growth factor (HGF) in "
                            "an autocrine manner was observed in an alectinib-resistant cell line "
                            "[61]. The cells were sensitive to crizotinib both in vitro and in vivo.",
                            "sensitive",
                            "preclinical",
                        )
                    ],
                )
            },
        },
        {
            "id": "KIT_SCF_LIGAND",
            "gene": "KIT",
            "alteration": "ligand SCF in stroma",
            "kind": "activation",
            "mechanism": "bypass",
            "summary": "KIT-driven resistance needs the ligand SCF (stem cell factor) in stromal "
            "cells [34]; SCF expression is not visible in DNA sequencing.",
            "detectable_in_dna": False,
            "drugs": {
                "crizotinib": drug_entry(
                    "resistant",
                    [
                        rv(
                            "Review [34], section 2.5",
                            "H3122 cells overexpressing KIT were sensitive to crizotinib in the "
                            "absence of exogenous SCF, although they remained resistant to "
                            "crizotinib in the presence of SCF.",
                            "resistant",
                            "preclinical",
                        )
                    ],
                )
            },
        },
        {
            "id": "EMT",
            "gene": "",
            "alteration": "epithelial-mesenchymal transition",
            "kind": "activation",
            "mechanism": "bypass",
            "summary": "EMT in lorlatinib-resistant patient-derived lines (Recondo 2020); a cell "
            "state, not a DNA change.",
            "detectable_in_dna": False,
            "drugs": {
                "lorlatinib": drug_entry(
                    "resistant",
                    [
                        lit(
                            "Recondo 2020 Clin Cancer Res (bypass_mechanisms.tsv)",
                            "EMT: 2 lorlatinib-resistant patient-derived lines; SRC + ALK inhibition",
                            "resistant",
                            "preclinical",
                            pmid="31585938",
                        )
                    ],
                )
            },
        },
    ]
    by_id["MAP2K1_MUT"]["detectable_in_dna"] = True
    histology = {
        "id": "HISTOLOGIC_TRANSFORMATION",
        "gene": "",
        "alteration": "small-cell or other histologic transformation",
        "kind": "activation",
        "mechanism": "bypass",
        "summary": "listed among resistance mechanisms in the sourced bypass table (row "
        "'Small-cell/histologic transformation', no source retrieved); a change of histology, not "
        "visible in DNA variant calls.",
        "detectable_in_dna": False,
        "drugs": {},
    }
    # ---- treatment-history settings ---------------------------------------------------------
    for e in data["entries"]:
        for de in e["drugs"].values():
            for ev in de["evidence"]:
                assert "shared/" not in ev["citation"] or "tsv row" in ev["citation"], ev
    ctx = {e["id"]: e for e in data["entries"]}
    for cid in ("CONTEXT_CRIZOTINIB_REFRACTORY",):
        e = ctx[cid]
        e["kind"] = "setting"
        e["setting"] = "after_crizotinib"
        e["summary"] = (
            "Progression on crizotinib (no later ALK inhibitor): second-generation inhibitors "
            "whatever the mechanism (review [27], [53], [64]) and guideline options."
        )
        d = e["drugs"]
        d["ceritinib"] = drug_entry(
            "sensitive",
            [
                rv(
                    "Review [27], section 3",
                    "Subgroup analyses revealed that ceritinib exhibited good activity in "
                    "crizotinib-refractory patients (ORR, 56%) as well as in patients that had not "
                    "received crizotinib (ORR, 62%).",
                    "sensitive",
                    "clinical",
                ),
                lit(
                    "ESMO update Sept 2020 (PMC9489045 Table 1)",
                    "subsequent: ceritinib and alectinib after crizotinib (I,A; MCBS 4)",
                    "sensitive",
                    "guideline",
                ),
                lit(
                    "ASCO/Ontario Health guideline",
                    "after 1L crizotinib -> alectinib, brigatinib or ceritinib (strong; EB-B-I)",
                    "sensitive",
                    "guideline",
                ),
            ],
        )
        d["alectinib"] = drug_entry(
            "sensitive",
            [
                rv(
                    "Review [53], section 4",
                    "A study performed in the United States in ALK-positive NSCLC patients treated "
                    "previously with crizotinib (but not with other ALK inhibitors) demonstrated a "
                    "good ORR of 54.5%.",
                    "sensitive",
                    "clinical",
                ),
                lit(
                    "EMA (MOAlmanac ind:ema.alecensa:1)",
                    "Alecensa as monotherapy is indicated for the treatment of adult patients with "
                    "ALK-positive advanced NSCLC previously treated with crizotinib.",
                    "sensitive",
                    "guideline",
                ),
                lit(
                    "ESMO update Sept 2020 (PMC9489045 Table 1)",
                    "subsequent: ceritinib and alectinib after crizotinib (I,A; MCBS 4)",
                    "sensitive",
                    "guideline",
                ),
            ],
        )
        d["brigatinib"] = drug_entry(
            "sensitive",
            [
                rv(
                    "Review [64], section 5",
                    "In an ongoing phase 1/2 study of AP26113 (NCT01449461), patients with "
                    "ALK-positive NSCLC resistant to crizotinib demonstrated an ORR of 67%.",
                    "sensitive",
                    "clinical",
                ),
                lit(
                    "ESMO update Sept 2020 (PMC9489045 Table 1)",
                    "brigatinib after crizotinib (III,A; MCBS 3)",
                    "sensitive",
                    "guideline",
                ),
                lit(
                    "ASCO/Ontario Health guideline",
                    "after 1L crizotinib -> alectinib, brigatinib or ceritinib (strong; EB-B-I)",
                    "sensitive",
                    "guideline",
                ),
            ],
        )
        d["lorlatinib"] = drug_entry(
            "sensitive",
            [
                civic(
                    "EID7286",
                    "Solomon 2018 Lancet Oncol",
                    "30413378",
                    "In patients who had only received crizotinib ORR was achieved in 69.5%.",
                    "sensitive",
                    "B",
                    assay="phase 2 trial",
                ),
            ]
            + d["lorlatinib"]["evidence"],
        )
    data["entries"].append(
        {
            "id": "SETTING_AFTER_CERITINIB",
            "gene": "ALK",
            "alteration": "after_ceritinib",
            "kind": "setting",
            "setting": "after_ceritinib",
            "mechanism": "context",
            "summary": "Progression on ceritinib (review section 3).",
            "detectable_in_dna": True,
            "drugs": {
                "alectinib": drug_entry(
                    "sensitive",
                    [
                        rv(
                            "Review [44,45], section 3",
                            "Therefore, alectinib might be useful in ceritinib-refractory patients.",
                            "sensitive",
                            "inferential",
                        )
                    ],
                )
            },
        }
    )
    data["entries"].append(
        {
            "id": "SETTING_AFTER_SECOND_GENERATION",
            "gene": "ALK",
            "alteration": "after_second_generation",
            "kind": "setting",
            "setting": "after_second_generation",
            "mechanism": "context",
            "summary": "Progression on a second-generation ALK inhibitor (alectinib, brigatinib, "
            "ceritinib): lorlatinib or chemotherapy (guidelines).",
            "detectable_in_dna": True,
            "drugs": {
                "lorlatinib": drug_entry(
                    "sensitive",
                    [
                        lit(
                            "EMA (MOAlmanac ind:ema.lorviqua:1), 2019-05-06",
                            "lorlatinib after alectinib or ceritinib as first ALK TKI, or "
                            "crizotinib + >=1 other ALK TKI",
                            "sensitive",
                            "guideline",
                        ),
                        lit(
                            "ESMO update Sept 2020 (PMC9489045 Table 1)",
                            "lorlatinib after 2nd-gen ALK TKI (III,A; MCBS 3)",
                            "sensitive",
                            "guideline",
                        ),
                        lit(
                            "NCCN NSCLC v2.2019 (Discussion)",
                            "after 1L alectinib/brigatinib/ceritinib -> lorlatinib or chemotherapy",
                            "sensitive",
                            "guideline",
                        ),
                    ],
                ),
                "chemotherapy (pemetrexed-based)": drug_entry(
                    "sensitive",
                    [
                        lit(
                            "NCCN NSCLC v2.2019 (Discussion)",
                            "after 1L alectinib/brigatinib/ceritinib -> lorlatinib or chemotherapy",
                            "sensitive",
                            "guideline",
                        )
                    ],
                ),
            },
        }
    )
    data["entries"].append(
        {
            "id": "SETTING_ALK_POSITIVE",
            "gene": "ALK",
            "alteration": "alk_positive_nsclc",
            "kind": "setting",
            "setting": "any",
            "mechanism": "context",
            "summary": "ALK-positive NSCLC in any line: chemotherapy (pemetrexed) when no ALK "
            "inhibitor is supported.",
            "detectable_in_dna": True,
            "drugs": {
                "chemotherapy (pemetrexed-based)": drug_entry(
                    "sensitive",
                    [
                        civic(
                            "EID945",
                            "Lee 2011",
                            "21642865",
                            "Among 95 patients with NSCLC in this study, 15 had an ALK "
                            "translocation. ORR of these patients compared to EGFR mutated or "
                            "wild-type tumors was superior (46.7 versus 4.7 versus 16.2%, p = "
                            "0.001).",
                            "sensitive",
                            "B",
                        )
                    ],
                )
            },
        }
    )
    # CNS: ESMO 2020 grades the CNS activity (alectinib III,A; brigatinib III,B; ceritinib IV,B);
    # the drugs are listed in that order, which the ranking reads within a level
    cns = ctx["CONTEXT_CNS"]["drugs"]
    esmo = "ESMO update Sept 2020 (PMC9489045 Table 1)"
    esmo_st = "CNS: alectinib (III,A), brigatinib (III,B), ceritinib (IV,B)"
    for drug in ("alectinib", "brigatinib", "ceritinib"):
        cns[drug]["evidence"].insert(0, lit(esmo, esmo_st, "sensitive", "guideline"))
    ctx["CONTEXT_CNS"]["drugs"] = {
        d: cns[d] for d in ("alectinib", "brigatinib", "ceritinib", "lorlatinib", "crizotinib")
    }
    ctx["CONTEXT_ALECTINIB_REFRACTORY"]["kind"] = "setting"
    ctx["CONTEXT_ALECTINIB_REFRACTORY"]["setting"] = "after_alectinib_met_or_v1180l_i1171t"
    ctx["CONTEXT_CRIZOTINIB_REFRACTORY_L1196M"]["kind"] = "setting"
    ctx["CONTEXT_CRIZOTINIB_REFRACTORY_L1196M"]["setting"] = "after_crizotinib_l1196m"
    # ALK fusion loss: ALK-negative tumour -> non-ALK therapy
    data["entries"].append(histology)
    loss = by_id["ALK_FUSION_LOSS"]
    loss["synonyms"] = ["loss of ALK"]
    loss["monotherapy"] = drug_entry(
        "resistant",
        [
            lit(
                "Doebele 2012 Clin Cancer Res; CIViC EID4288 (bypass_mechanisms.tsv row "
                "'Loss of ALK fusion / ALK-negative outgrowth')",
                "1/11 ALK-negative after crizotinib (plus an EGFR-mutant ALK-negative case): "
                "candidate therapy non-ALK therapy",
                "resistant",
                "case",
                pmid="22235099",
            )
        ],
        note="an ALK-negative tumour is not expected to respond to an ALK inhibitor",
    )
    return data


def derived_call(evidence: list[dict]) -> tuple[str, bool]:
    """The catalogue rule (resources/catalogue/README.md): agreement gives the call, any
    disagreement gives ``reduced`` marked conflicting; a source saying "not reported" beside a
    stated call marks it conflicting without changing it."""
    stated = {ev["call"] for ev in evidence} - {"unknown"}
    if not stated:
        return "unknown", False
    if len(stated) == 1:
        return stated.pop(), any(ev["call"] == "unknown" for ev in evidence)
    if stated == {"reduced", "resistant"}:
        return "resistant", True  # both say the drug loses activity; the worse is kept
    return "reduced", True


def recompute(data: dict) -> None:
    for e in data["entries"]:
        des = list(e["drugs"].items()) + [
            (f"class {c['drug_class']}", c) for c in e.get("class_calls", [])
        ]
        if e.get("monotherapy"):
            des.append(("monotherapy", e["monotherapy"]))
        for drug, de in des:
            call, conf = derived_call(de["evidence"])
            if (call, conf) != (de["call"], de["conflicting"]):
                print(f"{e['id']:28s} {drug:30s} {de['call']}/{de['conflicting']} -> {call}/{conf}")
            de["call"], de["conflicting"] = call, conf


def main() -> None:
    data = yaml.safe_load(SOURCE.read_text())
    out = migrate(data)
    recompute(out)
    text = yaml.safe_dump(out, sort_keys=False, width=100, allow_unicode=True)
    PATH.write_text(text)


if __name__ == "__main__":
    main()
