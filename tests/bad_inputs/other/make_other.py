#!/usr/bin/env python3
"""Write the non-VCF part of the bad-input corpus and its manifest (deterministic).

Each file is hostile in one way and is given to the command that reads its kind: ``cnv`` and
``fusions`` files with a good VCF (``--cnv``/``--fusions``), ``maf`` files as the annotate input,
``samplesheet`` files to ``alkannot batch``, ``cohort`` files to ``alkannot cohort`` (next to a
good sample JSON), ``catalogue`` files as ``--catalogue``. ``manifest.tsv``: file, kind,
outcome (``error``: one line naming the file, exit 2, no output; ``ok``), a word the message or
the outputs must contain, extra CLI arguments.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from alkannot.report.json import SCHEMA_VERSION

HERE = Path(__file__).resolve().parent
GOOD_VCF = "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"  # relative to the repository


#: a catalogue whose curated call contradicts its only evidence item (valid against the schema)
_CONTRADICTING = """name: contradicting
version: 1.0.0
date: '2026-01-01'
drugs:
- {id: crizotinib, drug_class: ALK inhibitor, alk_inhibitor: true, status: investigational}
entries:
- id: ALK_G1202R
  gene: ALK
  alteration: G1202R
  kind: mutation
  mechanism: on_target_mutation
  summary: a test entry
  detectable_in_dna: true
  drugs:
    crizotinib:
      call: sensitive
      conflicting: false
      evidence:
      - {call: resistant, source: review, citation: "Review [1], section 2", level: preclinical, statement: x}
