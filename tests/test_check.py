"""The checker: one test per rule, asserting the exact message and position."""

from __future__ import annotations

import os

import pytest

from conftest import GOOD, REPO, png_bytes

E = "evidence/entries/2016/"


def test_good_entry_has_no_problems(repo):
    repo.entry("good")
    loaded = repo.check()
    assert loaded.report.problems == []
    assert [e.id for e in loaded.archive.entries] == ["good"]
    e = loaded.archive.entries[0]
    assert e.date.iso() == "2016-01-07" and e.date.precision == "day"
    assert e.source.publisher == "Example Publisher"


def _one(repo, text, id="x"):
    repo.entry(id, text)
    return repo.messages()


@pytest.mark.parametrize("change,expected", [
    (("type: article", "type: artcle"),
     "1:7: error: 'type' must be one of article, statement, screenshot, social-post, petition, report, legal, video (got 'artcle') (did you mean 'article'?)"),
    (('title: "Operators block internet calls"\n', ''),
     "1:1: error: missing required field 'title' (one line of plain text, in English, at most 200 characters)"),
    (('date: "2016-01-07"', 'date: "2016-02-30"'), "3:7: error: 'date' is not a real date: '2016-02-30'"),
    (('date: "2016-01-07"', 'date: "7 Jan 2016"'),
     "3:7: error: 'date' must be a date written as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (got '7 Jan 2016')"),
    (('date: "2016-01-07"', "date: 2016-13"), "3:7: error: 'date' is not a real date: '2016-13'"),
    (('added: "2026-11-20"', 'added: "2026-11-28"'),
     "4:8: error: 'added' is in the future: '2026-11-28' (use today's date or an earlier one)"),
    (('added: "2026-11-20"', 'added: "2026-11"'),
     "4:8: error: 'added' must be a date written as \"YYYY-MM-DD\" (got '2026-11')"),
    (('language: "fr"', "language: no"), "7:11: error: 'language' must be text, not true/false (put the value in quotes: \"no\")"),
    (('language: "fr"', 'language: "FR"'), "7:11: error: 'language' is not valid: 'FR' (two lowercase letters, e.g. fr)"),
    (('url: "https://example.org/article"', 'url: "javascript:alert(1)"'),
     "9:8: error: 'source.url' must be an http(s) address (got 'javascript:alert(1)') ('javascript:' addresses are refused)"),
    (('url: "https://example.org/article"', 'url: "data:text/html,hi"'),
     "9:8: error: 'source.url' must be an http(s) address (got 'data:text/html,hi') ('data:' addresses are refused)"),
    (("actors: [anrt]", "actors: [anrt2]"), "11:10: error: actor 'anrt2' is not in evidence/actors.yaml (did you mean 'anrt'?)"),
    (("actors: [anrt]", "actors: [anrt, anrt]"), "11:16: error: 'actors' lists 'anrt' twice (remove the repeat)"),
    (("actors: [anrt]", "actors: anrt"), "11:9: error: 'actors' must be a list, not text (write one '- item' per line)"),
    (("tags: [boycott]", "tags: [boycot]"), "12:8: error: tag 'boycot' is not in evidence/tags.yaml (did you mean 'boycott'?)"),
    (("tags: [boycott]", "tags: [zzz]"), "12:8: error: tag 'zzz' is not in evidence/tags.yaml (add it to evidence/tags.yaml first)"),
    (("tags: [boycott]", "tag: [boycott]"), "12:1: error: unknown field 'tag' (did you mean 'tags'?)"),
    (('title: "Operators block internet calls"', 'title: "Two\\nlines"'), "2:8: error: 'title' must be one line (remove the line breaks)"),
    (('title: "Operators block internet calls"', 'title: "' + "x" * 201 + '"'),
     "2:8: error: 'title' is too long (201 characters; at most 200) (shorten it)"),
    (('title: "Operators block internet calls"', 'title: ""'), "2:8: error: 'title' is empty (write a value: this field is required)"),
    (('title: "Operators block internet calls"', "title: 2016"), "2:8: error: 'title' must be text, not a number (put the value in quotes: \"2016\")"),
    (('title: "Operators block internet calls"', 'title: "<img src=x onerror=alert(1)>"'),
     "2:8: error: raw HTML is not allowed in 'title' (write plain text; '<' may only be followed by a space)"),
    (('title: "Operators block internet calls"', 'title: "&lt;script&gt;"'),
     "2:8: error: HTML character references such as '&lt;' are not allowed in 'title' (write the character itself)"),
    (('title: "Operators block internet calls"', 'title: "evil\\u202Etxt.exe"'),
     "2:8: error: 'title' contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) (remove it; it can hide or reorder text)"),
    (('title: "Operators block internet calls"', 'title: "zero\\u200Bwidth"'),
     "2:8: error: 'title' contains the invisible character U+200B (ZERO WIDTH SPACE) (remove it; it can hide or reorder text)"),
    (('title: "Operators block internet calls"', 'title: "bell\\x0b"'),
     "2:8: error: 'title' contains the invisible character U+000B (control character) (remove it; it can hide or reorder text)"),
    (("[link](https://example.org/a)", "[link](javascript:alert(1))"),
     "5:10: error: link in 'summary' must point to an http(s) address (got 'javascript:alert(1)') (write [text](https://…))"),
    (("[link](https://example.org/a)", "![img](https://example.org/a.png)"),
     "5:10: error: images are not allowed in 'summary' (add pictures as media items)"),
    (("A test summary", "<script>alert(1)</script>"),
     "5:10: error: raw HTML is not allowed in 'summary' (write plain text; '<' may only be followed by a space)"),
    (("A test summary", "<https://example.org>"),
     "5:10: error: raw HTML is not allowed in 'summary' (write plain text; '<' may only be followed by a space)"),
    (("type: article", "type: statement"), "1:1: error: statement: a statement needs 'speaker' (the actor who made it)"),
    (('url: "https://example.org/article"\n', ""), "1:1: error: 'article' entry needs 'source.url' (every type except screenshot)"),
    (("type: article", "type: screenshot"), "1:1: error: screenshot: a screenshot needs at least one media item"),
    (("tags: [boycott]", "related: [x]"), "12:11: error: entry 'x' lists itself as related"),
    (("tags: [boycott]", "related: [nope]"), "12:11: error: related entry 'nope' does not exist"),
    (("tags: [boycott]", "date_approximate: maybe"), "12:19: error: 'date_approximate' must be true or false, not text"),
    (("tags: [boycott]", "signatures: {count: -5, as_of: '2016'}"), "12:21: error: 'signatures.count' must be at least 0 (got -5)"),
    (("tags: [boycott]", "quote: {text: hi}"), "12:8: error: missing required field 'quote.lang' (language of the excerpt, ISO 639-1)"),
    (("tags: [boycott]", "corrections: [{date: '2026-01-01', note: 'Fixed <b>'}]"),
     "12:42: error: raw HTML is not allowed in 'corrections[1].note' (write plain text; '<' may only be followed by a space)"),
])
def test_rule(repo, change, expected):
    old, new = change
    assert old in GOOD
    assert _one(repo, GOOD.replace(old, new)) == [E + "x.yaml:" + expected]


