"""Translations in the log: checked with the same rules as the fields they translate, and complete
where the site requires it (extra.archive.require_translations)."""

from __future__ import annotations

import json

import pytest

from conftest import GOOD, REPO

E = "evidence/entries/2016/x.yaml"

TRANSLATED = GOOD + """\
translations:
  fr:
    title: "Les opérateurs bloquent les appels via Internet"
    summary: |
      Un résumé avec de l'*emphase* et un [lien](https://example.org/a).
  ar:
    title: "المشغّلون يحظرون المكالمات عبر الإنترنت"
    summary: |
      ملخص تجريبي مع [رابط](https://example.org/a).
"""


def _site(repo, languages="[en, fr, ar]", required=None):
    lines = ["site_name: Test", "site_url: https://example.org/", "extra:", "  archive:",
             f"    languages: {languages}"]
    if required:
        lines.append(f"    require_translations: {required}")
    (repo.root / "mkdocs.yml").write_text("\n".join(lines) + "\n", "utf-8")


def _messages(repo, text):
    repo.entry("x", text)
    return [m for m in repo.messages() if m.startswith(E)]


def test_translations_are_read_into_the_model(repo):
    _site(repo)
    repo.entry("x", TRANSLATED)
    loaded = repo.check()
    assert loaded.report.problems == []
    (entry,) = loaded.archive.entries
    assert sorted(entry.translations) == ["ar", "fr"]
    assert entry.translations["fr"].title == "Les opérateurs bloquent les appels via Internet"
    assert entry.translations["ar"].summary == "ملخص تجريبي مع [رابط](https://example.org/a)."
    assert entry.translations["fr"].notes == "" and entry.translations["fr"].quote == ""


@pytest.mark.parametrize("old,new,expected", [
    ("Un résumé avec", "<b>Un</b> résumé avec",
     "16:14: error: raw HTML is not allowed in 'translations.fr.summary' (write plain text; '<' may only be followed by a space)"),
    ("[lien](https://example.org/a)", "[lien](javascript:alert(1))",
     "16:14: error: link in 'translations.fr.summary' must point to an http(s) address (got 'javascript:alert(1)') "
     "(write [text](https://…))"),
    ('title: "المشغّلون', 'title: "\u202eالمشغّلون',
     "19:12: error: 'translations.ar.title' contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) "
     "(remove it; it can hide or reorder text)"),
    ('    title: "Les opérateurs bloquent les appels via Internet"\n', "",
     "15:5: error: missing required field 'translations.fr.title' (the title, one line, at most 200 characters)"),
    ("  fr:\n", "  FR:\n",
     "14:3: error: id 'FR' is not valid (use lowercase letters, digits and single hyphens, at most 80 characters)"),
])
def test_translated_fields_follow_the_rules_of_the_originals(repo, old, new, expected):
    _site(repo)
    assert old in TRANSLATED
    problems = _messages(repo, TRANSLATED.replace(old, new))
    assert problems == [f"{E}:{expected}"]


def test_a_translation_into_the_archives_own_language_is_refused(repo):
    _site(repo)
    text = TRANSLATED.replace("  fr:\n", "  en:\n")
    assert _messages(repo, text) == [
        f"{E}:14:3: error: 'translations.en': English is the archive's own language "
        "(write that text in the entry's own fields)"]


def test_a_translation_into_a_language_the_site_does_not_have_is_a_warning(repo):
    _site(repo, languages="[en, fr]")
    assert _messages(repo, TRANSLATED) == [
        f"{E}:18:3: warning: 'translations.ar': Arabic is not one of the site's languages (en, fr) "
        "(add it to extra.archive.languages in mkdocs.yml, or remove it)"]


def test_without_mkdocs_yml_any_language_is_accepted(repo):
    repo.entry("x", TRANSLATED)
    assert repo.check().report.problems == []


def test_required_translations_are_warnings_so_strict_fails(repo):
    _site(repo, required="[fr, ar]")
    assert _messages(repo, GOOD) == [
        f"{E}:1:1: warning: missing translation into Arabic ('translations.ar') "
        "(add its title and summary (the site requires this language: extra.archive.require_translations))",
        f"{E}:1:1: warning: missing translation into French ('translations.fr') "
        "(add its title and summary (the site requires this language: extra.archive.require_translations))"]
    loaded = repo.check()
    assert loaded.report.failed(strict=True) and not loaded.report.failed(strict=False)
    assert _messages(repo, TRANSLATED) == []


def test_required_translations_must_cover_notes_and_quotes(repo):
    _site(repo, required="[fr]")
    text = TRANSLATED.replace("tags: [boycott]\n", "tags: [boycott]\nnotes: |\n  A note.\n"
                                                   "quote: {text: \"a quote\", lang: \"en\"}\n")
    assert _messages(repo, text) == [
        f"{E}:18:5: warning: 'translations.fr' has no notes, but the entry has notes (translate the notes too)"]
    text = text.replace("      Un résumé avec de l'*emphase* et un [lien](https://example.org/a).\n",
                        "      Un résumé.\n    notes: |\n      Une note.\n")
    assert _messages(repo, text) == [
        f"{E}:18:5: warning: 'translations.fr' has no quote, but the entry quotes a source in English "
        "(add the quote translated into French)"]


def test_translated_notes_or_quote_without_an_original_are_warnings(repo):
    _site(repo)
    text = TRANSLATED.replace("      Un résumé avec de l'*emphase* et un [lien](https://example.org/a).\n",
                              "      Un résumé.\n    notes: |\n      Une note.\n    quote: \"une citation\"\n")
    assert _messages(repo, text) == [
        f"{E}:18:12: warning: 'translations.fr.notes' translates notes the entry does not have",
        f"{E}:20:12: warning: 'translations.fr.quote' has no quote to translate"]


def test_registries_must_be_translated_where_the_site_requires_it(repo):
    _site(repo, required="[fr]")
    (repo.root / "evidence" / "actors.yaml").write_text(
        'anrt:\n  name: "Regulator"\n  kind: "government"\n  description: "A test regulator."\n'
        'other:\n  name: "Other"\n  kind: "person"\n', "utf-8")
    (repo.root / "evidence" / "tags.yaml").write_text(
        'boycott:\n  label: "Boycott"\n  translations:\n    fr: {label: "Boycott"}\n', "utf-8")
    repo.entry("x", TRANSLATED.replace("actors: [anrt]", "actors: [anrt, other]"))
    assert [str(p) for p in repo.check().report.sorted()] == [
        "evidence/actors.yaml:1:1: warning: 'anrt' has no French description ('translations.fr') "
        "(add the translation (extra.archive.require_translations))"]


def test_the_editor_schema_and_the_format_page_describe_translations():
    schema = json.loads((REPO / "evidence" / "schema.json").read_text("utf-8"))
    translation = schema["properties"]["translations"]
    assert translation["type"] == "object"
    inner = translation["additionalProperties"] if "additionalProperties" in translation else \
        next(iter(translation["patternProperties"].values()))
    assert inner["required"] == ["title", "summary"]
    assert set(inner["properties"]) == {"title", "summary", "notes", "quote", "key_event"}
    from scripts.render import formatdoc
    page = formatdoc.render().data.decode("utf-8")
    assert "| `translations.<lang>.title` | yes | the title, one line, at most 200 characters |" in page
    assert "| `translations.<lang>.quote` | no | the quote translated into this language, when the entry has a quote " \
           "in another language |" in page