"""


def main() -> None:
    files: dict[str, bytes] = {}
    manifest: list[tuple[str, ...]] = []

    def add(name, kind, data, outcome, word, args=""):
        files[name] = data if isinstance(data, bytes) else data.encode()
        manifest.append((name, kind, outcome, word, args))

    arriba_cols = ("#gene1 gene2 strand1(gene/fusion) strand2(gene/fusion) breakpoint1 breakpoint2 "
                   "site1 site2 type split_reads1 split_reads2 discordant_mates coverage1 coverage2 "
                   "confidence")
    ARRIBA_HEAD = arriba_cols.replace(" ", "\t") + "\n"  # noqa: N806
    cns = "chromosome\tstart\tend\tgene\tlog2\nchr2\t29192000\t29922000\tALK\t1.5\n"
    # copy number
    add("gzip_garbage.cns.gz", "cnv", b"\x1f\x8b\x08\x00" + b"garbage" * 20, "error", "inflate")
    add("utf16.cns", "cnv", cns.encode("utf-16"), "error", "UTF-16")
    # CNVkit always writes segments: a header alone is a failed run (an error); a CNV VCF lists
    # only the changes called, so a header alone is a valid empty result
    add("header_only.cns", "cnv", "chromosome\tstart\tend\tgene\tlog2\n", "error",
        "a header and no rows")
    add("rows_none_usable.cns", "cnv", "chromosome\tstart\tend\tgene\tlog2\n"
        "chrUn_gl000220\t1\t1000\t-\t0.1\n", "error", "none of its 1 data row(s) could be used")
    add("header_only_cnv.vcf", "cnv", "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP02_T\n", "ok",
        "no copy-number change called")
    add("cnvkit_forced_ascat.cns", "cnv", cns, "error", "nMajor", "--cnv-format ascat")
    add("cnvkit_forced_seg.cns", "cnv", cns, "error", "--cnv-format seg does not fit: expected "
        "ID/sample, chrom", "--cnv-format seg")
    add("cnvkit_forced_gene_table.cns", "cnv", cns, "error", "--cnv-format", "--cnv-format gene_table")
    add("cnvkit_forced_purple_gene.cns", "cnv", cns, "error", "--cnv-format", "--cnv-format purple_gene")
    add("two_samples.seg", "cnv", "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
        "A\tchr2\t1\t1000\t5\t0.1\nB\tchr2\t1\t1000\t5\t0.1\n", "error",
        "'P02_T' is not in the copy-number file; its samples are: A, B")  # the VCF's tumour
    add("grch37_cnvkit.cns", "cnv", "chromosome\tstart\tend\tgene\tlog2\n"
        "7\t116312250\t116438431\tMET\t1.5\n", "error", "GRCh37")  # GRCh37 MET, GRCh38 VCF
    add("bom.cns", "cnv", "\ufeff" + cns, "ok", "")
    # fusions
    # a recognised file with a header and no rows: no fusion called (not detected, with caution);
    # data rows none of which could be used: an error
    add("header_only_fusions.tsv", "fusions", "sample\tfusion\n", "ok", "no fusion called by table")
    add("header_only_arriba.tsv", "fusions", ARRIBA_HEAD, "ok", "no fusion called by Arriba")
    add("header_only_sv.vcf", "fusions", "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n", "ok", "no fusion called by SV VCF")
    arriba_tail = "splice-site\tsplice-site\tinversion\t12\t9\t4\t100\t80\thigh\n"
    add("arriba_broken_breakpoint.tsv", "fusions", ARRIBA_HEAD + "EML4\tALK\t+/+\t-/-\t"
        "chr2:4229x5516\tchr2:29223528\t" + arriba_tail, "ok", "malformed breakpoint")
    add("arriba_antisense.tsv", "fusions", ARRIBA_HEAD + "EML4\tALK\t+/+\t-/+\t"
        "chr2:42295516\tchr2:29223528\t" + arriba_tail, "ok", "antisense to ALK")
    add("table_one_sided.tsv", "fusions", "sample\tfusion\nP02_T\tEML4-\n", "error",
        "none of its 1 data row(s) could be used (first: line 2: fusion name 'EML4-'")
    add("bnd_malformed.vcf", "fusions", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\t"
        "FILTER\tINFO\nchr2\t29224000\tb1\tA\tA]chr2:42295554[\t.\tPASS\tSVTYPE=BND\n", "error",
        "malformed breakend ALT")
    add("arriba_rows_none_usable.tsv", "fusions", ARRIBA_HEAD + "EML4\n", "error",
        "none of its 1 data row(s) could be used")
    add("table_forced_vcf.tsv", "fusions", "sample\tfusion\nP\tEML4::ALK\n", "error",
        "--fusion-format vcf does not fit: expected a VCF", "--fusion-format vcf")
    # a forced format is checked against the content (the two misreadings)
    bedpe = "chr2\t42295515\t42295516\tchr2\t29223527\t29223528\tsv1\t60\t+\t-\n"
    add("bedpe_forced_vcf.bedpe", "fusions", bedpe, "error", "the content is bedpe",
        "--fusion-format vcf")
    add("fusionseeker_forced_arriba.txt", "fusions", "ID\tGene1\tGene2\tNumSupp\tChrom1\t"
        "Breakpoint1\tChrom2\tBreakpoint2\tSupportingReads\nGF01\tALK\tEML4\t68\tchr2\t29223529\t"
        "chr2\t42295519\tr1\n", "error", "the content is fusionseeker", "--fusion-format arriba")
    add("bedpe.bedpe", "fusions", bedpe, "ok", "EML4::ALK")
    # the long-read and BEDPE readers: a call, an empty result, rows none usable
    jaffa_head = ("sample,fusion genes,chrom1,base1,strand1,chrom2,base2,strand2,gap (kb),"
                  "spanning pairs,spanning reads,inframe,aligns,rearrangement,contig,contig break,"
                  "classification,known\n")
    add("jaffal_quoted_crlf.csv", "fusions", (jaffa_head + '"P02_T","EML4:ALK","chr2",42295516,"+",'
        '"chr2",29223528,"-",13072,0,68,TRUE,TRUE,TRUE,"c1",400,"HighConfidence","Yes"\n')
        .replace("\n", "\r\n"), "ok", "EML4::ALK")
    add("jaffa_short_row.csv", "fusions", jaffa_head + "P02_T,EML4:ALK,chr2\n", "error",
        "none of its 1 data row(s) could be used (first: line 2: 3 columns")
    add("longgf_no_fusion.out", "fusions", "Open sam file (s.bam).\nRead sam file (s.bam) for "
        "scanning multiple-mapped reads.\n", "ok", "no fusion called by LongGF")
    add("pbfusion_header_only.bed", "fusions", "##VERSION=0.4.0\n##SAMPLE=P02_T\n#chr1\tstart1\t"
        "end1\tchr2\tstart2\tend2\tid\tscore\tstrand1\tstrand2\tinfo\textra\n", "ok",
        "no fusion called by pbfusion")
    add("bedpe_na_coordinates.bedpe", "fusions", "#chrom1\tstart1\tend1\tchrom2\tstart2\tend2\n"
        "chr2\tNA\tNA\tchr2\t29223527\t29223528\n", "error", "not a BEDPE row")
    add("unknown_partner_columns.tsv", "fusions", "Gene1\tGene2\tReads\nEML4\tALK\t5\n", "error",
        "formats sharing its columns: arriba, fusionseeker")
    add("grch37_breakpoints.tsv", "fusions", "FusionGene\tLeftBreakpoint\tRightBreakpoint\n"
        "EML4--ALK\t2:42522694\t2:29446394\n", "error", "GRCh37")
    add("three_samples.tsv", "fusions", "sample\tfusion\nA\tEML4::ALK\nB\tKIF5B::RET\nC\tEML4::ALK\n",
        "error", "'P02_T' is not in the fusion file; its samples are: A, B, C")
    # MAF as the annotate input
    maf_head = ("Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\tReference_Allele\t"
                "Tumor_Seq_Allele1\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tt_ref_count\tt_alt_count\n")
    add("no_build.maf", "maf", maf_head.replace("NCBI_Build", "Center") +
        "ALK\tX\tchr2\t29220747\t29220747\tC\tC\tT\tP1\t80\t20\n", "error", "--build")
    add("two_samples.maf", "maf", maf_head + "ALK\tGRCh38\tchr2\t29220747\t29220747\tC\tC\tT\tP1\t80\t20\n"
        "ALK\tGRCh38\tchr2\t29220747\t29220747\tC\tC\tT\tP2\t80\t20\n", "error", "2 samples")
    add("alt_equals_ref.maf", "maf", maf_head + "ALK\tGRCh38\tchr2\t29220747\t29220747\tC\tC\tC\tP1\t80\t20\n",
        "error", "equal Reference_Allele")
    add("mixed_builds.maf", "maf", maf_head + "ALK\tGRCh38\tchr2\t29220747\t29220747\tC\tC\tT\tP1\t80\t20\n"
        "KRAS\tGRCh37\t12\t25398285\t25398285\tC\tC\tA\tP1\t50\t50\n", "error", "several builds")
    add("g1202r.maf", "maf", maf_head + "ALK\tGRCh38\tchr2\t29220747\t29220747\tC\tC\tT\tP1\t80\t20\n",
        "ok", "G1202R")
    g1202r = maf_head + "ALK\tGRCh38\tchr2\t29220747\t29220747\tC\tC\tT\tP1\t80\t20\n"
    add("g1202r.maf.gz", "maf", gzip.compress(g1202r.encode(), mtime=0), "ok", "G1202R")
    whole = gzip.compress((g1202r * 50).encode(), mtime=0)
    add("truncated.maf.gz", "maf", whole[: len(whole) // 2], "error", "recompress the MAF")
    add("maf_forced_vcf.maf", "maf", g1202r, "error", "--input-format vcf, but the file starts "
        "with a MAF header", "--input-format vcf")
    add("kit_protein_change.maf", "maf", maf_head.replace("t_alt_count", "t_alt_count\tProtein_Change")
        + "KIT\tGRCh38\tchr4\t54733155\t54733155\tA\tA\tT\tP1\t50\t50\tp.D816V\n", "ok", "D816V")
    add("protein_only.maf", "maf", maf_head.replace("t_alt_count", "t_alt_count\tHGVSp_Short")
        + "ALK\tGRCh38\t\t\t\t\t\t\tP1\t80\t20\tp.G1202R\n", "error",
        "none of the 1 row(s) of sample 'P1' has genomic coordinates")
    add("header_only.maf", "maf", maf_head, "error", "a header and no rows")
    add("header_only_with_build.maf", "maf", maf_head, "ok", "", "--build GRCh38")
    # sample sheets (alkannot batch)
    sheet = f"sample\tvcf\nP1\t{GOOD_VCF}\n"
    add("utf16_sheet.tsv", "samplesheet", sheet.encode("utf-16"), "error", "UTF-16")
    add("bom_sheet.tsv", "samplesheet", "\ufeff" + sheet, "ok", "")
    add("long_sample_sheet.tsv", "samplesheet", f"sample\tvcf\n{'S' * 230}\t{GOOD_VCF}\n", "error",
        "file-name limit")
    add("binary_sheet.tsv", "samplesheet", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "error", "binary")
    # cohort inputs (alkannot cohort GOOD.json FILE)
    add("empty.json", "cohort", "", "error", "empty")
    add("array.json", "cohort", "[1, 2]", "error", "not an object")
    add("deep.json", "cohort", "[" * 100_000 + "]" * 100_000, "error", "nested too deeply")
    add("nan.json", "cohort", '{"schema_version": "1.1.0", "sample": NaN}', "error", "NaN")
    add("other_version.json", "cohort", '{"schema_version": "9.0.0", "sample": "X"}', "error",
        "schema version 9.0.0")
    add("not_json.json", "cohort", "sample\tbuild\nP1\tGRCh38\n", "error", "not valid JSON")
    add("wrong_shape.json", "cohort", f'{{"schema_version": "{SCHEMA_VERSION}", "sample": 3}}',
        "error", "does not match the sample result schema")  # this version, a wrong shape
    # catalogues (--catalogue)
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")
    )
    add("alias_bomb.yaml", "catalogue", bomb, "error", "aliases expand")
    add("not_yaml.yaml", "catalogue", "entries: [unclosed\n  - {", "error", "YAML")
    add("deep.yaml", "catalogue", "a: " + "[" * 5000 + "]" * 5000 + "\n", "error", "YAML")
    # knowledge (issue 27): a release of another layout (the shared slice's own columns), a
    # result of an older schema, catalogues that fail validation (semantic, then schema)
    add("civic_other_layout/01-Aug-2024-ClinicalEvidenceSummaries.tsv", "civic_release",
        "evidence_id\tmolecular_profile\tevidence_level\n1\tALK G1202R\tD\n", "error",
        "missing columns")  # fmt: skip
    add("old_schema_result.json", "reannotate", '{"schema_version": "1.4.0", "sample": "X"}',
        "error", "schema version 1.4.0")  # fmt: skip
    add("contradicting_call.yaml", "reannotate_catalogue", _CONTRADICTING, "error", "contradicts")
    add("no_entries.yaml", "catalogue_diff", "name: x\nversion: 1.0.0\ndate: '2026-01-01'\n"
        "drugs: []\n", "error", "entries")  # fmt: skip
    for name, data in files.items():
        (HERE / name).parent.mkdir(exist_ok=True)
        (HERE / name).write_bytes(data)
    lines = ["file\tkind\toutcome\tword\targs"] + ["\t".join(m) for m in manifest]
    (HERE / "manifest.tsv").write_text("\n".join(lines) + "\n")
    print(f"{len(manifest)} corpus files")


if __name__ == "__main__":

    main()
