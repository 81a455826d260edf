"""The archive in English, French and Arabic: three sites from one log, each in its own language."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from babel import Locale

from conftest import REPO, make_site_repo, run_build
from scripts.evidence.dates import PartialDate
from scripts.render.i18n import BABEL_LOCALES, Lang, catalog
from scripts.render.msgids import msgids

ENTRY = "2016-01-07-regulator-communique"  # translated into French and Arabic
FR_ONLY = "2016-02-arabic-report"  # translated into French only; its source is in Arabic
UNTRANSLATED = "2017-report"
PAGES = ["", f"entries/{ENTRY}/", f"entries/{UNTRANSLATED}/", "browse/timeline/", "browse/timeline/2016/",
         "browse/types/", "browse/types/statement/", "browse/actors/", "browse/actors/anrt/", "browse/tags/",
         "browse/tags/boycott/", "browse/latest/", "format/", "methodology/", "ban-in-brief/", "contributing/"]
PREFIX = {"en": "", "fr": "fr/", "ar": "ar/"}
SEARCH_LABEL = {"en": "Search", "fr": "Recherche", "ar": "إبحث"}  # Material's own words for its search
PLACEHOLDERS = re.compile(r"%\((\w+)\)s")


def read(repo, lang: str, page: str) -> str:
    return (repo.root / "site" / PREFIX[lang] / page / "index.html").read_text("utf-8")


class Head(HTMLParser):
    """The <html> attributes, the hreflang alternates in <head> and the language selector's links."""

    def __init__(self):
        super().__init__()
        self.html: dict = {}
        self.hreflang: dict[str, str] = {}
        self.switch: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html = a
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.hreflang[a["hreflang"]] = a["href"]
        elif tag == "a" and "md-select__link" in (a.get("class") or ""):
            self.switch[a["hreflang"]] = a["href"]


def head(html: str) -> Head:
    h = Head()
    h.feed(html)
    return h


# Catalogs ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_interface_string_is_translated(lang):
    table = catalog(lang)
    categories = Locale.parse(BABEL_LOCALES[lang]).plural_form.tags | {"other"}
    problems = []
    for msgid, plural in msgids(REPO).items():
        text = table.get(msgid)
        forms = text if isinstance(text, dict) else {"": text}
        if plural and (not isinstance(text, dict) or set(text) != categories):
            problems.append(f"{msgid!r}: needs the plural forms {sorted(categories)}")
        for form in forms.values():
            if not isinstance(form, str) or not form.strip():
                problems.append(f"{msgid!r}: no translation")
            elif set(PLACEHOLDERS.findall(form)) != set(PLACEHOLDERS.findall(msgid)):
                problems.append(f"{msgid!r}: placeholders differ in {form!r}")
    assert problems == []
    assert len(msgids(REPO)) > 100


def test_catalogs_hold_no_stale_msgid():
    used = set(msgids(REPO))
    assert {lang: sorted(set(catalog(lang)) - used) for lang in ("fr", "ar")} == {"fr": [], "ar": []}


# Dates, numbers and language names ------------------------------------------------------

def test_arabic_dates_use_western_digits_and_moroccan_month_names():
    ar = Lang("ar")
    assert ar.date(PartialDate(2016, 1, 7), False) == "7 يناير 2016"
    assert ar.date(PartialDate(2016, 12, 7), False) == "7 دجنبر 2016"
    assert ar.date(PartialDate(2016, 11), False) == "نونبر 2016"
    assert ar.date(PartialDate(2016), False, short=True) == "2016"
    assert ar.date(PartialDate(2016, bound="before"), False) == "قبل 2016"
    assert ar.date(PartialDate(2016, 2), True) == "حوالي فبراير 2016"
    assert ar.date(PartialDate(0, bound="undated"), False) == "بدون تاريخ"
    assert not re.search("[\u0660-\u0669]", ar.date(PartialDate(2016, 1, 7), False))


def test_french_and_english_dates():
    fr, en = Lang("fr"), Lang("en")
    assert fr.date(PartialDate(2016, 1, 7), False) == "7 janvier 2016"
    assert fr.date(PartialDate(2016, 1, 7), False, short=True) == "7 janv. 2016"
    assert fr.date(PartialDate(2016, 10), False) == "octobre 2016"
    assert fr.date(PartialDate(2016, bound="after"), False) == "après 2016"
    assert fr.date(PartialDate(2016, 1, 15), True) == "vers 15 janvier 2016"
    assert en.date(PartialDate(2016, 1, 7), False) == "7 January 2016"
    assert en.date(PartialDate(2016, 9, 7), False, short=True) == "7 Sep 2016"
    assert en.date(PartialDate(2016, 2), True) == "February 2016 (approx.)"
    assert en.date(PartialDate(2016, 10, bound="before"), False) == "before October 2016"


