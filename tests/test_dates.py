"""Dates the sources leave open (before or after a date, or no date) and counts they give loosely."""

from __future__ import annotations

import json
import re

import pytest

from conftest import GOOD, REPO, make_site_repo

from scripts import build
from scripts.evidence.dates import PartialDate
from scripts.evidence.model import chronological

E = "evidence/entries/2016/x.yaml"


@pytest.mark.parametrize("text,value,words", [
    ("before 2016", PartialDate(2016, 0, 0, "before"), "before 2016"),
    ("after 2016-10", PartialDate(2016, 10, 0, "after"), "after October 2016"),
    ("before 2016-03-05", PartialDate(2016, 3, 5, "before"), "before 5 March 2016"),
    ("undated", PartialDate(0, 0, 0, "undated"), "undated"),
])
def test_open_dates_are_accepted_for_the_evidence_date(repo, text, value, words):
    from scripts.render.formatting import long_date, time_tag
    repo.entry("x", GOOD.replace('date: "2016-01-07"', f'date: "{text}"'))
    loaded = repo.check()
    assert loaded.report.problems == []
    (e,) = loaded.archive.entries
    assert e.date == value and e.date.iso() == text and long_date(e.date, False) == words
    tag = str(time_tag(e.date, False))
    assert tag == (f'<span class="ea-undated">{words}</span>' if text == "undated"
                   else f'<time datetime="{text.split()[-1]}">{words}</time>')


@pytest.mark.parametrize("field,old", [("added", 'added: "2026-11-20"'), ("date", 'date: "2016-01-07"')])
def test_open_dates_are_refused_where_a_date_is_known(repo, field, old):
    text = GOOD.replace(old, f'{field}: "before 2016"' if field == "added" else 'date: "before"')
    repo.entry("x", text)
    (problem,) = [str(p) for p in repo.check().report.errors]
    if field == "added":
        assert problem == f"{E}:4:8: error: 'added' must be a date written as \"YYYY-MM-DD\" (got 'before 2016')"
    else:
        assert problem == (f"{E}:3:7: error: 'date' must be a date written as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" "
                           "(got 'before') (or \"before YYYY\", \"after YYYY-MM\", \"undated\" when the sources give "
                           "no date)")


def test_open_dates_sort_where_a_reader_expects_them():
    dates = {"2015-12-31": PartialDate(2015, 12, 31), "before 2016": PartialDate(2016, 0, 0, "before"),
             "2016": PartialDate(2016), "2016-01": PartialDate(2016, 1), "before 2016-10": PartialDate(2016, 10, 0, "before"),
             "2016-10-31": PartialDate(2016, 10, 31), "after 2016-10": PartialDate(2016, 10, 0, "after"),
             "2016-11-01": PartialDate(2016, 11, 1), "after 2016": PartialDate(2016, 0, 0, "after"),
             "2017": PartialDate(2017), "undated": PartialDate(0, 0, 0, "undated")}
    order = sorted(dates, key=lambda k: dates[k].sort_key())
    assert order == ["2015-12-31", "before 2016", "2016", "2016-01", "before 2016-10", "2016-10-31",
                     "after 2016-10", "2016-11-01", "after 2016", "2017", "undated"]
    assert [dates[k].filed_year for k in ("before 2016", "before 2016-10", "after 2016", "undated")] == [2015, 2016, 2016, 0]
    assert chronological  # the archive sorts entries by this key, then by id


def test_the_editor_schema_accepts_exactly_the_same_forms():
    pattern = json.loads((REPO / "evidence" / "schema.json").read_text("utf-8"))["properties"]["date"]["pattern"]
    for good in ("2016", "2016-01", "2016-01-07", "before 2016", "after 2016-10", "undated"):
        assert re.search(pattern, good), good
    for bad in ("before", "after undated", "Before 2016", "2016-13", "undated 2016"):
        assert not re.search(pattern, bad), bad


OPEN = {
    "2016-06-open-before": GOOD.replace('date: "2016-01-07"', 'date: "before 2016"').replace("Operators block", "Before"),
    "2016-06-open-after": GOOD.replace('date: "2016-01-07"', 'date: "after 2016-10"').replace("Operators block", "After"),
    "2016-06-open-undated": GOOD.replace('date: "2016-01-07"', 'date: "undated"').replace("Operators block", "Undated")
    + "signatures: {count: 5000, qualifier: more_than, as_of: \"2016-03\"}\n",
}


def test_timeline_pages_place_open_dates_and_pages_say_them(tmp_path):
    repo = make_site_repo(tmp_path, OPEN)
    result = build.generate(repo.root)
    assert result.ok, [str(p) for p in result.report.sorted()]
    content = repo.root / "content"
    hub = (content / "browse/timeline/index.md").read_text("utf-8")
    links = [hub.index(f'href="{y}/"') for y in ("2015", "2016", "2017", "undated")]
    assert links == sorted(links)  # undated last
    undated = (content / "browse/timeline/undated/index.md").read_text("utf-8")
    assert "Timeline: Undated" in undated and '<h2 id="undated">Date not known</h2>' in undated
    assert '<span class="ea-undated">undated</span>' in undated
    y2016 = (content / "browse/timeline/2016/index.md").read_text("utf-8")
    assert '<h2 id="after-2016-10">After October 2016</h2>' in y2016
    y2015 = (content / "browse/timeline/2015/index.md").read_text("utf-8")
    assert '<h2 id="before-2016">Before 2016</h2>' in y2015
    page = (content / "entries/2016-06-open-undated.md").read_text("utf-8")
    assert "Signatures: more than 5,000, as reported for March 2016." in page
