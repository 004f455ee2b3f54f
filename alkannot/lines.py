"""Lines of therapy, prognostic context and the histologic re-review note (catalogue 3.0.0).

Nothing here changes a drug call or a rank: the notes are sourced statements for the board, read
from the catalogue's ``line`` and ``prognostic`` entries and the ``HISTOLOGIC_TRANSFORMATION``
entry (every statement carries its citation, from ``resources/catalogue/sources_2026.tsv``).

- **Line of therapy** from the ALK inhibitors received, in order: none recorded (first line);
  first-line alectinib, brigatinib, ensartinib (or ceritinib) and nothing else; first-line
  lorlatinib and nothing else; two or more different ALK inhibitors. Crizotinib alone keeps the
  catalogue's existing settings (review section 3 and the approvals) and has no line note.
- **Prognostic context**: the EML4-ALK variant (Lin 2018: variant 3 against variant 1) and a TP53
  mutation (CROWN) bear on earlier resistance, not on which drug works.
- **Compound class** of a counted compound finding: G1202R-based or I1171-based.
- **Histologic re-review**: the ALK fusion is retained, no counted on- or off-target mechanism
  was found, and both TP53 and RB1 carry a passing protein-altering change.
"""

from __future__ import annotations

from collections.abc import Iterable

from alkannot.annotate import TRUNCATING
from alkannot.catalogue import Catalogue, Entry
from alkannot.models import BoardNote, Finding, SampleMetadata

#: Truncating changes (annotate.TRUNCATING plus MAF's Splice_Site). A missense or in-frame RB1
#: change is not read as loss: no source here says it inactivates RB1.
_TRUNCATING = (*TRUNCATING, "splice_site")
#: Consequence words that alter the protein (VEP/SnpEff/MAF terms, lower-cased).
_ALTERING = (*_TRUNCATING, "missense", "inframe", "in_frame", "start_lost")


def line_of_therapy(metadata: SampleMetadata, catalogue: Catalogue) -> str:
    """The line-of-therapy key of the patient's ALK-inhibitor history, or "" for none that applies.

    ``treatment_naive`` when no ALK inhibitor is recorded; ``after_two_or_more`` for two or more
    different ALK inhibitors; otherwise the single first-line inhibitor decides
    (``after_first_line_lorlatinib``, ``after_first_line_second_generation``); crizotinib alone
    gives "" (the catalogue's after-crizotinib settings speak for it).
    """
    received = []
    for name in metadata.prior_therapy:
        drug = catalogue.drug_by_id.get(name)
        if drug is not None and drug.alk_inhibitor and drug.id not in received:
            received.append(drug.id)
    if not received:
        return "treatment_naive"
    if len(received) >= 2:
        return "after_two_or_more"
    only = catalogue.drug_by_id[received[0]]
    if only.id == "lorlatinib":
        return "after_first_line_lorlatinib"
    if only.generation == 2:
        return "after_first_line_second_generation"
    return ""


def _lines(statements: Iterable) -> tuple[str, ...]:
    return tuple(f"{s.text} [{s.cite}; {s.level or 'no level'}]" for s in statements)


def line_note(
    metadata: SampleMetadata, catalogue: Catalogue, findings: Iterable[Finding] = ()
) -> BoardNote | None:
    """The line-of-therapy note: what the sources recommend and what to look for.

    After a second-generation inhibitor, a plasma sample without a counted ALK mutation says that
    a tissue biopsy may still find one (Shaw 2019: a plasma negative is weaker evidence).
    """
    key = line_of_therapy(metadata, catalogue)
    entry = next((e for e in catalogue.entries_of_kind("line") if e.line == key), None)
    if entry is None:
        return None
    title = entry.summary
    if key == "treatment_naive":
        title += _naive_basis(metadata)
    on_target = any(f.drives_calls and f.mechanism == "on_target_mutation" for f in findings)
    if key == "after_first_line_second_generation" and not on_target:
        title += " - no ALK mutation found"
        if metadata.specimen_type == "plasma":
            title += " in plasma: a tissue biopsy may still show one"
    return BoardNote(
        "line_of_therapy", title, _lines(entry.recommend), _lines(entry.look_for), entry.id
    )


def _naive_basis(metadata: SampleMetadata) -> str:
    """What the first-line note rests on: a stated naive history, other therapies only, or no
    history at all (then it asks for one)."""
    if metadata.treatment_naive:
        return " - stated treatment-naive (--prior-therapy none)"
    if metadata.prior_therapy:
        return (
            " - no ALK inhibitor among the prior therapies recorded ("
            + ", ".join(metadata.prior_therapy)
            + ")"
        )
    return (
        " - no treatment history given; give --prior-therapy (none when treatment-naive) if an "
        "ALK inhibitor was received"
    )


