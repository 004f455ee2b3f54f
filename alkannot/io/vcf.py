"""Read somatic VCFs with htslib (:mod:`alkannot.io.htsvcf`): build, tumour sample, target-region records, VAF/depth.

The file is opened once. With a tabix/CSI index every target region is queried on that one
object, so the cost does not grow with the file; without an index the file is streamed once in
bounded memory and only records overlapping a target are kept (unsorted files and unexpected
contigs included). Cheap checks run before htslib sees the file, so malformed input gives a
one-line :class:`~alkannot.errors.AlkannotError` rather than htslib noise or a crash.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alkannot.bounds import OutOfRange
from alkannot.errors import AlkannotError, BuildMismatchError, InputFileError, InputFormatError
from alkannot.genome.build import (
    canonical_contig,
    contig_length_conflicts,
    detect_build,
    normalise_build,
)
from alkannot.io.annotations import annotation_fields, parse_annotations
from alkannot.io.callers import choose_tumour, detect_caller, read_phase, read_vaf_depth
from alkannot.models import SkippedRecord, Variant

Regions = dict[str, list[tuple[int, int]]]
_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_HEAD_BYTES = 1 << 16
_NOT_ACGTN = re.compile(r"[^ACGTN]")
_NOT_ACGT = re.compile(r"[^ACGT]")


@dataclass
class VcfData:
    """What one VCF yielded for the target regions."""

    path: str
    build: str
    build_evidence: str
    sample: str
    normal_sample: str | None
    caller: str
    annotator: str
    variants: list[Variant] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    records_examined: int = 0
    indexed: bool = False
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _quiet_htslib() -> Iterator[Path]:
    """Send htslib's own stderr messages to a temporary file (fd 2), yielding its path."""
    fd, tmp = tempfile.mkstemp(prefix="alkannot-htslib-", suffix=".log")
    saved = os.dup(2)
    try:
        os.dup2(fd, 2)
        yield Path(tmp)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)  # no log file is ever left in the temporary folder


def _htslib_message(log: Path) -> str:
    try:
        text = log.read_text(errors="replace").strip()
    except OSError:
        return ""
    return text.splitlines()[0] if text else ""


def _head_text(path: str, check_gzip: bool = True) -> tuple[str, bool]:
    """Decompressed start of the file (up to 64 KiB) and whether it is gzip-compressed.

    ``check_gzip`` reads a plain (non-BGZF) gzip file to its end to catch truncation; the fast
    scan, which reads the whole file anyway, checks it on the way instead.
    """
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            data = fh.read(4)
            fh.seek(max(0, size - 28))
            tail = fh.read(28)
        bgzf = data[3:4] == b"\x04"  # FEXTRA set: BGZF
        if bgzf and tail != _BGZF_EOF:
            raise InputFormatError(
                "the bgzip file is truncated (no BGZF end-of-file marker); copy or recompress it "
                "again (bgzip) and re-index it (tabix -p vcf)",
                path=path,
            )
        try:
            with gzip.open(path, "rb") as gz:
                raw = gz.read(_HEAD_BYTES)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFormatError(
                f"cannot decompress the file ({exc}); is it a VCF?", path=path
            ) from None
        if not bgzf and check_gzip:
            _check_plain_gzip(path)
        return raw.decode("utf-8", errors="replace"), True
    with open(path, "rb") as fh:
        raw = fh.read(_HEAD_BYTES)
    return raw.decode("utf-8", errors="replace"), False


def sample_columns(path: str) -> list[str]:
    """The sample columns of a VCF's ``#CHROM`` line ([] when there is none to be found)."""
    try:
        _, compressed = _head_text(path, check_gzip=False)
        opener = gzip.open if compressed else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:  # the header only: it ends at the first line without '#'
                if line.startswith("#CHROM\t"):
                    return line.rstrip("\r\n").split("\t")[9:]
                if not line.startswith("#"):
                    break
    except (AlkannotError, OSError, EOFError, zlib.error):
        pass  # reading the file properly will say what is wrong
    return []


def _check_plain_gzip(path: str) -> None:
    """A plain (non-BGZF) gzip file is read to the end once: a truncated one fails here."""
    try:
        with gzip.open(path, "rb") as gz:
            while gz.read(1 << 22):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFormatError(
            f"the gzip file is truncated or corrupt ({exc}); recompress it with bgzip", path=path
        ) from None


