"""Somatic callers: recognise the caller from the header, choose the tumour column, read VAF/depth.

Each caller keeps allele fraction and depth in its own FORMAT fields (see the README's
"Supported callers"); the rules here follow the callers' documentation and the field guide:

- Mutect2, VarDict, DRAGEN: ``FORMAT/AF`` (Number=A), ``AD`` (ref, alts), ``DP``;
- MuTect1: ``FORMAT/FA``;
- Strelka2: no AF; SNVs from tier-1 ``{ALT}U[0] / ({REF}U[0] + {ALT}U[0])``, indels from
  ``TIR[0] / (TIR[0] + TAR[0])``;
- VarScan2: ``FREQ`` as a percent string, ``AD`` holds the alt reads only, ``RD`` the ref reads;
- FreeBayes: ``AO / (RO + sum(AO))``; ``INFO/AF`` is the genotype frequency and is never used;
- DeepVariant/DeepSomatic: ``FORMAT/VAF``; Pindel: ``AD[alt] / sum(AD)``;
- PCGR-normalised files: ``INFO/TVAF``, ``INFO/TDP``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alkannot.bounds import PERCENT, READS, VAF, Range, parse_checked
from alkannot.errors import SampleNotFoundError

CALLERS = (
    "Mutect2",
    "MuTect1",
    "Strelka2",
    "VarScan2",
    "VarDict",
    "FreeBayes",
    "DeepVariant",
    "DRAGEN",
    "Pindel",
    "PCGR",
    "merged",
    "unknown",
)


def detect_caller(header_lines: Sequence[str], formats: set[str], infos: set[str]) -> str:
    """Name the caller from ``##`` lines and the declared FORMAT/INFO fields."""
    text = "\n".join(header_lines).lower()
    found = []
    if (
        "##mutectversion" in text
        or "source=mutect2" in text
        or "filtermutectcalls" in text
        or ("##gatkcommandline" in text and "mutect2" in text)
    ):
        found.append("Mutect2")
    if "FA" in formats and "SS" in formats and "BQ" in formats:
        found.append("MuTect1")
    if "source=strelka" in text or ("AU" in formats and "TU" in formats) or "TIR" in formats:
        found.append("Strelka2")
    if "source=varscan" in text or ("FREQ" in formats and "RD" in formats):
        found.append("VarScan2")
    if "source=vardict" in text:
        found.append("VarDict")
    if "source=freebayes" in text or ("AO" in formats and "RO" in formats):
        found.append("FreeBayes")
    if "deepvariant_version" in text or "deepsomatic" in text:
        found.append("DeepVariant")
    if "source=dragen" in text or "##dragenversion" in text:
        found.append("DRAGEN")
    if "source=pindel" in text or "pindel" in text and "SVTYPE" in infos:
        found.append("Pindel")
    if "TVAF" in infos and "TDP" in infos:
        found.append("PCGR")
    if len(found) > 1:
        return "merged"
    return found[0] if found else "unknown"


_TUMOUR_NAME = re.compile(r"tumou?r|[_\-.]t\d?$|\dt$|cfdna|rebiopsy|relapse|primary", re.I)
_NORMAL_NAME = re.compile(r"normal|[_\-.]n\d?$|\dn$|-match$|germline|blood|pbmc", re.I)


def _declared_samples(header_lines: Sequence[str], path: str) -> dict[str, str]:
    """``##tumor_sample``/``##normal_sample``, refused when they contradict each other.

    Two different ``##tumor_sample`` lines (a merged or re-headed file) or a normal declared
    as the tumour leave no single tumour column: reading "the last one" could annotate the
    normal.
    """
    seen: dict[str, set[str]] = {"tumor_sample": set(), "normal_sample": set()}
    for line in header_lines:
        for key in seen:
            if line.startswith(f"##{key}="):
                seen[key].add(line.split("=", 1)[1].strip())
    for key, values in seen.items():
        if len(values) > 1:
            raise SampleNotFoundError(
                f"the header declares ##{key} {len(values)} times with different samples "
                f"({', '.join(sorted(values))}); fix the header or pass --sample NAME",
                path=path,
            )
    meta = {k: next(iter(v)) for k, v in seen.items() if v}
    if meta.get("tumor_sample") and meta.get("tumor_sample") == meta.get("normal_sample"):
        raise SampleNotFoundError(
            f"##tumor_sample and ##normal_sample both name {meta['tumor_sample']}; fix the header",
            path=path,
        )
    return meta


