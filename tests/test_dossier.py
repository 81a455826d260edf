"""The archive against its only source: every timeline row covered, nothing cited that the dossier lacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from scripts.evidence import load_archive

DOSSIER = REPO.parent / "shared" / "dossier" / "morocco-voip-2016.md"
pytestmark = pytest.mark.skipif(not DOSSIER.is_file(), reason=f"the research dossier is not at {DOSSIER}")


def timeline_rows() -> list[tuple[str, str]]:
    """(date cell, URL cell) of every row of the dossier's section 1 table."""
    text = DOSSIER.read_text("utf-8")
    section = text.split("## 1. Chronological timeline", 1)[1].split("\n## 2.", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("Date", "") and not set(cells[0]) <= set("-"):
            rows.append((cells[0], cells[4]))
    return rows


@pytest.fixture(scope="module")
def archive():
    loaded = load_archive(REPO)
    assert loaded.archive is not None, [str(p) for p in loaded.report.sorted()][:10]
    return loaded.archive


def test_dossier_table_is_parsed():
    rows = timeline_rows()
    assert len(rows) >= 70
    assert rows[0] == ("2004-04-06", "http://m.le360.ma/economie/lanrt-avalise-le-blocage-des-appels-voip-par-les-operateurs-61137/")


def test_every_timeline_row_maps_to_existing_entries(archive):
    mapped: dict[tuple[str, str], list[str]] = {}
    for path in sorted((REPO / "tests" / "dossier").glob("timeline-map-*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")):
            mapped.setdefault((item["date"], item["url"]), []).extend(item["entries"])
    missing = [row for row in timeline_rows() if not mapped.get(row)]
    assert missing == []
    unknown = sorted({i for ids in mapped.values() for i in ids} - set(archive.by_id))
    assert unknown == []


def test_every_source_url_is_in_the_dossier(archive):
    text = DOSSIER.read_text("utf-8")
    assert [e.id for e in archive.entries if e.source.url and e.source.url not in text] == []


def test_quotes_and_original_titles_come_from_the_dossier(archive):
    text = DOSSIER.read_text("utf-8")
    assert [e.id for e in archive.entries if e.quote and e.quote.text not in text] == []
    assert [e.id for e in archive.entries if e.title_original and e.title_original not in text] == []


def test_no_screenshots_or_media_in_the_real_archive(archive):
    """We hold no image files for this story: any media would be fabricated."""
    assert [e.id for e in archive.entries if e.media or e.type == "screenshot"] == []
    assert not any((REPO / "evidence" / "media").rglob("*.*"))


def test_at_least_eighty_entries(archive):
    assert len(archive.entries) >= 80


def titles_from_urls(text: str) -> set[str]:
    """Titles the dossier marks as made from a page's address: '"…" (from URL)' or '[…] (from URL)' in its
    source list, '… (title from URL)' in its timeline table."""
    found = {m.group(1) for m in re.finditer(r'— (?:"|\[)([^"\]\n]+)(?:"|\]) \(from URL\)', text)}
    found |= {m.group(1).strip().strip("[]") for m in re.finditer(r"\| ([^|\n]+?) \(title from URL\) \|", text)}
    return found


def real_titles(text: str) -> set[str]:
    """Headlines the dossier shows as the source's own: quoted in its source list, or a timeline title cell
    that is neither [described] nor marked as made from the address."""
    quoted = {m.group(1) for m in re.finditer(r'^- S\d+ — "([^\n]+?)"(?: \([^)\n]*\))? — ', text, re.M)}
    section = text.split("## 1. Chronological timeline", 1)[1].split("\n## 2.", 1)[0]
    cells = set()
    for line in section.splitlines():
        row = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(row) == 6 and not row[2].startswith("[") and "from URL" not in row[2]:
            cells.add(row[2])
    return (quoted | cells) - titles_from_urls(text)


def test_no_original_title_is_made_from_an_address(archive):
    """A title_original is the source's real headline, never words the dossier marks as taken from its URL."""
    text = DOSSIER.read_text("utf-8")
    from_urls = titles_from_urls(text)
    # the parser finds the two the fact-check caught (S71, S195) and the timeline's own marks
    assert {"Moroccan Telecom Providers Extend Ban on Skype, WhatsApp, Viber, Facebook",
            "Orange étend sa marque au Maroc et pousse ses pions en Afrique",
            "Maroc Web Awards: retrait de plusieurs participants de la compétition"} <= from_urls
    assert [e.id for e in archive.entries if e.title_original in from_urls] == []
    real = real_titles(text)
    assert [e.id for e in archive.entries if e.title_original and e.title_original not in real] == []


def extra_entries() -> list[dict]:
    items = []
    for path in sorted((REPO / "tests" / "dossier").glob("extra-entries-*.yaml")):
        items.extend(yaml.safe_load(path.read_text("utf-8")))
    return items


def test_extra_entries_cite_their_dossier_source(archive):
    """Each entry written from a section 2 source exists and cites the address that source's line gives."""
    text = DOSSIER.read_text("utf-8")
    lines = {m.group(1): m.group(0) for m in re.finditer(r"^- (S\d+) — .*$", text, re.M)}
    items = extra_entries()
    assert items
    assert [i["id"] for i in items if i["id"] not in archive.by_id] == []
    assert [i["dossier_source"] for i in items if i["dossier_source"] not in lines] == []
    assert [i["id"] for i in items if archive.by_id[i["id"]].source.url not in lines[i["dossier_source"]]] == []


def test_every_entry_is_mapped_to_the_dossier(archive):
    """No entry stands outside the maps: each is tied to a timeline row or to a section 2 source."""
    mapped = {i["id"] for i in extra_entries()}
    for path in sorted((REPO / "tests" / "dossier").glob("timeline-map-*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")):
            mapped.update(item["entries"])
    assert sorted(set(archive.by_id) - mapped) == []


def test_narrative_pages_cite_only_dossier_addresses():
    """The hand-written pages about the story link no outside address that the dossier lacks."""
    text = DOSSIER.read_text("utf-8")
    cited = {}
    for name in ("index.md", "ban-in-brief.md", "methodology.md"):
        page = (REPO / "content" / name).read_text("utf-8")
        cited[name] = [u for u in re.findall(r"\]\((https?://[^)\s]+)\)", page) if u not in text]
    assert cited == {"index.md": [], "ban-in-brief.md": [], "methodology.md": []}
