"""Exchange formats: GA4GH VRS ids, VA-Spec statements and an HL7 FHIR Genomics report.

``vrs`` is imported on every run (ids are cheap and go into every report); ``va_spec`` and
``fhir`` only when their formats are asked for. None needs a third-party library at run time;
the GA4GH and HL7 models check their output in the tests (``pip install 'alkannot[exchange]'``
to check it yourself).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: per-sample exchange formats (``--formats``) and the file each writes
EXCHANGE_FORMATS = {"va": "va.json", "fhir": "fhir.json"}


def write_exchange(result, stage: Path, formats: Sequence[str]) -> dict[str, Path]:
    """Write the exchange formats asked for into ``stage``; return their paths by kind."""
    paths = {}
    if "va" in formats:
        from alkannot.exchange.va_spec import write_va

        paths["va"] = stage / f"{result.sample}.{EXCHANGE_FORMATS['va']}"
        write_va(result, paths["va"])
    if "fhir" in formats:
        from alkannot.exchange.fhir import write_fhir

        paths["fhir"] = stage / f"{result.sample}.{EXCHANGE_FORMATS['fhir']}"
        write_fhir(result, paths["fhir"])
    return paths
