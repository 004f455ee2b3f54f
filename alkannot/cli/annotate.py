"""``alkannot annotate``: one re-biopsy in, per-sample reports out."""

from __future__ import annotations

import click

from alkannot.api import DEFAULT_MIN_ALT_READS, DEFAULT_MIN_DEPTH, DEFAULT_MIN_VAF, REPORT_FORMATS

# existence and "is a file" are checked by the API, so a directory is one line, not click's usage
_FILE = click.Path()


def _split_csv(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (value or "").split(",") if x.strip())


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("vcf", type=_FILE, required=False)
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for {sample}.findings.tsv, .drugs.tsv, .skipped.tsv, .json, .html, .xlsx.",
)
@click.option(
    "--input-format",
    type=click.Choice(["vcf", "maf"]),
    help="What the input is: a VCF or a MAF (cBioPortal, OncoKB, vcf2maf) [default: detected].",
)
@click.option(
    "--sample-name",
    help="Sample id for reports and file names [default: the VCF tumour sample]; must agree with "
    "the files' own name unless --sample states the mapping.",
)
@click.option(
    "--sample",
    "vcf_sample",
    help="The tumour's name in the files (VCF column; BAM @RG SM without a VCF) [default: from "
    "the header/names]; with a --sample-name of another name, states that both are one sample.",
)
@click.option(
    "--build", help="GRCh37 or GRCh38 (hg19/hg38 accepted) [default: detected from the header]."
)
@click.option(
    "--reference",
    type=_FILE,
    help="Indexed FASTA of the build, to translate ALK outside codons 1058-1388.",
)
@click.option(
    "--cnv", type=_FILE, help="Copy-number calls (CNVkit, GATK, SEG, PURPLE, CNV VCF, gene table)."
)
@click.option("--cnv-format", help="Copy-number format [default: detected].")
@click.option(
    "--fusions",
    type=_FILE,
    help="Fusion/SV calls (SV VCF, Arriba, STAR-Fusion, FusionCatcher, LINX, JAFFA, pbfusion, "
    "FusionSeeker, LongGF, EricScript, pizzly, SQUID, BEDPE, tables).",
)
@click.option(
    "--fusion-format",
    help="Fusion format, checked against the content [default: detected]: vcf, arriba, "
    "star-fusion, fusioncatcher, linx, cbioportal, table, jaffa, pbfusion, fusionseeker, longgf, "
    "ericscript, pizzly, squid, bedpe.",
)
@click.option(
    "--baseline-vcf",
    type=_FILE,
    help="Pre-treatment VCF: findings become acquired / pre-existing / lost.",
)
@click.option("--baseline-cnv", type=_FILE, help="Pre-treatment copy-number calls.")
@click.option("--baseline-fusions", type=_FILE, help="Pre-treatment fusion calls.")
@click.option(
    "--baseline-sample",
    help="The baseline's sample in multi-sample baseline files (MAF, copy-number, fusion "
    "tables; the baseline VCF's column of that name), independent of --sample-name [default: "
    "the file's only sample].",
)
@click.option(
    "--prior-therapy",
    callback=_split_csv,
    help="ALK inhibitors received, in order, comma-separated (crizotinib,alectinib); "
    "'none' for a treatment-naive patient.",
)
@click.option(
    "--progressed-on",
    callback=lambda c, p, v: _split_csv(c, p, v) or None,
    help="Prior therapies the tumour progressed on [default: all of --prior-therapy].",
)
@click.option(
    "--cns-metastases/--no-cns-metastases",
    default=None,
    help="CNS involvement (changes ranking and wording).",
)
@click.option("--purity", type=float, help="Tumour content, 0-1.")
@click.option("--ploidy", type=float, help="Tumour ploidy.")
@click.option(
    "--min-vaf",
    type=float,
    default=DEFAULT_MIN_VAF,
    show_default=True,
    help="Variants below are reported but kept out of the drug matrix.",
)
@click.option(
    "--min-depth",
    type=int,
    default=DEFAULT_MIN_DEPTH,
    show_default=True,
    help="Variants below are reported but kept out of the drug matrix.",
)
@click.option(
    "--min-alt-reads",
    type=int,
    default=DEFAULT_MIN_ALT_READS,
    show_default=True,
    help="Variants with fewer supporting reads are reported but kept out of the drug matrix.",
)
@click.option(
    "--bam",
    type=_FILE,
    help="Re-biopsy BAM/CRAM (sorted, indexed): read evidence; enough without a VCF.",
)
@click.option(
    "--baseline-bam", type=_FILE, help="Pre-treatment BAM/CRAM (fusion junction lost or not)."
)
@click.option("--rna-bam", type=_FILE, help="Spliced RNA BAM/CRAM, to phase distant ALK variants.")
@click.option(
    "--min-mapq", type=int, default=20, show_default=True, help="Reads below don't count."
)
@click.option(
    "--min-base-quality", type=int, default=20, show_default=True, help="Bases below don't count."
)
@click.option(
    "--max-detection-limit",
    type=float,
    default=0.05,
    show_default=True,
    help="A site whose detection limit is above it is not evaluable.",
)
@click.option(
    "--catalogue", type=_FILE, help="A local (extended) catalogue YAML instead of the bundled one."
)
@click.option(
    "--formats",
    callback=_split_csv,
    default=",".join(REPORT_FORMATS),
    show_default=True,
    help="Reports to write; also pdf, va (GA4GH VA-Spec statements), fhir (HL7 FHIR bundle).",
)
@click.option(
    "--full-checksums",
    is_flag=True,
    help="SHA-256 of whole inputs [default: an indexed VCF/FASTA is hashed over head, index, size].",
)
@click.option("--report-date", help="Date printed on the HTML report (YYYY-MM-DD) [default: none].")
@click.option(
    "--specimen-type",
    type=click.Choice(["tissue", "plasma"], case_sensitive=False),
    help="Re-biopsy specimen (printed on the report; plasma = cell-free DNA).",
)
@click.option(
    "--collection-date",
    help="Date the re-biopsy specimen was collected (YYYY-MM-DD; printed on the report and in "
    "the FHIR Specimen).",
)
@click.option("--tumour-type", help="Tumour type, printed on the report.")
@click.option(
    "--time-on-therapy",
    help="Months on each inhibitor, DRUG=MONTHS comma-separated (crizotinib=14,alectinib=9).",
)
@click.option("--reviewed-by", help="Sign-off block: who reviewed the report [default: blank].")
@click.option("--review-date", help="Sign-off block: date of the review [default: blank].")
@click.option("--board-decision", help="Sign-off block: the board's decision [default: blank].")
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"], case_sensitive=False),
    default="A4",
    show_default=True,
    help="Page size of the PDF (--formats ...,pdf).",
)
def annotate(
    vcf: str | None,
    outdir: str,
    formats: tuple[str, ...],
    report_date: str | None,
    time_on_therapy: str | None,
    reviewed_by: str | None,
    review_date: str | None,
    board_decision: str | None,
    paper: str,
    **options: object,
) -> None:
    """Annotate one re-biopsy VCF or MAF and/or BAM (with optional copy number, fusions, baseline).

    A MAF is read for one sample (Tumor_Sample_Barcode: --sample or --sample-name) in the build
    of its NCBI_Build column. With --bam alone the reads are the caller.
    """
    from alkannot.api import annotate_sample, write_sample_reports
    from alkannot.outdir import check_outdir, owned
    from alkannot.report.html import report_date as check_date
    from alkannot.request import parse_time_on_therapy, sample_request

    check_date(report_date)  # before the work, not after it
    check_outdir(outdir)
    months = parse_time_on_therapy(time_on_therapy)
    request = sample_request(vcf, time_on_therapy=months, **options)  # type: ignore[arg-type]
    with owned(outdir):  # the folder is this run's until its reports are in place
        result = annotate_sample(request)
        signoff = {"reviewed_by": reviewed_by, "date": review_date, "decision": board_decision}
        paths = write_sample_reports(
            result, outdir, formats, report_date, signoff=signoff, paper=paper
        )
    mech = ", ".join(m.replace("_", " ") for m in result.mechanisms) or "none found"
    click.echo(
        f"{result.sample}: mechanisms: {mech}; {len(result.findings)} finding(s), "
        f"{len(result.skipped)} skipped record(s)"
    )
    for kind in sorted(paths):
        click.echo(f"  {kind}: {paths[kind]}")