def _first_records(path: str, compressed: bool, n: int = 50) -> list[list[str]]:
    """The first ``n`` records' columns (past a header of any size, up to 16 MiB of text)."""
    opener = gzip.open if compressed else open
    rows, read = [], 0
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                read += len(line)
                if read > 1 << 24 or len(rows) >= n:
                    break
                if line.strip() and not line.startswith("#"):
                    rows.append(line.rstrip("\n").split("\t"))
    except (OSError, EOFError, zlib.error):
        return rows  # a damaged file is reported by the reader, with its own message
    return rows


#: ``##source=`` of SV callers, for a VCF of theirs without a record
_SV_SOURCES = re.compile(r"^##source=(svaba|manta|delly|gridss|lumpy|smoove|tiddit|sniffles)", re.I)


def _refuse_sv_calls(path: str, rows: list[list[str]], head: str = "") -> None:
    """Stop when the records at the start of the file are all structural variants.

    An SV caller's VCF (Manta, DELLY, GRIDSS: every record with ``SVTYPE``, symbolic or breakend
    ALTs) given as the variant input would read as "no ALK mutation called"; it belongs to
    ``--fusions``. Pindel's indels carry ``SVTYPE`` with sequence ALTs, and are small variants.
    """
    rows = [r for r in rows if len(r) >= 8]
    if not rows:
        lines = head.splitlines()
        source = next((m.group(1) for x in lines if (m := _SV_SOURCES.match(x))), "")
        if source and any(x.startswith("##INFO=<ID=SVTYPE,") for x in lines):
            raise InputFormatError(
                f"an SV caller's VCF (##source={source}, SVTYPE declared) without records, "
                "not small-variant calls; give it with --fusions and the somatic small-variant "
                "VCF (or MAF) as the variant input",
                path=path,
            )
        return
    if not all("SVTYPE=" in r[7] for r in rows):
        return
    if any(r[4].startswith("<") or "[" in r[4] or "]" in r[4] for r in rows):
        raise InputFormatError(
            f"structural-variant calls, not small variants: its first {len(rows)} record(s) all "
            "carry SVTYPE, with symbolic or breakend ALTs (an SV caller's VCF); give it with "
            "--fusions and the somatic small-variant VCF (or MAF) as the variant input",
            path=path,
        )


def _validate_head(path: str, text: str) -> tuple[int, str]:
    """Check the header shape; return (number of stray leading lines, a warning or "")."""
    if not text:
        raise InputFileError("the file is empty; expected a VCF", path=path)
    if "\x00" in text[:4096]:
        raise InputFormatError(
            "binary content: this is not a VCF (plain or bgzipped text)", path=path
        )
    lines = text.splitlines()
    stray = 0
    while stray < len(lines) and not lines[stray].startswith("#"):
        stray += 1
        if stray > 3:
            break
    if stray >= len(lines) or stray > 3:
        raise InputFormatError(
            "no VCF header (no '##fileformat'/'#CHROM' lines) at the start; expected a VCF, or a "
            "MAF (a Hugo_Symbol ... Tumor_Sample_Barcode header; --input-format maf)",
            path=path,
            record="line 1",
        )
    warning = ""
    if stray:
        warning = f"{stray} line(s) before the VCF header were ignored (line 1: {lines[0][:60]!r})"
    complete = len(text) < _HEAD_BYTES
    chrom_line = next((i for i, x in enumerate(lines) if x.startswith("#CHROM")), None)
    if complete and chrom_line is None:
        raise InputFormatError("the header has no '#CHROM' line; expected a VCF", path=path)
    if chrom_line is not None:
        _check_first_record(path, lines, chrom_line, complete)
    return stray, warning


def _check_first_record(path: str, lines: list[str], chrom_line: int, complete: bool) -> None:
    """The first record must have the header's columns, tab-separated, and a numeric POS."""
    n_cols = len(lines[chrom_line].split("\t"))
    for i in range(chrom_line + 1, len(lines) - (0 if complete else 1)):
        line = lines[i].rstrip("\r")
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) < 8 or (n_cols > 8 and len(fields) != n_cols):
            hint = " (columns must be separated by tabs)" if "\t" not in line else ""
            raise InputFormatError(
                f"{len(fields)} columns, the #CHROM line has {n_cols}{hint}",
                path=path,
                record=f"line {i + 1}",
            )
        if not fields[1].isdigit():
            raise InputFormatError(
                f"POS {fields[1]!r} is not a positive whole number",
                path=path,
                record=f"line {i + 1}",
            )
        return


