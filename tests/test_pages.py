"""Issue 18 (pages): entry references in notes, the 404 page, lists narrowed by type and year."""

from __future__ import annotations

import pytest

from conftest import GOOD
from scripts.evidence import markup
from scripts.render.i18n import Lang
from scripts.render.pages import Renderer
from test_story import CONFIG, archive, entry, page

E = "evidence/entries/2016/"
NOTE = "notes: |\n  Telquel [reported it on 7 January](entry:2016-01-07-b) and [again](entry:{ref}).\n"


# 2. Entry references in notes -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_entry_reference_links_to_the_entry_page_relatively(lang):
    b = entry("2016-01-07-b")
    a = entry("a", notes="As [Telquel said](entry:2016-01-07-b), *calls* failed.",
              summary="See [the other entry](entry:2016-01-07-b).")
    html = page(Renderer(archive(a, b), CONFIG, lang=Lang(lang)), a)
    assert '<a href="../2016-01-07-b/" class="ea-ref">Telquel said</a>, <em>calls</em> failed.' in html
    assert '<a href="../2016-01-07-b/" class="ea-ref">the other entry</a>' in html


def test_translated_notes_link_the_same_entry():
    from scripts.evidence.model import Translation
    b = entry("b")
    a = entry("a", notes="As [Telquel said](entry:b).", translations={"fr": Translation(
        title="Titre", summary="Résumé.", notes="Comme [l'a dit Telquel](entry:b).")})
    html = page(Renderer(archive(a, b), CONFIG, lang=Lang("fr")), a)
    assert '<a href="../b/" class="ea-ref">l&#x27;a dit Telquel</a>' in html


@pytest.mark.parametrize("href", ["entry:../../etc/passwd", "entry:B", "entry:a b", "entry:a\"onmouseover=x",
                                  "entry:javascript:alert(1)", "entry:" + "a" * 81, "entry:", "entry:-a"])
def test_hostile_entry_links_render_as_text(href):
    html = markup.to_html(f"[words]({href}) end", lambda ident: f"../{ident}/")
    assert "<a" not in html and "words" in html and "onmouseover=x" not in html.replace("&quot;onmouseover=x", "")


def test_entry_links_without_a_page_show_their_words():
    """Feeds have no relative address to follow: the words stay, the link goes."""
    assert markup.to_html("[words](entry:b) end") == "<p>words end</p>"
    assert markup.to_text("[words](entry:b) end") == "words end"


def test_unknown_entry_reference_is_reported_with_a_close_id(repo):
    repo.entry("2016-01-07-b")
    repo.entry("x", GOOD + NOTE.format(ref="2016-01-07-c"))
    assert repo.messages() == [E + "x.yaml:13:8: error: entry '2016-01-07-c' linked in 'notes' does not exist "
                               "(did you mean '2016-01-07-b'?)"]


def test_references_in_translated_notes_and_corrections_are_checked(repo):
    repo.entry("2016-01-07-b")
    repo.entry("x", GOOD + "notes: \"N.\"\ncorrections:\n  - date: \"2026-11-21\"\n    note: \"Now [linked](entry:zzz).\"\n"
               "translations:\n  fr:\n    title: \"T\"\n    summary: \"R.\"\n    notes: \"[Telquel](entry:2016-01-07-bb)\"\n")
    assert repo.messages() == [
        E + "x.yaml:16:11: error: entry 'zzz' linked in 'corrections[1].note' does not exist",
        E + "x.yaml:21:12: error: entry '2016-01-07-bb' linked in 'translations.fr.notes' does not exist "
            "(did you mean '2016-01-07-b'?)"]


def test_known_entry_reference_passes_and_self_reference_is_refused(repo):
    repo.entry("2016-01-07-b")
    repo.entry("x", GOOD + NOTE.format(ref="x"))
    assert repo.messages() == [E + "x.yaml:13:8: error: 'notes' links to this entry itself (link to another entry)"]


@pytest.mark.parametrize("ident,shown", [("../../etc/passwd", "../../etc/passwd"), ("Big", "Big"),
                                         ("a_b", "a_b"), ("x" * 81, "x" * 60)])
