"""One tumour per report: the names the user gives and the names the files carry must agree.

Names agree when they are equal ignoring case and the separators ``_ - .``, when one extends the
other at a separator (``P01`` and ``P01_T``: a patient id and its tumour column), or when the
file's name is a placeholder that identifies nobody (``TUMOR``, ``SAMPLE1``, ...). A report name
(``--sample-name``, the sheet's ``sample``) that names another sample than the files' tumour is
refused: the normal always, any other name unless the user stated which sample of the files it
is (``--sample``, the sheet's ``vcf_sample``) and the files hold that sample, in which case the
report says so (without a VCF, the BAM's ``@RG SM`` is the files' name). A BAM whose read groups
name another sample than the VCF's tumour is refused: the VCF's calls came from its reads.
"""

from __future__ import annotations

import os
import re

from alkannot.errors import SampleMismatchError, SampleNotFoundError

_PLACEHOLDER = re.compile(r"^(tumou?r|sample|t|s|unknown|none|default)[_\-.]?\d*$", re.I)
_SEP = re.compile(r"[_\-.]")


def names_agree(given: str, found: str) -> bool:
    """Whether ``given`` (the user's sample id) and ``found`` (a file's sample) may be one sample."""
    if not given or not found or _PLACEHOLDER.match(found):
        return True
    a, b = given.casefold(), found.casefold()
    if _SEP.sub("", a) == _SEP.sub("", b):
        return True
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and bool(_SEP.match(long[len(short) :]))


def check_sample_name(
    sample_name: str | None,
    file_sample: str,
    file_normal: str,
    path: str | None,
    stated: str | None = None,
) -> list[str]:
    """Check a report name (``--sample-name``) against the files' own tumour sample.

    Parameters
    ----------
    sample_name
        The name the reports carry, as the user gave it (``None``: the files' own name is used).
    file_sample, file_normal
        The tumour and normal samples as the input names them (the VCF's columns, or the BAM's
        ``@RG SM`` without a VCF).
    path
        The file the names come from, for the message.
    stated
        The sample the user said is the tumour's in the files (``--sample``), if any.

    Returns
    -------
    list of str
        A warning for the report when the names differ and the mapping was stated.

    Raises
    ------
    SampleNotFoundError
        When ``sample_name`` is the file's normal sample.
    SampleMismatchError
        When ``sample_name`` names another sample and no mapping was stated.
    """
    if not sample_name or not file_sample:
        return []
    if file_normal and sample_name.casefold() == file_normal.casefold() != file_sample.casefold():
        raise SampleNotFoundError(
            f"--sample-name {sample_name} is the VCF's normal sample; its tumour sample is "
            f"{file_sample}: give the tumour's id (or --sample to choose another column)",
            path=path,
        )
    if names_agree(sample_name, file_sample):
        return []
    if stated and stated.casefold() == file_sample.casefold():
        return [
            f"reports named {sample_name} hold the input's sample {file_sample}, as stated "
            f"(--sample {stated})"
        ]
    raise SampleMismatchError(
        f"--sample-name {sample_name} is not this file's tumour sample {file_sample}: give "
        f"{sample_name}'s own file, or state that {file_sample} is {sample_name} with --sample "
        f"{file_sample} (sample sheet: vcf_sample column)",
        path=path,
    )


def check_bam_sample(bam_sample: str, vcf_sample: str, vcf_normal: str, path: str | None) -> None:
    """Check a BAM's ``@RG SM`` against the VCF's tumour sample (a placeholder agrees).

    Raises
    ------
    SampleNotFoundError
        When the BAM's sample is the VCF's normal: the reads are not the tumour's.
    SampleMismatchError
        When the BAM's sample is another sample than the VCF's tumour.
    """
    if not bam_sample or not vcf_sample or bam_sample == vcf_sample:
        return
    if vcf_normal and bam_sample == vcf_normal:
        raise SampleNotFoundError(
            f"the BAM's read groups name {bam_sample}, the VCF's normal sample (its tumour is "
            f"{vcf_sample}): give the tumour's BAM",
            path=path,
        )
    if names_agree(bam_sample, vcf_sample) or _PLACEHOLDER.match(bam_sample):
        return
    raise SampleMismatchError(
        f"the BAM's read groups name {bam_sample}, not the VCF's tumour sample {vcf_sample}: "
        f"give this re-biopsy's BAM (if it is this tumour under another name, correct its "
        f"@RG SM, e.g. with samtools reheader)",
        path=path,
    )


