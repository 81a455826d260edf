"""An archive's own settings (mkdocs.yml extra.archive): no archive lives in the generator's code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import GOOD, REPO
from scripts import config
from scripts.evidence import editor_schema
from scripts.evidence.problems import BuildError, Report
from scripts.render import formatdoc

# This archive's names: none may appear in the generator (its benchmark fixtures aside).
NAMES = re.compile(r"anrt|morocco|maroc|المغرب|voip|m[ée]ditel|inwi|\bIAM\b|maroc telecom|ban-in-brief", re.I)

MKDOCS = """site_name: "Test archive"
site_url: "https://example.org/t/"
extra:
  archive:
    languages: [en, fr]
    types: [article, statement]
    actor_kinds:
      ministry: [Ministry, Ministries]
      government: [Government, Government]
    translations:
      fr: {"Test archive": "Archive de test", Ministry: "Ministère", Ministries: "Ministères"}
"""


def test_no_archive_names_in_the_generator():
    found = [f"{p.relative_to(REPO)}:{n}" for p in sorted((REPO / "scripts").rglob("*"))
             if p.is_file() and p.suffix in (".py", ".j2", ".yaml", ".html", ".md", ".toml", ".yml", ".txt")
             and "bench" not in p.relative_to(REPO).parts
             for n, line in enumerate(p.read_text("utf-8").splitlines(), 1) if NAMES.search(line)]
    assert found == []


def _archive(repo, text: str = MKDOCS) -> None:
    (repo.root / "mkdocs.yml").write_text(text, "utf-8")
    (repo.root / "evidence" / "actors.yaml").write_text('anrt: {name: "X", kind: "ministry"}\n', "utf-8")
    (repo.root / "evidence" / "tags.yaml").write_text('boycott: {label: "Boycott"}\n', "utf-8")


def test_a_turned_off_type_is_refused_with_a_hint(repo):
    _archive(repo)
    repo.entry("2016-x", GOOD.replace("type: article", "type: video").replace("tags: [boycott]\n", ""))
    assert repo.messages() == [
        "evidence/entries/2016/2016-x.yaml:1:7: error: type 'video' is turned off in this archive (mkdocs.yml "
        "extra.archive.types) (use one of article, statement, or add 'video' to extra.archive.types)"]


def test_actor_kinds_are_the_archives(repo):
    _archive(repo)
    (repo.root / "evidence" / "actors.yaml").write_text('anrt: {name: "X", kind: "regulator"}\n', "utf-8")
    assert repo.messages() == ["evidence/actors.yaml:1:25: error: 'anrt.kind' must be one of ministry, government "
                               "(got 'regulator')"]


def test_editor_schemas_and_format_page_follow_the_archive(repo):
    _archive(repo)
    report = Report()
    settings = editor_schema.archive_settings(repo.root, report)
    texts = editor_schema.outputs(editor_schema.registry_ids(repo.root, report, settings), settings)
    assert '"enum": [\n          "ministry",\n          "government"\n        ]' in texts["evidence/actors.schema.json"]
    assert '"enum": [\n        "article",\n        "statement"\n      ]' in texts["evidence/schema.json"]
    assert "a screenshot needs" not in texts["evidence/schema.json"]  # the rules of turned-off types are left out
    page = formatdoc.render(settings=settings).data.decode("utf-8")
    assert "| `kind` | yes | what sort of actor | one of `ministry`, `government` |" in page
    assert "one of `article`, `statement` |" in page and "a screenshot needs" not in page


def test_a_missing_translation_of_the_archives_words_fails_the_build(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.replace(', Ministries: "Ministères"', ""), "utf-8")
    with pytest.raises(BuildError) as exc:
        config.load(tmp_path)
    assert str(exc.value) == (
        "mkdocs.yml: extra.archive.translations lacks 1 text (fr: 'Ministries'): every language of the site needs "
        "the archive's own words (site_name, site_description, nav, ways_in, actor_kinds) in "
        "extra.archive.translations.<language>")


def test_a_way_in_to_a_missing_page_fails_the_build(tmp_path):
    text = MKDOCS.replace("    types:", "    ways_in: [{page: story.md, label: Story}]\n    types:")
    (tmp_path / "mkdocs.yml").write_text(text, "utf-8")
    with pytest.raises(BuildError) as exc:
        config.load(tmp_path)
    assert str(exc.value) == ("mkdocs.yml: extra.archive.ways_in links to content/story.md, which does not exist: "
                              "write the page or remove the link")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "story.md").write_text("# Story\n", "utf-8")
    with pytest.raises(BuildError, match="lacks 1 text \\(fr: 'Story'\\)"):
        config.load(tmp_path)


def test_hints_take_their_example_id_from_the_log(repo):
    repo.entry("2016-05-02-minister-speaks")
    repo.entry("Bad_Name")
    assert repo.messages()[0].endswith("(use lowercase letters, digits and single hyphens, at most 80 characters, "
                                       "e.g. 2016-05-02-minister-speaks)")


def test_this_archive_keeps_its_words_in_its_own_settings():
    site = config.load(REPO)
    assert site.archive.ways_in[0].url == "ban-in-brief/"
    assert [k for k, _, _ in site.archive.kinds][:3] == ["regulator", "operator", "government"]
    from scripts.render.i18n import Lang
    assert site.archive.text(Lang("fr"), "The ban in brief") == "Le blocage en bref"
    assert site.archive.text(Lang("ar"), "Regulators") == "الجهات المنظِّمة"
