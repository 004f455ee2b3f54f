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

    cns = "chromosome\tstart\tend\tgene\tlog2\nchr2\t29192000\t29922000\tALK\t1.5\n"
    # copy number
    add("gzip_garbage.cns.gz", "cnv", b"\x1f\x8b\x08\x00" + b"garbage" * 20, "error", "inflate")
    add("utf16.cns", "cnv", cns.encode("utf-16"), "error", "UTF-16")
    add("header_only.cns", "cnv", "chromosome\tstart\tend\tgene\tlog2\n", "error", "no usable")
    add("cnvkit_forced_ascat.cns", "cnv", cns, "error", "nMajor", "--cnv-format ascat")
    add("cnvkit_forced_seg.cns", "cnv", cns, "error", "not a SEG header", "--cnv-format seg")
    add("cnvkit_forced_gene_table.cns", "cnv", cns, "error", "--cnv-format", "--cnv-format gene_table")
    add("cnvkit_forced_purple_gene.cns", "cnv", cns, "error", "--cnv-format", "--cnv-format purple_gene")
    add("two_samples.seg", "cnv", "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
        "A\tchr2\t1\t1000\t5\t0.1\nB\tchr2\t1\t1000\t5\t0.1\n", "error",
        "'P02_T' is not in the copy-number file; its samples are: A, B")  # the VCF's tumour
    add("grch37_cnvkit.cns", "cnv", "chromosome\tstart\tend\tgene\tlog2\n"
        "7\t116312250\t116438431\tMET\t1.5\n", "error", "GRCh37")  # GRCh37 MET, GRCh38 VCF
    add("bom.cns", "cnv", "\ufeff" + cns, "ok", "")
    # fusions
    add("header_only_fusions.tsv", "fusions", "sample\tfusion\n", "error", "no fusion or SV record")
    add("table_forced_vcf.tsv", "fusions", "sample\tfusion\nP\tEML4::ALK\n", "error",
        "no fusion or SV record", "--fusion-format vcf")
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
