"""Data downloads (data/entries.json, its schema, entries.csv, entries/<id>/entry.json) and the fixity manifest."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import make_site_repo, run_build
from scripts.cli import main
from scripts.config import Languages, SiteConfig
from scripts.evidence.dates import PartialDate
from scripts.evidence.model import Actor, Archive, Entry, Source, Tag, Translation
from scripts.publish import fixity
from scripts.render import data
from scripts.render.data_schema import entry_schema

CFG = SiteConfig("Archive", "https://example.org/a", languages=Languages("en", ("fr", "ar")))


def _entry(id="2016-01-07-x", title="Operators block calls", **kw) -> Entry:
    return Entry(id=id, path=f"evidence/entries/2016/{id}.yaml", type="article", title=title,
                 date=PartialDate(2016, 1), added=PartialDate(2016, 2, 3).first_day(), summary="A *summary*.",
                 language="fr", source=Source("https://example.com/a?x=1", "Le Desk"), **kw)


def _archive(*entries: Entry) -> Archive:
    return Archive(list(entries), {"anrt": Actor("anrt", "ANRT", "regulator", translations={"ar": {"name": "الوكالة"}})},
                   {"voip": Tag("voip", "Internet calls")})


def _rows(blob: bytes) -> list[dict[str, str]]:
    assert blob.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(blob.decode("utf-8-sig"), newline="")))


def test_csv_round_trips_defuses_formulas_and_keeps_arabic():
    hostile = _entry("2016-01-08-y", '=HYPERLINK("http://evil.example","click")', actors=("anrt",), tags=("voip",),
                     translations={"ar": Translation("حجب المكالمات عبر الإنترنت", "ملخص"),
                                   "fr": Translation("+33 appels; bloqués", "Résumé")})
    blob = data.to_csv(_archive(_entry(speaker="anrt"), hostile), CFG)
    rows = _rows(blob)
    assert len(rows) == 2
    assert list(rows[0]) == ["id", "type", "date", "date_precision", "title_en", "title_fr", "title_ar", "source_url",
                             "publisher", "source_language", "actors", "tags", "page", "added"]
    assert rows[0] == {"id": "2016-01-07-x", "type": "article", "date": "2016-01", "date_precision": "month",
                       "title_en": "Operators block calls", "title_fr": "", "title_ar": "",
                       "source_url": "https://example.com/a?x=1", "publisher": "Le Desk", "source_language": "fr",
                       "actors": "ANRT", "tags": "", "page": "https://example.org/a/entries/2016-01-07-x/",
                       "added": "2016-02-03"}
    assert rows[1]["title_en"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows[1]["title_fr"] == "'+33 appels; bloqués"
    assert rows[1]["title_ar"] == "حجب المكالمات عبر الإنترنت"
    assert (rows[1]["actors"], rows[1]["tags"]) == ("ANRT", "Internet calls")
    assert b"\r\n" in blob and data.to_csv(_archive(_entry(speaker="anrt"), hostile), CFG) == blob


@pytest.mark.parametrize("cell, shown", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                                         ("\t=1", "'\t=1"), ("a=1", "a=1"), ("", "")])
def test_defuse(cell, shown):
    assert data.defuse(cell) == shown


def test_lists_are_joined_with_semicolons():
    e = _entry(speaker="anrt", actors=("maroc-telecom",), tags=("voip", "petition"))
    row = data.csv_rows(_archive(e), CFG)[0]
    assert row[10:12] == ["ANRT; maroc-telecom", "Internet calls; petition"]


def test_export_validates_against_its_schema_and_keeps_every_field():
    e = _entry(actors=("anrt",), notes="Notes.", translations={"fr": Translation("Titre", "Résumé", "Notes fr")})
    whole = data.export(_archive(e, _entry("2016-01-09-z")), CFG)
    jsonschema.Draft202012Validator(data.schema(CFG.base), format_checker=jsonschema.FormatChecker()).validate(whole)
    record = whole["entries"][0]
    assert whole["format_version"] == 1 and whole["languages"] == ["en", "fr", "ar"]
    assert record["date"] == {"text": "2016-01", "iso": "2016-01", "precision": "month", "bound": ""}
    assert record["translations"] == {"fr": {"title": "Titre", "summary": "Résumé", "notes": "Notes fr", "quote": ""}}
    assert whole["actors"]["anrt"]["translations"] == {"ar": {"name": "الوكالة"}}
    broken = json.loads(json.dumps(whole))
    del broken["entries"][0]["source"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, data.schema(CFG.base))


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site.root / "site"


def test_built_site_publishes_the_data_once_at_the_root(built_site, site):
    whole = json.loads((site / "data/entries.json").read_bytes())
    schema = json.loads((site / "data/entries.schema.json").read_bytes())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(whole)
    ids = [e["id"] for e in whole["entries"]]
    assert ids and len(_rows((site / "data/entries.csv").read_bytes())) == len(ids)
    for id in ids:
        one = json.loads((site / "entries" / id / "entry.json").read_bytes())
        jsonschema.validate(one, entry_schema(whole["site_url"]))
        assert one["entry"] == next(e for e in whole["entries"] if e["id"] == id)
    assert not (site / "fr/data/entries.json").exists() and not (site / "ar/data/entries.csv").exists()
    for lang in ("", "fr/", "ar/"):
        assert (site / lang / "data/index.html").is_file()
    assert 'href="../../data/entries.csv"' in (site / "fr/data/index.html").read_text("utf-8")


def test_two_builds_give_the_same_data_bytes_and_the_same_offline_edition(built_site, tmp_path):
    other = make_site_repo(tmp_path / "again")
    code, out = run_build(other)
    assert code == 0, out
    for rel in ["data/entries.json", "data/entries.csv", "data/entries.schema.json", "data/entries.bib",
                "data/entries.csl.json", fixity.MANIFEST]:
        assert (other.root / "site" / rel).read_bytes() == (built_site.root / "site" / rel).read_bytes(), rel
    zips = []
    for repo in (built_site, other):
        out = tmp_path / f"edition-{len(zips)}.zip"
        assert main(["--root", str(repo.root), "edition", "--out", str(out)]) == 0
        zips.append(out.read_bytes())
    assert zips[0] == zips[1] and len(zips[0]) > 1000


def _verify(folder: Path) -> tuple[int, str]:
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["verify", str(folder)])
    return code, buf.getvalue()


def test_manifest_lists_every_published_file_sorted_in_sha256sum_form(site):
    lines = (site / fixity.MANIFEST).read_text("utf-8").splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths) == fixity.published(site)
    assert {"index.html", "fr/index.html", "ar/data/index.html", "data/entries.csv", "sitemap.xml"} <= set(paths)
    assert any(p.startswith("media/") for p in paths)  # the images the hook links in after MkDocs
    if shutil.which("sha256sum"):
        run = subprocess.run(["sha256sum", "-c", "--quiet", fixity.MANIFEST], cwd=site, capture_output=True, text=True)
        assert (run.returncode, run.stdout) == (0, "")


def test_verify_passes_on_a_fresh_build_and_names_each_changed_file(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    code, out = _verify(copy)
    assert code == 0 and out.endswith("files checked: the copy matches manifest-sha256.txt\n"), out
    page = copy / "fr/index.html"
    body = bytearray(page.read_bytes())
    body[100] ^= 1
    page.write_bytes(bytes(body))
    (copy / "data/entries.csv").unlink()
    (copy / "extra.html").write_text("<p>added</p>")
    code, out = _verify(copy)
    assert code == 1
    assert out.splitlines()[:3] == [f"{copy}/data/entries.csv: missing", f"{copy}/fr/index.html: altered",
                                    f"{copy}/extra.html: not in the manifest"]
    assert out.splitlines()[3].endswith("1 missing, 1 altered, 1 not in the manifest (3 problems)")


@pytest.mark.parametrize("change, message", [
    (lambda d: (d / fixity.MANIFEST).unlink(), "manifest-sha256.txt is missing: this is not a copy of the site"),
    (lambda d: (d / fixity.MANIFEST).write_text("nonsense\n"), "manifest-sha256.txt:1:1: error: not a line of the form 'SHA256  path'"),
])
def test_verify_refuses_a_copy_without_a_usable_manifest(tmp_path, capsys, change, message):
    (tmp_path / "index.html").write_text("x")
    fixity.write(tmp_path)
    change(tmp_path)
    assert main(["verify", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_manifest_never_reads_outside_the_copy(tmp_path):
    (tmp_path / "outside.txt").write_text("secret")
    site = tmp_path / "site"
    site.mkdir()
    (site / fixity.MANIFEST).write_text("0" * 64 + "  ../outside.txt\n")
    assert fixity.check(site).missing == ["../outside.txt"]


def _og(html: str) -> dict[str, list[str]]:
    from html.parser import HTMLParser

    found: dict[str, list[str]] = {}

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            key = a.get("property") or a.get("name") or ""
            if tag == "meta" and (key.startswith("og:") or key.startswith("twitter:")):
                found.setdefault(key, []).append(a.get("content"))
    P().feed(html)
    return found


def test_every_page_has_opengraph_in_its_language(site):
    whole = json.loads((site / "data/entries.json").read_bytes())
    e = whole["entries"][0]
    og = _og((site / "entries" / e["id"] / "index.html").read_text("utf-8"))
    assert og["og:title"] == [e["title"]] and og["og:type"] == ["article"]
    assert og["og:site_name"] == [whole["archive"]] and og["og:locale"] == ["en_GB"]
    assert og["og:locale:alternate"] == ["fr_FR", "ar_MA"] and og["twitter:card"] == ["summary"]
    assert og["og:url"] == [e["page"]] and len(og["og:description"]) == 1
    fr = _og((site / "fr/entries" / e["id"] / "index.html").read_text("utf-8"))
    assert fr["og:locale"] == ["fr_FR"] and fr["og:locale:alternate"] == ["en_GB", "ar_MA"]
    assert _og((site / "ar/index.html").read_text("utf-8"))["og:type"] == ["website"]


HOSTILE_TEXT = '</script><script>alert(1)</script><!-- & \u2028 "quoted"'


def test_jsonld_is_inert_and_round_trips_hostile_strings():
    from scripts.evidence.model import Source
    from scripts.render import jsonld

    e = _entry(title=HOSTILE_TEXT)
    e.source = Source("https://example.com/a?b=</script>", HOSTILE_TEXT, archive_url="https://web.archive.org/x")
    tag = jsonld.script(jsonld.document(e, CFG, "fr", HOSTILE_TEXT, [("media/a.png", "0" * 64, "</script>")]))
    body = tag[len('<script type="application/ld+json">'):-len("</script>\n")]
    assert "<" not in body and ">" not in body and "&" not in body and "\u2028" not in body
    doc = json.loads(body)
    assert doc["name"] == HOSTILE_TEXT and doc["url"] == "https://example.org/a/fr/entries/2016-01-07-x/"
    assert doc["about"] == {"@type": "NewsArticle", "name": HOSTILE_TEXT, "inLanguage": "fr",
                            "url": "https://example.com/a?b=</script>", "datePublished": "2016-01",
                            "publisher": {"@type": "Organization", "name": HOSTILE_TEXT},
                            "archivedAt": "https://web.archive.org/x"}
    assert doc["image"] == [{"@type": "ImageObject", "contentUrl": "https://example.org/a/media/a.png",
                             "sha256": "0" * 64, "caption": "</script>"}]


def test_every_entry_page_carries_json_ld_that_parses(site):
    import re
    whole = json.loads((site / "data/entries.json").read_bytes())
    for e in whole["entries"]:
        for lang in ("", "fr/", "ar/"):
            html = (site / lang / "entries" / e["id"] / "index.html").read_text("utf-8")
            found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
            assert len(found) == 1, (lang, e["id"])
            doc = json.loads(found[0])
            assert doc["@type"] == "WebPage" and doc["inLanguage"] == (lang.rstrip("/") or "en")
            assert doc["about"].get("url", "") == e["source"]["url"] and doc["isPartOf"]["name"]


def _dataset(html: str) -> dict:
    import re
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_data_page_describes_a_dataset_in_each_language(built_site, site):
    from scripts.render import cite

    modified = max(cite.last_changed(e) for e in built_site.check().archive.entries).isoformat()
    base = json.loads((site / "data/entries.json").read_bytes())["site_url"]
    for lang, description in (("", "Every entry of the archive as data"), ("fr/", "Chaque entrée de l'archive"),
                              ("ar/", "كل مداخل الأرشيف")):
        doc = _dataset((site / lang / "data/index.html").read_text("utf-8"))
        assert doc["@type"] == "Dataset" and doc["url"] == f"{base}{lang}data/" and doc["dateModified"] == modified
        assert doc["description"].startswith(description) and doc["inLanguage"] == ["en", "fr", "ar"]
        assert "license" not in doc  # the archive has chosen none: never guessed
        files = {d["name"]: d for d in doc["distribution"]}
        assert sorted(files) == ["entries.bib", "entries.csl.json", "entries.csv", "entries.json", "entries.schema.json"]
        for name, d in files.items():
            assert d["@type"] == "DataDownload" and d["contentUrl"] == f"{base}data/{name}"
            assert d["contentSize"] == f"{(site / 'data' / name).stat().st_size} B"
        assert files["entries.csv"]["encodingFormat"] == "text/csv"
        assert files["entries.csl.json"]["encodingFormat"] == "application/vnd.citationstyles.csl+json"


def test_dataset_json_ld_is_inert_with_a_hostile_archive_name():
    from dataclasses import replace
    from scripts.render import jsonld

    cfg = replace(CFG, site_name=HOSTILE_TEXT)
    out = {o.path: o.data.decode() for o in data.dataset_snippets(_archive(_entry()), cfg,
                                                                  data.render(_archive(_entry()), cfg))}
    assert sorted(out) == ["_generated/dataset.md", "ar/_generated/dataset.md", "fr/_generated/dataset.md"]
    body = out["fr/_generated/dataset.md"][len('<script type="application/ld+json">'):-len("</script>\n")]
    assert "<" not in body and ">" not in body and "&" not in body
    doc = json.loads(body)
    assert doc["name"] == doc["isPartOf"]["name"] == HOSTILE_TEXT and doc["dateModified"] == "2016-02-03"
    assert doc["url"] == "https://example.org/a/fr/data/" and jsonld.DATA_FORMATS["entries.bib"] == "application/x-bibtex"
