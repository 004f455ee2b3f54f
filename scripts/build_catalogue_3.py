"""Build catalogue 3.0.0 from catalogue 2.x and resources/catalogue/sources_2026.tsv (issue 23).

Every fact added by issue 23 is a row of ``sources_2026.tsv`` (PMID/DOI/PMC/URL, where in the
source, the finding in our words, the assay, the level); this script is the only way those rows
enter ``catalogue.yaml``, as ``scripts/migrate_catalogue_v2.py`` records the 2.0.0 re-grade.
It is idempotent: what it generated before (``origin: sources_2026``) is removed and rebuilt, and
the entries it only annotates (compound classes, the histology entry) are rewritten the same way.
The change log (entry, drug, old call, new call, why, source) goes to the catalogue's ``changes``.

A row with a call must cite a primary source (PMID, DOI, PMC or a publisher/registry page) and
must not be ``secondary`` (news or conference summaries inform a status or a note, never a call).

Usage: ``python scripts/build_catalogue_3.py [--check]`` (``--check``: fail if the file would
change, for CI).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "resources" / "catalogue" / "catalogue.yaml"
SOURCES = ROOT / "resources" / "catalogue" / "sources_2026.tsv"
ORIGIN = "sources_2026"
VERSION, DATE = "3.0.0", "2026-12-05"

#: Single mutations that no source calls alone but that sourced compounds name (Mizuta 2021).
PART_ENTRIES = {
    "ALK_F1174I": ("F1174I", "p.Phe1174Ile"),
    "ALK_L1198H": ("L1198H", "p.Leu1198His"),
}
#: Compound entries: parts and class (the class from Shiba-Ishii 2022, F31/F32).
COMPOUNDS = {
    "ALK_I1171N+F1174I": (("I1171N", "F1174I"), "I1171-based"),
    "ALK_I1171N+L1198H": (("I1171N", "L1198H"), "I1171-based"),
    "ALK_L1196M+D1203N": (("L1196M", "D1203N"), ""),
    "ALK_C1156Y+G1269A": (("C1156Y", "G1269A"), ""),
}
#: Existing compound entries and the class they belong to.
CLASS_OF_EXISTING = {
    "ALK_G1202R+X": "G1202R-based",
    "ALK_G1202R+I1171N+L1196M": "G1202R-based",
    "ALK_I1171N+L1196M": "I1171-based",
}
BYPASS = {
    "MET_FUSION": (
        "MET",
        "fusion (ST7-MET)",
        "MET rearrangement (ST7-MET) after next-generation ALK inhibitors: both ALK and MET must "
        "be blocked (Dagogo-Jack 2020).",
    ),
    "MET_KD_DUP": (
        "MET",
        "kinase-domain duplication",
        "MET kinase-domain duplication arising on ceritinib; partial response to crizotinib "
        "(Clin Cancer Res 2018;24(6):1337-43, one patient).",
    ),
}
LINES = {
    "treatment_naive": "Treatment-naive (first line)",
    "after_first_line_second_generation": "Progression on first-line alectinib, brigatinib or "
    "ensartinib",
    "after_first_line_lorlatinib": "Progression on first-line lorlatinib",
    "after_two_or_more": "Progression after two or more ALK inhibitors",
}
PROGNOSTIC = {
    "PROGNOSTIC:EML4-ALK v3": ("PROGNOSTIC_EML4ALK_V3", "ALK", "EML4-ALK variant 3"),
    "PROGNOSTIC:TP53": ("PROGNOSTIC_TP53", "TP53", "TP53 mutation"),
}
NEW_DRUGS = {
    "neladalkib": {
        "aliases": ["NVL-655"],
        "drug_class": "ALK inhibitor (investigational, in late-stage trials)",
        "alk_inhibitor": True,
        "status": "investigational",
        "status_note": "investigational: in a randomised phase 3 trial against alectinib "
        "(treatment-naive); no approval and no peer-reviewed efficacy result in the sources",
    },
    "gilteritinib": {
        "aliases": [],
        "drug_class": "kinase inhibitor with ALK activity in models only",
        "alk_inhibitor": False,
        "status": "investigational",
        "status_note": "no approval for ALK-positive NSCLC in the sourced tables; ALK evidence "
        "is preclinical only (Mizuta 2021)",
    },
}


def read_rows(path: Path = SOURCES) -> list[dict[str, str]]:
    """The fact rows of the source table, ``-`` read as empty; refuses a call without a source."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = [
        {k: ("" if v == "-" else v) for k, v in r.items()}
        for r in csv.DictReader(lines, delimiter="\t")
    ]
    for r in rows:
        if r["role"] != "call":
            continue
        if not (r["pmid"] or r["doi"] or r["pmc"] or r["url"]) or r["source_kind"] == "secondary":
            sys.exit(f"{r['fact']}: a call needs a primary source (PMID, DOI, PMC or page)")
    return rows