def fusion_variant(findings: Iterable[Finding]) -> str:
    """The named EML4-ALK variant of a passing ALK fusion finding (``v1``, ``v3a/v3b``), or ""."""
    for f in findings:
        if f.kind == "fusion" and f.passed_filters:
            for n in f.notes:
                if n.startswith("variant "):
                    return n.removeprefix("variant ")
    return ""


def altered(findings: Iterable[Finding], gene: str, truncating_only: bool = False) -> bool:
    """True when a passing, non-subclonal variant of ``gene`` alters (or truncates) the protein."""
    words = _TRUNCATING if truncating_only else _ALTERING
    for f in findings:
        if f.kind != "mutation" or f.gene != gene or not f.passed_filters or f.subclonal:
            continue
        if any(w in f.consequence.lower() for w in words):
            return True
    return False


def prognostic_notes(findings: list[Finding], catalogue: Catalogue) -> list[BoardNote]:
    """Prognostic context of the fusion variant and TP53 (never a reason for a call or a rank).

    The variant source (Lin 2018) compares variant 3 with variant 1, so v1 and v3 get its note;
    v2 has no prognostic source here and gets none.
    """
    variant = fusion_variant(findings)
    present = {
        "PROGNOSTIC_EML4ALK_V3": variant.startswith(("v1", "v3")),
        "PROGNOSTIC_TP53": altered(findings, "TP53"),
    }
    out = []
    for e in catalogue.entries_of_kind("prognostic"):
        if present.get(e.id):
            what = f"EML4-ALK {variant}" if e.id == "PROGNOSTIC_EML4ALK_V3" else e.alteration
            title = f"{what}: prognostic, not predictive - no call or rank changes"
            out.append(BoardNote("prognostic", title, (), _lines(e.statements), e.id))
    return out


def histology_note(findings: list[Finding], catalogue: Catalogue) -> BoardNote | None:
    """ "Consider histologic re-review" when the fusion is retained, no counted mechanism was
    found, and TP53 and RB1 are both altered (RB1: truncating changes only)."""
    entry: Entry | None = catalogue.entries.get("HISTOLOGIC_TRANSFORMATION")
    if entry is None or not fusion_retained(findings):
        return None
    mechanisms = [
        f
        for f in findings
        if f.drives_calls
        and catalogue.entries.get(f.catalogue_id) is not None
        and catalogue.entries[f.catalogue_id].kind not in ("context", "setting", "prognostic")
    ]
    if mechanisms or not (altered(findings, "TP53") and altered(findings, "RB1", True)):
        return None
    title = (
        "Consider histologic re-review (small-cell transformation): ALK fusion retained, no on- "
        "or off-target mechanism found, TP53 and RB1 both altered (biallelic loss not determined)"
    )
    return BoardNote("histology", title, (), _lines(entry.statements), entry.id)


def fusion_retained(findings: Iterable[Finding]) -> bool:
    """True when a passing ALK fusion is detected in this sample (not merely at baseline)."""
    return any(
        f.kind == "fusion" and f.gene == "ALK" and f.passed_filters and f.baseline_status != "lost"
        for f in findings
    )


def compound_class_notes(findings: list[Finding], catalogue: Catalogue) -> list[BoardNote]:
    """The class of each counted compound finding (G1202R-based or I1171-based, Shiba-Ishii 2022).

    The class says where a compound belongs; its calls stay the entry's own.
    """
    out = []
    for f in findings:
        entry = catalogue.entries.get(f.catalogue_id)
        if not (f.drives_calls and entry is not None and entry.compound_class):
            continue
        title = f"ALK {f.alteration}: {entry.compound_class} compound mutation"
        src = (entry.class_source,) if entry.class_source else ()
        out.append(BoardNote("compound_class", title, (), _lines(src), entry.id))
    return out


def board_context(
    findings: list[Finding], metadata: SampleMetadata, catalogue: Catalogue
) -> list[BoardNote]:
    """Every board note of a sample: line of therapy, compound class, prognosis, histology."""
    notes = [line_note(metadata, catalogue, findings), *compound_class_notes(findings, catalogue)]
    notes += prognostic_notes(findings, catalogue)
    notes.append(histology_note(findings, catalogue))
    return [n for n in notes if n is not None]