#: A header longer than this is trimmed before htslib sees it (htslib keeps every header line in
#: memory, at about a kilobyte each): free-text lines go, structure stays. Real headers (a few
#: thousand contigs and fields) are far below it.
MAX_HEADER_LINES = 20_000
_KEEP = re.compile(
    r"##(fileformat|INFO|FORMAT|FILTER|ALT|reference|assembly|source|tumor_sample|normal_sample|"
    r"VEP|SnpEff|GATKCommandLine|mutectversion|DRAGEN|liftOver|new_reference|genome|PEDIGREE)",
    re.I,
)
_PRIMARY = re.compile(r"##contig=<ID=(chr)?([0-9]{1,2}|X|Y|M|MT)[,>]", re.I)


def _header_lines_count(path: str, compressed: bool) -> int:
    """Number of ``#`` lines before the first record (streamed, bounded memory)."""
    n = 0
    opener = gzip.open if compressed else open
    with opener(path, "rb") as fh:
        for line in fh:
            if not line.startswith(b"#"):
                break
            n += 1
    return n


def _clean_copy(path: str, stray: int, compressed: bool, trim: bool) -> tuple[str, int]:
    """Stream a copy for htslib without stray leading lines and, with ``trim``, without the
    free-text lines of an oversized header. Returns the copy and the number of lines dropped."""
    opener = gzip.open if compressed else open
    fd, tmp = tempfile.mkstemp(prefix="alkannot-", suffix=".vcf")
    try:
        dropped = _copy_lines(path, opener, fd, stray, trim)
    except BaseException:  # a signal or a full disk mid-copy leaves no temporary file
        os.unlink(tmp)
        raise
    return tmp, dropped


def _copy_lines(path: str, opener, fd: int, stray: int, trim: bool) -> int:
    dropped = 0
    kept = 0
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh, os.fdopen(fd, "w") as out:
        in_header = True
        for n, line in enumerate(fh):
            if n < stray:
                continue
            if in_header and not line.startswith("#"):
                in_header = False
            if in_header and trim and line.startswith("##"):
                structural = bool(_KEEP.match(line)) or line.startswith("##contig")
                must = bool(_PRIMARY.match(line)) or line.startswith("##fileformat")
                if not must and (not structural or kept >= MAX_HEADER_LINES):
                    dropped += 1
                    continue
                kept += 1
            out.write(line)
    return dropped


def _index_state(path: str, contigs: list[str] | None = None) -> tuple[bool, str]:
    """Whether a usable index sits next to the file, and a warning when one is ignored.

    An index older than the VCF, or one that does not describe it (its block pointers and contig
    names are checked, :mod:`alkannot.io.vcf_index`), is ignored and the file streamed instead,
    so that a stale or foreign index can never make records disappear.
    """
    from alkannot.io.vcf_index import IndexMismatch, check_index

    for ext in (".tbi", ".csi"):
        idx = path + ext
        if os.path.exists(idx):
            if os.path.getmtime(idx) < os.path.getmtime(path):
                return False, (
                    f"the index {Path(idx).name} is older than the VCF and was ignored "
                    "(re-index with tabix -p vcf); the file was streamed instead"
                )
            try:
                check_index(path, idx, contigs or [])
            except IndexMismatch as exc:
                return False, (
                    f"the index {Path(idx).name} does not belong to this VCF ({exc}) and was "
                    "ignored (re-index with tabix -p vcf); the file was streamed instead"
                )
            return True, ""
    return False, ""


def _contig_lengths(header_lines: list[str]) -> dict[str, int]:
    out = {}
    for line in header_lines:
        if line.startswith("##contig=<"):
            m_id = re.search(r"ID=([^,>]+)", line)
            m_len = re.search(r"length=(\d+)", line)
            if m_id and m_len:
                out[m_id.group(1)] = int(m_len.group(1))
    return out


