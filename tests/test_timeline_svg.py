"""The drawn timeline and the home page's summary (issue 18): SVG made at build time, its table, RTL, escaping."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scripts.config import Languages, SiteConfig
from scripts.evidence.dates import PartialDate
from scripts.evidence.model import Archive, Entry, Source, Translation
from scripts.evidence.problems import BuildError
from scripts.render import timeline_data
from scripts.render.i18n import Lang
from scripts.render.pages import Renderer

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</svg><script>alert(1)</script> & <b>co</b>"
PERIOD = {"label": {"en": "Calls blocked", "fr": "Appels bloqués", "ar": "المكالمات محظورة"},
          "start": {"from": "2015-12", "to": "2016-01-05", "entry": "jan-5"},
          "end": {"from": "2016-11-03", "to": "2016-11-05", "entry": "nov-4"}}
STORY = {"timeline": {"from": "2015-10", "to": "2016-12", "period": PERIOD},
         "home_summary": {"en": [{"text": "Calls were blocked.", "entries": ["jan-5"]},
                                 {"text": "The block was lifted.", "entries": ["nov-4", "jan-5"]}],
                          "ar": [{"text": "حُظرت المكالمات.", "entries": ["jan-5"]}]}}


def config(story=None) -> SiteConfig:
    return SiteConfig("Test archive", "https://example.org/voip-archive/",
                      languages=Languages("en", ("fr", "ar")), story=STORY if story is None else story)


def entry(id: str, when: PartialDate, type="article", key="", ar_key="", title="", **kw) -> Entry:
    tr = {"ar": Translation(title="عنوان", summary="ملخص", key_event=ar_key)} if ar_key else {}
    return Entry(id=id, path=f"evidence/entries/{when.year}/{id}.yaml", type=type, title=title or f"Title of {id}", date=when,
                 added=date(2026, 11, 1), summary="Summary.", language="en", key_event=key, translations=tr,
                 source=Source(url="https://example.org/a", publisher="Example Daily"), **kw)


def the_archive(*extra: Entry) -> Archive:
    entries = [
        entry("old", PartialDate(2004, 4, 6)),
        entry("dec", PartialDate(2015, 12)),
        entry("jan-5", PartialDate(2016, 1, 5), key="Users discover the block", ar_key="المستخدمون يكتشفون الحظر"),
        entry("jan-7", PartialDate(2016, 1, 7), type="statement", key="The regulator's communiqué"),
        entry("jan-9", PartialDate(2016, 1, 9)),
        entry("jan-x", PartialDate(2016, 1), type="petition"),
        entry("year-only", PartialDate(2016)),
        entry("after-oct", PartialDate(2016, 10, bound="after")),
        entry("nov-4", PartialDate(2016, 11, 4), type="statement", key="The block is lifted"),
        entry("later", PartialDate(2017, 6, 25)),
        entry("undated", PartialDate(0, bound="undated")),
        *extra]
    return Archive(entries, {}, {})


def figure(a: Archive | None = None, lang="en", here="", story=None) -> str:
    return Renderer(a or the_archive(), config(story), lang=Lang(lang)).timeline_figure(here)


def svg_of(html: str) -> ET.Element:
    """The SVG parsed as XML (raises if it is not well-formed)."""
    return ET.fromstring(re.search(r"<svg .*?</svg>", html, re.S).group(0))


class Table(HTMLParser):
    """The rows of the figure's table: [month, total, per type…, key events]."""

    def __init__(self, html: str):
        super().__init__()
        self.rows, self._cell = [], None
        self.feed(html[html.index("<details"):html.index("</details>")])

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell.strip())
            self._cell = None


def bars(root: ET.Element) -> dict[str, dict]:
    """Each bar's month anchor, drawn total and segment heights per type."""
    out = {}
    for a in root.iter(f"{SVG}a"):
        if a.get("class") != "ea-tl-bar":
            continue
        segs = {r.get("fill")[len("url(#ea-tl-"):-1]: float(r.get("height")) for r in a.iter(f"{SVG}rect")
                if r.get("fill", "").startswith("url(")}
        out[a.get("href").split("#")[1]] = {"total": int(a.find(f"{SVG}text").text), "heights": segs}
    return out


# The drawing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_svg_is_well_formed_with_a_title_a_description_and_one_link_per_key_event(lang):
    root = svg_of(figure(lang=lang))
    assert root.find(f"{SVG}title").get("id") == "ea-tl-title" and root.get("aria-labelledby") == "ea-tl-title ea-tl-desc"
    assert root.find(f"{SVG}desc").text.strip()
    events = [a.get("href") for a in root.iter(f"{SVG}a") if a.get("class") == "ea-tl-event"]
    assert events == ["entries/jan-5/", "entries/jan-7/", "entries/nov-4/"]
    assert all(a.get("href") for a in root.iter(f"{SVG}a")), "every mark is a link"