def test_statement_speaker_is_checked_against_registry(repo):
    text = GOOD.replace("type: article", "type: statement") + "speaker: anrtt\n"
    assert _one(repo, text) == [E + "x.yaml:13:10: error: actor 'anrtt' is not in evidence/actors.yaml (did you mean 'anrt'?)"]


def test_markdown_block_syntax_is_a_warning(repo):
    text = GOOD.replace("A test summary", "# Heading\n  more")
    assert _one(repo, text) == [
        E + "x.yaml:5:10: warning: 'summary' uses Markdown that is not supported ('#' at the start of a line) "
        "(only paragraphs, *emphasis* and [links](https://…) are rendered; the rest shows as typed)"]


@pytest.mark.parametrize("data,expected", [
    (b"- a\n- b\n", "1:1: error: an entry must be a mapping of field: value, not a list"),
    (b"just text\n", "1:1: error: an entry must be a mapping of field: value, not text"),
    (b"", "1:1: error: file is empty (write the fields as 'field: value' lines)"),
    (b"a: 1\n---\nb: 2\n", "2:1: error: file holds more than one YAML document (one entry per file: remove the '---' separator and what follows)"),
    (b"title: caf\xe9\n", "1:11: error: file is not valid UTF-8 (byte 0xe9) (save the file with UTF-8 encoding)"),
    (b"a: b: c\n", "1:5: error: invalid YAML: mapping values are not allowed in this context (put text containing ': ' in quotes)"),
    (b"a:\n\t- b\n", "2:1: error: invalid YAML: found character that cannot start any token (indent with spaces, not tabs)"),
    (b"a: \x01\n", "1:4: error: invalid character U+0001 in file (remove control characters)"),
])
def test_file_level_problems(repo, data, expected):
    repo.raw("x", data)
    assert repo.messages() == [E + "x.yaml:" + expected]