def _declared(header_lines: list[str], kind: str) -> set[str]:
    ids = set()
    for line in header_lines:
        if line.startswith(f"##{kind}=<"):
            m = re.search(r"ID=([^,>]+)", line)
            if m:
                ids.add(m.group(1))
    return ids


def read_vcf(
    path: str | Path,
    regions: Regions | Callable[[str], Regions],
    sample: str | None = None,
    build: str | None = None,
    fast_scan: bool = True,
) -> VcfData:
    """Read the target-region records of a VCF.

    Parameters
    ----------
    path
        VCF, plain or bgzipped; an index (``.tbi``/``.csi``) next to it enables region queries.
    regions
        Canonical contig -> ``[(start, end)]`` (1-based inclusive), or a function of the build
        returning that (the regions depend on the build, which is read from the header first).
    sample
        The tumour column; default: ``##tumor_sample``, then sample names, never column order.
    build
        ``GRCh37``/``GRCh38``: overrides detection; an error if it contradicts contig lengths.
    fast_scan
        Without an index, find candidate lines on the raw text first (:mod:`vcf_scan`); False
        parses every record with htslib (the plain path, kept for comparison).

    Returns
    -------
    VcfData
    """
    from alkannot.io.htsvcf import VcfFile

    path = str(path)
    head, compressed = _head_text(path, check_gzip=not fast_scan)
    stray, warning = _validate_head(path, head)
    _refuse_sv_calls(path, _first_records(path, compressed), head)
    trim = len(head) >= _HEAD_BYTES and _header_lines_count(path, compressed) > MAX_HEADER_LINES
    read_path = path
    vcf = None
    try:
        if stray or trim:
            read_path, dropped = _clean_copy(path, stray, compressed, trim)
            if dropped:
                note = (
                    f"{dropped} header line(s) of an oversized header (free text, or fields and "
                    f"contigs beyond the first {MAX_HEADER_LINES:,}) were not read"
                )
                warning = f"{warning}; {note}" if warning else note
        with _quiet_htslib() as log:
            try:
                vcf = VcfFile(read_path)
            except Exception as exc:  # htslib gives OSError, ValueError or plain Exception
                msg = _htslib_message(log) or str(exc)
                raise InputFormatError(
                    f"not a readable VCF ({msg}); check the header", path=path
                ) from None
        return _read(
            vcf, path, regions, sample, build, warning, read_path == path, read_path, fast_scan
        )
    finally:
        if vcf is not None:
            vcf.close()
        if read_path != path:
            os.unlink(read_path)


def _read(
    vcf,
    path: str,
    regions,
    sample,
    build,
    warning: str,
    may_index: bool,
    read_path: str,
    fast_scan: bool,
) -> VcfData:
    header_lines = [x for x in vcf.raw_header.splitlines() if x.startswith("##")]
    samples = list(vcf.samples)
    if len(set(samples)) != len(samples):
        dup = next(s for s in samples if samples.count(s) > 1)
        raise InputFormatError(
            f"sample name {dup!r} appears twice in #CHROM; rename one", path=path
        )
    build, evidence, build_warnings = _resolve_build(header_lines, build, read_path, path)
    warnings = [w for w in (warning, *build_warnings) if w]
    if not samples:
        tumour, normal = "", None
        warnings.append("the VCF has no sample columns: VAF and depth are not available")
        if sample:
            from alkannot.errors import SampleNotFoundError

            raise SampleNotFoundError(
                f"sample {sample!r} is not in the file; it has no sample columns", path=path
            )
    else:
        tumour, normal = choose_tumour(samples, header_lines, sample, path)
    formats, infos = _declared(header_lines, "FORMAT"), _declared(header_lines, "INFO")
    caller = detect_caller(header_lines, formats, infos)
    ann_fields = [f for f in annotation_fields(header_lines) if f.info_id in infos]
    annotator = ", ".join(sorted({f"{f.kind} {f.version}".strip() for f in ann_fields}))
    target = regions(build) if callable(regions) else regions
    data = VcfData(
        path=path,
        build=build,
        build_evidence=evidence,
        sample=tumour,
        normal_sample=normal,
        caller=caller,
        annotator=annotator,
        warnings=warnings,
    )
    contigs = list(_contig_lengths(header_lines)) or _declared(header_lines, "contig")
    indexed, index_warning = _index_state(path, sorted(contigs)) if may_index else (False, "")
    data.indexed = indexed
    if index_warning:
        data.warnings.append(index_warning)
    s_index = samples.index(tumour) if tumour else -1
    with _quiet_htslib() as log:
        try:
            if data.indexed:
                records = _query(vcf, target, build)
            elif fast_scan:
                records = _scan_records(vcf, read_path, target, build)
            else:
                records = _stream_records(vcf, target, build)
            for rec in records:
                data.records_examined += 1
                _add_record(data, rec, build, s_index, caller, ann_fields)
        except AlkannotError:
            raise
        except Exception as exc:  # noqa: BLE001 - htslib errors surface as OSError, ValueError or Exception
            msg = _htslib_message(log) or str(exc)
            raise InputFormatError(
                f"cannot read a record ({msg}); the file may be truncated or malformed",
                path=path,
                record=f"after {data.records_examined} target records",
            ) from None
    # the same order whatever the path (region queries, scan, stream): genomic order
    data.variants.sort(key=lambda v: (_contig_order(v.chrom), v.pos, v.ref, v.alt))
    # htslib's own messages (e.g. "could not retrieve index file" for an unindexed VCF, which is
    # a supported case) are never passed on: real problems raised above.
    return data