def test_the_english_chart_is_titled_and_described_in_words():
    root = svg_of(figure())
    assert root.find(f"{SVG}title").text == "Timeline: entries per month, October 2015 – December 2016"
    assert root.find(f"{SVG}desc").text.endswith(
        "Shaded: Calls blocked, from a start that the sources place between 1 December 2015 and 5 January 2016 to "
        "an end they place between 3 November 2016 and 5 November 2016 (the hatched parts).")
    titles = [a.find(f"{SVG}title").text for a in root.iter(f"{SVG}a") if "ea-tl-disputed" in
              (a.find(f"{SVG}rect").get("class") or "")]
    assert titles == ["Start disputed: the sources give 1 December 2015 to 5 January 2016",
                      "End disputed: the sources give 3 November 2016 to 5 November 2016"]


def test_bars_and_table_give_the_same_counts_per_month_and_type():
    html = figure()
    drawn = bars(svg_of(html))
    rows = Table(html).rows
    assert rows[0] == ["Month", "Entries", "Articles", "Statements", "Petitions"]
    split = rows.index(["Date", "Key event"])
    assert rows[split + 1:] == [["5 January 2016", "Users discover the block"],
                                ["7 January 2016", "The regulator's communiqué"], ["4 November 2016", "The block is lifted"]]
    table = {r[0]: r[1:] for r in rows[1:split]}
    assert len(table) == 15 and list(table)[0] == "October 2015" and list(table)[-1] == "December 2016"
    assert table["January 2016"][:4] == ["4", "2", "1", "1"] and table["November 2016"][:4] == ["1", "0", "1", "0"]
    assert drawn.keys() == {"2015-12", "2016-01", "2016-11"}
    for month, bar in drawn.items():
        name = Lang().month_heading(int(month[:4]), int(month[5:]))
        total, *by_type = (int(x) for x in table[name][:4])
        assert bar["total"] == total
        unit = sum(bar["heights"].values()) / total
        assert {t: round(h / unit) for t, h in bar["heights"].items()} == \
            {t: n for t, n in zip(["article", "statement", "petition"], by_type) if n}
    assert sum(int(r[0]) for r in table.values()) == 6  # jan ×4, dec, nov: the month-precise dated entries


def test_entries_outside_the_months_are_listed_with_links_to_their_years():
    html = figure()
    note = re.search(r'<p class="ea-tl-outside">(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", note) == ("Not drawn (outside these months, or the month is not known): "
                                            "2004 (1) · 2016 (2) · 2017 (1) · Undated (1).")
    assert '<a href="browse/timeline/2004/">2004</a>' in note and '<a href="browse/timeline/undated/">' in note


def _month_x(root: ET.Element) -> list[float]:
    return [float(t.get("x")) for t in root.iter(f"{SVG}text") if t.get("class") == "ea-tl-month"]


def test_time_runs_right_to_left_on_the_arabic_site():
    en, ar = svg_of(figure()), svg_of(figure(lang="ar"))
    assert en.get("direction") == "ltr" and ar.get("direction") == "rtl"
    xs_en, xs_ar = _month_x(en), _month_x(ar)
    assert xs_en == sorted(xs_en) and xs_ar == sorted(xs_ar, reverse=True)
    assert [round(760 - x, 1) for x in xs_en] == [round(x, 1) for x in xs_ar]  # mirrored, not redrawn
    months = [t.text for t in ar.iter(f"{SVG}text") if t.get("class") == "ea-tl-month"]
    assert months[2:4] == ["دجنبر", "يناير"]  # Babel's ar_MA month names, as the rest of the Arabic site


def test_an_untranslated_key_event_is_marked_as_english_on_the_arabic_site():
    root = svg_of(figure(lang="ar"))
    texts = {a.get("href"): a.find(f"{SVG}text") for a in root.iter(f"{SVG}a") if a.get("class") == "ea-tl-event"}
    assert "".join(texts["entries/jan-5/"].itertext()) == "المستخدمون يكتشفون الحظر"
    assert texts["entries/jan-5/"].get("lang") is None
    english = texts["entries/jan-7/"]
    assert (english.get("lang"), english.get("direction")) == ("en", "ltr")
    assert " ".join(english.itertext()).startswith("The regulator's communiqué")


def test_hostile_labels_are_text_not_markup():
    a = the_archive(entry("evil", PartialDate(2016, 2, 1), key=HOSTILE, title=HOSTILE))
    html = figure(a)
    root = svg_of(html)  # parses: the label did not close the <svg>
    assert not list(root.iter(f"{SVG}script")) and "<script>" not in html and "<b>" not in html
    label = [a for a in root.iter(f"{SVG}a") if a.get("href") == "entries/evil/"][0]
    assert " ".join(label.find(f"{SVG}text").itertext()).replace("  ", " ") .startswith("</svg><script>alert(1)</script>")
    assert "&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in html


def test_the_figure_is_the_same_bytes_in_another_time_zone_and_locale():
    here = figure(lang="ar", here="browse/timeline/")
    code = ("import sys; sys.path.insert(0, 'tests'); import test_timeline_svg as t; "
            "sys.stdout.buffer.write(t.figure(lang='ar', here='browse/timeline/').encode())")
    env = dict(os.environ, TZ="Pacific/Kiritimati", LC_ALL="C.UTF-8", LANG="ar_MA.UTF-8")
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True).stdout
    assert other.decode("utf-8") == here and figure(lang="ar", here="browse/timeline/") == here


