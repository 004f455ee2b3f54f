"""The spreadsheet ``{sample}.xlsx``: findings, drugs and skipped records as sheets.

Every string is stored as text (never a formula): a VCF value such as ``=HYPERLINK(...)`` stays
inert. The workbook's timestamps are fixed and the zip entries written in a fixed order with a
fixed date, so the same result gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from alkannot.models import SampleResult
from alkannot.report.atomic import write_bytes
from alkannot.report.tsv import (
    DRUG_COLUMNS,
    FINDINGS_COLUMNS,
    SKIPPED_COLUMNS,
    cell,
    drug_rows,
    findings_rows,
    skipped_rows,
)

_EPOCH = (1980, 1, 1, 0, 0, 0)


def _sheet(wb, title: str, columns, rows) -> None:
    from openpyxl.cell.cell import TYPE_STRING

    ws = wb.create_sheet(title)
    ws.append(list(columns))
    for row in rows:
        values = []
        for c in columns:
            v = row.get(c)
            values.append(v if isinstance(v, int | float) and not isinstance(v, bool) else cell(v))
        ws.append(values)
    for r in ws.iter_rows(min_row=1):
        for c in r:
            if isinstance(c.value, str):
                c.data_type = TYPE_STRING  # text, never a formula
                if c.value[:1] in ("=", "+", "-", "@"):
                    c.quotePrefix = True
    ws.freeze_panes = "A2"


def render_xlsx(result: SampleResult) -> bytes:
    """Return the workbook bytes (deterministic)."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "findings", FINDINGS_COLUMNS, findings_rows(result))
    _sheet(wb, "drugs", DRUG_COLUMNS, drug_rows(result))
    _sheet(wb, "skipped", SKIPPED_COLUMNS, skipped_rows(result))
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "alkannot"
    raw = io.BytesIO()
    wb.save(raw)
    # rewrite the zip with fixed entry dates so identical content gives identical bytes
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(
                    rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
                    b'<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z'
                    b"</dcterms:modified>",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, _EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    return out.getvalue()


def write_xlsx(result: SampleResult, path: str | Path) -> None:
    """Write ``{sample}.xlsx`` atomically."""
    write_bytes(path, render_xlsx(result))