@pytest.mark.parametrize("extra,expected", [
    ("type: video\n", "13:1: error: duplicate key 'type' (first defined at line 1; keep one)"),
    ("quote: {text: a, text: b, lang: fr}\n", "13:18: error: duplicate key 'text' (first defined at line 13; keep one)"),
    ("<<: {type: article}\n", "13:1: error: YAML merge keys (<<) are not allowed (write each field out in full)"),
    ("? [a]\n: 1\n", "13:3: error: keys must be plain text"),
])
def test_bad_keys(repo, extra, expected):
    assert _one(repo, GOOD + extra) == [E + "x.yaml:" + expected]


def test_anchor_and_alias_are_both_reported(repo):
    repo.raw("x", b"a: &x 1\nb: *x\n")
    assert repo.messages() == [E + "x.yaml:1:4: error: YAML anchors (&name) are not allowed (write each value out in full)",
                               E + "x.yaml:2:4: error: YAML aliases (*name) are not allowed (write each value out in full)"]


def test_alias_bomb_is_refused_quickly(repo):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    repo.raw("x", ("\n".join(lines) + "\n").encode())
    msgs = repo.messages()
    assert msgs[0] == E + "x.yaml:1:5: error: YAML anchors (&name) are not allowed (write each value out in full)"
    assert any("aliases (*name) are not allowed" in m for m in msgs)


def test_file_over_one_mib_is_refused_without_reading(repo):
    path = repo.raw("x", b"")
    with path.open("wb") as f:
        f.truncate((1 << 20) + 1)
    assert repo.messages() == [E + "x.yaml:1:1: error: file is too large (1,048,577 bytes; the limit is 1 MiB) "
                               "(split it or remove what does not belong in an entry)"]


@pytest.mark.parametrize("name,expected", [
    ("Bad_Name", "1:1: error: file name 'Bad_Name' is not a valid entry id (use lowercase letters, digits and single hyphens, "
                 "at most 80 characters, e.g. 2016-01-07-anrt-communique)"),
    ("a" * 81, None),
])
def test_id_format(repo, name, expected):
    repo.entry(name)
    msgs = repo.messages()
    assert len(msgs) == 1 and "is not a valid entry id" in msgs[0]
    if expected:
        assert msgs == [E + f"{name}.yaml:" + expected]


def test_duplicate_id_across_folders(repo):
    repo.entry("same", year="2016")
    repo.entry("same", year="2017")
    assert repo.messages() == ["evidence/entries/2017/same.yaml:1:1: error: entry id 'same' is already used by "
                               "evidence/entries/2016/same.yaml (ids must be unique: rename one file)"]


def test_yml_extension_is_reported(repo):
    p = repo.entry("good")
    p.rename(p.with_suffix(".yml"))
    assert repo.messages() == [E + "good.yml:1:1: error: entry files must end in .yaml (rename it to good.yaml)"]


def test_all_problems_in_one_run(repo):
    repo.entry("a", GOOD.replace("type: article", "type: nope"))
    repo.entry("b", GOOD.replace("actors: [anrt]", "actors: [who]"))
    repo.raw("c", b"a: [\n")
    msgs = repo.messages()
    assert [m.split(":")[0] for m in msgs] == [E + "a.yaml", E + "b.yaml", E + "c.yaml"]


def test_missing_registry(repo):
    (repo.root / "evidence" / "tags.yaml").unlink()
    repo.entry("good")
    assert repo.messages() == ["evidence/tags.yaml:1:1: error: registry file evidence/tags.yaml is missing "
                               "(create it, even if empty: {})"]


def test_bad_registry_entry(repo):
    (repo.root / "evidence" / "actors.yaml").write_text('anrt: {name: "X", kind: "regulatr"}\n')
    assert repo.messages() == ["evidence/actors.yaml:1:25: error: 'anrt.kind' must be one of regulator, operator, government, "
                               "platform, campaign, person, organization, media, court (got 'regulatr') (did you mean 'regulator'?)"]


def _media_entry(file, sha="0" * 64):
    return GOOD + f"media:\n  - file: \"{file}\"\n    sha256: \"{sha}\"\n    alt: \"A picture\"\n"


