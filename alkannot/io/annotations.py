"""Annotations already in a VCF: Ensembl VEP ``CSQ`` and SnpEff ``ANN`` / legacy ``EFF``.

Field lists come from the header's Description (any VEP version, including v76's old order, and
VEP run with ``--vcf_info_field ANN``: the annotator is told from the Description, not the ID).
Values are URL-decoded (``%3D``, ``%3B``), ``&`` joins multiple terms, and transcript/protein
prefixes are stripped from HGVS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from alkannot.models import ExternalAnnotation


@dataclass(frozen=True)
class AnnotationField:
    """An INFO field holding annotations, and how to split it."""

    info_id: str
    kind: str  # "VEP", "SnpEff", "SnpEff-EFF"
    fields: tuple[str, ...]
    version: str = ""


def annotation_fields(header_lines: Iterable[str]) -> list[AnnotationField]:
    """Find VEP/SnpEff annotation fields declared in the header."""
    out = []
    version = ""
    lines = list(header_lines)
    for line in lines:
        if line.startswith("##VEP="):
            m = re.match(r'##VEP="?([^"\s]+)', line)
            version = m.group(1) if m else ""
    for line in lines:
        if not line.startswith("##INFO=<"):
            continue
        m_id = re.search(r"ID=([^,>]+)", line)
        m_desc = re.search(r'Description="(.*)"', line)
        if not m_id or not m_desc:
            continue
        info_id, desc = m_id.group(1), m_desc.group(1)
        if (
            "Ensembl VEP" in desc
            or "Consequence type as predicted by VEP" in desc
            or ("Consequence annotations from" in desc)
        ):
            fmt = desc.split("Format:", 1)[-1].strip()
            out.append(
                AnnotationField(info_id, "VEP", tuple(f.strip() for f in fmt.split("|")), version)
            )
        elif "Functional annotations:" in desc:
            fmt = desc.split("Functional annotations:", 1)[1].strip().strip("'\" ")
            out.append(AnnotationField(info_id, "SnpEff", tuple(f.strip() for f in fmt.split("|"))))
        elif info_id == "EFF" or "Predicted effects for this variant" in desc:
            m = re.search(r"Effect \( (.*) \)", desc) or re.search(r"Effect\s*\((.*)\)", desc)
            inner = m.group(1) if m else ""
            fields = ("Effect",) + tuple(
                f.strip().strip("[]").strip() for f in inner.split("|") if f.strip()
            )
            out.append(AnnotationField(info_id, "SnpEff-EFF", fields))
    return out


def _strip_prefix(hgvs: str) -> str:
    hgvs = unquote(hgvs.strip())
    return hgvs.split(":", 1)[1] if ":" in hgvs else hgvs


def _vep_allele(ref: str, alt: str) -> str:
    """VEP's allele string: the ALT with the shared first base removed, ``-`` when empty."""
    if alt.startswith("<") or alt == "*":
        return alt
    if ref and alt and ref[0] == alt[0]:
        alt = alt[1:]
    return alt or "-"


def parse_annotations(
    value: str | Sequence[str], field: AnnotationField, ref: str, alts: Sequence[str], allele: int
) -> tuple[ExternalAnnotation, ...]:
    """Return the annotation blocks of one ALT allele (1-based index) of a record."""
    blocks = [value] if isinstance(value, str) else list(value)
    parts: list[str] = []
    for b in blocks:
        parts.extend(x for x in str(b).split(",") if x)
    alt = alts[allele - 1]
    wanted_vep = {_vep_allele(ref, alt), alt}
    # VEP trims the first base only if all ALTs share it; accept both spellings
    out = []
    for block in parts:
        if field.kind == "SnpEff-EFF":
            ann = _parse_eff(block, field)
        else:
            ann = _parse_block(block, field)
        if ann is None:
            continue
        if field.kind == "VEP":
            num = ann.pop("ALLELE_NUM", "")
            if num and num.isdigit():
                if int(num) != allele:
                    continue
            elif ann["allele"] not in wanted_vep and len(alts) > 1:
                continue
        elif field.kind == "SnpEff":
            a = ann["allele"].split("-")[-1]  # cancer mode "G-C": somatic ALT vs germline ALT
            if len(alts) > 1 and a != alt:
                continue
        ann.pop("ALLELE_NUM", None)
        out.append(
            ExternalAnnotation(
                source=field.kind.split("-")[0]
                if field.kind != "VEP"
                else f"VEP{(' ' + field.version) if field.version else ''}",
                **ann,
            )
        )
    return tuple(out)


def _parse_block(block: str, field: AnnotationField) -> dict | None:
    vals = block.split("|")
    if len(vals) < 3:
        return None
    rec = {k: unquote(v) for k, v in zip(field.fields, vals, strict=False)}
    if field.kind == "VEP":
        hgvsp = rec.get("HGVSp", "")
        return {
            "allele": rec.get("Allele", ""),
            "gene": rec.get("SYMBOL", "") or rec.get("Gene", ""),
            "transcript": rec.get("Feature", ""),
            "consequence": rec.get("Consequence", ""),
            "hgvsc": _strip_prefix(rec.get("HGVSc", "")),
            "hgvsp": _strip_prefix(hgvsp),
            "canonical": rec.get("CANONICAL", "") == "YES",
            "mane_select": bool(rec.get("MANE_SELECT", "") or rec.get("MANE", "")),
            "pick": rec.get("PICK", "") == "1",
            "ALLELE_NUM": rec.get("ALLELE_NUM", ""),
        }
    return {
        "allele": rec.get("Allele", ""),
        "gene": rec.get("Gene_Name", ""),
        "transcript": rec.get("Feature_ID", ""),
        "consequence": rec.get("Annotation", ""),
        "hgvsc": _strip_prefix(rec.get("HGVS.c", "")),
        "hgvsp": _strip_prefix(rec.get("HGVS.p", "")),
    }


def _parse_eff(block: str, field: AnnotationField) -> dict | None:
    m = re.match(r"([^(]+)\((.*)\)$", block.strip())
    if not m:
        return None
    effect, inner = m.group(1), m.group(2).split("|")
    rec = dict(zip(field.fields[1:], inner, strict=False))
    aa = rec.get("Amino_Acid_Change", rec.get("Amino_Acid_change", ""))
    aa = aa.split("/")[0]
    return {
        "allele": rec.get("Genotype_Number", rec.get("Genotype", "")),
        "gene": rec.get("Gene_Name", ""),
        "transcript": rec.get("Transcript_ID", rec.get("Transcript", "")),
        "consequence": effect,
        "hgvsc": rec.get("Codon_Change", ""),
        "hgvsp": aa if aa.startswith("p.") else (f"p.{aa}" if aa else ""),
    }