def choose_tumour(
    samples: Sequence[str], header_lines: Sequence[str], requested: str | None, path: str
) -> tuple[str, str | None]:
    """Return ``(tumour, normal)`` sample names: by ``--sample``, by header, then by name.

    Raises
    ------
    SampleNotFoundError
        When ``requested`` is not in the file, or the tumour cannot be told apart.
    """
    try:
        meta = _declared_samples(header_lines, path)
    except SampleNotFoundError:
        if requested is None:
            raise
        meta = {}  # the user chose the column: the contradictory lines are not used
    normal = meta.get("normal_sample") if meta.get("normal_sample") in samples else None
    if requested is not None:
        if requested not in samples:
            raise SampleNotFoundError(
                f"sample {requested!r} is not in the file; its samples are: "
                f"{', '.join(samples) or '(none)'}; pass one of them with --sample",
                path=path,
            )
        others = [s for s in samples if s != requested]
        return requested, normal if normal != requested else (
            others[0] if len(others) == 1 else None
        )
    if len(samples) == 1:
        return samples[0], None
    if meta.get("tumor_sample") in samples:
        return meta["tumor_sample"], normal
    upper = [s.upper() for s in samples]
    for literal in ("TUMOR", "TUMOUR"):
        if literal in upper:
            t = samples[upper.index(literal)]
            rest = [s for s in samples if s != t]
            return t, rest[0] if len(rest) == 1 else None
    normals = [s for s in samples if _NORMAL_NAME.search(s)]
    tumours = [s for s in samples if s not in normals and _TUMOUR_NAME.search(s)]
    if len(samples) == 2 and len(normals) == 1:
        t = next(s for s in samples if s != normals[0])
        return t, normals[0]
    if len(tumours) == 1:
        return tumours[0], normals[0] if len(normals) == 1 else None
    why, hint = "no ##tumor_sample line, no tumour/normal names", "--sample NAME"
    if len(tumours) > 1:
        # RADIA writes DNA_NORMAL, DNA_TUMOR and RNA_TUMOR: two tumour columns, DNA and RNA
        why = f"{len(tumours)} samples are named as tumours: {', '.join(tumours)}"
        dna = next((t for t in tumours if "DNA" in t.upper()), "")
        hint += f" (the DNA tumour column: --sample {dna})" if dna else ""
    raise SampleNotFoundError(
        f"cannot tell which of the samples {', '.join(samples)} is the tumour ({why}); pass {hint}",
        path=path,
    )


def _num(x, rng: Range = VAF, field: str = "AF") -> float | None:
    """``x`` as a number in ``rng``; None for a missing value (``.``); :class:`OutOfRange`
    for a number outside it (AF 2.5, FREQ 250 %, inf, NaN)."""
    return parse_checked(x, rng, field)


def _ints(values, field: str = "AD") -> list[int | None]:
    """Read counts: None for missing (``.``); :class:`OutOfRange` for negative/huge/NaN counts."""
    out = []
    for v in values:
        f = parse_checked(v, READS, field)
        out.append(None if f is None else int(f))
    return out