def _pointers(r: dict[str, str]) -> dict[str, str]:
    keys = ("pmid", "doi", "pmc", "url", "locator", "source_kind")
    out = {k: r[k] for k in keys if r[k]}
    out["source_row"] = r["fact"]
    return out


def evidence(r: dict[str, str]) -> dict:
    """A catalogue evidence item from a call row."""
    quote = f' ("{r["quote"]}")' if r["quote"] else ""
    return {
        "call": r["call"],
        "source": "literature",
        "citation": r["source"],
        "level": r["level"],
        "assay": r["assay"],
        "statement": r["finding"] + quote,
        **_pointers(r),
    }


def statement(r: dict[str, str]) -> dict:
    """A sourced non-call statement (line of therapy, prognosis, histology, status)."""
    quote = f' ("{r["quote"]}")' if r["quote"] else ""
    out = {"text": r["finding"] + quote, "citation": r["source"], "level": r["level"]}
    if r["drug"]:
        out["drug"] = r["drug"]
    return out | _pointers(r)


def drug_calls(rows: list[dict[str, str]]) -> dict[str, dict]:
    """``drug -> drug entry`` from the call rows of one entry (the call the evidence implies)."""
    from alkannot.catalogue import derived_call
    from alkannot.models import Evidence

    out: dict[str, dict] = {}
    for r in rows:
        out.setdefault(r["drug"], {"evidence": []})["evidence"].append(evidence(r))
    for de in out.values():
        items = [Evidence(call=e["call"], source="", citation="") for e in de["evidence"]]
        call, conflicting = derived_call(items)
        out_de = {"call": call, "conflicting": conflicting, "evidence": de["evidence"]}
        de.clear()
        de.update(out_de)
    return out


def _entry(eid: str, gene: str, alteration: str, kind: str, mechanism: str, summary: str) -> dict:
    return {
        "id": eid,
        "gene": gene,
        "alteration": alteration,
        "kind": kind,
        "mechanism": mechanism,
        "summary": summary,
        "detectable_in_dna": True,
        "drugs": {},
        "origin": ORIGIN,
    }


def new_entries(by_target: dict[str, list[dict[str, str]]], classes: dict) -> list[dict]:
    """The entries issue 23 adds, in a fixed order."""
    out = []
    for eid, (alt, hgvsp) in PART_ENTRIES.items():
        e = _entry(
            eid,
            "ALK",
            alt,
            "mutation",
            "on_target_mutation",
            f"{alt} is named by sourced compound mutations (Mizuta 2021); no source gives a call "
            "for it alone.",
        )
        out.append(e | {"hgvsp": hgvsp})
    for eid, (parts, cls) in COMPOUNDS.items():
        rows = by_target[eid]
        e = _entry(
            eid,
            "ALK",
            "+".join(parts),
            "compound",
            "on_target_mutation",
            f"Compound mutation {'+'.join(parts)} ({rows[0]['source']}). Calls are its own, "
            "never inherited from its parts.",
        )
        e |= {"drugs": drug_calls(rows), "parts": list(parts)}
        if cls:
            e["compound_class"] = classes[cls]
        out.append(e)
    for eid, (gene, alt, summary) in BYPASS.items():
        rows = [r for r in by_target[eid] if r["drug"] != "ALK inhibitor monotherapy"]
        mono = [r for r in by_target[eid] if r["drug"] == "ALK inhibitor monotherapy"]
        e = _entry(eid, gene, alt, "rearrangement", "bypass", summary)
        e["drugs"] = drug_calls(rows)
        if mono:
            m = drug_calls(mono)["ALK inhibitor monotherapy"]
            m["note"] = "both ALK and MET must be blocked: an ALK inhibitor alone is not enough"
            e["monotherapy"] = m
        out.append(e)
    return out


def context_entries(by_target: dict[str, list[dict[str, str]]]) -> list[dict]:
    """Line-of-therapy and prognostic entries: statements only, never a call."""
    out = []
    for line, title in LINES.items():
        rows = by_target[f"LINE:{line}"]
        e = _entry(f"LINE_{line.upper()}", "ALK", line, "line", "context", title)
        e["line"] = line
        for role in ("recommend", "look_for"):
            e[role] = [statement(r) for r in rows if r["role"] == role]
        out.append(e)
    for target, (eid, gene, alt) in PROGNOSTIC.items():
        e = _entry(
            eid,
            gene,
            alt,
            "prognostic",
            "context",
            f"{alt}: prognostic context (earlier resistance), never a reason for a drug call.",
        )
        e["statements"] = [statement(r) for r in by_target[target]]
        out.append(e)
    return out


