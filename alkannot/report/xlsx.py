"""The spreadsheet ``{sample}.xlsx``: findings, drugs, skipped records, the first screen and,
with a BAM, the read evidence per site and the phase of ALK variant pairs.

Written directly as SpreadsheetML (the xlsx zip of XML parts) rather than through a workbook
library: every string is an *inline string* cell (``t="inlineStr"``), which a spreadsheet program
never evaluates, so a VCF value such as ``=HYPERLINK(...)`` stays inert text; strings that start
like a formula also get the quote-prefix style. Zip entries have fixed dates and order, so the
same result gives the same bytes, and writing is fast for large tables.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from alkannot.models import SampleResult
from alkannot.report.atomic import write_bytes
from alkannot.report.firstscreen import SUMMARY_COLUMNS, summary_rows
from alkannot.report.reads import PHASE_COLUMNS, READS_COLUMNS, phase_rows, reads_rows
from alkannot.report.tsv import (
    DRUG_COLUMNS,
    FINDINGS_COLUMNS,
    SKIPPED_COLUMNS,
    cell_text,
    drug_rows,
    findings_rows,
    skipped_rows,
)

_DATE = (1980, 1, 1, 0, 0, 0)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(value: str) -> str:
    # XML 1.0 forbids most control characters; drop them rather than write an unreadable file.
    # Escaped by hand, as xml.sax.saxutils.escape does: that module imports urllib, http, email.
    value = _CONTROL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_xml(columns, rows) -> str:
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/>'
        "</sheetView></sheetViews><sheetData>",
    ]
    table = [list(columns)] + [[row.get(c) for c in columns] for row in rows]
    letters = [_col(i) for i in range(len(columns))]
    for r, values in enumerate(table, start=1):
        cells = []
        for letter, v in zip(letters, values, strict=True):
            ref = f"{letter}{r}"
            if isinstance(v, int | float) and not isinstance(v, bool) and r > 1:
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
                continue
            text = cell_text(v) if r > 1 else str(v)
            style = ' s="1"' if text[:1] in ("=", "+", "-", "@") else ""
            cells.append(
                f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">'
                f"{_xml_text(text)}</t></is></c>"
            )
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def render_xlsx(result: SampleResult) -> bytes:
    """Return the workbook bytes (deterministic)."""
    return render_workbook(
        [
            ("findings", FINDINGS_COLUMNS, findings_rows(result)),
            ("drugs", DRUG_COLUMNS, drug_rows(result)),
            ("skipped", SKIPPED_COLUMNS, skipped_rows(result)),
            ("first screen", SUMMARY_COLUMNS, summary_rows(result)),
            # read evidence: every looked-up site with its fragments and detection limit, so a
            # negative from a BAM keeps its context in the spreadsheet too
            *(
                [
                    ("reads", READS_COLUMNS, reads_rows(result)),
                    ("phase", PHASE_COLUMNS, phase_rows(result)),
                ]
                if result.reads is not None
                else []
            ),
        ]
    )


def render_workbook(sheets) -> bytes:
    """Workbook bytes of ``(name, columns, rows)`` sheets: text cells inline, never formulas."""
    n = len(sheets)
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_RNS}><sheets>'
            + "".join(
                f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _, _) in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            "</fill></fills>"
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyNumberFormat="1"/>'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
    }
    for i, (_, columns, rows) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(columns, rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, _DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def write_xlsx(result: SampleResult, path: str | Path) -> None:
    """Write ``{sample}.xlsx`` atomically."""
    write_bytes(path, render_xlsx(result))
