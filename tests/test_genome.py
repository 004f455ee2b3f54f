"""Genome resources, build detection and contig naming."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.errors import ConfigError
from alkannot.genome.build import canonical_contig, detect_build, normalise_build
from alkannot.genome.models import gene_spans, transcripts
from alkannot.genome.sequence import ReferenceSequence
from alkannot.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent
from tests.shared_data import SHARED, needs_shared  # noqa: E402

# Standard genetic code, written out here so the check does not use the program's own table.
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {
    a + b + c: _AA[16 * i + 4 * j + k]
    for i, a in enumerate("TCAG")
    for j, b in enumerate("TCAG")
    for k, c in enumerate("TCAG")
}


def _protein() -> str:
    lines = resource_path("genome", "ALK_Q9UM73.fa").read_text().splitlines()
    return "".join(x for x in lines if not x.startswith(">"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GRCh38", "GRCh38"),
        ("hg38", "GRCh38"),
        ("hg19", "GRCh37"),
        ("b37", "GRCh37"),
        ("GRCH37", "GRCh37"),
    ],
)
def test_normalise_build_accepts_aliases(name, expected):
    assert normalise_build(name) == expected


def test_normalise_build_rejects_unknown():
    with pytest.raises(ConfigError, match="unknown genome build"):
        normalise_build("mm10")


@pytest.mark.parametrize(
    ("chrom", "build", "expected"),
    [
        ("2", "GRCh38", "chr2"),
        ("chr2", "GRCh38", "chr2"),
        ("CHR2", "GRCh38", "chr2"),
        ("chr2", "GRCh37", "2"),
        ("2", "GRCh37", "2"),
        ("chrM", "GRCh37", "MT"),
        ("MT", "GRCh38", "chrM"),
        ("23", "GRCh37", "X"),
    ],
)
def test_canonical_contig(chrom, build, expected):
    assert canonical_contig(chrom, build) == expected


def test_detect_build_from_chr2_length():
    # Lengths from shared/reference/README.md: chr2 242,193,529 (GRCh38), 243,199,373 (GRCh37).
    assert detect_build([], {"chr2": 242193529})[0] == "GRCh38"
    assert detect_build([], {"2": 243199373})[0] == "GRCh37"


def test_detect_build_from_reference_lines():
    assert detect_build(["##reference=file:///ref/hg19.fa"])[0] == "GRCh37"
    assert detect_build(['##VEP="v106" assembly="GRCh38.p13"'])[0] == "GRCh38"
    assert detect_build(["##source=Mutect2"])[0] is None


def test_alk_transcript_cds_is_4863_nt_in_both_builds():
    # shared/reference/README.md: CDS = 4863 nt (1620 aa + stop).
    for build in ("GRCh37", "GRCh38"):
        alk = transcripts(build)["ALK"]
        assert alk.strand == "-" and alk.name == "NM_004304.5"
        assert alk.cds_length == 4863 == (1620 + 1) * 3
        assert len(alk.exons) == 29


def test_grch37_is_grch38_plus_constant_offset_at_alk():
    # shared/reference/README.md: GRCh37 = GRCh38 + 222866 across the whole ALK locus.
    e38, e37 = transcripts("GRCh38")["ALK"].exons, transcripts("GRCh37")["ALK"].exons
    assert all(
        b.start - a.start == 222866 and b.end - a.end == 222866
        for a, b in zip(e38, e37, strict=True)
    )


def test_gene_spans_cover_the_seven_genes():
    for build in ("GRCh37", "GRCh38"):
        assert set(gene_spans(build)) == {"ALK", "EML4", "KRAS", "EGFR", "MET", "KIT", "IGF1R"}


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_bundled_slice_translates_to_q9um73_residues_1059_to_1388(build):
    ref = ReferenceSequence(build)
    alk = transcripts(build)["ALK"]
    # c. positions 3175..4164 are codons 1059..1388; map each through the exon table.
    genomic = {}
    for e in alk.exons:
        if e.cds_start == 0:
            continue
        for c in range(e.cds_start, e.cds_end + 1):
            genomic[c] = e.end - (c - e.cds_start)  # minus strand: c. runs from the exon's end
    comp = str.maketrans("ACGT", "TGCA")
    cds = "".join(
        ref.fetch(alk.chrom, genomic[c], genomic[c]).translate(comp) for c in range(3175, 4165)
    )
    protein = "".join(CODE[cds[i : i + 3]] for i in range(0, len(cds), 3))
    assert protein == _protein()[1058:1388]


def test_reference_outside_slice_raises():
    from alkannot.genome.sequence import OutsideSliceError as Outside

    with pytest.raises(Outside):
        ReferenceSequence("GRCh38").fetch("chr2", 29919993, 29919995)  # ALK exon 1


@needs_shared("reference")
def test_resources_are_reproducible_from_shared_reference(tmp_path):
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_genome_resources.py"),
            "--shared",
            str(SHARED),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    for built in sorted(tmp_path.rglob("*")):
        if built.is_file():
            bundled = ROOT / "resources" / "genome" / built.relative_to(tmp_path)
            assert bundled.read_bytes() == built.read_bytes(), bundled


@needs_shared("reference")
def test_slice_bases_equal_the_shared_plus_strand_table():
    rows = [
        line.split("\t")
        for line in (SHARED / "reference" / "ALK_exons20-28_plus_strand_bases.tsv")
        .read_text()
        .splitlines()
        if line and not line.startswith("#")
    ]
    for build, col in (("GRCh38", 1), ("GRCh37", 2)):
        ref = ReferenceSequence(build)
        chrom = "chr2" if build == "GRCh38" else "2"
        assert all(ref.fetch(chrom, int(r[col]), int(r[col])) == r[3] for r in rows)


def test_detect_build_from_liftover_lines():
    # CrossMap lines of shared/wild/pcgr (T001-COAD.grch37 / grch38): the target build wins over
    # a ##reference line the lifted file kept from before
    lifted_to_37 = [
        "##reference=file:///ref/hg38.fa",
        "##liftOverProgram=CrossMap(https://sourceforge.net/projects/crossmap/)",
        "##liftOverFile=/usr/local/share/vep/data/data/chainFiles/hg38ToHg19.over.chain.gz",
        "##new_reference_genome=/usr/local/share/vep/data/data/hg19/ucsc.hg19.fa",
    ]
    assert detect_build(lifted_to_37)[0] == "GRCh37"
    lifted_to_38 = ["##liftOverChainFile=/Users/x/chainFiles/hg19Tohg38.over.chain.gz"]
    assert detect_build(lifted_to_38)[0] == "GRCh38"
    assert detect_build(["##new_reference_genome=/data/GRCh38.primary.fa"])[0] == "GRCh38"


def test_build_from_ref_bases_needs_agreement_and_enough_bases():
    from alkannot.genome.refbases import build_from_bases

    # GRCh37 KRAS codon 12 is ACC at 12:25398283-25398285 (plus strand; G12C REF C at 25398285)
    assert build_from_bases([("12", 25398283, "ACC"), ("12", 25398285, "C")])[0] == "GRCh37"
    # two bases are too few to name a build by chance-free agreement
    assert build_from_bases([("12", 25398285, "C"), ("12", 25398284, "C")])[0] is None
    # a disagreeing base rules the build out
    assert build_from_bases([("12", 25398283, "ACC"), ("12", 25398285, "G")])[0] is None


def test_contig_lengths_that_name_both_builds_are_a_conflict():
    from alkannot.genome.build import contig_length_conflicts

    assert contig_length_conflicts({"chr2": 242193529, "2": 243199373})
    assert not contig_length_conflicts({"chr2": 242193529, "chr1": 248956422})


def test_a_forced_build_is_checked_against_the_ref_bases(tmp_path):
    import gzip

    from alkannot.annotate import target_regions
    from alkannot.api import annotate_sample
    from alkannot.errors import BuildMismatchError
    from alkannot.io.vcf import read_vcf

    # four REF bases only GRCh37 has at KRAS codon 12 (tests/bad_inputs/make_corpus.py): the
    # evidence that names GRCh37 without --build contradicts --build GRCh38
    grch37 = ROOT / "tests" / "bad_inputs" / "build_from_ref_bases.vcf"
    with pytest.raises(BuildMismatchError, match="--build GRCh38 contradicts the REF bases"):
        read_vcf(grch37, target_regions, build="GRCh38")
    assert read_vcf(grch37, target_regions, build="GRCh37").build == "GRCh37"
    # P01's GRCh38 VCF without its build lines: one REF base (G1202R's C at chr2:29220747) agrees
    # with GRCh38 and none is known in GRCh37; too few to stop, so --build GRCh37 is said in the
    # report (its ALK variant lies at GRCh38 coordinates and is not read)
    text = gzip.decompress((ROOT / "resources/examples/GRCh38/P01.rebiopsy.vcf.gz").read_bytes())
    lines = text.decode().splitlines(keepends=True)
    drop = ("##contig", "##reference", "##source")
    p = tmp_path / "p.vcf"
    p.write_text("".join(x for x in lines if not x.startswith(drop) and "GRCh38" not in x))
    r = annotate_sample(str(p), build="GRCh37")
    assert any(
        "--build GRCh37 was used, but the REF bases at known positions agree with GRCh38 (1)" in w
        for w in r.warnings
    )
    # with the build of its coordinates nothing is said
    r = annotate_sample(str(p), build="GRCh38")
    assert not any("REF bases at known positions" in w for w in r.warnings)
    assert "G1202R" in [f.alteration for f in r.findings]
    # without the G1202R record no known base is left; the records in GRCh38's target genes
    # (ALK chr2:29227029 and 29320819, EGFR chr7:55037646 and 55063264, genes.tsv) and none in
    # GRCh37's still say the build may be wrong
    q = tmp_path / "q.vcf"
    q.write_text("".join(x for x in p.read_text().splitlines(True) if "\t29220747\t" not in x))
    r = annotate_sample(str(q), build="GRCh37")
    assert any(
        "no record lies in the target genes in GRCh37 coordinates while 4 do in GRCh38's" in w
        for w in r.warnings
    )
    assert not any("target genes" in w for w in annotate_sample(str(q), build="GRCh38").warnings)
