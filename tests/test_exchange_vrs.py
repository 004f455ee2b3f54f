"""VRS 2 ids: alkannot's own computation against the reference implementation (ga4gh-vrs).

The oracle is ``ga4gh.vrs`` (the GA4GH reference implementation, test extra), run offline on a
data proxy that serves only the bundled sequence (ALK kinase-domain slice, KRAS/EGFR hotspot
codons) plus, for the two MET records, the REF of the record itself. The published example of the
VRS documentation is checked on its own.
"""

from __future__ import annotations

import pytest
from ga4gh.core import ga4gh_identify
from ga4gh.vrs import models, normalize
from ga4gh.vrs.dataproxy import _DataProxy

from alkannot.exchange import vrs
from alkannot.models import Finding, GeneCopyNumber
from alkannot.resources import read_table, resource_path

_OTHER = {"A": "C", "C": "G", "G": "T", "T": "A"}


class _WindowProxy(_DataProxy):
    """Serves the given bases only: a base outside them is a KeyError, never a guess."""

    def __init__(self, bases: dict[str, dict[int, str]]):
        self.bases = bases  # accession -> {0-based position: base}

    def get_sequence(self, identifier, start=None, end=None):
        seq = self.bases[identifier.removeprefix("ga4gh:")]
        return "".join(seq[i] for i in range(start, end))

    def get_metadata(self, identifier):
        acc = identifier.removeprefix("ga4gh:")
        if acc not in self.bases:
            raise KeyError(identifier)
        # no contig length is bundled for every chromosome; rolls stop at unknown bases first
        return {"length": 300_000_000, "aliases": [f"ga4gh:{acc}"], "alphabet": "ACGT"}


def _reference_id(proxy, acc: str, pos: int, ref: str, alt: str) -> str:
    allele = models.Allele(
        location=models.SequenceLocation(
            sequenceReference=models.SequenceReference(refgetAccession=acc),
            start=pos - 1,
            end=pos - 1 + len(ref),
        ),
        state=models.LiteralSequenceExpression(sequence=alt),
    )
    return ga4gh_identify(normalize(allele, proxy))


def _windows(build: str) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for r in read_table(resource_path("genome", build, "alk_kinase_slice.tsv")):
        acc = vrs.refget_accession(build, r["chrom"])
        out.setdefault(acc, {})[int(r["pos"]) - 1] = r["base"]
    for r in read_table(resource_path("genome", build, "bypass_codons.tsv")):
        acc = vrs.refget_accession(build, r["chrom"])
        for i, b in enumerate(r["bases"]):
            out.setdefault(acc, {})[int(r["start"]) - 1 + i] = b
    return out


def _cases(build: str) -> list[tuple[str, str, int, str, str]]:
    """SNVs, MNVs, deletions and insertions (repeat and non-repeat) over the bundled bases."""
    cases = []
    for r in read_table(resource_path("genome", build, "bypass_hotspots.tsv")):
        cases.append((r["gene"], r["chrom"], int(r["pos"]), r["ref"], r["alt"]))
    rows = read_table(resource_path("genome", build, "alk_kinase_slice.tsv"))
    seq = {int(r["pos"]): r["base"] for r in rows}
    chrom = rows[0]["chrom"]
    for p in sorted(seq)[20:-20:37]:  # every 37th base: sites spread over exons 20-28
        if not all(q in seq for q in range(p - 3, p + 6)):
            continue
        ref3 = "".join(seq[q] for q in range(p, p + 3))
        cases += [
            ("ALK", chrom, p, seq[p], _OTHER[seq[p]]),  # SNV
            ("ALK", chrom, p, ref3[:2], _OTHER[ref3[0]] + _OTHER[ref3[1]]),  # MNV
            ("ALK", chrom, p, ref3, ref3[0]),  # 2-base deletion
            ("ALK", chrom, p, seq[p], seq[p] + seq[p]),  # duplication of one base
            ("ALK", chrom, p, seq[p], seq[p] + "GATTACA"),  # insertion
            # duplications of the 2 and 4 bases ending here: repeat units within repeats
            ("ALK", chrom, p, seq[p], seq[p] + seq[p - 1] + seq[p]),
            ("ALK", chrom, p, seq[p], seq[p] + "".join(seq[q] for q in range(p - 3, p + 1))),
        ]
    for r in read_table(resource_path("genome", build, "bypass_codons.tsv")):
        p, b = int(r["start"]) + 1, r["bases"]
        cases.append((r["gene"], r["chrom"], p, b[1], _OTHER[b[1]]))
        if len(b) > 6:
            cases.append((r["gene"], r["chrom"], p, b[1:4], b[1]))  # in-frame-like deletion
    return cases