def test_language_names_are_written_out(built_site):
    assert "<dd data-search-exclude>arabe</dd>" in read(built_site, "fr", f"entries/{FR_ONLY}/")
    assert "<dd data-search-exclude>الفرنسية</dd>" in read(built_site, "ar", f"entries/{ENTRY}/")
    assert "<dd data-search-exclude>French</dd>" in read(built_site, "en", f"entries/{ENTRY}/")


# Every page in every language -------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("page", PAGES)
def test_page_is_in_its_language_and_links_the_others(built_site, lang, page):
    html = read(built_site, lang, page)
    h = head(html)
    assert h.html.get("lang") == lang
    assert h.html.get("dir", "ltr") == ("rtl" if lang == "ar" else "ltr")
    assert f'<body dir="{"rtl" if lang == "ar" else "ltr"}"' in html
    assert f'aria-keyshortcuts="/" title="{SEARCH_LABEL[lang]}"' in html  # Material's own interface
    here = f"http://local/{PREFIX[lang]}{page}"
    # Material's hreflang alternates name each language's site (its script maps the page through their
    # sitemaps); x-default is the English
    roots = {code: urlparse(urljoin(here, href)).path for code, href in h.hreflang.items()}
    assert roots == {"en": "/", "x-default": "/", "fr": "/fr/", "ar": "/ar/"}
    assert set(h.switch) == {"en", "fr", "ar"}
    for other, href in h.switch.items():
        target = urlparse(urljoin(here, href)).path.lstrip("/")
        assert target == PREFIX[other] + page, (other, href)
        assert (built_site.root / "site" / target / "index.html").is_file()


@pytest.mark.parametrize("lang, labels", [
    ("en", ["Publisher", "Added to the archive on", ">Statement<", "Related entries", "7 January 2016", "Original title:"]),
    ("fr", ["Éditeur", "Ajouté à l'archive le", ">Déclaration<", "Entrées liées", "7 janvier 2016", "Titre original :",
            "déclaration de"]),
    ("ar", ["الناشر", "أُضيف إلى الأرشيف في", ">تصريح<", "مداخل ذات صلة", "7 يناير 2016", "العنوان الأصلي:",
            "تصريح من"]),
])
def test_entry_page_labels_and_dates(built_site, lang, labels):
    html = read(built_site, lang, f"entries/{ENTRY}/")
    for label in labels:
        assert label in html, label


def test_listing_headings_are_translated(built_site):
    fr = read(built_site, "fr", "browse/timeline/2016/")
    assert '<h2 id="2016-01">janvier 2016</h2>' in fr and "<h1>Chronologie : 2016</h1>" in fr
    assert '<h2 id="2016-01">يناير 2016</h2>' in read(built_site, "ar", "browse/timeline/2016/")
    assert "Ajouté le 1 novembre 2026" in read(built_site, "fr", "browse/latest/")
    assert "<h1>Déclarations</h1>" in read(built_site, "fr", "browse/types/statement/")
    assert '<h2 id="government">الحكومة</h2>' in read(built_site, "ar", "browse/actors/")


def test_translated_text_is_shown_and_labelled(built_site):
    fr = read(built_site, "fr", f"entries/{ENTRY}/")
    assert "<h1 data-search-exclude>Le régulateur dit que les appels enfreignent les règles des licences</h1>" in fr
    assert "ne sont pas autorisés" in fr and "dit le 6 janvier" in fr
    note = re.search(r'<p class="ea-translation-note"[^>]*>(.*?)</p>', fr).group(1)
    assert "c'est l'anglais qui fait foi" in note
    href = re.search(r'href="([^"]+)"', note).group(1)
    assert href == f"../../../entries/{ENTRY}/"
    assert (built_site.root / "site" / "entries" / ENTRY / "index.html").is_file()
    # the original title and quote stay in their language
    assert '<cite lang="fr" dir="ltr">Le régulateur sort de son silence' in read(built_site, "ar", f"entries/{ENTRY}/")
    assert "<figcaption>الترجمة: لا نفعل سوى الاتباع</figcaption>" in read(built_site, "ar", f"entries/{ENTRY}/")
    assert "<figcaption>" not in fr.split('class="ea-quote"')[1].split("</figure>")[0]  # the quote is French
    assert "ea-translation-note" not in read(built_site, "en", f"entries/{ENTRY}/")


