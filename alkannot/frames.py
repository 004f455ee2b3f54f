"""pandas views of a :class:`~alkannot.models.SampleResult` (the Python API's tables).

pandas costs about half a second to import, so only these functions import it: annotating a
sample never does.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any


def _flat(value: object) -> object:
    """Tuples of plain values as one "; "-joined string (a cell), anything else unchanged."""
    if isinstance(value, tuple | list) and all(isinstance(v, str | int | float) for v in value):
        return "; ".join(str(v) for v in value)
    return value


def findings_frame(findings: list, finding_type: type) -> Any:
    """One row per finding, one column per :class:`~alkannot.models.Finding` field.

    Parameters
    ----------
    findings : list of Finding
        A sample's findings.
    finding_type : type
        The ``Finding`` class (passed in: this module sits beside the models and imports none).

    Returns
    -------
    pandas.DataFrame
        Columns in the field order of ``Finding``; lists of words joined with ``"; "``.
    """
    import pandas as pd

    columns = [f.name for f in fields(finding_type)]
    rows = [{k: _flat(v) for k, v in asdict(f).items()} for f in findings]
    return pd.DataFrame(rows, columns=columns)


def drugs_frame(drugs: list, drug_type: type) -> Any:
    """One row per drug (``drugs``: a sample's :class:`~alkannot.models.DrugCall` list,
    ``drug_type``: that class): the call, level, rank, group, and the reasons in one cell.

    Ranked drugs come first in rank order, then the others in the matrix's order. ``reasons``
    holds ``finding (catalogue id): call`` per reason, ``sources`` the citations of its evidence.
    """
    import pandas as pd

    plain = [f.name for f in fields(drug_type) if f.name != "reasons"]
    columns = [*plain, "reasons", "sources"]
    order = sorted(drugs, key=lambda d: (d.rank is None, d.rank if d.rank is not None else 0))
    rows = []
    for d in order:
        row = {name: getattr(d, name) for name in plain}
        row["reasons"] = "; ".join(f"{r.finding} ({r.catalogue_id}): {r.call}" for r in d.reasons)
        row["sources"] = "; ".join(
            dict.fromkeys(e.citation for r in d.reasons for e in r.evidence if e.citation)
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)