def _resolve_build(
    header_lines: list[str], build: str | None, read_path: str, path: str
) -> tuple[str, str, list[str]]:
    """The build of a VCF and its evidence: ``--build`` checked against the header (and, without
    contig lengths, against the REF bases), else the header's, else the REF bases'.

    Returns the build, its evidence and the warnings to report (a self-contradicting header
    overridden by ``--build``, thin REF-base evidence against it).

    Raises
    ------
    BuildMismatchError
        A header contradicting itself or ``--build``; no build to be told.
    """
    lengths = _contig_lengths(header_lines)
    detected, evidence = detect_build(header_lines, lengths)
    by_lines, line_evidence = detect_build(header_lines)
    conflict = thin = ""
    clash = contig_length_conflicts(lengths)
    if clash:
        conflict = f"its contig lengths name different builds ({'; '.join(clash)})"
    elif detected and by_lines and by_lines != detected:
        conflict = (
            f"the header's {line_evidence!r} says {by_lines} but the {evidence} is {detected}"
        )
    if build:
        build = normalise_build(build)
        if detected and detected != build and evidence.startswith("length") and not clash:
            raise BuildMismatchError(
                f"--build {build} contradicts the header ({evidence} is "
                f"{detected}); check the file or the option",
                path=path,
            )
        if not (detected and evidence.startswith("length")):
            thin = _check_forced_build(build, read_path, path)
        evidence = "--build"
        conflict = f"{conflict}; --build {build} was used" if conflict else ""
    elif conflict:
        raise BuildMismatchError(
            f"the header contradicts itself: {conflict}; check the file's build, or pass --build "
            "to say which it is",
            path=path,
        )
    elif detected:
        build = detected
    else:
        build, evidence = _build_from_bases(read_path, path)
    return build, evidence, [w for w in (conflict, thin) if w]


