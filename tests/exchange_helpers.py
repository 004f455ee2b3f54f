"""The bundled example batch annotated once per test session with every exchange format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def example_batch(tmp_path_factory) -> dict[str, Path]:
    """Sample id -> its output folder (json, html, va, fhir) for resources/examples/samples.tsv."""
    out = tmp_path_factory.mktemp("example_batch")
    subprocess.run(
        [sys.executable, "-m", "alkannot", "batch", "resources/examples/samples.tsv", "-o", out]
        + ["--formats", "json,html,va,fhir"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    dirs = {p.name: p for p in sorted(out.iterdir()) if (p / f"{p.name}.json").is_file()}
    assert len(dirs) == 7  # the seven rows of resources/examples/samples.tsv
    return dirs


def load(example_batch: dict[str, Path], sample: str, suffix: str):
    """The parsed ``{sample}.{suffix}`` of the example batch."""
    return json.loads((example_batch[sample] / f"{sample}.{suffix}").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def compound_result(tmp_path_factory):
    """C1156Y + L1198F of one clone after crizotinib, ceritinib and lorlatinib (GRCh37): the
    Shaw 2016 compound of the catalogue (tests/test_clinical_scenarios.py has the calls)."""
    from alkannot.api import annotate_sample
    from tests.clinical_inputs import Build, write_vcf

    g37 = Build("GRCh37")
    tmp = tmp_path_factory.mktemp("compound")
    records = [g37.alk_snv("C1156Y", alt_reads=60), g37.alk_snv("L1198F", alt_reads=57)]
    vcf = write_vcf(tmp / "rebiopsy.vcf", g37, records, tumour="CMP")
    return annotate_sample(
        str(vcf),
        build="GRCh37",
        sample_name="CMP",
        prior_therapy=["crizotinib", "ceritinib", "lorlatinib"],
    )
