"""Citations: data/entries.bib and data/entries.csl.json, entries/<id>/cite.bib and cite.csl.json."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import jsonschema
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


# The reference on entry pages ------------------------------------------------------------------------------

def _cite_block(html: str) -> str:
    start = html.index('<section id="cite"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("lang, heading, available, dates", [
    ("en", "Cite this entry", "Available at", "Evidence date: <time datetime=\"2016-01\">January 2016</time>; "
     "entry last changed: <time datetime=\"2017-03-04\">4 March 2017</time>."),
    ("fr", "Citer cette entrée", "Disponible sur", "Date de la preuve : <time datetime=\"2016-01\">janvier 2016</time> ; "
     "dernière modification de l'entrée : <time datetime=\"2017-03-04\">4 mars 2017</time>."),
    ("ar", "الاستشهاد بهذا المدخل", "موجود في", "تاريخ الدليل: <time datetime=\"2016-01\">يناير 2016</time>؛ "
     "آخر تعديل للمدخل: <time datetime=\"2017-03-04\">4 مارس 2017</time>."),
])
def test_entry_page_cites_the_entry_escaped_in_its_language(lang, heading, available, dates):
    from scripts.render.i18n import Lang
    from scripts.render.pages import Renderer

    e = _entry(title="Operators block <script>alert(1)</script> & co",
               corrections=(Correction(PartialDate(2017, 3, 4), "Fixed."),))
    page, _ = Renderer(_archive(e), CFG, lang=Lang(lang)).entry(e)
    block = _cite_block(page.data.decode("utf-8"))
    up = "../../" if lang == "en" else "../../../"  # the downloads are published once, at the default root
    assert block == (
        f'<section id="cite" data-search-exclude>\n<h2>{heading}</h2>\n'
        f'<p class="ea-reference">Archive (2016) Operators block &lt;script&gt;alert(1)&lt;/script&gt; &amp; co, '
        f'Archive. {available}: https://example.org/a/entries/2016-01-07-x/. {dates}</p>\n'
        f'<p class="ea-cite-files">{Lang(lang).gettext("The same citation to download:")} '
        f'<a href="{up}entries/2016-01-07-x/cite.bib" download type="application/x-bibtex">BibTeX</a> · '
        f'<a href="{up}entries/2016-01-07-x/cite.csl.json" download '
        f'type="application/vnd.citationstyles.csl+json">CSL-JSON</a></p>\n')


def test_built_entry_pages_cite_and_link_downloads_that_exist(built_site):
    site = built_site.root / "site"
    items = json.loads((site / "data/entries.csl.json").read_bytes())
    for lang in ("", "fr/", "ar/"):
        for item in items:
            page = site / lang / "entries" / item["id"] / "index.html"
            block = _cite_block(page.read_text("utf-8"))
            assert item["URL"] in block
            for href in ("cite.bib", "cite.csl.json"):
                link = next(part.split('"')[0] for part in block.split('href="')[1:] if part.split('"')[0].endswith(href))
                assert (page.parent / link).resolve() == (site / "entries" / item["id"] / href).resolve()


# The CSL-JSON against the CSL data schema -------------------------------------------------------------------

CSL_SCHEMA = json.loads((Path(__file__).parent / "fixtures/csl-data.json").read_text("utf-8"))


def _csl_validator():
    """Draft 7 as the schema declares, the schema itself checked first, formats checked; the schema forbids
    unknown variables (additionalProperties: false), so a misspelt field fails instead of being ignored."""
    jsonschema.Draft7Validator.check_schema(CSL_SCHEMA)
    assert CSL_SCHEMA["items"]["additionalProperties"] is False
    return jsonschema.Draft7Validator(CSL_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _bounded(bound: str, year: int = 2016):
    e = _entry("2016-01-08-" + bound, HOSTILE)
    e.date = PartialDate(year if bound != "undated" else 0, bound=bound)
    return e


def test_csl_items_validate_against_the_csl_data_schema():
    entries = [_entry(), _entry("2016-01-09-z", "حجب المكالمات"), _bounded("before"), _bounded("undated")]
    items = [cite.csl_item(e, CFG) for e in entries]
    _csl_validator().validate(items)
    with pytest.raises(jsonschema.ValidationError, match=r"Additional properties are not allowed \('precision' was"):
        _csl_validator().validate([dict(items[0], precision="month")])
    with pytest.raises(jsonschema.ValidationError, match="is not valid under any of the given schemas"):
        _csl_validator().validate([dict(items[0], issued={"date-parts": [[2016, 1]], "precision": "month"})])
    with pytest.raises(jsonschema.ValidationError):
        _csl_validator().validate([dict(items[0], type="web-page")])


def test_built_csl_json_validates_archive_wide_and_per_entry(built_site):
    site = built_site.root / "site"
    validator = _csl_validator()
    items = json.loads((site / "data/entries.csl.json").read_bytes())
    assert items
    validator.validate(items)
    for item in items:
        validator.validate(json.loads((site / "entries" / item["id"] / "cite.csl.json").read_bytes()))
