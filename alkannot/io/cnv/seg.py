"""DNAcopy/IGV/cBioPortal SEG: one row per segment and sample, 1-based, log2 mean."""

from __future__ import annotations

from pathlib import Path

from alkannot.errors import InputFormatError
from alkannot.genome.build import detect_build
from alkannot.io.cnv.base import CnvData, header, lines_of, table_segments


def seg_columns(cols: list[str]) -> dict[str, str] | None:
    """The SEG columns by role, or None when the header is not a SEG header."""
    low = {c.lower(): c for c in cols}

    def pick(*names: str) -> str | None:
        return next((low[n] for n in names if n in low), None)

    found = {
        "sample": pick("id", "sample", "samplename", "sample_id", "tumor_sample_barcode"),
        "chrom": pick("chrom", "chromosome", "chr"),
        "start": pick("loc.start", "start"),
        "end": pick("loc.end", "end"),
        "value": pick("seg.mean", "segment_mean", "mean", "log2"),
        "probes": pick("num.mark", "num_probes", "nbrofloci"),
    }
    required = ("chrom", "start", "end", "value")
    return found if all(found[k] for k in required) and found["sample"] else None  # type: ignore[return-value]


def cbioportal_meta_build(path: str) -> tuple[str, str]:
    """The ``reference_genome_id`` of a cBioPortal meta file naming this data file, if any."""
    folder = Path(path).parent
    for meta in sorted(folder.glob("meta_*.txt")):
        try:
            text = meta.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        fields = dict(
            (k.strip(), v.strip()) for k, _, v in (x.partition(":") for x in text.splitlines())
        )
        if fields.get("data_filename") == Path(path).name and fields.get("reference_genome_id"):
            line = f"reference_genome_id: {fields['reference_genome_id']} ({meta.name})"
            build, _ = detect_build([f"##reference={fields['reference_genome_id']}"])
            return build or "", line
    return "", ""


def read_seg(path: str, build: str, sample: str | None) -> CnvData:
    """Read a SEG file; multi-sample files need ``sample``."""
    lines = lines_of(path)
    _, cols, _ = header(lines, path)
    m = seg_columns(cols)
    if m is None:
        raise InputFormatError(
            f"not a SEG header (need sample/ID, chrom, start, end and a mean column; found "
            f"{' '.join(cols[:6])}); is this the right --cnv-format?",
            path=path,
        )
    out = CnvData(path, "SEG", "")
    table_segments(path, build, out, m, False, "log2", sample)  # type: ignore[arg-type]
    out.declared_build, out.build_evidence = cbioportal_meta_build(path)
    return out