def _known_position_records(read_path: str):
    """``(contig, pos, ref)`` of the records on contigs where the bundle knows bases or genes."""
    from alkannot.genome.models import gene_spans
    from alkannot.genome.refbases import known_bases

    wanted = {c for b in ("GRCh37", "GRCh38") for c, _ in known_bases(b)}
    wanted |= {
        g.chrom.removeprefix("chr") for b in ("GRCh37", "GRCh38") for g in gene_spans(b).values()
    }
    opener = gzip.open if _is_gzip(read_path) else open
    with opener(read_path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.split("\t", 4)
            if len(f) > 3 and f[0].removeprefix("chr") in wanted and f[1].isdigit():
                yield f[0], int(f[1]), f[3]


def _check_forced_build(build: str, read_path: str, path: str) -> str:
    """A ``--build`` on a header without contig lengths, checked against the REF bases.

    The evidence that would name a build without the option (:func:`build_from_bases`) and
    names the other one stops the run; thinner evidence for the other build (REF bases agreeing
    with it at known positions and none with the chosen one) is returned as a warning.
    """
    from alkannot.genome.refbases import base_tallies, build_from_tallies

    records = list(_known_position_records(read_path))
    tallies = base_tallies(records)  # counted once: for the decision and for the warning
    named, evidence = build_from_tallies(tallies)
    if named and named != build:
        raise BuildMismatchError(
            f"--build {build} contradicts the REF bases ({evidence}); check the file's build or "
            "the option",
            path=path,
        )
    other = next(b for b in tallies if b != build)
    if named is None and tallies[other][0] and not tallies[other][1] and not tallies[build][0]:
        return (
            f"--build {build} was used, but the REF bases at known positions agree with "
            f"{other} ({tallies[other][0]}) and none with {build}: too few to decide; check "
            "the file's build (a variant at the other build's coordinates is not read)"
        )
    in_genes = {b: _records_in_genes(records, b) for b in (build, other)}
    if not in_genes[build] and in_genes[other]:
        return (
            f"--build {build} was used, but no record lies in the target genes in {build} "
            f"coordinates while {in_genes[other]} do in {other}'s: check the file's build (a "
            "result without findings may only mean the variants were looked for elsewhere)"
        )
    return ""


def _records_in_genes(records: list[tuple[str, int, str]], build: str) -> int:
    """How many ``(contig, pos, ref)`` records lie in the bundled target genes of ``build``."""
    from alkannot.genome.models import gene_spans

    spans = [(g.chrom.removeprefix("chr"), g.start, g.end) for g in gene_spans(build).values()]
    return sum(
        any(c == chrom.removeprefix("chr") and s <= pos <= e for c, s, e in spans)
        for chrom, pos, _ in records
    )


def _build_from_bases(read_path: str, path: str) -> tuple[str, str]:
    """The build from REF bases at known positions, for a header that names none."""
    from alkannot.genome.refbases import build_from_bases

    build, evidence = build_from_bases(_known_position_records(read_path))
    if build is None:
        raise BuildMismatchError(
            "cannot tell the genome build from the header (no contig lengths, reference, "
            "assembly or liftover line) nor from REF bases at known ALK/KRAS/EGFR positions; "
            "pass --build GRCh37 or --build GRCh38",
            path=path,
        )
    return build, evidence


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _contig_order(chrom: str) -> tuple[int, str]:
    bare = chrom.removeprefix("chr")
    return (int(bare), "") if bare.isdigit() else (1000, bare)


def _file_contig(vcf, canonical: str, build: str) -> list[str]:
    names = list(getattr(vcf, "seqnames", []) or [])
    matches = [n for n in names if canonical_contig(n, build) == canonical]
    if matches:
        return matches
    bare = canonical.removeprefix("chr")
    return [bare, f"chr{bare}"]


def _query(vcf, regions: Regions, build: str):
    """Region queries on the one open file object (never reopened per region)."""
    seen = set()
    for chrom, spans in regions.items():
        for name in _file_contig(vcf, chrom, build):
            for start, end in spans:
                # a contig absent from the index yields nothing; an index that cannot be read
                # raises (never an empty result that looks like "no variants")
                for rec in vcf(f"{name}:{start}-{end}"):
                    key = (rec.CHROM, rec.POS, rec.REF, tuple(rec.ALT))
                    if key in seen:  # a record spanning two merged regions
                        continue
                    seen.add(key)
                    yield rec


def _scan_records(vcf, path: str, regions: Regions, build: str):
    """Unindexed file: find candidate lines on the raw text, parse only those with htslib."""
    from alkannot.io.htsvcf import VcfFile
    from alkannot.io.vcf_scan import (
        CorruptInputError,
        MalformedRecordError,
        scan_regions,
        write_subset,
    )

    try:
        header, lines = scan_regions(
            path,
            regions,
            lambda c: canonical_contig(c, build),
            list(getattr(vcf, "seqnames", []) or []),
        )
    except MalformedRecordError as exc:
        raise InputFormatError(
            f"POS is not a positive whole number in the record {exc}", path=path
        ) from None
    except CorruptInputError as exc:  # the same message as the up-front gzip check
        raise InputFormatError(
            f"the gzip file is truncated or corrupt ({exc}); recompress it with bgzip", path=path
        ) from None
    if not lines:
        return
    tmp = write_subset(header, lines)
    try:
        subset = VcfFile(tmp)
        yield from _stream_records(subset, regions, build)
        subset.close()
    finally:
        os.unlink(tmp)


def _stream_records(vcf, regions: Regions, build: str):
    """Stream the whole file once and keep the records overlapping a region (any order)."""
    cache: dict[str, list[tuple[int, int]] | None] = {}
    for rec in vcf:
        chrom = rec.CHROM
        spans = cache.get(chrom, ...)
        if spans is ...:
            spans = cache[chrom] = regions.get(canonical_contig(chrom, build))
        if not spans:
            continue
        pos, end = rec.POS, rec.POS + len(rec.REF) - 1
        if any(pos <= e and end >= s for s, e in spans):
            yield rec


def _add_record(data: VcfData, rec, build: str, s_index: int, caller: str, ann_fields) -> None:
    try:
        text = str(rec).rstrip("\n").split("\t")
    except UnicodeDecodeError:
        raise InputFormatError(
            "the record holds bytes that are not UTF-8; convert the file to "
            "UTF-8 (e.g. iconv -f latin1 -t utf-8) and re-index it",
            path=data.path,
            record=f"{rec.CHROM}:{rec.POS}",
        ) from None
    chrom = canonical_contig(rec.CHROM, build)
    locus = f"{rec.CHROM}:{rec.POS}"  # the file's own contig name, as the user will search it
    ref = rec.REF.upper()
    alts = list(rec.ALT)
    filt = tuple(text[6].split(";")) if len(text) > 6 and text[6] else (".",)
    if not alts:
        data.skipped.append(SkippedRecord(data.path, f"{locus} {ref}>.", "no ALT allele", "no_alt"))
        return
    fmt: dict[str, list[str]] = {}
    if s_index >= 0 and len(text) > 9 + s_index:
        keys = text[8].split(":")
        vals = text[9 + s_index].split(":")
        fmt = {k: v.split(",") for k, v in zip(keys, vals, strict=False)}
    info = {}
    info_text = text[7] if len(text) > 7 else ""
    if "TVAF" in info_text or "TDP" in info_text:  # htslib's INFO lookups only when present
        for key in ("TVAF", "TDP"):
            val = rec.INFO.get(key)
            if val is not None:
                info[key] = val
    for i, alt in enumerate(alts, start=1):
        alt_u = alt.upper()
        if (
            alt_u.startswith("<")
            or alt_u in ("*", ".")
            or "[" in alt_u
            or "]" in alt_u
            or _NOT_ACGTN.search(alt_u)
        ):
            data.skipped.append(
                SkippedRecord(
                    data.path,
                    f"{locus} {ref}>{alt}",
                    "symbolic, breakend or spanning-deletion ALT: not a sequence change alkannot can "
                    "translate (structural variants belong in --fusions/--cnv)",
                    "symbolic_alt",
                )
            )
            continue
        if alt_u == ref:
            raise InputFormatError(
                f"ALT {alt} equals REF {ref}: not a variant; fix or remove the record",
                path=data.path,
                record=f"{locus} {ref}>{alt}",
            )
        if _NOT_ACGT.search(ref):
            data.skipped.append(
                SkippedRecord(
                    data.path, f"{locus} {ref}>{alt}", "REF is not a DNA sequence", "malformed"
                )
            )
            continue
        try:
            vaf, depth, alt_depth, source = read_vaf_depth(caller, fmt, info, ref, alts, i)
        except OutOfRange as e:
            data.skipped.append(
                SkippedRecord(data.path, f"{locus} {ref}>{alt}", str(e), "out_of_range")
            )
            continue
        phase_set, haplotypes = read_phase(fmt, i)
        anns = ()
        for f in ann_fields:
            value = rec.INFO.get(f.info_id) if f.info_id in info_text else None
            if value:
                anns += parse_annotations(value, f, ref, alts, i)
        data.variants.append(
            Variant(
                chrom=chrom,
                pos=rec.POS,
                ref=ref,
                alt=alt_u,
                filter=filt,
                vcf_id=rec.ID or ".",
                qual=rec.QUAL,
                vaf=vaf,
                depth=depth,
                alt_depth=alt_depth,
                vaf_source=source,
                sample=data.sample,
                allele_index=i,
                record=locus,
                annotations=anns,
                phase_set=phase_set,
                haplotypes=haplotypes,
            )
        )