def test_entry_reference_must_have_the_id_form(repo, ident, shown):
    repo.entry("x", GOOD + f"notes: \"[words](entry:{ident})\"\n")
    assert repo.messages() == [E + f"x.yaml:13:8: error: entry link in 'notes' names '{shown}', which is not an "
                               "entry id (write [text](entry:2024-03-01-ministry-statement): the entry's file name "
                               "without .yaml)"]


def test_the_log_links_disagreement_notes_to_the_entries_they_name():
    """The evidence log uses references, the same ones in the English, French and Arabic notes."""
    import re
    import yaml
    from conftest import REPO
    path = REPO / "evidence/entries/2016/2016-01-05-tweets-operators-blocking-ott-calls.yaml"
    d = yaml.safe_load(path.read_text("utf-8"))
    refs = [re.findall(r"\]\(entry:([a-z0-9-]+)\)", n) for n in
            (d["notes"], d["translations"]["fr"]["notes"], d["translations"]["ar"]["notes"])]
    assert "2016-01-07-ahizoune-says-anrt-blocked-apps" in refs[0]
    assert refs[0] == refs[1] == refs[2]


# A built site with key events and references (the shared fixture site has neither) ------------------

LIFTED = """\
type: statement
title: "The regulator lifts the ban on internet calls"
date: "2016-11-04"
added: "2026-11-03"
language: "fr"
summary: |
  Synthetic test entry: the calls are allowed again.
source: {url: "https://example.org/lifted", publisher: "Example Daily"}
speaker: anrt
tags: [boycott]
key_event: "The ban is lifted"
notes: |
  As [the January communiqué](entry:2016-01-07-regulator-communique) had said, the rules stay.
translations:
  fr:
    title: "Le régulateur lève l'interdiction des appels via Internet"
    summary: "Entrée de test synthétique : les appels sont de nouveau permis."
    key_event: "L'interdiction est levée"
    notes: "Comme l'avait dit [le communiqué de janvier](entry:2016-01-07-regulator-communique), les règles restent."
  ar:
    title: "الجهة المنظِّمة ترفع الحظر عن المكالمات عبر الإنترنت"
    summary: "مدخل اختبار اصطناعي: المكالمات مسموح بها من جديد."
    key_event: "رفع الحظر"
    notes: "كما قال [بلاغ يناير](entry:2016-01-07-regulator-communique)، تبقى القواعد."
"""
PREFIX = {"en": "", "fr": "fr/", "ar": "ar/"}


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory):
    from conftest import make_site_repo, run_build
    boycott = LIFTED.replace('date: "2016-11-04"', 'date: "2016-01-16"').replace(
        'key_event: "The ban is lifted"', 'key_event: "A boycott is called"').replace("\ntranslations:", "\nx:")
    boycott = boycott.split("\nx:")[0] + "\n"  # English only: the label shows marked as English in fr and ar
    repo = make_site_repo(tmp_path_factory.mktemp("pages-site"), {"2016-11-04-ban-lifted": LIFTED,
                                                                   "2016-01-16-boycott": boycott})
    code, out = run_build(repo)
    assert code == 0, out
    return repo


# 1. The 404 page -------------------------------------------------------------------------------

NOT_FOUND = {
    "en": ("Page not found", "Use the search at the top of the page", "Search the archive", "The ban is lifted"),
    "fr": ("Page introuvable", "Utilisez la recherche en haut de la page", "Rechercher dans l'archive",
           "L&#x27;interdiction est levée"),
    "ar": ("الصفحة غير موجودة", "استعمل البحث في أعلى الصفحة", "ابحث في الأرشيف", "رفع الحظر")}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_404_page_speaks_the_site_language_with_key_events_and_ways_in(pages_site, lang):
    import re
    site = pages_site.root / "site"
    html = (site / PREFIX[lang] / "404.html").read_text("utf-8")
    title, search, button, event = NOT_FOUND[lang]
    assert f"<title>{title} - " in html and f"<h1>{title}</h1>" in html and "404 - Not found" not in html
    assert search in html and f"data-archive-search-open hidden>{button}</button>" in html
    root = f"/voip-archive/{PREFIX[lang]}"
    assert f'<a href="{root}entries/2016-11-04-ban-lifted/">{event}</a>' in html
    links = re.findall(r'<div class="ea-notfound">.*?</div>', html, flags=re.S)[0]
    hrefs = re.findall(r'href="([^"]*)"', links)
    assert len(hrefs) == 8 and f"{root}browse/timeline/" in hrefs and root in hrefs  # 2 key events, 6 ways in
    for href in hrefs:  # absolute from site_url's path: right from any depth of missing address
        assert href.startswith(root)
        assert (site / href.removeprefix("/voip-archive/") / "index.html").is_file(), href


