"""Citations: data/entries.bib and data/entries.csl.json, entries/<id>/cite.bib and cite.csl.json."""

from __future__ import annotations

import json

import bibtexparser
import pytest

from scripts.evidence.dates import PartialDate
from scripts.evidence.model import Correction
from scripts.render import cite
from test_data import CFG, _archive, _entry

HOSTILE = r"50% {off} & \textbf{x} #1 $5 a_b ^ ~ }{ " + "\n@misc{evil, title={x}}"


def test_bibtex_parses_and_keeps_a_hostile_title_whole():
    e = _entry(title=HOSTILE, corrections=(Correction(PartialDate(2017, 3, 4), "Fixed."),))
    text = cite.bibtex_entry(e, CFG) + "\n" + cite.bibtex_entry(_entry("2016-01-09-z", "حجب المكالمات"), CFG)
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks and [x.key for x in lib.entries] == ["2016-01-07-x", "2016-01-09-z"]
    first = lib.entries[0]
    assert first.entry_type == "online"
    assert first["title"] == (r"50\% \{off\} \& \textbackslash{}textbf\{x\} \#1 \$5 a\_b \^{} \~{} \}\{ "
                              r"@misc\{evil, title=\{x\}\}")
    assert first["date"] == "2016-01" and first["url"] == "https://example.org/a/entries/2016-01-07-x/"
    assert first["note"] == "Evidence dated 2016-01; entry last changed 2017-03-04"
    assert lib.entries[1]["title"] == "حجب المكالمات"


def test_csl_item_has_the_evidence_date_at_its_precision():
    item = cite.csl_item(_entry(), CFG)
    assert item == {"id": "2016-01-07-x", "type": "webpage", "title": "Operators block calls",
                    "container-title": "Archive", "author": [{"literal": "Archive"}],
                    "URL": "https://example.org/a/entries/2016-01-07-x/", "language": "en",
                    "issued": {"date-parts": [[2016, 1]]},
                    "note": "Evidence dated 2016-01; entry last changed 2016-02-03"}
    bounded = _entry()
    bounded.date = PartialDate(2016, bound="before")
    assert cite.csl_item(bounded, CFG)["issued"] == {"literal": "before 2016"}
    bounded.date = PartialDate(0, bound="undated")
    assert "issued" not in cite.csl_item(bounded, CFG)


def test_reference_renders_from_csl_json():
    item = cite.csl_item(_entry(title="Operators block <calls>"), CFG)
    assert cite.reference(item) == ("Archive (2016) Operators block <calls>, Archive. "
                                    "Available at: https://example.org/a/entries/2016-01-07-x/.")
    assert cite.csl_item(_entry(title="Operators block <calls>"), CFG) == item


def test_render_writes_archive_and_per_entry_files():
    out = {o.path: o.data for o in cite.render(_archive(_entry(), _entry("2016-01-09-z")), CFG)}
    assert sorted(out) == ["data/entries.bib", "data/entries.csl.json", "entries/2016-01-07-x/cite.bib",
                           "entries/2016-01-07-x/cite.csl.json", "entries/2016-01-09-z/cite.bib",
                           "entries/2016-01-09-z/cite.csl.json"]
    assert [i["id"] for i in json.loads(out["data/entries.csl.json"])] == ["2016-01-07-x", "2016-01-09-z"]
    assert len(bibtexparser.parse_string(out["data/entries.bib"].decode()).entries) == 2


def test_built_site_publishes_citations(built_site):
    site = built_site.root / "site"
    items = json.loads((site / "data/entries.csl.json").read_bytes())
    lib = bibtexparser.parse_string((site / "data/entries.bib").read_text("utf-8"))
    assert not lib.failed_blocks and [x.key for x in lib.entries] == [i["id"] for i in items]
    for item in items:
        assert json.loads((site / "entries" / item["id"] / "cite.csl.json").read_bytes()) == [item]