@pytest.mark.parametrize("lang, mark", [("fr", "(en anglais)"), ("ar", "(بالإنجليزية)")])
def test_missing_translation_shows_the_english_marked(built_site, lang, mark):
    html = read(built_site, lang, f"entries/{UNTRANSLATED}/")
    assert re.search(r'<h1 data-search-exclude><span lang="en" dir="ltr">[^<]+</span> <span class="ea-in-en">'
                     + re.escape(mark) + "</span></h1>", html)
    assert re.search(r'<div class="ea-summary"><div lang="en" dir="ltr"><p>.+</p></div><p class="ea-in-en">'
                     + re.escape(mark), html)
    assert "ea-translation-note" not in html
    # a tag without a translation, in a list of tags
    lifting = read(built_site, lang, "browse/tags/")
    assert f'<span lang="en" dir="ltr">Lifting</span> <span class="ea-in-en">{mark}</span>' in lifting
    # an actor's name is translated only where the language writes it differently: no mark
    actors = read(built_site, lang, "browse/actors/")
    assert '<a href="operator-a/">Operator A (test)</a>' in actors and mark not in actors


@pytest.mark.parametrize("lang, name, licence", [
    ("en", "Morocco 2016: the ban on internet calls — evidence archive", "Licence not yet chosen"),
    ("fr", "Maroc 2016 : le blocage des appels via Internet — archive de preuves", "Licence pas encore choisie"),
    ("ar", "", "لم تُختر الرخصة بعد")])
def test_footer_names_the_archive_and_its_licence_in_the_page_language(built_site, lang, name, licence):
    for page in ("", "404.html"):
        html = read(built_site, lang, "") if not page else (built_site.root / "site" / PREFIX[lang] / page).read_text("utf-8")
        footer = html.split('<div class="md-copyright">')[1].split("</div>")[0]
        assert licence in footer and "Material for MkDocs" not in footer and "Made with" not in footer
        assert name in footer


# Feeds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, title", [("en", "Regulator says calls break the licence rules"),
                                         ("fr", "Le régulateur dit que les appels enfreignent les règles des licences"),
                                         ("ar", "الجهة المنظِّمة تقول إن المكالمات تخالف قواعد الرخص")])
def test_feeds_are_in_each_language(built_site, lang, title):
    site = built_site.root / "site" / PREFIX[lang]
    rss = (site / "rss.xml").read_text("utf-8")
    assert f"<language>{lang}</language>" in rss and f"<title>{title}</title>" in rss
    assert f"<link>https://example.org/voip-archive/{PREFIX[lang]}</link>" in rss
    assert f'xml:lang="{lang}"' in (site / "atom.xml").read_text("utf-8")
    feed = json.loads((site / "feed.json").read_text("utf-8"))
    assert feed["language"] == lang and title in [i["title"] for i in feed["items"]]
    assert all(i["url"].startswith(f"https://example.org/voip-archive/{PREFIX[lang]}entries/") for i in feed["items"])
    assert f"<language>{lang}</language>" in (site / "feeds/type/statement.xml").read_text("utf-8")


def test_untranslated_feed_item_says_it_is_in_english(built_site):
    feed = json.loads((built_site.root / "site/fr/feed.json").read_text("utf-8"))
    assert any(i["title"].endswith(" (en anglais)") for i in feed["items"])
    assert feed["title"].startswith("Maroc 2016")


# Home and hand-written pages --------------------------------------------------------------

def test_home_pages_lead_to_the_other_languages(built_site):
    en, ar = read(built_site, "en", ""), read(built_site, "ar", "")
    assert '<a href="fr/" hreflang="fr" lang="fr" dir="ltr">Français</a>' in en
    assert '<a href="ar/" hreflang="ar" lang="ar" dir="rtl">العربية</a>' in en
    assert '<a href="../" hreflang="en" lang="en" dir="ltr">English</a>' in ar
    # right under the heading, before any text a reader of another language would have to get through
    assert en.index('class="ea-languages"') < en.index("Synthetic home page for tests.")
    assert ar.index('class="ea-languages"') < ar.index("صفحة رئيسية اصطناعية")
    assert "يضم الأرشيف <strong>4</strong> مداخل" in ar  # Arabic plural (few)
    assert "L'archive contient <strong>4</strong> entrées" in read(built_site, "fr", "")


def test_a_language_missing_a_hand_written_page_stops_the_build(tmp_path):
    repo = make_site_repo(tmp_path)
    assert run_build(repo)[0] == 0
    before = sorted(p.relative_to(repo.root).as_posix() for p in (repo.root / "site").rglob("*"))
    (repo.root / "content" / "ar" / "contributing.md").unlink()
    code, out = run_build(repo)
    assert code == 1
    assert ("missing hand-written page content/ar/contributing.md: every language of the site "
            "(extra.archive.languages) needs a translation of each page of content/ (ban-in-brief.md, "
            "contributing.md, data.md, index.md, methodology.md, start-your-own.md); the previous site/ is unchanged") in out
    assert sorted(p.relative_to(repo.root).as_posix() for p in (repo.root / "site").rglob("*")) == before


def test_the_archive_has_every_hand_written_page_in_every_language():
    for name in ("index.md", "ban-in-brief.md", "methodology.md", "contributing.md"):
        for lang in ("fr", "ar"):
            assert (REPO / "content" / lang / name).is_file(), f"content/{lang}/{name}"
