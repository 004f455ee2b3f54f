#!/usr/bin/env python3
"""Write the bad-input corpus and its manifest (run from anywhere; deterministic).

Each file is malformed or hostile in one way. ``manifest.tsv`` says what alkannot must do with
it: ``error`` (one line naming the file, exit code 2, no output) or ``ok`` (annotated, possibly
with a warning and rows in the skipped table, whose category is given), and a word the message
or the skipped table must contain.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pysam

HERE = Path(__file__).resolve().parent
G38 = "##contig=<ID=chr2,length=242193529>\n"
FMT = ('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
       '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
       '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
       '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')
HEAD = "##fileformat=VCFv4.2\n" + FMT + G38
COLS = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
G1202R = "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT:AD:AF:DP\t0/1:80,20:0.2:100\n"


def rec(ref="C", alt="T", pos="29220747", chrom="chr2", info=".", sample="0/1:80,20:0.2:100", fmt="GT:AD:AF:DP"):
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t{info}\t{fmt}\t{sample}\n"


def main() -> None:
    files: dict[str, bytes] = {}
    manifest: list[tuple[str, str, str, str]] = []  # name, outcome, word, extra CLI args

    def add(name, data, outcome, word, args=""):
        files[name] = data if isinstance(data, bytes) else data.encode()
        manifest.append((name, outcome, word, args))

    rng = random.Random(11)
    add("empty.vcf", b"", "error", "empty")
    add("binary_junk.vcf", bytes(rng.randrange(256) for _ in range(4096)), "error", "VCF")
    add("png_header.vcf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "error", "VCF")
    full = gzip.compress((HEAD + COLS + G1202R * 50).encode())
    add("plain_gzip_truncated.vcf.gz", full[: len(full) // 2], "error", "truncated")
    add("text_named_gz.vcf.gz", HEAD + COLS + G1202R, "ok", "")
    add("stray_line_before_header.vcf", "SnpEff version 4.3 (build 2017-11-24)\n" + HEAD + COLS + G1202R, "ok", "ignored")
    add("missing_chrom_line.vcf", HEAD + G1202R, "error", "#CHROM")
    add("headerless.vcf", G1202R * 3, "error", "header")
    add("wrong_column_count.vcf", HEAD + COLS + "chr2\t29220747\t.\tC\tT\n", "error", "columns")
    add("spaces_not_tabs.vcf", HEAD + COLS + G1202R.replace("\t", " "), "error", "tab")
    add("non_utf8_info.vcf", (HEAD + '##INFO=<ID=NOTE,Number=1,Type=String,Description="n">\n' + COLS).encode()
        + rec(info="NOTE=caf\xe9").encode("latin-1"), "ok", "")
    add("dot_ad.vcf", HEAD + COLS + rec(sample="0/1:.:.:100"), "ok", "")
    add("partial_ad.vcf", HEAD + COLS + rec(sample="0/1:.,21:.:100"), "ok", "")
    add("dot_af_dot_dp.vcf", HEAD + COLS + rec(sample="0/1:80,20:.:."), "ok", "")
    add("star_alt.vcf", HEAD + COLS + rec(alt="*"), "ok", "symbolic_alt")
    add("symbolic_del.vcf", HEAD + COLS + rec(alt="<DEL>"), "ok", "symbolic_alt")
    add("breakend_alt.vcf", HEAD + COLS + rec(alt="C]chr2:42295554]"), "ok", "symbolic_alt")
    add("huge_info.vcf", HEAD + '##INFO=<ID=BIG,Number=1,Type=String,Description="b">\n' + COLS
        + rec(info="BIG=" + "A" * 1_000_000), "ok", "")
    add("duplicated_samples.vcf", HEAD + COLS.replace("TUMOR\n", "TUMOR\tTUMOR\n")
        + G1202R.rstrip("\n") + "\t0/0:90,0:0:90\n", "error", "Duplicated")
    add("grch37_labelled_grch38.vcf", "##fileformat=VCFv4.2\n" + FMT + "##reference=file:///ref/hg38.fa\n"
        "##contig=<ID=2,length=243199373>\n" + COLS + rec(chrom="2", pos="29443613"), "error", "--build")
    manifest.append(("grch37_labelled_grch38.vcf", "ok", "--build GRCh37 was used", "--build GRCh37"))
    add("contig_CHR2.vcf", HEAD.replace("ID=chr2", "ID=CHR2") + COLS + rec(chrom="CHR2"), "ok", "")
    add("contig_2_in_grch38.vcf", HEAD.replace("ID=chr2", "ID=2") + COLS + rec(chrom="2"), "ok", "")
    add("contig_chr2_in_grch37.vcf", "##fileformat=VCFv4.2\n" + FMT + "##contig=<ID=chr2,length=243199373>\n"
        + COLS + rec(pos="29443613"), "ok", "")
    add("no_build_information.vcf", "##fileformat=VCFv4.2\n" + FMT + "##contig=<ID=chr2>\n" + COLS + G1202R,
        "error", "--build")
    add("ref_mismatch.vcf", HEAD + COLS + rec(ref="A"), "error", "disagrees")
    add("ref_n.vcf", HEAD + COLS + rec(ref="N"), "ok", "malformed")
    add("lowercase_bases.vcf", HEAD + COLS + rec(ref="c", alt="t"), "ok", "")
    add("pos_zero.vcf", HEAD + COLS + rec(pos="0"), "ok", "")
    add("pos_negative.vcf", HEAD + COLS + rec(pos="-5"), "error", "POS")
    add("pos_not_a_number.vcf", HEAD + COLS + rec(pos="29e6x"), "error", "POS")
    add("bad_pos_after_good_lines.vcf", HEAD + COLS + G1202R * 3 + rec(pos="2922O747"), "error", "POS")
    add("format_sample_mismatch.vcf", HEAD + COLS + rec(sample="0/1:80,20:0.2:100:7:8"), "error", "FORMAT")
    add("crlf_line_endings.vcf", (HEAD + COLS + G1202R).replace("\n", "\r\n"), "ok", "")
    add("header_only.vcf", HEAD + COLS, "ok", "")
    add("no_samples.vcf", HEAD + COLS.replace("\tFORMAT\tTUMOR", "") + "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\n",
        "ok", "")
    add("sample_not_in_file.vcf", HEAD + COLS + G1202R, "error", "NOT_THERE", "--sample NOT_THERE")
    add("multiallelic_number_r.vcf", HEAD + COLS + rec(alt="T,G", sample="0/1/2:60,20,20:0.2,0.2:100"), "ok", "")
    add("undeclared_info_and_format.vcf", HEAD + COLS + rec(info="XYZ=1", fmt="GT:AD:AF:DP:QQ",
                                                             sample="0/1:80,20:0.2:100:3"), "ok", "")
    add("long_alt_allele.vcf", HEAD + COLS + rec(alt="C" + "ACGT" * 2500), "ok", "")
    add("fileformat_only.vcf", "##fileformat=VCFv4.2\n", "error", "#CHROM")
    add("utf16.vcf", (HEAD + COLS + G1202R).encode("utf-16"), "error", "VCF")
    add("hostile_sample_name.vcf", HEAD + COLS.replace("TUMOR", "<script>alert(1)</script>") + G1202R, "ok", "")
    add("unsorted_records.vcf", HEAD + COLS + rec(pos="29220747") + rec(pos="29220745", ref="T", alt="G"), "ok", "")
    add("filter_missing.vcf", HEAD + COLS + G1202R.replace("PASS", "."), "ok", "")
    add("qual_not_a_number.vcf", HEAD + COLS + G1202R.replace("\t.\tPASS", "\tabc\tPASS"), "ok", "")
    add("sample_column_missing.vcf", HEAD + COLS + G1202R.rsplit("\t", 1)[0] + "\n", "error", "columns")
    add("alt_equals_ref.vcf", HEAD + COLS + rec(alt="C"), "error", "equals REF")
    add("gzip_magic_garbage.vcf.gz", b"\x1f\x8b\x08\x00" + b"not deflate data " * 8, "error",
        "decompress")
    add("contig_lengths_disagree.vcf", "##fileformat=VCFv4.2\n" + FMT + G38
        + "##contig=<ID=2,length=243199373>\n" + COLS + G1202R, "error", "--build")
    # chr2 of GRCh38 beside chr7 of GRCh37 (159138663; GRCh38's is 159345973): a mixed header
    add("contigs_of_two_builds.vcf", "##fileformat=VCFv4.2\n" + FMT + G38
        + "##contig=<ID=chr7,length=159138663>\n" + COLS + G1202R, "error",
        "contig lengths name different builds (chr2: GRCh38; chr7: GRCh37)")
    add("build_from_ref_bases.vcf", "##fileformat=VCFv4.2\n" + FMT + COLS  # no build line at all:
        # GRCh37 KRAS codon 12 (12:25398283-25398285, plus strand ACC): c.35 C>T written with its
        # neighbours, and the G12C allele (c.34 C>A): four REF bases that only GRCh37 has there
        + rec(chrom="12", pos="25398283", ref="ACC", alt="ATC")
        + rec(chrom="12", pos="25398285", ref="C", alt="A"), "ok", "G12D")
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    # a bgzip file cut short, and a file whose tabix index belongs to another file
    plain = HERE / "_tmp.vcf"
    plain.write_text(HEAD + COLS + G1202R * 2000)
    pysam.tabix_compress(str(plain), str(HERE / "_full.vcf.gz"), force=True)
    data = (HERE / "_full.vcf.gz").read_bytes()
    (HERE / "truncated_bgzip.vcf.gz").write_bytes(data[: len(data) - 2000])
    manifest.append(("truncated_bgzip.vcf.gz", "error", "truncated", ""))
    (HERE / "_full.vcf.gz").rename(HERE / "stale_index.vcf.gz")
    other = HERE / "_other.vcf"
    other.write_text(HEAD + COLS + G1202R)
    pysam.tabix_compress(str(other), str(HERE / "_other.vcf.gz"), force=True)
    pysam.tabix_index(str(HERE / "_other.vcf.gz"), preset="vcf", force=True)
    (HERE / "_other.vcf.gz.tbi").rename(HERE / "stale_index.vcf.gz.tbi")
    import os

    os.utime(HERE / "stale_index.vcf.gz.tbi", (0, 0))  # older than its VCF
    manifest.append(("stale_index.vcf.gz", "ok", "index", ""))
    # an index of another file, newer than the VCF: the mtime cannot tell, the pointers can
    foreign = HERE / "_foreign.vcf"
    foreign.write_text(HEAD + COLS + "chr1\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\n" * 50 + G1202R)
    pysam.tabix_compress(str(foreign), str(HERE / "_foreign.vcf.gz"), force=True)
    pysam.tabix_index(str(HERE / "_foreign.vcf.gz"), preset="vcf", force=True)
    pysam.tabix_compress(str(plain), str(HERE / "foreign_index.vcf.gz"), force=True)
    (HERE / "_foreign.vcf.gz.tbi").rename(HERE / "foreign_index.vcf.gz.tbi")
    os.utime(HERE / "foreign_index.vcf.gz", (1_000_000_000, 1_000_000_000))
    manifest.append(("foreign_index.vcf.gz", "ok", "does not belong", ""))
    for p in (plain, other, HERE / "_other.vcf.gz", foreign, HERE / "_foreign.vcf.gz"):
        p.unlink()
    lines = ["file\toutcome\tword\targs"] + ["\t".join(m) for m in manifest]
    (HERE / "manifest.tsv").write_text("\n".join(lines) + "\n")
    print(f"{len(manifest)} corpus files")


if __name__ == "__main__":
    main()
