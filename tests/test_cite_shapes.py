"""Issue 21 (refs): references rendered once per shape give citeproc-py's own text, for every entry and language."""

from __future__ import annotations

import itertools

import pytest

from scripts import config as site_config
from scripts.bench.synthetic import make_archive
from scripts.config import Languages, SiteConfig
from scripts.evidence import load_archive
from scripts.render import cite
from conftest import REPO
from test_data import CFG, _archive, _entry

LOCALES = ("en-GB", "fr-FR", "ar")
BASE = cite.csl_item(_entry(), CFG)

TITLES = [
    "Operators block calls", "operators block calls", '"Quoted title"', "'Single quotes'", "‘Curly single’",
    "“Curly double”", "«Guillemets»", "« Guillemets espacés »", "„Low quote“", "It's the operators'",
    "Ends with a full stop.", "Ends with a question?", "Ends with a bang!", "Ends with a comma,", "Semicolon;",
    "Colon:", "...", "Ellipsis…", "Trailing space ", " Leading space", "  ", "\tTab\nand newline",
    "ßtraße", "ǅemal", "İstanbul", "ﬁnance", "حجب المكالمات عبر الإنترنت", "\u200fعلامة RTL\u200f",
    "\u202bembedded RTL\u202c", "\u200e", "x", "", ".", "a.", ",,", "Contains \ue000title\ue001 the token",
    "\ue000title\ue001", "Contains \ue000url\ue001", '<span class="nocase">iPhone</span> calls',
    '<SPAN CLASS="nocase">unclosed', "<i>markup</i> & <b>more</b>", "&amp; entity", "Title (2016)", "Archive",
    "Available at: nowhere", "📞 Emoji 📞", "123", "٣ أرقام ٤", "Title, Archive.", "(2016)", "[bracket]",
    "Tiret — long –", "Apostrophe’", "Ends with a backslash\\", "Nul\x00char", "\ufeffBOM",
]
URLS = ["https://example.org/a/entries/2016-01-07-x/", "https://example.org/x.", "https://example.org/x?",
        "https://example.org/x!", ".https://example.org/", " https://example.org/ ", "x", "", "::",
        "https://example.org/\ue000url\ue001", "https://example.org/\ue000title\ue001/",
        "https://example.org/<span class=\"nocase\">X</span>", "https://example.org/حجب/"]
ISSUED = [None, {"literal": "before 2016"}, {"literal": "after 2016."}, {"literal": ""},
          {"date-parts": [[2016]]}, {"date-parts": [[2016, 3]]}, {"date-parts": [[2016, 3, 4]]},
          {"date-parts": [[1999, 12, 31]]}, {"date-parts": [[2016, 21]]}, {"date-parts": [[2016, 1], [2017, 2]]},
          {"date-parts": [[2016, 1, 1]], "circa": 1}, {"date-parts": [[2016, 2, 30]]}]


def _item(title=BASE["title"], url=BASE["URL"], issued=BASE["issued"], **extra) -> dict:
    item = {**BASE, "title": title, "URL": url, **extra}
    item.pop("issued")
    return item if issued is None else {**item, "issued": issued}


def _same(items: list[dict]) -> None:
    shapes = cite.Shapes()
    wrong = [(item, loc, shapes.reference(item, loc), cite.reference(item, loc))
             for item, loc in itertools.product(items, LOCALES)]
    assert [w for w in wrong if w[2] != w[3]] == []


@pytest.mark.parametrize("title", TITLES)
def test_hostile_titles_give_citeprocs_text(title):
    _same([_item(title), _item(title, issued=None), _item(title, issued={"literal": "before 2016"})])


def test_hostile_urls_dates_and_names_give_citeprocs_text():
    _same([_item(url=u) for u in URLS] + [_item(issued=i) for i in ISSUED]
          + [_item(t, u, i) for t, u, i in itertools.product(("Title.", "'q'", "حجب"), URLS[:4], ISSUED[:7:3])]
          + [_item(author=[{"literal": name}], **{"container-title": name})
             for name in ("Archive.", "", "Title", ",", "\ue000title\ue001", "أرشيف")])


def test_a_type_whose_style_prints_the_day_and_month_is_rendered_with_its_own_date():
    """Newspaper articles print '4 March': the two probes differ, so the shape keeps the date as given."""
    items = [_item(f"Title {n}", type="article-newspaper", issued={"date-parts": [[2016, m, d]]})
             for n, (m, d) in enumerate([(3, 4), (3, 5), (11, 30), (1, 1)])]
    _same(items)
    assert "4 March" in cite.Shapes().reference(items[0], "en-GB")
    shapes = cite.Shapes()  # a date like the first probe's: its own text, not the probes' answer
    assert [shapes.reference(i, "en-GB") for i in (items[0], items[3])] == [cite.reference(i, "en-GB") for i in (items[0], items[3])]


def test_every_real_entry_in_every_language_gives_citeprocs_text():
    loaded = load_archive(REPO)
    assert loaded.archive is not None and len(loaded.archive.entries) > 50
    for cfg in (site_config.load(REPO), CFG):
        refs = cite.references(loaded.archive, cfg)
        assert len(refs) == 3 * len(loaded.archive.entries)
        assert {k: v for k, v in refs.items() if v != cite.reference(cite.csl_item(
            next(e for e in loaded.archive.entries if e.id == k[1]), cfg), cite.csl_locale(k[0]))} == {}


def test_a_thousand_synthetic_entries_give_citeprocs_text_from_few_citeproc_calls(tmp_path, monkeypatch):
    loaded = load_archive(make_archive(tmp_path / "synthetic", 1000, site_files_from=REPO))
    assert loaded.archive is not None and len(loaded.archive.entries) == 1000
    expected = {(lang, e.id): cite.reference(cite.csl_item(e, CFG), cite.csl_locale(lang))
                for lang in ("en", "fr", "ar") for e in loaded.archive.entries}
    calls = []
    real = cite.reference
    monkeypatch.setattr(cite, "reference", lambda item, locale: calls.append(item["id"]) or real(item, locale))
    assert cite.references(loaded.archive, CFG) == expected
    assert 0 < len(calls) <= 48, len(calls)  # 3 locales x 2 years x 2 precisions x 2 probes x title edges


def test_references_render_each_shape_once_and_fall_back_to_citeproc_where_it_must(monkeypatch):
    calls = []
    real = cite.reference
    monkeypatch.setattr(cite, "reference", lambda item, locale: calls.append((item["id"], locale)) or real(item, locale))
    entries = [_entry(f"2016-01-{n:02d}-x", f"Operators block calls, part {n}") for n in range(1, 29)]
    entries.append(_entry("2016-02-01-y", 'The <span class="nocase">iPhone</span>'))  # only citeproc knows
    refs = cite.references(_archive(*entries), SiteConfig("Archive", "https://example.org/a",
                                                          languages=Languages("en", ("fr", "ar"))))
    assert refs[("fr", "2016-01-05-x")] == ("Archive (2016) Operators block calls, part 5, Archive. "
                                            "Disponible sur: https://example.org/a/entries/2016-01-05-x/.")
    assert refs[("en", "2016-02-01-y")] == ("Archive (2016) The iPhone, Archive. "
                                            "Available at: https://example.org/a/entries/2016-02-01-y/.")
    assert sorted(calls) == sorted([("shape", loc) for loc in LOCALES] * 2 + [("2016-02-01-y", loc) for loc in LOCALES])
