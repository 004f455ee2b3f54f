"""The per-user cache of the validated catalogue: same results, never a stale or planted entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from alkannot import cache
from alkannot.catalogue import validate_catalogue_data, validated_data
from alkannot.errors import CatalogueError
from alkannot.resources import resource_path

BUNDLED = resource_path("catalogue", "catalogue.yaml")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("ALKANNOT_CACHE_DIR", str(path))
    monkeypatch.delenv("ALKANNOT_NO_CACHE", raising=False)
    return path


def test_bundled_catalogue_passes_the_schema_without_the_cache():
    # the build/test-time validation: the YAML itself, through the JSON Schema validator
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    validate_catalogue_data(data, str(BUNDLED))


def test_cached_data_equals_a_fresh_validation(cache_dir):
    fresh = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    first = validated_data(str(BUNDLED))  # validates and stores
    entries = list(cache_dir.glob("catalogue-*.json"))
    assert len(entries) == 1
    second = validated_data(str(BUNDLED))  # from the cache
    assert first == second == fresh


def test_cache_entry_is_used_under_its_key_only(cache_dir, monkeypatch, tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    validated_data(str(path))
    # a changed file has a new key: it is parsed and validated again, and its error surfaces
    path.write_text(path.read_text(encoding="utf-8").replace("version: ", "version_x: ", 1))
    with pytest.raises(CatalogueError, match="version"):
        validated_data(str(path))


def test_revalidate_ignores_a_cached_entry(cache_dir, tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    validated_data(str(path))
    (entry,) = cache_dir.glob("catalogue-*.json")
    doc = json.loads(entry.read_text(encoding="utf-8"))
    real_name = doc["value"]["name"]
    doc["value"]["name"] = 5  # a value the schema rejects, under the right key
    entry.write_text(json.dumps(doc), encoding="utf-8")
    # an entry edited after it was written no longer matches its own SHA-256 (issue 22: an
    # edited cache changed the drug calls): the file is read and validated again
    assert validated_data(str(path))["name"] == real_name
    assert validated_data(str(path), revalidate=True)["name"] == real_name  # the file, validated
    assert json.loads(entry.read_text(encoding="utf-8"))["value"]["name"] == real_name  # rewritten


def test_a_damaged_template_cache_is_compiled_again(cache_dir, tmp_path):
    # a new process each time: the compiled templates come from the cache file, not memory
    vcf = BUNDLED.parents[1] / "examples/GRCh38/P01.rebiopsy.vcf.gz"
    env = {**os.environ, "ALKANNOT_CACHE_DIR": str(cache_dir)}

    def page(folder: str) -> bytes:
        cmd = [sys.executable, "-m", "alkannot", "annotate", str(vcf), "-o", str(tmp_path / folder)]
        res = subprocess.run([*cmd, "--formats", "html"], capture_output=True, text=True, env=env)
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
        return (tmp_path / folder / "P01_T.html").read_bytes()

    first = page("a")
    entries = list(cache_dir.glob("jinja2-*.cache"))
    assert entries
    for damage, folder in ((lambda b: b"\0" * len(b), "b"), (lambda b: b[:30], "c")):
        for e in cache_dir.glob("jinja2-*.cache"):  # zero-filled; truncated after the header
            e.write_bytes(damage(e.read_bytes()))
        assert page(folder) == first
        assert page(folder + "2") == first  # and the entry is good again


def test_cache_writable_by_others_is_not_used(cache_dir):
    validated_data(str(BUNDLED))
    cache_dir.chmod(0o777)
    try:
        assert cache.cache_dir() is None
        assert cache.store_json("x", "k", {"a": 1}) is False
    finally:
        cache_dir.chmod(0o700)
    assert cache.cache_dir() == cache_dir


def test_cache_can_be_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("ALKANNOT_NO_CACHE", "1")
    validated_data(str(BUNDLED))
    assert not cache_dir.exists()


def test_values_json_would_change_are_not_stored(cache_dir):
    assert cache.store_json("x", "k1", {1: "int key"}) is False
    assert cache.store_json("x", "k2", {"when": __import__("datetime").date(2026, 1, 1)}) is False
    assert cache.store_json("x", "k3", {"ok": [1, "two"]}) is True
    assert cache.load_json("x", "k3") == {"ok": [1, "two"]}
    assert cache.load_json("x", "k1") is None


def test_old_entries_are_pruned(cache_dir):
    for i in range(cache.KEEP_PER_KIND + 3):
        cache.store_json("x", f"k{i}", i)
        os.utime(cache_dir / f"x-k{i}.json", (i, i))  # distinct mtimes, oldest first
    cache.store_json("x", "last", 0)
    assert len(list(cache_dir.glob("x-*.json"))) == cache.KEEP_PER_KIND


def test_annotate_outputs_are_byte_identical_with_and_without_the_cache(
    cache_dir, monkeypatch, tmp_path
):
    from alkannot.api import annotate_sample, write_sample_reports
    from alkannot.catalogue import _load
    from alkannot.report.html import environment

    ex = resource_path("examples", "GRCh38")
    outputs = []
    for env in ({"ALKANNOT_NO_CACHE": "1"}, {}, {}):  # no cache, cold cache, warm cache
        for k in ("ALKANNOT_NO_CACHE",):
            monkeypatch.delenv(k, raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        _load.cache_clear()  # the in-process memos would hide the cache
        environment.cache_clear()
        out = tmp_path / f"out{len(outputs)}"
        result = annotate_sample(ex / "P01.rebiopsy.vcf.gz", cnv=ex / "P01.cns")
        paths = write_sample_reports(result, out)
        outputs.append({k: Path(p).read_bytes() for k, p in sorted(paths.items())})
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(list(cache_dir.glob("catalogue-*.json"))) == 1
    assert list(cache_dir.glob("jinja2-*.cache"))  # the compiled page template


def test_index_check_is_remembered_until_the_vcf_changes(cache_dir, tmp_path, monkeypatch):
    import shutil

    from alkannot.io import vcf_index

    ex = resource_path("examples", "GRCh38")
    vcf = tmp_path / "P01.vcf.gz"
    shutil.copy(ex / "P01.rebiopsy.vcf.gz", vcf)
    shutil.copy(ex / "P01.rebiopsy.vcf.gz.tbi", f"{vcf}.tbi")
    vcf_index.check_index(vcf, f"{vcf}.tbi", ["chr2"])  # checked, and remembered

    def fail(*args):
        raise vcf_index.IndexMismatch("checked again")

    monkeypatch.setattr(vcf_index, "_check_index", fail)
    vcf_index.check_index(vcf, f"{vcf}.tbi", ["chr2"])  # the same pair: not checked again
    os.utime(vcf, ns=(1, vcf.stat().st_mtime_ns + 1000))  # the VCF changed: checked again
    with pytest.raises(vcf_index.IndexMismatch, match="checked again"):
        vcf_index.check_index(vcf, f"{vcf}.tbi", ["chr2"])