def test_404_page_falls_back_to_material_before_a_first_generation(tmp_path):
    from scripts.publish import languages
    assert languages.not_found(tmp_path) == {}
    (tmp_path / "_generated").mkdir()
    (tmp_path / "_generated" / "notfound.json").write_text("[1]")
    assert languages.not_found(tmp_path) == {}


# 3. Lists narrowed by type and year ------------------------------------------------------------

def _narrow_archive():
    from scripts.evidence.dates import PartialDate
    return archive(entry("a1", when=PartialDate(2016, 3, 2)), entry("a2", when=PartialDate(2015, 12, 1)),
                   entry("s1", type="statement", speaker="anrt", when=PartialDate(2016, 1, 7)),
                   entry("u1", type="video", when=PartialDate(0, bound="undated")))


def _pages(lang="en"):
    r = Renderer(_narrow_archive(), CONFIG, lang=Lang(lang))
    return {o.path: o.data.decode("utf-8") for o in r.timeline() + r.types()}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_only_type_year_combinations_with_entries_get_a_page(lang):
    pre = "" if lang == "en" else f"{lang}/"
    made = sorted(p.removeprefix(pre) for p in _pages(lang) if p.removeprefix(pre).count("/") == 4 and p.startswith(pre + "browse/types/"))
    assert made == ["browse/types/article/2015/index.md", "browse/types/article/2016/index.md",
                    "browse/types/statement/2016/index.md", "browse/types/video/undated/index.md"]


def test_type_pages_link_their_years_and_year_pages_their_types():
    pages = _pages()
    articles = pages["browse/types/article/index.md"]
    assert ('<nav class="ea-narrow" data-search-exclude aria-labelledby="ea-narrow-year"><span id="ea-narrow-year">Narrow by year:</span> '
            '<ul><li><strong aria-current="page">All years</strong></li><li><a href="2015/">2015</a> (1)</li>'
            '<li><a href="2016/">2016</a> (1)</li></ul></nav>') in articles
    year = pages["browse/timeline/2016/index.md"]
    assert ('<li><strong aria-current="page">All types</strong></li><li><a href="../../types/article/2016/">Articles</a> '
            '(1)</li><li><a href="../../types/statement/2016/">Statements</a> (1)</li>') in year
    assert "types/statement/2015/" not in pages["browse/timeline/2015/index.md"]  # no empty combination


def test_a_narrowed_page_lists_that_type_in_that_year_and_links_back():
    page = _pages()["browse/types/article/2016/index.md"]
    assert 'title: "Articles: 2016"' in page and "<h1>Articles: 2016</h1>" in page
    assert 'href="../../../../entries/a1/"' in page and "entries/s1/" not in page and "entries/a2/" not in page
    assert '<li><a href="../">All years</a></li><li><a href="../2015/">2015</a> (1)</li><li><strong aria-current="page">2016</strong> (1)</li>' in page
    assert '<li><a href="../../../timeline/2016/">All types</a></li><li><strong aria-current="page">Articles</strong> (1)</li>' in page
    assert '<h2 id="2016-03">' in page  # grouped by month, like the year page


@pytest.mark.parametrize("lang, heading, label", [("fr", "Articles : 2016", "Par année :"),
                                                  ("ar", "مقالات: 2016", "حسب السنة:")])
def test_narrowed_pages_in_each_language(lang, heading, label):
    pages = _pages(lang)
    page = pages[f"{lang}/browse/types/article/2016/index.md"]
    assert f"<h1>{heading}</h1>" in page and f'<span id="ea-narrow-year">{label}</span>' in page


def test_narrowing_links_are_right_on_every_page_of_a_long_list(monkeypatch):
    from scripts.render import pages as pages_module
    monkeypatch.setattr(pages_module, "PAGE_SIZE", 1)
    pages = _pages()
    assert '<li><a href="../2015/">2015</a> (1)</li>' in pages["browse/types/article/2/index.md"]
    assert '<li><a href="../../../types/article/2016/">Articles</a>' in pages["browse/timeline/2016/2/index.md"]