def read_vaf_depth(
    caller: str,
    fmt: dict[str, list],
    info: dict[str, object],
    ref: str,
    alts: Sequence[str],
    allele: int,
) -> tuple[float | None, int | None, int | None, str]:
    """Return ``(vaf, depth, alt_depth, source)`` for ALT number ``allele`` (1-based).

    ``fmt`` maps FORMAT keys to the tumour sample's values as strings (already split on ``,``).

    Raises
    ------
    OutOfRange
        When a field holds an impossible number (AF above 1, a negative or NaN count): the
        record is then skipped by the caller, never read as "VAF unknown".
    """
    idx = allele - 1
    depth = None
    dp = fmt.get("DP")
    if dp:
        depth = _ints(dp[:1], "DP")[0]

    def ad_pair() -> tuple[int | None, int | None, int | None]:
        ad = _ints(fmt.get("AD", []))
        if len(ad) >= allele + 1 and ad[allele] is not None:
            total = sum(a for a in ad if a is not None) if None not in ad else None
            return ad[allele], ad[0], total
        return None, None, None

    # Strelka2: tier-1 counts, no AF
    if "TIR" in fmt and "TAR" in fmt:
        tir, tar = _ints(fmt["TIR"][:1], "TIR")[0], _ints(fmt["TAR"][:1], "TAR")[0]
        if tir is not None and tar is not None and tir + tar > 0:
            return tir / (tir + tar), depth, tir, "Strelka tier1 TIR/TAR"
    if f"{ref[:1]}U" in fmt and len(ref) == 1 and len(alts[idx]) == 1 and f"{alts[idx]}U" in fmt:
        r, a = (
            _ints(fmt[f"{ref}U"][:1], f"{ref}U")[0],
            _ints(fmt[f"{alts[idx]}U"][:1], f"{alts[idx]}U")[0],
        )
        if r is not None and a is not None and r + a > 0:
            return a / (r + a), depth, a, "Strelka tier1 AU/CU/GU/TU"
    # VarScan2: FREQ percent string, AD = alt reads only, RD = ref reads
    if "FREQ" in fmt and "RD" in fmt:
        freq = str(fmt["FREQ"][0]).strip().rstrip("%")
        ad = _ints(fmt.get("AD", [])[:1])
        alt_reads = ad[0] if ad else None
        v = _num(freq, PERCENT, "FREQ")
        if v is not None:
            return v / 100.0, depth, alt_reads, "VarScan FREQ"
        rd = _ints(fmt["RD"][:1], "RD")[0]
        if alt_reads is not None and rd is not None and alt_reads + rd > 0:
            return alt_reads / (alt_reads + rd), depth, alt_reads, "VarScan AD/(RD+AD)"
    # FreeBayes: AO/(RO+sum AO); never INFO/AF
    if "AO" in fmt and "RO" in fmt:
        ao, ro = _ints(fmt["AO"], "AO"), _ints(fmt["RO"][:1], "RO")[0]
        if len(ao) > idx and ao[idx] is not None and ro is not None and None not in ao:
            total = ro + sum(ao)
            if total > 0:
                return ao[idx] / total, depth if depth is not None else total, ao[idx], "AO/(RO+AO)"
    alt_reads, _ref_reads, ad_total = ad_pair()
    for key, label in (("AF", "FORMAT/AF"), ("VAF", "FORMAT/VAF"), ("FA", "FORMAT/FA")):
        vals = fmt.get(key)
        if vals and len(vals) > idx:
            v = _num(vals[idx], VAF, key)
            if v is not None:
                return v, depth if depth is not None else ad_total, alt_reads, label
    if alt_reads is not None and ad_total:
        return alt_reads / ad_total, depth if depth is not None else ad_total, alt_reads, "AD"
    tvaf, tdp = info.get("TVAF"), info.get("TDP")
    if tvaf is not None:
        v = _num(tvaf[idx] if isinstance(tvaf, (tuple, list)) else tvaf, VAF, "INFO/TVAF")
        if v is not None:
            d = _ints([tdp], "INFO/TDP")[0] if tdp is not None else depth
            return v, d, None, "INFO/TVAF"
    return None, depth, alt_reads, "not available"


def _haplotypes(gt: str, allele: int) -> tuple[int, ...] | None:
    """Haplotype indices of a phased genotype (``0|1``) holding ALT ``allele``; None if unphased."""
    if "|" not in gt or "/" in gt:
        return None
    return tuple(i for i, a in enumerate(gt.split("|")) if a == str(allele))


def read_phase(fmt: dict[str, list], allele: int) -> tuple[str, tuple[int, ...]]:
    """Return ``(phase_set, haplotypes)`` of ALT number ``allele`` from the tumour's FORMAT.

    VCF 4.2 section 1.6.2: ``|`` in GT marks a phased genotype; ``PS`` names its phase set, and
    "all phased genotypes that do not contain a PS subfield are assumed to belong to the same
    phased set" (given here as ``*``). GATK HaplotypeCaller/Mutect2 also write physical phase as
    ``PGT`` (a phased genotype of the ALT alleles) and ``PID`` (the phase group) beside an
    unphased GT; records with the same PID and PGT are on the same haplotype. ``("", ())`` when
    the record carries no phase; a genotype without ALT ``allele`` on any haplotype gives ``()``.
    """
    gt = str((fmt.get("GT") or [""])[0])
    haps = _haplotypes(gt, allele)
    if haps is not None:
        ps = str((fmt.get("PS") or ["."])[0])
        return (f"PS:{ps}" if ps not in ("", ".") else "*"), haps
    pgt, pid = str((fmt.get("PGT") or [""])[0]), str((fmt.get("PID") or [""])[0])
    if pid not in ("", ".") and (haps := _haplotypes(pgt, 1)) is not None:
        # PGT is "always heterozygous" for the ALT alleles of the record (GATK's header)
        return f"PID:{pid}", haps
    return "", ()