# MET substitutions from vcf2maf's test VCFs (shared/wild/more-tools/vcf2maf/test.vcf and
# test_grch38.vcf): no MET sequence is bundled, so the REF of the record is the only base used
_MET = {"GRCh37": ("7", 116412043, "G", "C"), "GRCh38": ("chr7", 116771989, "G", "C")}


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_ids_agree_with_the_reference_implementation(build):
    windows = _windows(build)
    chrom, pos, ref, alt = _MET[build]
    met_acc = vrs.refget_accession(build, chrom)
    windows[met_acc] = {**windows.get(met_acc, {}), pos - 1: ref}
    proxy = _WindowProxy(windows)
    bases = vrs.GenomeBases(build)
    cases = _cases(build) + [("MET", chrom, pos, ref, alt)]
    compared, kinds = 0, set()
    for gene, chrom, pos, ref, alt in cases:
        ours, why = vrs.vcf_allele(bases, chrom, pos, ref, alt)
        acc = vrs.refget_accession(build, chrom)
        if ours is None:  # a roll reached a base outside the windows: the oracle cannot either
            assert "reference base" in why
            with pytest.raises(KeyError):
                _reference_id(proxy, acc, pos, ref, alt)
            continue
        expected = _reference_id(proxy, acc, pos, ref, alt)
        assert ours["id"] == expected, (gene, chrom, pos, ref, alt, ours)
        compared += 1
        kinds.add((gene, ours["state"]["type"], len(ref) == len(alt)))
    print(build, compared, "compared,", len(cases) - compared, "need --reference")
    assert compared >= 25  # 50+ over both builds
    assert {g for g, _, _ in kinds} == {"ALK", "EGFR", "KRAS", "MET"}
    assert {t for _, t, _ in kinds} == {"LiteralSequenceExpression", "ReferenceLengthExpression"}


def test_published_example_of_the_vrs_documentation():
    # ga4gh/vrs docs/source/conventions/example.rst: NC_000019.10:g.44908822C>T
    a = vrs.allele(
        "SQ.IIB53T8CNeJJdUqzn9V_JnRtQadwWCbl",
        44908821,
        44908822,
        {"type": "LiteralSequenceExpression", "sequence": "T"},
    )
    assert a["location"]["digest"] == "wIlaGykfwHIpPY2Fcxtbx4TINbbODFVz"
    assert a["id"] == "ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt"
    # computed_identifiers.rst: sha512t24u(b"ACGT")
    assert vrs.sha512t24u(b"ACGT") == "aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2"


def test_a_roll_past_the_known_bases_gives_no_id():
    # a duplication of the last base of KRAS codon 12 (the window): the roll right needs the
    # base after it, which no bundled window holds, so fully justifying it needs --reference
    r = next(
        r
        for r in read_table(resource_path("genome", "GRCh38", "bypass_codons.tsv"))
        if r["span"] == "KRAS_G12"
    )
    end, last = int(r["end"]), r["bases"][-1]
    got, why = vrs.vcf_allele(vrs.GenomeBases("GRCh38"), "chr12", end, last, last + last)
    assert got is None and "--reference" in why


def test_copy_number_change_agrees_with_the_reference_implementation():
    cn = GeneCopyNumber("MET", "chr7", 116672196, 116798377, "amplification", fold_change=3.0)
    f = Finding("copy_number", "MET", "amplification", chrom="chr7", pos=cn.start)
    ours, _ = vrs.finding_variation(f, vrs.GenomeBases("GRCh38"), {"MET": cn})
    acc = vrs.refget_accession("GRCh38", "chr7")
    theirs = models.CopyNumberChange(
        location=models.SequenceLocation(
            sequenceReference=models.SequenceReference(refgetAccession=acc),
            start=cn.start - 1,
            end=cn.end,
        ),
        copyChange="high-level gain",
    )
    assert ours["id"] == ga4gh_identify(theirs)


def test_ids_are_stable_and_set_on_findings():
    f = Finding("mutation", "KRAS", "G12C", chrom="chr12", pos=25245351, ref="C", alt="A")
    fusion = Finding("fusion", "ALK", "EML4::ALK")
    once = vrs.add_vrs_ids([f, fusion], "GRCh38")
    again = vrs.add_vrs_ids([f, fusion], "GRCh38")
    assert once == again and once[0].vrs_id.startswith("ga4gh:VA.") and once[1].vrs_id == ""


def test_reference_fasta_supplies_the_bases_the_windows_lack(tmp_path):
    # the duplication of the last base of KRAS codon 12 needs the base after the window: a FASTA
    # holding the bundled window and a known base after it lets both implementations finish
    import pysam

    r = next(
        r
        for r in read_table(resource_path("genome", "GRCh38", "bypass_codons.tsv"))
        if r["span"] == "KRAS_G12"
    )
    start, end, bases = int(r["start"]), int(r["end"]), r["bases"]
    after = "G" if bases[-1] != "G" else "T"  # a base that stops the roll
    fasta = tmp_path / "chr12.fa"
    fasta.write_text(">chr12\n" + "N" * (start - 1) + bases + after + "N" * 9 + "\n")
    pysam.faidx(str(fasta))
    ours, why = vrs.vcf_allele(
        vrs.GenomeBases("GRCh38", fasta), "chr12", end, bases[-1], bases[-1] * 2
    )
    assert ours is not None, why
    acc = vrs.refget_accession("GRCh38", "chr12")
    known = {start - 1 + i: b for i, b in enumerate(bases + after)}
    proxy = _WindowProxy({acc: known})
    assert ours["id"] == _reference_id(proxy, acc, end, bases[-1], bases[-1] * 2)