def test_without_settings_the_months_of_the_key_events_are_drawn_and_nothing_is_shaded():
    root = svg_of(figure(story={}))
    assert root.find(f"{SVG}title").text == "Timeline: entries per month, January 2016 – November 2016"
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "ea-tl-period"]
    assert figure(Archive([entry("y", PartialDate(2016))], {}, {}), story={}) == ""  # no month: no chart


@pytest.mark.parametrize("timeline,message", [
    ({"from": "2016-13"}, "mkdocs.yml: extra.archive.timeline.from: '2016-13' is not a month "
                          '(write it as "YYYY-MM", e.g. "2024-03", in quotes)'),
    ({"from": "2016-05", "to": "2016-01"}, "mkdocs.yml: extra.archive.timeline.to: is before 'from' "
                                           "(from is the first month drawn, to the last)"),
    ({"period": {**PERIOD, "end": {**PERIOD["end"], "entry": "nope"}}},
     "mkdocs.yml: extra.archive.timeline.period.end.entry: no entry has the id 'nope' "
     "(an entry's id is its file name under evidence/entries/)"),
    ({"period": {**PERIOD, "label": {"en": "Blocked"}}},
     "mkdocs.yml: extra.archive.timeline.period.label: needs a text in every language of the site "
     "(e.g. {en: …, fr: …, ar: …})"),
    ({"period": {**PERIOD, "start": {"from": "2016-02", "to": "2016-01", "entry": "jan-5"}}},
     "mkdocs.yml: extra.archive.timeline.period.start: 'to' is before 'from' "
     "(from is the earliest date the sources give, to the latest)"),
])
def test_bad_timeline_settings_are_reported_clearly(timeline, message):
    with pytest.raises(BuildError) as exc:
        figure(story={"timeline": timeline})
    assert str(exc.value) == message


def test_this_archives_settings_come_from_mkdocs_yml_not_from_the_code():
    from scripts.config import load
    story = load(ROOT).story
    assert story["timeline"]["period"]["start"]["entry"] == "2016-01-05-total-mobile-voip-block-discovered"
    assert set(story["home_summary"]) == {"en", "fr", "ar"} and all(len(v) == 5 for v in story["home_summary"].values())
    code = (ROOT / "scripts/render/timeline_svg.py").read_text("utf-8") + \
        (ROOT / "scripts/render/timeline_data.py").read_text("utf-8")
    assert not re.search(r"20(15|16)-|ANRT|VoIP|COP22", code)


# The home page ---------------------------------------------------------------------------------

def home(lang="en", story=None) -> str:
    return Renderer(the_archive(), config(story), lang=Lang(lang)).home().data.decode("utf-8")


def test_home_starts_with_the_summary_each_line_linking_its_evidence_then_the_timeline():
    html = home()
    assert html.index('<h2 id="what-happened">What happened</h2>') < html.index('<h2 id="timeline">Timeline</h2>') \
        < html.index('<h2 id="key-events">Key events</h2>') < html.index('<h2 id="ways-in">')
    assert ('<li>The block was lifted. <span class="ea-summary-evidence">(evidence: <a href="entries/nov-4/">'
            '<bdi>Example Daily</bdi>, <time datetime="2016-11-04">4 Nov 2016</time></a>, <a href="entries/jan-5/">') in html
    assert '<h2 id="what-happened">ما الذي حدث</h2>' in home("ar") and "حُظرت المكالمات." in home("ar")


def test_home_has_no_summary_where_the_archive_gives_none():
    assert "what-happened" not in home("fr") and "what-happened" not in home(story={})
    assert '<h2 id="timeline">' in home(story={})


def test_a_summary_line_naming_an_unknown_entry_is_reported():
    story = {"home_summary": {"en": [{"text": "Claim.", "entries": ["jan-5", "ghost"]}]}}
    with pytest.raises(BuildError) as exc:
        home(story=story)
    assert str(exc.value) == ("mkdocs.yml: extra.archive.home_summary.en[0].entries: no entry has the id 'ghost' "
                              "(an entry's id is its file name under evidence/entries/)")


def test_the_summary_text_is_escaped():
    story = {"home_summary": {"en": [{"text": HOSTILE, "entries": ["jan-5"]}]}}
    html = home(story=story)
    assert "<script>" not in html and "&lt;/svg&gt;&lt;script&gt;" in html


def test_timeline_hub_carries_the_figure_above_the_year_links():
    hub = {o.path: o.data.decode("utf-8") for o in Renderer(the_archive(), config()).timeline()}["browse/timeline/index.md"]
    assert hub.index('<figure class="ea-tl"') < hub.index('<ul class="ea-hub">')
    assert 'href="../../entries/jan-5/"' in hub and 'href="2016/#2016-01"' in hub
    assert "\n\n" not in hub[hub.index('<div class="ea-listing">'):].strip()  # no blank line: Markdown keeps the HTML block whole