def test_media_checks(repo):
    media = repo.root / "evidence" / "media"
    (media / "ok.png").write_bytes(png_bytes())
    import hashlib
    good = hashlib.sha256(png_bytes()).hexdigest()
    repo.entry("m1", _media_entry("ok.png", good))
    repo.entry("m2", _media_entry("missing.png"))
    repo.entry("m3", _media_entry("../actors.yaml"))
    repo.entry("m4", _media_entry("/etc/passwd.png"))
    repo.entry("m5", _media_entry("ok.png"))
    repo.entry("m6", _media_entry("drawing.svg"))
    os.symlink("/etc/hostname", media / "out.png")
    repo.entry("m7", _media_entry("out.png"))
    assert repo.messages() == [
        E + "m2.yaml:14:11: error: media file 'missing.png' not found in evidence/media/",
        E + "m3.yaml:14:11: error: 'media[1].file' must stay inside evidence/media/ (got '../actors.yaml') (no '..', '.' or empty parts)",
        E + "m4.yaml:14:11: error: 'media[1].file' must be a path relative to evidence/media/ (got '/etc/passwd.png') (write it like 2016/unlike-tracker.png)",
        E + f"m5.yaml:15:13: error: sha256 does not match media file 'ok.png' (the file's is {good}) "
            "(if the file was replaced on purpose, run: python -m scripts hash evidence/entries/2016/m5.yaml)",
        E + "m6.yaml:14:11: error: media file 'drawing.svg' is not an accepted image format (use JPEG, PNG, WebP, GIF, TIFF or AVIF; SVG is refused)",
        E + "m7.yaml:14:11: error: media file 'out.png' points outside evidence/media/ (replace the link with the file itself)",
    ]


def test_media_without_alt(repo):
    (repo.root / "evidence" / "media" / "a.png").write_bytes(png_bytes())
    import hashlib
    text = GOOD + f'media:\n  - file: "a.png"\n    sha256: "{hashlib.sha256(png_bytes()).hexdigest()}"\n'
    assert _one(repo, text) == [E + "x.yaml:14:5: error: missing required field 'media[1].alt' (text alternative describing the image)"]


def test_captured_needs_timezone(repo):
    text = _media_entry("a.png") + '    captured: "2016-02-28T12:00:00"\n'
    (repo.root / "evidence" / "media" / "a.png").write_bytes(png_bytes())
    msgs = _one(repo, text)
    assert E + "x.yaml:17:15: error: 'media[1].captured' has no timezone: '2016-02-28T12:00:00' (add Z or an offset such as +01:00)" in msgs


def test_dates_stay_strings_and_keep_precision(repo):
    repo.entry("y", GOOD.replace('date: "2016-01-07"', "date: 2016"))
    repo.entry("m", GOOD.replace('date: "2016-01-07"', "date: 2016-03"))
    loaded = repo.check()
    assert loaded.report.problems == []
    assert {e.id: e.date.precision for e in loaded.archive.entries} == {"y": "year", "m": "month"}


def test_quote_too_long_is_a_warning(repo):
    text = GOOD + "quote: {text: '" + "word " * 30 + "', lang: fr}\n"
    assert _one(repo, text) == [E + "x.yaml:13:8: warning: quote is longer than 25 words (quote a short excerpt and summarise the rest)"]


def test_cli_output_and_exit_codes(repo, capsys):
    from scripts.cli import main
    repo.entry("good")
    assert main(["--root", str(repo.root), "check"]) == 0
    assert capsys.readouterr().out == "checked 3 files: 0 errors, 0 warnings\n"
    repo.entry("warn", GOOD + "quote: {text: '" + "word " * 30 + "', lang: fr}\n")
    assert main(["--root", str(repo.root), "check"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("checked 4 files: 0 errors, 1 warning\n")
    assert main(["--root", str(repo.root), "check", "--strict"]) == 1
    assert capsys.readouterr().out.endswith("checked 4 files: 0 errors, 1 warning (warnings fail in --strict mode)\n")
    repo.entry("bad", GOOD.replace("type: article", "type: x"))
    assert main(["--root", str(repo.root), "check", "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("::error file=evidence/entries/2016/bad.yaml,line=1,col=7::'type' must be one of article, statement, "
                      "screenshot, social-post, petition, report, legal, video (got 'x')")


def test_schema_json_is_current():
    from scripts.evidence import editor_schema as jsonschema
    from scripts.evidence.problems import Report
    ids = jsonschema.registry_ids(REPO, Report())  # actor and tag ids are enums in schema.json
    assert (REPO / "evidence" / "schema.json").read_text("utf-8") == jsonschema.render(ids), \
        "evidence/schema.json is out of date: run python -m scripts schema"


def test_repository_evidence_passes_strict_check():
    from scripts.evidence import load_archive
    loaded = load_archive(REPO)
    assert [str(p) for p in loaded.report.sorted()] == []
