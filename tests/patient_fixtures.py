"""Serial samples of invented patients, written as the program receives them, then annotated.

Each sample is annotated on its own with :func:`alkannot.api.annotate_sample` (its inputs
written by :mod:`tests.clinical_inputs` from the bundled reference tables only), its reports go
to ``results/{sample}/`` as ``batch`` and the workflow write them, and the sample sheet and
``treatments.tsv`` of the patients are written beside them. The expectations of
``tests/test_patient.py`` are worked out by hand from the reads written here.

Patients (dates, reads and drugs are invented for the tests):

- ``PA`` crizotinib -> alectinib -> lorlatinib, four tissue biopsies: none, then L1196M, then
  G1202R, then G1202R + L1196M (a compound);
- ``PB`` tissue, then two plasma draws: MET amplification emerges in the last; G1202R below the
  support rules in the first draw, not detected (reads give a limit) in the second;
- ``PC`` fusion in tissue, not detected in plasma, present again in the next tissue biopsy
  (GRCh37);
- ``PD`` ceritinib stopped for toxicity, then alectinib to progression with I1171N;
- ``PE`` one sample only, crizotinib ongoing.
"""

from __future__ import annotations

from pathlib import Path

from alkannot.api import annotate_sample, write_sample_reports
from tests.clinical_inputs import Build, focal_segments, write_cns, write_fusion_table, write_vcf

G38, G37 = Build("GRCh38"), Build("GRCh37")
FUSION = ["EML4-ALK"]
#: a fusion call set without an ALK fusion (the readers refuse a file with no record at all: an
#: empty file cannot say the fusion is absent), so the sample assessed the fusion and found none
NO_ALK = ["KIF5B-RET"]

#: sample -> (patient, date, specimen, timepoint label, build, purity, ALK changes as
#: (change, alt reads, depth), fusions (None: not assessed), MET log2 (None: no copy number), BAM)
SAMPLES = {
    "PA1": ("PA", "2019-03-01", "tissue", "diagnosis", G38, 0.6, [], FUSION, None, False),
    "PA2": ("PA", "2020-05-20", "tissue", "on crizotinib", G38, 0.5, [("L1196M", 60, 300)], FUSION, None, False),
    "PA3": ("PA", "2021-08-20", "tissue", "on alectinib", G38, 0.5, [("G1202R", 45, 300)], FUSION, None, False),
    "PA4": (
        "PA", "2022-10-15", "tissue", "on lorlatinib", G38, 0.5,
        [("G1202R", 90, 300), ("L1196M", 84, 300)], FUSION, None, False,
    ),
    "PB1": ("PB", "2021-01-10", "tissue", "diagnosis", G38, 0.4, [], FUSION, 0.0, False),
    "PB2": ("PB", "2021-12-01", "plasma", "draw 1", G38, None, [("G1202R", 8, 1000)], None, 0.0, False),
    "PB3": ("PB", "2022-02-15", "plasma", "draw 2", G38, None, [], None, 2.6, True),
    "PC1": ("PC", "2020-02-01", "tissue", "diagnosis", G37, 0.5, [], FUSION, None, False),
    "PC2": ("PC", "2021-03-01", "plasma", "progression", G37, None, [], NO_ALK, None, False),
    "PC3": ("PC", "2021-03-20", "tissue", "re-biopsy", G37, 0.4, [("L1196M", 30, 200)], FUSION, None, False),
    "PD1": ("PD", "2018-05-01", "tissue", "diagnosis", G38, 0.5, [], FUSION, None, False),
    "PD2": ("PD", "2019-12-20", "tissue", "on alectinib", G38, 0.5, [("I1171N", 40, 250)], FUSION, None, False),
    "PE1": ("PE", "2023-04-04", "tissue", "progression", G38, 0.7, [("L1196M", 50, 250)], FUSION, None, False),
}  # fmt: skip

TREATMENTS = """patient\tdrug\tstart\tstop\treason
PA\tcrizotinib\t2019-03-15\t2020-06-01\tprogression
PA\talectinib\t2020-06-05\t2021-09-01\tprogression
PA\tlorlatinib\t2021-09-10\t2022-11-01\tprogression
PB\talectinib\t2021-01-20\t2022-03-01\tprogression
PC\tcrizotinib\t2020-02-10\t2021-04-01\tprogression
PD\tceritinib\t2018-05-10\t2018-07-01\ttoxicity
PD\talectinib\t2018-07-15\t2020-01-10\tprogression
PE\tcrizotinib\t2022-01-10\t\t
"""
#: BAM of PB3: 600 wild-type fragments over ALK codon 1202 (tests/reads_helpers.py).
BAM_FRAGMENTS = 600


def _bam(path: Path) -> Path:
    from tests.reads_helpers import BamBuilder, ref

    b = BamBuilder()
    s = 29220720  # 60-base reads over codon 1202 (G1202 = 29220745-29220747)
    for i in range(BAM_FRAGMENTS):
        b.read(f"r{i}", s, ref(s, s + 59))
    return b.write(path)


def sample_inputs(sample: str, inputs: Path) -> dict:
    """Write one sample's input files; return the keyword arguments of ``annotate_sample``."""
    _, when, specimen, _, build, purity, changes, fusions, met, bam = SAMPLES[sample]
    records = [build.alk_snv(c, depth=d, alt_reads=k) for c, k, d in changes]
    kw: dict = {
        "sample_name": sample,
        "specimen_type": specimen,
        "collection_date": when,
        "purity": purity,
        "vcf": write_vcf(inputs / f"{sample}.vcf", build, records, tumour=sample),
    }
    if fusions is not None:
        kw["fusions"] = write_fusion_table(inputs / f"{sample}.fusions.tsv", sample, fusions)
    if met is not None:
        kw["cnv"] = write_cns(inputs / f"{sample}.cns", focal_segments(build, "MET", met))
    if bam:
        kw["bam"] = _bam(inputs / f"{sample}.bam")
    return kw


def write_sheet(path: Path, samples=SAMPLES, inputs: Path | None = None) -> Path:
    """The sample sheet with the patient columns (input paths when ``inputs`` is given)."""
    cols = ["sample", "patient", "collection_date", "specimen_type", "timepoint"]
    files = ["vcf", "cnv", "fusions", "bam", "purity"] if inputs else []
    lines = ["\t".join(cols + files)]
    for s in samples:
        patient, when, specimen, label = SAMPLES[s][:4]
        row = [s, patient, when, specimen, label]
        if inputs:
            kw = sample_inputs(s, inputs)
            row += [str(kw.get(k, "")) for k in ("vcf", "cnv", "fusions", "bam")]
            row.append("" if kw["purity"] is None else str(kw["purity"]))
        lines.append("\t".join(row))
    path.write_text("\n".join(lines) + "\n")
    return path


def annotate_all(root: Path, samples=SAMPLES) -> dict[str, Path]:
    """Annotate every sample into ``root/results/{sample}/``; write the sheet and treatments."""
    inputs = root / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    results = root / "results"
    for s in samples:
        kw = sample_inputs(s, inputs)
        result = annotate_sample(kw.pop("vcf"), **kw)
        write_sample_reports(result, results / s, formats=("tsv", "json", "html"))
    (root / "treatments.tsv").write_text(TREATMENTS)
    return {
        "sheet": write_sheet(root / "samples.tsv", samples),
        "results": results,
        "treatments": root / "treatments.tsv",
    }
