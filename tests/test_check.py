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
     "3:7: error: 'date' must be a date written as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (got '7 Jan 2016') "
     "(or \"before YYYY\", \"after YYYY-MM\", \"undated\" when the sources give no date)"),
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
    # Dates: a month or day 00 is not a coarser precision, and there is no year 0 (point 4 and 10 of issue 14)
    (('date: "2016-01-07"', 'date: "2016-00-15"'),
     "3:7: error: 'date' is not a real date: '2016-00-15' (months run from 01 to 12; write \"YYYY\" if it is not known)"),
    (('date: "2016-01-07"', 'date: "2016-00"'),
     "3:7: error: 'date' is not a real date: '2016-00' (months run from 01 to 12; write \"YYYY\" if it is not known)"),
    (('date: "2016-01-07"', 'date: "2016-01-00"'),
     "3:7: error: 'date' is not a real date: '2016-01-00' (days start at 01; write \"YYYY-MM\" if it is not known)"),
    (('date: "2016-01-07"', 'date: "0000"'), "3:7: error: 'date' is not a real date: '0000' (there is no year 0)"),
    (('date: "2016-01-07"', 'date: "\u0662\u0660\u0661\u0666"'),
     "3:7: error: 'date' must be a date written as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (got '\u0662\u0660\u0661\u0666') "
     "(or \"before YYYY\", \"after YYYY-MM\", \"undated\" when the sources give no date)"),
    (('added: "2026-11-20"', 'added: "0000-01-01"'), "4:8: error: 'added' is not a real date: '0000-01-01' (there is no year 0)"),
    (('added: "2026-11-20"', 'added: "2026-11-00"'), "4:8: error: 'added' is not a real date: '2026-11-00' (days start at 01)"),
    (("tags: [boycott]", "signatures: {count: 0x" + "f" * 4000 + ", as_of: '2016'}"),
     "12:21: error: 'signatures.count' must be a whole number written in decimal digits "
     "(got '0xffffffffffffffffffffffffffffffffffffff…') (hexadecimal is refused: write the number in decimal digits)"),
    (("tags: [boycott]", "signatures: {count: 1000000000001, as_of: '2016'}"),
     "12:21: error: 'signatures.count' is too large (at most 1,000,000,000,000) (check the number)"),
    (("tags: [boycott]", "signatures: {count: " + "9" * 5000 + ", as_of: '2016'}"),
     "12:21: error: 'signatures.count' is too large (at most 1,000,000,000,000) (check the number)"),
    (("tags: [boycott]", 'date_approximate: !!bool "maybe"'),
     "12:19: error: 'date_approximate' must be true or false (got 'maybe') (write true or false, with no tag)"),
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
                 "at most 80 characters, e.g. 2024-03-01-ministry-statement)"),
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
    assert repo.messages() == [E + "good.yml:1:1: error: entry files must end in .yaml; this one was not read (rename it to good.yaml)"]


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
    (repo.root / "evidence" / "actors.yaml").write_text('anrt: {name: "X", kind: "governmnt"}\n')
    # without mkdocs.yml, the kinds of a new archive (scripts/settings.py DEFAULT_KINDS)
    assert repo.messages() == ["evidence/actors.yaml:1:25: error: 'anrt.kind' must be one of government, organization, "
                               "person, media, court, campaign (got 'governmnt') (did you mean 'government'?)"]


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
    os.symlink("ok.png", media / "inside.png")  # a link to a file inside evidence/media/ is refused as well
    repo.entry("m8", _media_entry("inside.png", good))
    os.mkfifo(media / "pipe.png")
    repo.entry("m9", _media_entry("pipe.png", good))
    (media / "sub").mkdir()
    os.symlink(media, media / "sub" / "loop")
    repo.entry("m10", _media_entry("sub/loop/ok.png", good))
    assert repo.messages() == [
        E + "m10.yaml:14:11: error: media file 'sub/loop/ok.png' is inside evidence/media/sub/loop/, a symbolic link to a "
            "folder; links are not followed (commit the folder and its images themselves, not a link to them)",
        E + "m2.yaml:14:11: error: media file 'missing.png' not found in evidence/media/",
        E + "m3.yaml:14:11: error: 'media[1].file' must stay inside evidence/media/ (got '../actors.yaml') (no '..', '.' or empty parts)",
        E + "m4.yaml:14:11: error: 'media[1].file' must be a path relative to evidence/media/ (got '/etc/passwd.png') (write it like 2016/unlike-tracker.png)",
        E + f"m5.yaml:15:13: error: sha256 does not match media file 'ok.png' (the file's is {good}) "
            "(if the file was replaced on purpose, run: python -m scripts hash evidence/entries/2016/m5.yaml)",
        E + "m6.yaml:14:11: error: media file 'drawing.svg' is not an accepted image format (use JPEG, PNG, WebP, GIF, TIFF or AVIF; SVG is refused)",
        E + "m7.yaml:14:11: error: media file 'out.png' is a symbolic link; links are not followed "
            "(commit the image itself in evidence/media/, not a link to it)",
        E + "m8.yaml:14:11: error: media file 'inside.png' is a symbolic link; links are not followed "
            "(commit the image itself in evidence/media/, not a link to it)",
        E + "m9.yaml:14:11: error: media file 'pipe.png' is a named pipe (FIFO), not a regular file "
            "(replace it with the image file itself)",
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


# Issue 14, point 12: YAML 1.1 forms that YAML 1.2 editors and check-jsonschema read otherwise ------------

FLAG = "12:19: error: 'date_approximate' must be true or false (got '{0}', a flag only in YAML 1.1; " \
       "editors read it as text) (write true or false)"
COUNT = "13:10: error: 'signatures.count' must be a whole number written in decimal digits (got '{0}') ({1})"
DECIMAL = "write a whole number in decimal digits only, e.g. 4000"


@pytest.mark.parametrize("value,expected", [
    *[(v, FLAG.format(v)) for v in ("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                                    "y", "Y", "n", "N", "yEs")],
    ('!!bool "yes"', "12:19: error: 'date_approximate' must be true or false (got 'yes') (write true or false, with no tag)"),
    ('"true"', "12:19: error: 'date_approximate' must be true or false, not text"),
])
def test_yaml_1_1_flags_are_refused(repo, value, expected):
    assert _one(repo, GOOD.replace("tags: [boycott]", f"date_approximate: {value}")) == [E + "x.yaml:" + expected]


@pytest.mark.parametrize("value,hint", [
    ("4_000", "remove the '_' separators: YAML 1.2 editors read 4_000 as text; write 4000"),
    ("0x1F", "hexadecimal is refused: write the number in decimal digits"),
    ("0b101", "binary is refused: write the number in decimal digits"),
    ("0o12", "octal is refused: write the number in decimal digits"),
    ("012", "remove the leading zeros: YAML 1.1 reads 012 as octal (10), YAML 1.2 as 12"),
    ("1:20", "YAML 1.1 reads 1:20 as 80 (base 60): write the number in decimal digits"),
    (".inf", "write a whole number"),
    ("-.inf", "write a whole number"),
    (".nan", "write a whole number"),
    ("1.5", DECIMAL),
    ("4000.0", DECIMAL),
    ("1e3", DECIMAL),
    ("4,000", DECIMAL),
])
def test_yaml_1_1_numbers_are_refused(repo, value, hint):
    text = GOOD.replace("tags: [boycott]", f"signatures:\n  count: {value}\n  as_of: '2016'")
    assert _one(repo, text) == [E + "x.yaml:" + COUNT.format(value, hint)]


@pytest.mark.parametrize("flag,value", [("true", True), ("False", False), ("TRUE", True)])
def test_yaml_1_2_flags_and_numbers_are_accepted(repo, flag, value):
    repo.entry("x", GOOD.replace("tags: [boycott]", f"date_approximate: {flag}\nsignatures: {{count: 4000, as_of: '2016'}}"))
    loaded = repo.check()
    assert loaded.report.problems == []
    e = loaded.archive.entries[0]
    assert (e.date_approximate, e.signatures.count) == (value, 4000)


# Issue 14, point 10: invisible characters -------------------------------------------------------------

def _title(ch: str, name: str, hint: str = "remove it; it can hide or reorder text") -> str:
    return f"2:8: error: 'title' contains the invisible character U+{ord(ch):04X} ({name}) ({hint})"


@pytest.mark.parametrize("text,expected", [
    ("a\u200fb", _title("\u200f", "RIGHT-TO-LEFT MARK")),
    ("a\u200eb", _title("\u200e", "LEFT-TO-RIGHT MARK")),
    ("\u0627\u061c\u0628", _title("\u061c", "ARABIC LETTER MARK")),
    ("pay\u200dpal", _title("\u200d", "ZERO WIDTH JOINER", "remove it; a zero width joiner is kept only between two emoji")),
    ("\u0627\u200d\u0628", _title("\u200d", "ZERO WIDTH JOINER", "remove it; a zero width joiner is kept only between two emoji")),
    ("pay\u200cpal", _title("\u200c", "ZERO WIDTH NON-JOINER",
                            "remove it; a zero width non-joiner is kept only between two letters of Arabic script")),
    ("\u200c\u0627", _title("\u200c", "ZERO WIDTH NON-JOINER",
                            "remove it; a zero width non-joiner is kept only between two letters of Arabic script")),
    ("soft\u00adhyphen", _title("\u00ad", "SOFT HYPHEN")),
    ("\u3164", _title("\u3164", "HANGUL FILLER")),
    ("a\uffa0b", _title("\uffa0", "HALFWIDTH HANGUL FILLER")),
    ("a\u2800b", _title("\u2800", "BRAILLE PATTERN BLANK")),
    ("a\u2061b", _title("\u2061", "FUNCTION APPLICATION")),
    ("a\U000e0041b", _title("\U000e0041", "TAG LATIN CAPITAL LETTER A")),
    ("a\u034fb", _title("\u034f", "COMBINING GRAPHEME JOINER")),
])
def test_invisible_characters_are_refused(repo, text, expected):
    assert _one(repo, GOOD.replace("Operators block internet calls", text)) == [E + "x.yaml:" + expected]


@pytest.mark.parametrize("text", [
    "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 and flag \U0001f3f3\ufe0f\u200d\U0001f308",  # ZWJ emoji sequences
    "Health worker \U0001f469\U0001f3fd\u200d\u2695\ufe0f",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian mi-khaham: ZWNJ between Arabic-script letters
    "\u0627\u0644\u0645\u063a\u0631\u0628 \u0600\u0661",  # Arabic, and the visible ARABIC NUMBER SIGN
])
def test_joiners_doing_visible_work_are_kept(repo, text):
    repo.entry("x", GOOD.replace("Operators block internet calls", text))
    loaded = repo.check()
    assert loaded.report.problems == [] and loaded.archive.entries[0].title == text


def test_every_invisible_character_class_is_refused():
    """Every control (but tab and line ends), format (Cf), separator (Zl, Zp) and surrogate code point is
    refused, except the visible prepended concatenation marks; ZWNJ and ZWJ are refused out of context."""
    import sys
    import unicodedata

    from scripts.evidence.scalars import _invisible
    visible_cf = {0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD}
    missed = [hex(cp) for cp in range(sys.maxunicode + 1)
              if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp", "Cs") and chr(cp) not in "\t\n\r"
              and cp not in visible_cf and _invisible(f"a{chr(cp)}b") is None]
    assert missed == []
    assert [_invisible(f"a{chr(cp)}b") for cp in sorted(visible_cf)] == [None] * len(visible_cf)


# Issue 14, point 10: positions in files with CR-only line ends --------------------------------------

@pytest.mark.parametrize("end", ["\r", "\r\n"])
@pytest.mark.parametrize("bad,expected", [
    ("\x01", "2:11: error: invalid character U+0001 in file (remove control characters)"),
    ("\xe9", "2:11: error: file is not valid UTF-8 (byte 0xe9) (save the file with UTF-8 encoding)"),
])
def test_positions_with_carriage_return_line_ends(repo, end, bad, expected):
    text = GOOD.replace("\n", end).replace("Operators", "Op" + bad)
    repo.raw("x", text.encode("latin-1"))
    assert repo.messages() == [E + "x.yaml:" + expected]


def test_positions_count_characters_and_yaml_line_breaks(repo):
    """libyaml counts NEL and LINE SEPARATOR as line breaks, and reports a bad character's place in bytes."""
    repo.raw("x", 'a: "x\u2028y"\nb: "\x85"\nc: "\u00e9\u0627\x01"\n'.encode())
    assert repo.messages() == [E + "x.yaml:5:7: error: invalid character U+0001 in file (remove control characters)"]


# Issue 14, point 10: references to unknown ids ----------------------------------------------------

def test_unknown_related_ids_get_at_most_20_suggestions(repo, monkeypatch):
    """A file listing thousands of unknown ids: 20 'did you mean' lookups, then one summary line
    (one lookup per reference took 16 s for 160,000 ids, minutes against a large archive)."""
    from scripts.evidence import rules
    calls = []
    real = rules.did_you_mean
    monkeypatch.setattr(rules, "did_you_mean", lambda word, choices: calls.append(word) or real(word, choices))
    ids = [f"n{i}" for i in range(5000)]
    repo.entry("x", GOOD.replace("tags: [boycott]", "related: [" + ", ".join(ids) + "]\ntags: [bycott, tg2]"))
    msgs = repo.messages()
    assert len(calls) == 20
    assert len(msgs) == 21
    assert msgs[0] == E + "x.yaml:12:11: error: related entry 'n0' does not exist"
    assert msgs[-1] == (E + "x.yaml:12:101: error: …and 4,982 more unknown ids from here on (4,980 related entries, 2 tags) "
                        "(only the first 20 are listed; fix those, then check again)")


# Issue 14, point 9: ids MkDocs treats specially --------------------------------------------------------

@pytest.mark.parametrize("name", ["index", "readme", "README"])
def test_reserved_ids_are_refused(repo, name):
    repo.entry(name)
    assert repo.messages() == [
        E + f"{name}.yaml:1:1: error: entry id '{name}' is reserved: MkDocs would publish {name}.md as the entries "
        "folder's own page, so every link to it would be broken "
        "(rename the file to say what the entry is, e.g. 2024-03-01-ministry-statement.yaml)"]


# Issue 14, point 2: only regular files inside the repository are read --------------------------------

def test_registry_linked_inside_the_repository_is_refused_too(repo):
    actors = repo.root / "evidence" / "actors.yaml"
    actors.rename(repo.root / "actors-real.yaml")
    os.symlink("../actors-real.yaml", actors)
    repo.entry("good")
    assert repo.messages() == ["evidence/actors.yaml:1:1: error: file is a symbolic link; links are not followed "
                               "(commit the file itself, not a link to it)"]


def test_evidence_folder_linked_is_refused(tmp_path):
    from conftest import Repo
    real = tmp_path / "real"
    Repo(real).entry("good")
    (tmp_path / "repo").mkdir()
    os.symlink(real / "evidence", tmp_path / "repo" / "evidence")
    from scripts.evidence import load_archive
    msgs = [str(p) for p in load_archive(tmp_path / "repo").report.sorted()]
    link = "folder evidence/ is a symbolic link; links are not followed"
    assert msgs == [f"evidence/actors.yaml:1:1: error: {link}; the registry was not read (commit the folder itself, not a link to it)",
                    f"evidence/entries:1:1: error: {link}; no entry in it was read (commit the folder itself, not a link to it)",
                    f"evidence/tags.yaml:1:1: error: {link}; the registry was not read (commit the folder itself, not a link to it)"]


def test_unreadable_folder_is_reported(repo, monkeypatch):
    """We run as root, who reads any folder: the refusal is simulated where the walk lists a folder."""
    repo.entry("good")
    repo.entry("hidden", year="2017")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("2017"):
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    assert repo.messages() == ["evidence/entries/2017:1:1: error: cannot read folder: Permission denied; "
                               "the entries in it were not checked (make the folder readable)"]


def test_unreadable_file_is_reported(repo, monkeypatch):
    path = repo.entry("good")
    real = os.open

    def fake_open(p, flags, *args, **kwargs):
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied")
        return real(p, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", fake_open)
    assert repo.messages() == [E + "good.yaml:1:1: error: cannot read file: Permission denied"]


def test_file_swapped_for_a_link_after_listing_is_not_followed(repo, monkeypatch):
    """O_NOFOLLOW and fstat: a file replaced by a link (or a FIFO) between lstat and open is not read."""
    from scripts.evidence import files
    outside = repo.root.parent / f"{repo.root.name}-secret.yaml"
    outside.write_text(GOOD.replace("Operators block internet calls", "SECRET"), "utf-8")
    path = repo.entry("good")
    real = os.lstat

    def lstat_then_swap(p, *args, **kwargs):
        st = real(p, *args, **kwargs)
        if str(p) == str(path):
            path.unlink()
            os.symlink(outside, path)
        return st
    monkeypatch.setattr(files.os, "lstat", lstat_then_swap)
    data = None
    with pytest.raises(files.Refused) as refused:
        data = files.read_bytes(path)
    assert data is None and refused.value.message == "file is a symbolic link; links are not followed"


@pytest.mark.parametrize("make,expected", [
    (lambda p: os.symlink("/dev/zero", p), "file is a symbolic link; links are not followed (commit the file itself, not a link to it)"),
    (os.mkfifo, "file is a named pipe (FIFO), not a regular file (only regular files are read: replace it with a file)"),
])
def test_mkdocs_yml_is_read_only_as_a_regular_file(tmp_path, make, expected):
    from scripts import config
    from scripts.evidence.problems import BuildError
    make(tmp_path / "mkdocs.yml")
    with pytest.raises(BuildError) as refused:
        config.load(tmp_path)
    assert str(refused.value) == f"cannot read mkdocs.yml: {expected}"


@pytest.mark.parametrize("extra", ["extra: [1]", "extra: {archive: {feed_size: 0x" + "f" * 4000 + "}}",
                                   "extra: {archive: {feed_size: many}}", "extra: {archive: [x]}"])
def test_mkdocs_yml_with_wrong_types_is_one_error(tmp_path, extra):
    """Issue 14, point 4: no traceback from ordinary input, mkdocs.yml included (int() of text, .get of a list)."""
    from scripts import config
    from scripts.evidence.problems import BuildError
    (tmp_path / "mkdocs.yml").write_text(f"site_name: X\nsite_url: https://example.org/\n{extra}\n", "utf-8")
    with pytest.raises(BuildError) as refused:
        config.load(tmp_path)
    assert str(refused.value) == ("mkdocs.yml: extra and extra.archive must be mappings, and feed_size a whole number "
                                  "from 1 to 10000 (the number of items in each feed)")
