#!/usr/bin/env python3
"""Deterministic generator of large benchmark inputs (GRCh38).

Writes to ``--out`` (default ``benchmarks/data``):

- ``wgs.vcf.gz`` (+ ``.tbi``): a whole-genome-like Mutect2-style somatic VCF of ``--records``
  records over chr1-22 and chrX, sorted, about 5% indels, some VEP-like annotation strings;
  REF bases at every position the program checks (ALK slice, bypass hotspots and codons) are the
  real ones (no build mismatch);
- ``wgs_noindex.vcf.gz``: the same file without an index;
- the same records in the other input forms, none indexed: ``wgs_plain.vcf`` (uncompressed),
  ``wgs_gzip.vcf.gz`` (plain gzip, not BGZF) and ``wgs_shuffled.vcf.gz`` (BGZF, records in a
  random order);
- ``wgs_small.vcf.gz`` (+ ``.tbi``): every record of the target genes and a tenth of the others
  (about 0.5M at full size), to show that an indexed read costs the same when only the file's
  size changes;
- ``targets.bed``: the target gene spans, for bcftools;
- ``panel/``: ``--samples`` small panel VCFs and ``samples.tsv`` in the workflow's sheet format.

A ``manifest.json`` records the parameters; existing outputs with the same parameters are kept.
Contig lengths: chr2's is the real GRCh38 length (shared/reference/README.md); the others are
round synthetic values, declared as such in the header.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alkannot.annotate import MUTATION_GENES  # noqa: E402
from alkannot.genome.codons import codon_spans  # noqa: E402
from alkannot.genome.models import gene_spans  # noqa: E402
from alkannot.genome.refbases import known_bases  # noqa: E402
from alkannot.io.samplesheet import COLUMNS  # noqa: E402
from alkannot.resources import read_table, resource_path  # noqa: E402

CONTIGS = [(f"chr{i}", 240_000_000 - i * 8_000_000) for i in range(1, 23)] + [("chrX", 150_000_000)]
CONTIGS[1] = ("chr2", 242_193_529)
BASES = "ACGT"


def _slice() -> dict[int, str]:
    return {
        int(r["pos"]): r["base"]
        for r in read_table(resource_path("genome", "GRCh38", "alk_kinase_slice.tsv"))
    }


def _header(samples: tuple[str, str]) -> str:
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##INFO=<ID=ANN,Number=.,Type=String,Description="Synthetic annotation string (benchmark only)">',
        "##MutectVersion=2.2",
        f"##normal_sample={samples[0]}",
        f"##tumor_sample={samples[1]}",
        "##reference=file:///ref/Homo_sapiens_assembly38.fasta",
        "##source=alkannot-benchmark-generator (synthetic contig lengths except chr2)",
    ]
    lines += [f"##contig=<ID={c},length={n}>" for c, n in CONTIGS]
    lines.append(
        "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]
        )
    )
    return "\n".join(lines) + "\n"


def _known() -> dict[tuple[str, int], str]:
    """Bases the program checks REF alleles against (ALK slice, bypass hotspots and codons)."""
    return known_bases("GRCh38")


def _record(rng: random.Random, chrom: str, pos: int, known: dict[tuple[str, int], str]) -> str:
    bare = chrom.removeprefix("chr")
    ref = known.get((bare, pos))
    ref = ref or rng.choice(BASES)
    r = rng.random()
    if r < 0.025:
        alt = ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 6)))
    elif r < 0.05 and not any((bare, pos + k) in known for k in range(1, 7)):
        alt, ref = ref, ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 6)))
    else:
        alt = BASES[(BASES.index(ref) + rng.randint(1, 3)) % 4]
    depth = rng.randint(30, 400)
    alt_reads = max(1, int(depth * rng.uniform(0.02, 0.5)))
    nd = rng.randint(20, 200)
    info = f"DP={depth + nd}"
    if rng.random() < 0.1:
        info += f";ANN={alt}|intron_variant|MODIFIER|GENE{rng.randint(1, 20000)}|ENSG{rng.randint(1, 10**9):011d}"
    flt = "PASS" if rng.random() < 0.9 else "weak_evidence"
    return (
        f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t{flt}\t{info}\tGT:AD:AF:DP\t0/0:{nd},0:0.0:{nd}\t"
        f"0/1:{depth - alt_reads},{alt_reads}:{alt_reads / depth:.3f}:{depth}\n"
    )


def write_wgs(path_plain: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    slice_bases = _slice()
    known = _known()
    total = sum(length for _, length in CONTIGS)
    with open(path_plain, "w") as fh:
        fh.write(_header(("NORMAL", "TUMOR")))
        for chrom, length in CONTIGS:
            k = max(1, round(n * length / total))
            positions = sorted(rng.sample(range(1, length), k))
            if chrom == "chr2":  # a few planted records in the ALK slice
                positions = sorted(set(positions) | set(rng.sample(sorted(slice_bases), 20)))
            fh.writelines(_record(rng, chrom, p, known) for p in positions)


def bgzip_and_index(plain: Path, gz: Path, index: bool) -> None:
    with open(gz, "wb") as out:
        subprocess.run(["bgzip", "-@2", "-c", str(plain)], stdout=out, check=True)
    if index:
        subprocess.run(["tabix", "-f", "-p", "vcf", str(gz)], check=True)


def write_thinned(plain: Path, dst: Path, spans, keep_every: int = 10) -> None:
    """Every record in a target gene (with a 1 kb margin) and every ``keep_every``-th other one."""
    targets: dict[str, list[tuple[int, int]]] = {}
    for g in MUTATION_GENES:
        targets.setdefault(spans[g].chrom, []).append((spans[g].start - 1000, spans[g].end))
    with open(plain) as src, open(dst, "w") as out:
        n = 0
        for line in src:
            if line.startswith("#"):
                out.write(line)
                continue
            n += 1
            chrom, pos = line.split("\t", 2)[:2]
            spans_here = targets.get(chrom, ())
            if n % keep_every == 0 or any(s <= int(pos) <= e for s, e in spans_here):
                out.write(line)


def write_shuffled(plain: Path, gz: Path, seed: int = 3) -> None:
    """BGZF copy of a VCF with its records in a random (seeded) order."""
    with open(plain, "rb") as fh:
        lines = fh.readlines()
    n_header = next(i for i, x in enumerate(lines) if not x.startswith(b"#"))
    body = lines[n_header:]
    random.Random(seed).shuffle(body)
    tmp = gz.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        out.writelines(lines[:n_header] + body)
    del lines, body
    bgzip_and_index(tmp, gz, index=False)
    tmp.unlink()


def write_panel(outdir: Path, n_samples: int, records: int = 300) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    slice_bases = _slice()
    known = _known()
    rows = ["\t".join(COLUMNS)]
    spans = gene_spans("GRCh38")
    for i in range(n_samples):
        rng = random.Random(f"panel-{i}")
        name = f"S{i:03d}"
        recs = []
        while len(recs) < records:
            g = spans[rng.choice(MUTATION_GENES)]
            pos = rng.randint(g.start, g.end)
            # random REF bases: keep clear of the codons whose REF alkannot checks (and of an
            # indel's REF reaching into one), or the sample fails as the wrong build
            if not any(
                c.chrom == g.chrom and c.start - 8 <= pos <= c.end for c in codon_spans("GRCh38")
            ):
                recs.append((g.chrom, pos))
        recs += [("chr2", p) for p in rng.sample(sorted(slice_bases), 3)]
        order = {c: i for i, (c, _) in enumerate(CONTIGS)}
        recs = sorted(set(recs), key=lambda t: (order[t[0]], t[1]))
        path = outdir / f"{name}.vcf"
        with open(path, "w") as fh:
            fh.write(_header((f"{name}_N", f"{name}_T")))
            fh.writelines(_record(rng, c, p, known) for c, p in recs)
        # by column name: the sheet gains columns over time (baseline_sample, patient, ...)
        row = {"sample": name, "vcf": str(path), "prior_therapy": "crizotinib", "build": "GRCh38"}
        rows.append("\t".join(row.get(c, "") for c in COLUMNS))
    (outdir / "samples.tsv").write_text("\n".join(rows) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data")
    args = parser.parse_args(argv)
    out: Path = args.out
    manifest = {"records": args.records, "samples": args.samples, "version": 4}
    mpath = out / "manifest.json"
    if (
        mpath.is_file()
        and json.loads(mpath.read_text()) == manifest
        and (out / "wgs.vcf.gz.tbi").is_file()
    ):
        # the panel is cheap: always written afresh, so a generator fix reaches it
        write_panel(out / "panel", args.samples)
        print(f"inputs up to date in {out}")
        return
    out.mkdir(parents=True, exist_ok=True)
    plain = out / "wgs_plain.vcf"
    write_wgs(plain, args.records)
    bgzip_and_index(plain, out / "wgs.vcf.gz", index=True)
    shutil.copy(out / "wgs.vcf.gz", out / "wgs_noindex.vcf.gz")
    with open(out / "wgs_gzip.vcf.gz", "wb") as gz:
        subprocess.run(["gzip", "-c", str(plain)], stdout=gz, check=True)
    write_shuffled(plain, out / "wgs_shuffled.vcf.gz")
    small = out / "wgs_small.vcf"
    write_thinned(plain, small, gene_spans("GRCh38"))
    bgzip_and_index(small, out / "wgs_small.vcf.gz", index=True)
    small.unlink()
    spans = gene_spans("GRCh38")
    (out / "targets.bed").write_text(
        "".join(
            f"{spans[g].chrom}\t{spans[g].start - 1}\t{spans[g].end}\t{g}\n" for g in MUTATION_GENES
        )
    )
    write_panel(out / "panel", args.samples)
    mpath.write_text(json.dumps(manifest) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