def change_log(added: list[dict], drugs: list[str]) -> list[dict]:
    """One row per new call and per new drug: entry, drug, old call, new call, why, source."""
    rows = []
    for e in added:
        des = dict(e.get("drugs", {}))
        if "monotherapy" in e:
            des["ALK inhibitor monotherapy"] = e["monotherapy"]
        for drug, de in des.items():
            ev = de["evidence"][0]
            rows.append(
                {
                    "entry": e["id"],
                    "drug": drug,
                    # before 3.0.0 a sample with both parts got each part's own call
                    "old_call": "each part's own call" if e["kind"] == "compound" else "no entry",
                    "new_call": de["call"],
                    "why": f"new entry from {ev['source_row']} ({ev['level']})",
                    "source": ev["citation"] + (f", doi:{ev['doi']}" if ev.get("doi") else ""),
                }
            )
    for eid, cls in CLASS_OF_EXISTING.items():
        rows.append(
            {
                "entry": eid,
                "drug": "all",
                "old_call": "unchanged",
                "new_call": "unchanged",
                "why": f"compound class {cls} recorded (no call changes)",
                "source": "Shiba-Ishii 2022, PMC9732888 (F31, F32)",
            }
        )
    rows.append(
        {
            "entry": "HISTOLOGIC_TRANSFORMATION",
            "drug": "all",
            "old_call": "no call",
            "new_call": "no call",
            "why": "sources added; drives the histologic re-review note, never a call",
            "source": "Fujita 2016 PMID 26751586; Zhu 2017 doi:10.2147/OTT.S139718; Lee 2017 "
            "J Clin Oncol (F40, F41, F46, F47)",
        }
    )
    for d in drugs:
        rows.append(
            {
                "entry": "drugs",
                "drug": d,
                "old_call": "not listed",
                "new_call": "listed, investigational",
                "why": "new agent with its status (no call)",
                "source": "sources_2026.tsv " + ("F42, F43" if d == "neladalkib" else "F45"),
            }
        )
    return rows


def build(data: dict, rows: list[dict[str, str]]) -> dict:
    """Catalogue 3.0.0 data from catalogue 2.x data and the source rows."""
    by_target: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_target.setdefault(r["target"], []).append(r)
    classes = {
        r["target"].removeprefix("CLASS:"): {
            "name": r["target"].removeprefix("CLASS:"),
            "source": statement(r),
        }
        for r in rows
        if r["role"] == "class"
    }
    data = dict(data)
    data["drugs"] = [d for d in data["drugs"] if d.get("origin") != ORIGIN]
    data["entries"] = [e for e in data["entries"] if e.get("origin") != ORIGIN]
    _add_drugs(data["drugs"], by_target)
    for e in data["entries"]:
        if e["id"] in CLASS_OF_EXISTING:
            e["compound_class"] = classes[CLASS_OF_EXISTING[e["id"]]]
        if e["id"] == "HISTOLOGIC_TRANSFORMATION":
            e["summary"] = (
                "Small-cell (histologic) transformation: the ALK fusion is kept and no ALK "
                "mechanism explains the progression; seen after alectinib and crizotinib (case "
                "reports). A change of histology, not visible in DNA variant calls."
            )
            e["statements"] = [statement(r) for r in by_target["HISTOLOGIC_TRANSFORMATION"]]
    added = new_entries(by_target, classes)
    at = next(i for i, e in enumerate(data["entries"]) if e["id"] == "ALK_AMP")
    data["entries"][at:at] = [e for e in added if e["kind"] != "rearrangement"]
    data["entries"] += [e for e in added if e["kind"] == "rearrangement"]
    data["entries"] += context_entries(by_target)
    data["version"], data["date"] = VERSION, DATE
    data["changes"] = change_log(added, list(NEW_DRUGS))
    return data


def _add_drugs(drugs: list[dict], by_target: dict[str, list[dict[str, str]]]) -> None:
    """Neladalkib after the investigational ALK inhibitors, gilteritinib after mTOR inhibitors."""
    for name, d in NEW_DRUGS.items():
        entry = {
            "id": name,
            **d,
            "status_sources": [statement(r) for r in by_target[f"DRUG:{name}"]],
        }
        entry["origin"] = ORIGIN
        after = "X-376" if name == "neladalkib" else "mTOR inhibitor"
        at = next(i for i, x in enumerate(drugs) if x["id"] == after) + 1
        drugs.insert(at, entry)
    asp = next(x for x in drugs if x["id"] == "ASP3026")
    asp["status_sources"] = [statement(r) for r in by_target["DRUG:ASP3026"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--check", action="store_true", help="fail if catalogue.yaml would change")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    out = build(data, read_rows())
    text = yaml.safe_dump(out, sort_keys=False, width=100, allow_unicode=True)
    if args.check:
        sys.exit(0 if text == CATALOGUE.read_text(encoding="utf-8") else "catalogue.yaml is stale")
    tmp = CATALOGUE.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(CATALOGUE)


if __name__ == "__main__":
    main()
