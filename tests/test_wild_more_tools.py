"""Every file of ``shared/wild/more-tools`` whose format alkannot claims, read as a user would.

Expected values are worked out by hand from each file's own lines (quoted beside the assertion)
and from the bundled reference tables (gene spans, exon tables); nothing is copied from
alkannot's output. Skipped when ``shared`` is absent (``ALKANNOT_SHARED`` points elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.errors import SampleNotFoundError

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALKANNOT_SHARED", ROOT.parent / "shared"))
MORE = SHARED / "wild" / "more-tools"
pytestmark = pytest.mark.skipif(not MORE.is_dir(), reason="shared/wild/more-tools not available")


def mutations(result) -> dict[tuple[str, str], str]:
    return {
        (f.gene, f.alteration): f.baseline_status for f in result.findings if f.kind == "mutation"
    }


# --- MAF ----------------------------------------------------------------------------------------


def test_tcga_laml_maf_gz_is_read_without_input_format_and_names_kit_d816v():
    # gzipped; header "... NCBI_Build ... Tumor_Sample_Barcode  Protein_Change ..."; the row
    # "KIT ... 37  4  55599321 ... A  A  T  TCGA-AB-2937  p.D816V  44.44" is that sample's only
    # row in the six genes alkannot reads (KIT, KRAS, EGFR, MET, IGF1R, ALK)
    res = annotate_sample(MORE / "maftools" / "tcga_laml.maf.gz", sample_name="TCGA-AB-2937")
    assert res.build == "GRCh37" and res.sample == "TCGA-AB-2937"
    assert list(mutations(res)) == [("KIT", "D816V")]


def test_tcga_laml_maf_gz_refuses_to_pool_its_samples():
    with pytest.raises(SampleNotFoundError, match="193 samples"):
        annotate_sample(MORE / "maftools" / "tcga_laml.maf.gz")


def test_apl_relapse_against_its_primary_with_baseline_sample():
    # CR-only line endings, NCBI_Build hg19, amino_acid_change; patient 243:
    # APL_primary "KRAS ... chr12 25398284 ... C T G12D 243D";
    # APL_relapse "KRAS ... chr12 25398284 ... C T G12D 243R": the same allele at both time points
    apl = MORE / "maftools"
    res = annotate_sample(
        apl / "APL_relapse.maf.gz",
        sample_name="243R",
        baseline_vcf=apl / "APL_primary.maf.gz",
        baseline_sample="243D",
    )
    assert mutations(res) == {("KRAS", "G12D"): "pre-existing"}
    # the primary holds 124 samples: without --baseline-sample the baseline is not guessed
    with pytest.raises(SampleNotFoundError, match="124 samples.*--baseline-sample"):
        annotate_sample(
            apl / "APL_relapse.maf.gz", sample_name="243R", baseline_vcf=apl / "APL_primary.maf.gz"
        )


def test_brca_minimal_maf_needs_the_build_and_skips_its_intronic_rows():
    # 9 columns, no NCBI_Build; "ALK 2 29769707 ... Intron" and "KIT 4 55584170 ... Intron" are
    # its only rows in the six genes: neither names a protein change
    from alkannot.errors import BuildMismatchError

    path = MORE / "maftools" / "brca.maf.gz"
    with pytest.raises(BuildMismatchError, match="--build"):
        annotate_sample(path)
    res = annotate_sample(path, build="GRCh37")
    assert mutations(res) == {}
    assert {s.record.split()[0] for s in res.skipped} >= {"2:29769707", "4:55584170"}


def test_vcf2maf_outputs():
    # test_output.vep_isoforms.maf: "MET ... GRCh37 7 116412043 ... G G C TUMOR ... c.3082G>C
    # p.Asp1028His p.D1028H ENST00000318493 ... t_depth 47, t_ref_count 25, t_alt_count 22"
    res = annotate_sample(MORE / "vcf2maf" / "test_output.vep_isoforms.maf")
    (met,) = [f for f in res.findings if f.kind == "mutation"]
    assert (met.gene, met.alteration, met.depth) == ("MET", "D1028H", 47)
    assert met.vaf == pytest.approx(22 / 47)
    # test_b38_output.maf: 25 GRCh38 rows of sample TUMOR, none in the six genes
    res = annotate_sample(MORE / "vcf2maf" / "test_b38_output.maf")
    assert (res.build, res.sample, mutations(res)) == ("GRCh38", "TUMOR", {})
