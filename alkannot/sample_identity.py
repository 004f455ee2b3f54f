"""One tumour per report: the names the user gives and the names the files carry must agree.

Names agree when they are equal ignoring case and the separators ``_ - .``, when one extends the
other at a separator (``P01`` and ``P01_T``: a patient id and its tumour column), or when the
file's name is a placeholder that identifies nobody (``TUMOR``, ``SAMPLE1``, ...). A name the
user gives that is another column of the file (the normal) is an error; one that merely differs
is a warning in the report, since the user named the sample explicitly.
"""

from __future__ import annotations

import re

from alkannot.errors import SampleNotFoundError

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
    sample_name: str | None, vcf_sample: str, vcf_normal: str, path: str | None
) -> list[str]:
    """Warnings for a ``--sample-name`` that differs from the VCF's tumour sample.

    Raises
    ------
    SampleNotFoundError
        When ``sample_name`` is the VCF's normal sample (the report would carry the normal's
        name over the tumour's data).
    """
    if not sample_name or not vcf_sample:
        return []
    if vcf_normal and sample_name.casefold() == vcf_normal.casefold() != vcf_sample.casefold():
        raise SampleNotFoundError(
            f"--sample-name {sample_name} is the VCF's normal sample; its tumour sample is "
            f"{vcf_sample}: give the tumour's id (or --sample to choose another column)",
            path=path,
        )
    if names_agree(sample_name, vcf_sample):
        return []
    return [
        f"--sample-name {sample_name} differs from the VCF's tumour sample {vcf_sample}: check "
        f"that this file is {sample_name}'s"
    ]


def check_bam_sample(
    bam_sample: str, vcf_sample: str, vcf_normal: str, path: str | None
) -> list[str]:
    """Warnings for a BAM whose ``@RG SM`` differs from the VCF's tumour sample.

    Raises
    ------
    SampleNotFoundError
        When the BAM's sample is the VCF's normal: the reads are not the tumour's.
    """
    if not bam_sample or not vcf_sample or bam_sample == vcf_sample:
        return []
    if vcf_normal and bam_sample == vcf_normal:
        raise SampleNotFoundError(
            f"the BAM's read groups name {bam_sample}, the VCF's normal sample (its tumour is "
            f"{vcf_sample}): give the tumour's BAM",
            path=path,
        )
    if names_agree(bam_sample, vcf_sample):
        return []
    return [
        f"the BAM's sample (@RG SM {bam_sample}) is not the VCF's tumour sample "
        f"({vcf_sample}): check that both files are from this re-biopsy"
    ]
