"""Copy-number readers: one function per format, columns found by header name.

Formats (detected from the header; ``fmt=`` overrides): CNVkit ``.cns``/``.call.cns``/``.cnr``
(0-based half-open, log2, ``cn`` when called), GATK ``.cr.seg``/``.modelFinal.seg``/``.called.seg``
(SAM-style ``@`` header, 1-based), DNAcopy/IGV SEG (multi-sample, quoted headers), PURPLE
``.purple.cnv.somatic.tsv`` (absolute copy number) and ``.purple.cnv.gene.tsv``, ASCAT segments
(nMajor + nMinor), copy number in VCF (``<DUP>``/``<DEL>``/``SVTYPE=CNV`` with ``FORMAT/CN``), and
gene-level tables (cBioPortal/GISTIC discrete -2..2 wide, or long ``sample, gene, copy_number``).
Every reader returns 1-based inclusive :class:`~alkannot.models.Segment` rows on canonical contigs.
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from alkannot.errors import InputFileError, InputFormatError
from alkannot.genome.build import canonical_contig
from alkannot.models import Segment, SkippedRecord

FORMATS = ("cnvkit", "gatk", "seg", "purple", "purple_gene", "ascat", "vcf", "gene_table")
_CONTIG = re.compile(r"^(chr)?([0-9]{1,2}|X|Y|M|MT)$", re.I)


@dataclass
class CnvData:
    """What a copy-number file yielded."""

    path: str
    format: str
    sample: str
    segments: list[Segment] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    value_kind: str = "log2"  # "log2" | "absolute" | "discrete"


def _lines(path: str) -> list[str]:
    p = Path(path)
    if not p.is_file():
        raise InputFileError("copy-number file not found", path=path)
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise InputFormatError(
            "not a text file (non-UTF-8 bytes); expected a copy-number table", path=path
        ) from None
    except (OSError, EOFError) as exc:
        raise InputFormatError(f"cannot read the file ({exc})", path=path) from None
    lines = text.splitlines()
    if not any(x.strip() for x in lines):
        raise InputFileError("the copy-number file is empty", path=path)
    return lines


def _split(line: str) -> list[str]:
    sep = "\t" if "\t" in line else None
    return [c.strip().strip('"') for c in (line.split(sep) if sep else line.split())]


def _header(lines: list[str]) -> tuple[int, list[str], list[str]]:
    """Index of the header row, its columns, and warnings for skipped leading lines."""
    warnings = []
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("@") or line.startswith("##"):
            continue
        if line.startswith("#SAMPLE_NAME") or line.upper().startswith("WARNING"):
            warnings.append(f"line {i + 1} ignored: {line[:60]!r}")
            continue
        return i, [c.lstrip("#") for c in _split(line)], warnings
    raise InputFormatError("no header row found", path=None)


def detect_cnv_format(path: str | Path) -> str:
    """Name the format of a copy-number file from its header."""
    lines = _lines(str(path))
    if lines[0].startswith("##fileformat=VCF"):
        return "vcf"
    _, cols, _ = _header(lines)
    low = {c.lower() for c in cols}
    if {"chromosome", "start", "end", "log2"} <= low:
        return "cnvkit"
    if {"contig", "start", "end"} <= low:
        return "gatk"
    if {"chromosome", "start", "end", "copynumber"} <= low:
        return "purple"
    if {"gene", "mincopynumber", "maxcopynumber"} <= low:
        return "purple_gene"
    if {"chr", "startpos", "endpos", "nmajor", "nminor"} <= low:
        return "ascat"
    if _seg_columns(cols):
        return "seg"
    if low & {"hugo_symbol", "gene", "gene symbol", "gene_symbol"} and not {"start", "end"} <= low:
        return "gene_table"
    raise InputFormatError(
        f"unknown copy-number format (header: {' '.join(cols[:8])}); pass --cnv-format one of "
        f"{', '.join(FORMATS)}",
        path=str(path),
    )


def _seg_columns(cols: list[str]) -> dict[str, str] | None:
    low = {c.lower(): c for c in cols}
    pick = lambda *names: next((low[n] for n in names if n in low), None)  # noqa: E731
    found = {
        "sample": pick("id", "sample", "samplename", "sample_id", "tumor_sample_barcode"),
        "chrom": pick("chrom", "chromosome", "chr"),
        "start": pick("loc.start", "start"),
        "end": pick("loc.end", "end"),
        "value": pick("seg.mean", "segment_mean", "mean", "log2"),
        "probes": pick("num.mark", "num_probes", "nbrofloci"),
    }
    required = ("chrom", "start", "end", "value")
    return found if all(found[k] for k in required) and found["sample"] else None


def _num(value: str, path: str, line: int, what: str) -> float:
    try:
        v = float(value)
    except ValueError:
        raise InputFormatError(
            f"{what} {value!r} is not a number", path=path, record=f"line {line}"
        ) from None
    return v


def _contig(raw: str, build: str, path: str, line: int, out: CnvData) -> str | None:
    if not _CONTIG.match(raw.strip()):
        out.skipped.append(
            SkippedRecord(
                path,
                f"line {line}",
                f"contig {raw!r} is not a primary {build} chromosome",
                "unknown_contig",
            )
        )
        return None
    return canonical_contig(raw, build)


def _table_segments(
    path: str,
    build: str,
    out: CnvData,
    cols_map: dict[str, str],
    zero_based: bool,
    kind: str,
    sample: str | None = None,
) -> None:
    lines = _lines(path)
    h, cols, warnings = _header(lines)
    out.warnings += warnings
    idx = {c: i for i, c in enumerate(cols)}
    missing = [
        v
        for k, v in cols_map.items()
        if v and v not in idx and k in ("chrom", "start", "end", "value")
    ]
    if missing:
        raise InputFormatError(
            f"missing required column(s) {', '.join(missing)}", path=path, record=f"line {h + 1}"
        )
    samples_seen = []
    for n, line in enumerate(lines[h + 1 :], start=h + 2):
        if not line.strip() or line.startswith("#"):
            continue
        row = _split(line)
        if len(row) < len(cols):
            raise InputFormatError(
                f"{len(row)} columns, the header has {len(cols)}", path=path, record=f"line {n}"
            )
        s = row[idx[cols_map["sample"]]] if cols_map.get("sample") else ""
        if s and s not in samples_seen:
            samples_seen.append(s)
        if sample and s and s != sample:
            continue
        chrom = _contig(row[idx[cols_map["chrom"]]], build, path, n, out)
        if chrom is None:
            continue
        start = int(_num(row[idx[cols_map["start"]]], path, n, "start"))
        end = int(_num(row[idx[cols_map["end"]]], path, n, "end"))
        raw_value = row[idx[cols_map["value"]]]
        if raw_value in ("", "NA", "NaN", "nan", "."):
            out.skipped.append(
                SkippedRecord(path, f"line {n}", "no copy-number value", "missing_value")
            )
            continue
        value = _num(raw_value, path, n, "copy-number value")
        if not math.isfinite(value):
            out.skipped.append(
                SkippedRecord(path, f"line {n}", f"copy-number value {raw_value}", "missing_value")
            )
            continue
        if zero_based:
            start += 1
        if end < start:
            out.skipped.append(
                SkippedRecord(path, f"line {n}", f"end {end} before start {start}", "malformed")
            )
            continue
        cn = None
        if (
            cols_map.get("cn")
            and cols_map["cn"] in idx
            and row[idx[cols_map["cn"]]] not in ("", "NA")
        ):
            cn = _num(row[idx[cols_map["cn"]]], path, n, "cn")
        call = row[idx[cols_map["call"]]] if cols_map.get("call") in idx else ""
        if kind == "log2":
            seg = Segment(
                chrom,
                start,
                end,
                log2=value,
                copy_number=cn,
                sample=s,
                record=f"line {n}",
                call=call,
            )
        else:
            seg = Segment(chrom, start, end, copy_number=value, sample=s, record=f"line {n}")
        out.segments.append(seg)
    if len(samples_seen) > 1 and not sample:
        raise InputFormatError(
            f"the file holds {len(samples_seen)} samples "
            f"({', '.join(samples_seen[:5])}); choose one with the sample sheet "
            "or --sample-name matching its ID column",
            path=path,
        )
    if sample and samples_seen and sample not in samples_seen:
        raise InputFormatError(
            f"sample {sample!r} not in the file ({', '.join(samples_seen[:5])})", path=path
        )
    out.sample = sample or (samples_seen[0] if samples_seen else "")


def read_cnvkit(path: str, build: str, sample: str | None) -> CnvData:
    """CNVkit .cns/.call.cns/.cnr: 0-based half-open; log2; ``cn`` when called."""
    out = CnvData(path, "CNVkit", "")
    _table_segments(
        path,
        build,
        out,
        {"chrom": "chromosome", "start": "start", "end": "end", "value": "log2", "cn": "cn"},
        True,
        "log2",
    )
    return out


def read_gatk(path: str, build: str, sample: str | None) -> CnvData:
    """GATK ModelSegments/CallCopyRatioSegments: ``@`` header, 1-based closed intervals."""
    lines = _lines(path)
    _, cols, _ = _header(lines)
    value = next(
        (c for c in ("MEAN_LOG2_COPY_RATIO", "LOG2_COPY_RATIO_POSTERIOR_50") if c in cols), None
    )
    if value is None:
        raise InputFormatError(
            "GATK segments without MEAN_LOG2_COPY_RATIO or LOG2_COPY_RATIO_POSTERIOR_50", path=path
        )
    kind = (
        "GATK .called.seg"
        if "CALL" in cols
        else ("GATK .modelFinal.seg" if "POSTERIOR" in value else "GATK .cr.seg")
    )
    out = CnvData(path, kind, "")
    _table_segments(
        path,
        build,
        out,
        {"chrom": "CONTIG", "start": "START", "end": "END", "value": value, "call": "CALL"},
        False,
        "log2",
    )
    for line in lines:
        m = re.match(r"@RG.*\tSM:(\S+)", line)
        if m:
            out.sample = m.group(1)
    return out


def read_seg(path: str, build: str, sample: str | None) -> CnvData:
    """DNAcopy/IGV SEG (1-based; log2 mean); multi-sample files need ``sample``."""
    lines = _lines(path)
    _, cols, _ = _header(lines)
    m = _seg_columns(cols)
    out = CnvData(path, "SEG", "")
    _table_segments(path, build, out, m, False, "log2", sample)  # type: ignore[arg-type]
    return out


def read_purple(path: str, build: str, sample: str | None) -> CnvData:
    """PURPLE somatic copy number: absolute, purity/ploidy-adjusted floats, 1-based."""
    out = CnvData(path, "PURPLE", "", value_kind="absolute")
    _table_segments(
        path,
        build,
        out,
        {"chrom": "chromosome", "start": "start", "end": "end", "value": "copyNumber"},
        False,
        "absolute",
    )
    return out


def read_ascat(path: str, build: str, sample: str | None) -> CnvData:
    """ASCAT segments: total copy number = nMajor + nMinor."""
    out = CnvData(path, "ASCAT", "", value_kind="absolute")
    lines = _lines(path)
    h, cols, _ = _header(lines)
    idx = {c: i for i, c in enumerate(cols)}
    for n, line in enumerate(lines[h + 1 :], start=h + 2):
        if not line.strip():
            continue
        row = _split(line)
        if sample and row[idx["sample"]] != sample:
            continue
        chrom = _contig(row[idx["chr"]], build, path, n, out)
        if chrom is None:
            continue
        cn = _num(row[idx["nMajor"]], path, n, "nMajor") + _num(
            row[idx["nMinor"]], path, n, "nMinor"
        )
        out.segments.append(
            Segment(
                chrom,
                int(_num(row[idx["startpos"]], path, n, "start")),
                int(_num(row[idx["endpos"]], path, n, "end")),
                copy_number=cn,
                sample=row[idx["sample"]],
                record=f"line {n}",
            )
        )
        out.sample = row[idx["sample"]]
    return out


_WORDS = {
    "amplification": 2,
    "amp": 2,
    "gain": 1,
    "loss": -1,
    "deletion": -2,
    "homdel": -2,
    "hetloss": -1,
    "neutral": 0,
}


def read_gene_table(path: str, build: str, sample: str | None) -> CnvData:
    """Gene-level tables: PURPLE gene, cBioPortal/GISTIC discrete (wide) or long form."""
    lines = _lines(path)
    h, cols, _ = _header(lines)
    low = [c.lower() for c in cols]
    out = CnvData(path, "gene table", "", value_kind="discrete")
    gene_col = next(
        i for i, c in enumerate(low) if c in ("hugo_symbol", "gene", "gene symbol", "gene_symbol")
    )
    value_col = next(
        (
            i
            for i, c in enumerate(low)
            if c in ("copy_number", "copynumber", "value", "copy_number_alteration", "cn")
        ),
        None,
    )
    sample_col = next(
        (i for i, c in enumerate(low) if c in ("sample", "sample_id", "tumor_sample_barcode")), None
    )
    if "mincopynumber" in low:
        out.format, out.value_kind, value_col = (
            "PURPLE gene",
            "absolute",
            low.index("mincopynumber"),
        )
    elif value_col is not None and low[value_col] in ("copy_number", "copynumber", "cn"):
        out.value_kind = "absolute"  # long form with absolute copy number
    wide = value_col is None
    if wide:
        meta = {"hugo_symbol", "entrez_gene_id", "locus id", "cytoband", "gene symbol", "gene"}
        samples = [c for c in cols if c.lower() not in meta]
        if not samples:
            raise InputFormatError("gene table without value or sample columns", path=path)
        chosen = sample or (samples[0] if len(samples) == 1 else None)
        if chosen is None or chosen not in samples:
            raise InputFormatError(
                f"choose a sample column of the gene table ({', '.join(samples[:5])})", path=path
            )
        value_col = cols.index(chosen)
        out.sample = chosen
    for n, line in enumerate(lines[h + 1 :], start=h + 2):
        if not line.strip():
            continue
        row = _split(line)
        if len(row) <= max(gene_col, value_col):
            out.skipped.append(SkippedRecord(path, f"line {n}", "too few columns", "malformed"))
            continue
        if not wide and sample_col is not None:
            if sample and row[sample_col] != sample:
                continue
            out.sample = out.sample or row[sample_col]
        raw = row[value_col].strip()
        if raw.lower() in _WORDS:
            value = float(_WORDS[raw.lower()])
        elif raw in ("", "NA"):
            out.skipped.append(
                SkippedRecord(path, f"line {n}", "not profiled (blank/NA)", "missing_value")
            )
            continue
        else:
            value = _num(raw, path, n, "copy-number value")
        discrete = out.value_kind == "discrete"
        if discrete and value not in (-2, -1, 0, 1, 2):
            if value > 2 and not float(value).is_integer():
                out.value_kind = "absolute"
            else:
                out.skipped.append(
                    SkippedRecord(
                        path, f"line {n}", f"discrete value {raw} is not one of -2..2", "malformed"
                    )
                )
                continue
        out.segments.append(
            Segment(
                "",
                0,
                0,
                gene=row[gene_col],
                record=f"line {n}",
                sample=out.sample,
                **(
                    {"discrete": int(value)}
                    if out.value_kind == "discrete"
                    else {"copy_number": value}
                ),
            )
        )
    return out


def read_cnv_vcf(path: str, build: str, sample: str | None) -> CnvData:
    """Copy number in VCF: ``<DUP>``/``<DEL>``/``SVTYPE=CNV`` with ``FORMAT/CN`` or fold change."""
    out = CnvData(path, "CNV VCF", "")
    lines = _lines(path)
    cols: list[str] = []
    for n, line in enumerate(lines, start=1):
        if line.startswith("##"):
            continue
        if line.startswith("#CHROM"):
            cols = line[1:].split("\t")
            continue
        row = line.split("\t")
        if len(row) < 8:
            continue
        info = dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in row[7].split(";"))
        svtype = info.get("SVTYPE", row[4].strip("<>"))
        if svtype not in ("DUP", "DEL", "CNV"):
            continue
        chrom = _contig(row[0], build, path, n, out)
        if chrom is None:
            continue
        start = max(1, int(row[1]))
        end = int(info.get("END", row[1]))
        cn = None
        if len(row) > 9:
            fmt = dict(zip(row[8].split(":"), row[9].split(":"), strict=False))
            if fmt.get("CN", ".") not in (".", ""):
                cn = float(fmt["CN"])
            elif svtype == "DEL" and fmt.get("GT") in ("1/1", "1|1"):
                cn = 0.0
            out.sample = cols[9] if len(cols) > 9 else ""
        log2 = float(info["FOLD_CHANGE_LOG"]) if "FOLD_CHANGE_LOG" in info else None
        if cn is None and log2 is None:
            out.skipped.append(
                SkippedRecord(
                    path, f"line {n}", "CNV record without CN or fold change", "missing_value"
                )
            )
            continue
        out.segments.append(
            Segment(
                chrom,
                start,
                end,
                log2=log2,
                copy_number=cn,
                record=f"line {n}",
                call=svtype,
                sample=out.sample,
            )
        )
    out.value_kind = "absolute" if all(s.copy_number is not None for s in out.segments) else "log2"
    return out


_READERS: dict[str, Callable[[str, str, str | None], CnvData]] = {
    "cnvkit": read_cnvkit,
    "gatk": read_gatk,
    "seg": read_seg,
    "purple": read_purple,
    "purple_gene": read_gene_table,
    "ascat": read_ascat,
    "vcf": read_cnv_vcf,
    "gene_table": read_gene_table,
}


def read_cnv(
    path: str | Path, build: str, fmt: str | None = None, sample: str | None = None
) -> CnvData:
    """Read a copy-number file of any supported format.

    Raises
    ------
    InputFormatError
        Unknown format, missing column, non-numeric value, overlapping segments.
    """
    path = str(path)
    fmt = fmt or detect_cnv_format(path)
    if fmt not in _READERS:
        raise InputFormatError(
            f"unknown --cnv-format {fmt!r}; use one of {', '.join(FORMATS)}", path=path
        )
    data = _READERS[fmt](path, build, sample)
    _check_overlaps(data)
    return data


def _check_overlaps(data: CnvData) -> None:
    """Segments may come in any order; overlapping segments of one sample are an error.

    Adjacent segments that share their boundary base (common in SEG files) are accepted.
    """
    if data.format == "CNVkit" and data.path.endswith(".cnr"):
        return  # bins, not segments
    by_chrom: dict[tuple[str, str], list[Segment]] = {}
    for s in data.segments:
        if s.chrom:
            by_chrom.setdefault((s.sample, s.chrom), []).append(s)
    samples = {s.sample for s in data.segments if s.sample}
    if len(samples) > 1:
        raise InputFormatError(
            f"the file holds {len(samples)} samples ({', '.join(sorted(samples)[:5])});"
            " choose one (sample sheet or --sample-name)",
            path=data.path,
        )
    for segs in by_chrom.values():
        segs.sort(key=lambda s: (s.start, s.end))
        for a, b in zip(segs, segs[1:], strict=False):
            if b.start < a.end:
                raise InputFormatError(
                    f"segments overlap ({a.record}: {a.chrom}:{a.start}-{a.end} and "
                    f"{b.record}: {b.start}-{b.end}); one sample per file, "
                    "non-overlapping segments expected",
                    path=data.path,
                )