def _same_file(a: str | None, b: str | None) -> bool:
    """One file under two names (or a link to it). Equal content is not the same sample: two
    samples without calls can give byte-identical files."""
    return bool(a and b) and os.path.realpath(str(a)) == os.path.realpath(str(b))


def check_more_reads(
    rna_sample: str,
    baseline_sample: str,
    tumour: str,
    normal: str,
    baseline_name: str,
    paths: dict[str, str | None],
) -> None:
    """Check the RNA and baseline BAMs' ``@RG SM`` against the samples they must be.

    Parameters
    ----------
    rna_sample, baseline_sample
        The ``SM`` of ``--rna-bam`` and ``--baseline-bam`` ("" when absent or unnamed).
    tumour, normal
        The re-biopsy's tumour sample (VCF column, else the BAM's ``SM``) and the VCF's normal.
    baseline_name
        The baseline's own sample (its VCF column or ``--baseline-sample``), "" when unknown.
    paths
        ``bam``, ``baseline_bam`` and ``rna_bam`` paths, for the messages.

    Raises
    ------
    SampleMismatchError
        The RNA of another sample than the tumour; a baseline BAM of the re-biopsy's tumour, of
        the normal, of another sample than the baseline's, or the re-biopsy's BAM itself.
    """
    base_path, rna_path = paths.get("baseline_bam"), paths.get("rna_bam")
    if _same_file(base_path, paths.get("bam")):
        raise SampleMismatchError(
            "--baseline-bam is the re-biopsy's --bam: give the pre-treatment sample's reads",
            path=base_path,
        )
    named_rna = bool(rna_sample and tumour) and not _PLACEHOLDER.match(rna_sample)
    if named_rna and (rna_sample == normal or not names_agree(rna_sample, tumour)):
        raise SampleMismatchError(
            f"the RNA BAM's read groups name {rna_sample}, not the tumour sample {tumour}: "
            "give this re-biopsy's RNA alignments",
            path=rna_path,
        )
    if not baseline_sample or _PLACEHOLDER.match(baseline_sample):
        return
    if baseline_sample in (tumour, normal) and baseline_sample != baseline_name:
        which = "re-biopsy's tumour" if baseline_sample == tumour else "normal"
        raise SampleMismatchError(
            f"the baseline BAM's read groups name {baseline_sample}, the {which} sample: give "
            "the pre-treatment sample's reads",
            path=base_path,
        )
    if baseline_name and not names_agree(baseline_sample, baseline_name):
        raise SampleMismatchError(
            f"the baseline BAM's read groups name {baseline_sample}, not the baseline's sample "
            f"{baseline_name}: give the pre-treatment sample's reads",
            path=base_path,
        )


def check_baseline_sample(
    tumour: str,
    normal: str,
    baseline: str,
    now_files: dict[str, str | None],
    base_files: dict[str, str | None],
    stated: str | None,
) -> None:
    """The baseline must be another sample than the re-biopsy: compared with itself, every
    finding would read "pre-existing" and none acquired.

    Parameters
    ----------
    tumour, normal
        The re-biopsy VCF's tumour and normal samples.
    baseline
        The baseline VCF's sample (its chosen column).
    now_files, base_files
        The two time points' files by role (``vcf``, ``cnv``, ``fusions``, ...).
    stated
        ``--baseline-sample``, when given (one table may then hold both time points).

    Raises
    ------
    SampleMismatchError
        The baseline's sample is the re-biopsy's tumour (by name, or by a placeholder name in
        the same file) or its normal; or a baseline table is the re-biopsy's without
        ``--baseline-sample``.
    """
    path = base_files.get("vcf")
    same = bool(baseline and tumour) and baseline.casefold() == tumour.casefold()
    if same and (not _PLACEHOLDER.match(baseline) or _same_file(now_files.get("vcf"), path)):
        raise SampleMismatchError(
            f"the baseline's sample is {baseline}, the re-biopsy's tumour sample: give the "
            "pre-treatment sample's VCF (in a VCF holding both, choose its column with "
            "--baseline-sample)",
            path=path,
        )
    if baseline and normal and baseline.casefold() == normal.casefold():
        raise SampleMismatchError(
            f"the baseline's sample is {baseline}, the re-biopsy VCF's normal sample: give the "
            "pre-treatment tumour sample's VCF",
            path=path,
        )
    for role in ("cnv", "fusions"):
        if not stated and _same_file(now_files.get(role), base_files.get(role)):
            raise SampleMismatchError(
                f"--baseline-{role} is the re-biopsy's --{role}: give the pre-treatment "
                f"sample's file (or --baseline-sample, when one table holds both)",
                path=base_files.get(role),
            )
