"""The contributor workflow: `new`, `hash`, annotations, CI workflows, templates, and CONTRIBUTING.md."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from PIL import Image

from conftest import GOOD, REPO, make_site_repo, run_build
from scripts.evidence import schema
from scripts.cli import _parser, main
from scripts.store import sha256_file
from scripts.contribute.new import slugify, unique_id

ENTRY_ID = "2016-01-users-call-for-a-boycott-of-mobile-operators"
ENTRY_REL = f"evidence/entries/2016/{ENTRY_ID}.yaml"
DOCS = (REPO / "CONTRIBUTING.md", REPO / "content" / "contributing.md")


def run(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    """Run `python -m scripts --root ROOT ARGS…` in-process; return exit code, stdout, stderr."""
    code = main(["--root", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def tree(root: Path) -> dict[str, bytes]:
    """Every file under evidence/, with its bytes: to show that a refused command wrote nothing."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "evidence").rglob("*")) if p.is_file()}


def today() -> str:
    return date.today().isoformat()


def sh_blocks(text: str) -> list[list[str]]:
    """The command lines of each ```sh block."""
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    return [[ln.strip() for ln in b.splitlines() if ln.strip() and not ln.lstrip().startswith("#")] for b in blocks]


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


# --- new: the entry it writes -------------------------------------------------------------------

NEW_ARGS = ("new", "article", "--title", "Users call for a boycott of mobile operators", "--date", "2016-01",
            "--url", "https://example.org/boycott-call", "--publisher", "Example News")


def written(added: str) -> str:
    return f"""\
# yaml-language-server: $schema=../../schema.json
type: "article"
title: "Users call for a boycott of mobile operators"
date: "2016-01"
# date_approximate: true  # uncomment if the sources give only an approximate date
added: "{added}"
language: ""  # fill in: language of the source, two letters: en, fr, ar…
# title_original: ""  # uncomment for the source's own title, in its language
summary: |  # fill in: what the evidence says, in your own words, on the next lines, indented by two spaces
source:
  url: "https://example.org/boycott-call"
  publisher: "Example News"
# actors: []  # uncomment and list ids from evidence/actors.yaml, e.g. [anrt]
# tags: []  # uncomment and list ids from evidence/tags.yaml
# notes: |  # uncomment to say where sources disagree: name each source and what it says
"""


def test_new_writes_the_entry_and_prints_next_steps(repo, capsys):
    code, out, err = run(repo.root, capsys, *NEW_ARGS)
    assert (code, err) == (0, "")
    assert (repo.root / ENTRY_REL).read_text("utf-8") == written(today())
    assert out == f"""\
wrote {ENTRY_REL}
fill in: language (line 7), summary (line 9)
next steps:
  1. open {ENTRY_REL} and replace each empty value marked 'fill in' (delete the comment too)
  2. make check      # fix what it reports, until it says 0 errors
  3. make site       # then open site/entries/{ENTRY_ID}/index.html
  4. commit the new files and open a pull request (see CONTRIBUTING.md)
"""


def test_check_names_each_unfilled_field(repo, capsys):
    run(repo.root, capsys, *NEW_ARGS)
    code, out, _ = run(repo.root, capsys, "check")
    assert code == 1
    assert out.splitlines() == [
        f"{ENTRY_REL}:7:11: error: 'language' is empty (write a value: this field is required)",
        f"{ENTRY_REL}:9:10: error: 'summary' is empty (write a value: this field is required)",
        "checked 3 files: 2 errors, 0 warnings",
    ]


def test_new_fills_every_option_and_quotes_every_value(repo, capsys):
    title = 'Le "Desk": l’ANRT # bloque: *les* appels & Skype — 50% {x} [y]'
    code, out, _ = run(repo.root, capsys, "new", "statement", "--title", title, "--date", "2016-01-07",
                       "--url", "https://example.org/a?b=1&c=#d", "--publisher", "Le Desk: 'média'",
                       "--language", "fr", "--speaker", "anrt")
    assert code == 0
    path = next((repo.root / "evidence" / "entries" / "2016").glob("*.yaml"))
    assert path.name == "2016-01-07-le-desk-lanrt-bloque-les-appels-skype-50-x-y.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data == {"type": "statement", "title": title, "date": "2016-01-07", "added": today(), "language": "fr",
                    "summary": "", "source": {"url": "https://example.org/a?b=1&c=#d", "publisher": "Le Desk: 'média'"},
                    "speaker": "anrt"}
    assert out.splitlines()[1] == "fill in: summary (line 9)"


def test_new_screenshot_without_url_has_no_source(repo, capsys, tmp_path):
    png = tmp_path / "likes.png"
    Image.new("RGB", (4, 4), "red").save(png)
    code, out, _ = run(repo.root, capsys, "new", "screenshot", "--title", "Campaign page loses likes",
                       "--date", "2016-02-28", "--language", "ar", "--media", str(png))
    assert code == 0
    rel = "evidence/entries/2016/2016-02-28-campaign-page-loses-likes.yaml"
    digest = sha256_file(png)
    assert (repo.root / rel).read_text("utf-8") == f"""\
# yaml-language-server: $schema=../../schema.json
type: "screenshot"
title: "Campaign page loses likes"
date: "2016-02-28"
# date_approximate: true  # uncomment if the sources give only an approximate date
added: "{today()}"
language: "ar"
# title_original: ""  # uncomment for the source's own title, in its language
summary: |  # fill in: what the evidence says, in your own words, on the next lines, indented by two spaces
# actors: []  # uncomment and list ids from evidence/actors.yaml, e.g. [anrt]
# tags: []  # uncomment and list ids from evidence/tags.yaml
media:
  - file: "2016/likes.png"
    sha256: "{digest}"
    alt: ""  # fill in: describe what the image shows, for readers who cannot see it
    # caption: ""  # uncomment for a caption shown under the image
    # captured: "2016-02-28T12:30:00+01:00"  # uncomment: when it was taken, with a timezone
# notes: |  # uncomment to say where sources disagree: name each source and what it says
"""
    assert (repo.root / "evidence" / "media" / "2016" / "likes.png").read_bytes() == png.read_bytes()
    assert out.splitlines()[:3] == [f"wrote {rel}", "copied evidence/media/2016/likes.png",
                                    "fill in: summary (line 9), media[1].alt (line 15)"]
    code, out, _ = run(repo.root, capsys, "check")
    assert out.splitlines() == [f"{rel}:9:10: error: 'summary' is empty (write a value: this field is required)",
                                f"{rel}:15:10: error: 'media[1].alt' is empty (write a value: this field is required)",
                                "checked 3 files: 2 errors, 0 warnings"]


def test_new_marks_an_image_with_a_location(repo, capsys, tmp_path):
    jpg = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (33.0, 34.0, 1.0)}
    Image.new("RGB", (4, 4), "green").save(jpg, exif=exif)
    code, out, _ = run(repo.root, capsys, "new", "screenshot", "--title", "Photo", "--date", "2016",
                       "--media", str(jpg))
    assert code == 0
    text = (repo.root / "evidence/entries/2016/2016-photo.yaml").read_text("utf-8")
    assert "    publish_original: false  # the original carries a GPS location: publish only the copies\n" in text
    assert ("note: 2016/photo.jpg carries a GPS location, which anyone can read in the repository once it is "
            "pushed; the site publishes only copies without it (publish_original: false). If the location is "
            "yours, remove it from the image before you commit") in out.splitlines()


def test_new_marks_an_image_with_other_metadata_so_that_check_passes(repo, capsys, tmp_path):
    """A PNG with a text chunk: its original cannot be published, and the file new writes says so."""
    from PIL import PngImagePlugin
    png = tmp_path / "notes.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home")
    Image.new("RGB", (4, 4), "blue").save(png, pnginfo=info)
    code, out, _ = run(repo.root, capsys, "new", "screenshot", "--title", "Notes", "--date", "2016", "--media", str(png))
    assert code == 0
    path = repo.root / "evidence/entries/2016/2016-notes.yaml"
    text = path.read_text("utf-8")
    assert "    publish_original: false  # the original carries a tEXt text chunk: publish only the copies\n" in text
    code, out, _ = run(repo.root, capsys, "check")
    assert out.count("error:") == len([line for line in out.splitlines() if "is empty" in line])  # only fields to fill
    assert "media file" not in out  # the image itself is accepted: only its copies will be published


def test_new_keeps_an_identical_image_and_adds_a_suffix_to_a_taken_id(repo, capsys, tmp_path):
    png = tmp_path / "likes.png"
    Image.new("RGB", (4, 4), "red").save(png)
    args = ("new", "screenshot", "--title", "Likes", "--date", "2016-02-28", "--media", str(png))
    assert run(repo.root, capsys, *args)[0] == 0
    code, out, _ = run(repo.root, capsys, *args)
    assert code == 0
    assert out.splitlines()[:2] == ["wrote evidence/entries/2016/2016-02-28-likes-2.yaml",
                                    "kept evidence/media/2016/likes.png (the same file is already there)"]
    assert run(repo.root, capsys, *args)[1].startswith("wrote evidence/entries/2016/2016-02-28-likes-3.yaml\n")


def test_modeline_points_at_the_schema_from_the_entry_folder(repo, capsys):
    run(repo.root, capsys, *NEW_ARGS)
    path = repo.root / ENTRY_REL
    first = path.read_text("utf-8").splitlines()[0]
    target = first.removeprefix("# yaml-language-server: $schema=")
    assert (path.parent / target).resolve() == (repo.root / "evidence" / "schema.json").resolve()


# --- new: ids -----------------------------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Opérateurs: l’ANRT « bloque » Skype", "operateurs-lanrt-bloque-skype"),
    ("Straße, Œuvre, Ærø, Łódź, Þing", "strasse-oeuvre-aero-lodz-thing"),
    ("  WhatsApp's calls -- back?! ", "whatsapps-calls-back"),
    ("4G arrives; 3G & ADSL blocked (2016)", "4g-arrives-3g-adsl-blocked-2016"),
    ("حجب المكالمات", ""),
    ("!!! ... ???", ""),
])
def test_slugify(title, slug):
    assert slugify(title, 69) == slug


def test_slug_is_cut_at_a_word_and_the_id_stays_within_80_characters():
    title = "The regulator explains at length why every operator had to stop free internet calls in January"
    slug = slugify(title, 80 - len("2016-01-07-"))
    assert slug == "the-regulator-explains-at-length-why-every-operator-had-to-stop-free"
    base = "2016-01-07-" + slug
    assert len(base) <= 80
    assert len(base) == 79
    second = unique_id(base, {base: Path("x")})
    assert second == "2016-01-07-the-regulator-explains-at-length-why-every-operator-had-to-stop-fre-2"
    assert unique_id(base, {base: Path("x"), second: Path("y")}) == second[:-1] + "3"
    assert unique_id("a" * 80, {"a" * 80: Path("x")}) == "a" * 78 + "-2"


# --- new: bad input -----------------------------------------------------------------------------

def _existing(repo):
    repo.entry("2016-01-07-taken")


BAD = [
    (["new", "artcle", "--title", "T", "--date", "2016", "--url", "https://example.org/a"],
     "error: unknown type 'artcle': use one of article, statement, screenshot, social-post, petition, report, "
     "legal, video (did you mean 'article'?)"),
    (["new", "article", "--title", "حجب المكالمات", "--date", "2016", "--url", "https://example.org/a"],
     "error: the title gives no id: it has no Latin letters or digits ('حجب المكالمات'); write the title in English, "
     "or give --id"),
    (["new", "article", "--title", "!!!", "--date", "2016", "--url", "https://example.org/a"],
     "error: the title gives no id: it has no Latin letters or digits ('!!!'); write the title in English, or give --id"),
    (["new", "article", "--title", "T", "--date", "2016-01-07", "--url", "https://example.org/a", "--id",
      "2016-01-07-taken"],
     "error: entry id '2016-01-07-taken' already exists: evidence/entries/2016/2016-01-07-taken.yaml "
     "(choose another --id)"),
    (["new", "article", "--title", "T", "--date", "2016", "--url", "https://example.org/a", "--id", "Bad_Id"],
     "error: '--id' is not a valid entry id: 'Bad_Id' (use lowercase letters, digits and single hyphens, at most "
     "80 characters, e.g. 2016-01-07-taken)"),
    (["new", "article", "--title", "T", "--date", "07/01/2016", "--url", "https://example.org/a"],
     "error: '--date' must be a date written as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (got '07/01/2016')"),
    (["new", "article", "--title", "T", "--date", "2016-02-30", "--url", "https://example.org/a"],
     "error: '--date' is not a real date: '2016-02-30'"),
    (["new", "article", "--title", "T", "--date", "2999", "--url", "https://example.org/a"],
     "error: '--date' is in the future: '2999' (use today's date or an earlier one)"),
    (["new", "article", "--title", "T", "--date", "2016"],
     "error: an article needs the address of its source: add --url URL"),
    (["new", "article", "--title", "T", "--date", "2016", "--url", "javascript:alert(1)"],
     "error: '--url' must be an http(s) address (got 'javascript:alert(1)') ('javascript:' addresses are refused)"),
    (["new", "article", "--title", "A <b>bold</b> claim", "--date", "2016", "--url", "https://example.org/a"],
     "error: raw HTML is not allowed in '--title' (write plain text; '<' may only be followed by a space)"),
    (["new", "article", "--title", "x" * 201, "--date", "2016", "--url", "https://example.org/a"],
     "error: '--title' is too long (201 characters; at most 200) (shorten it)"),
    (["new", "article", "--title", "T", "--date", "2016", "--url", "https://example.org/a", "--language", "French"],
     "error: '--language' is not valid: 'French' (two lowercase letters, e.g. fr)"),
    (["new", "statement", "--title", "T", "--date", "2016", "--url", "https://example.org/a"],
     "error: a statement needs who made it: add --speaker ACTOR (an id from evidence/actors.yaml)"),
    (["new", "statement", "--title", "T", "--date", "2016", "--url", "https://example.org/a", "--speaker", "anrtt"],
     "error: actor 'anrtt' is not in evidence/actors.yaml (did you mean 'anrt'?)"),
    (["new", "screenshot", "--title", "T", "--date", "2016"],
     "error: a screenshot needs its image: add --media FILE"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[m[7:40] for _, m in BAD])
def test_bad_input_is_refused_and_nothing_is_written(repo, capsys, args, message):
    _existing(repo)
    before = tree(repo.root)
    code, out, err = run(repo.root, capsys, *args)
    assert (code, out, err) == (2, "", message + "\n")
    assert tree(repo.root) == before


def _media_cases(tmp: Path) -> list[tuple[str, str]]:
    (tmp / "notes.txt").write_text("not an image\n")
    (tmp / "logo.svg").write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp / "drawing.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    Image.new("RGB", (4, 4)).save(tmp / "pic.bmp")
    Image.new("RGB", (4, 4)).save(tmp / "pic.dat", format="PNG")
    Image.new("RGB", (64, 64), "blue").save(tmp / "big.jpg", quality=95)
    (tmp / "cut.jpg").write_bytes((tmp / "big.jpg").read_bytes()[:200])
    Image.new("RGB", (4, 4), "blue").save(tmp / "shot.png")  # differs from the one already in the archive
    return [
        ("notes.txt", "error: --media: 'notes.txt' is not an image (accepted: JPEG, PNG, WebP, GIF, TIFF or AVIF)"),
        ("logo.svg", "error: --media: 'logo.svg' is an SVG drawing, which is refused because it can carry scripts "
                     "(export it as PNG)"),
        ("drawing.png", "error: --media: 'drawing.png' is an SVG drawing, which is refused because it can carry "
                        "scripts (export it as PNG)"),
        ("pic.bmp", "error: --media: 'pic.bmp' is a BMP image, which is not accepted (accepted: JPEG, PNG, WebP, "
                    "GIF, TIFF or AVIF)"),
        ("pic.dat", "error: --media: 'pic.dat' is a PNG image but its name does not end in .jpg, .jpeg, .png, .webp, "
                    ".gif, .tif, .tiff, .avif (rename it to pic.png)"),
        ("cut.jpg", "error: --media: 'cut.jpg' is not an image (accepted: JPEG, PNG, WebP, GIF, TIFF or AVIF)"),
        ("shot.png", "error: --media: evidence/media/2016/shot.png already exists and is a different file "
                     "(rename your file)"),
        ("missing.png", "error: --media: no such file: '{tmp}/missing.png'"),
    ]


def test_bad_media_is_refused_and_nothing_is_written(repo, capsys, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (repo.root / "evidence" / "media" / "2016").mkdir()
    Image.new("RGB", (4, 4), "red").save(repo.root / "evidence" / "media" / "2016" / "shot.png")
    Image.new("RGB", (4, 4), "red").save(src / "good.png")
    before = tree(repo.root)
    for name, message in _media_cases(src):
        # The good image comes first: it must not be copied when a later one is refused.
        code, out, err = run(repo.root, capsys, "new", "screenshot", "--title", "T", "--date", "2016-02-28",
                             "--media", str(src / "good.png"), str(src / name))
        assert (code, out, err) == (2, "", message.format(tmp=src) + "\n"), name
        assert tree(repo.root) == before, name


def test_usage_errors_exit_2(repo, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--root", str(repo.root), "new", "article", "--date", "2016"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.endswith("error: the following arguments are required: --title\n")


# --- hash ---------------------------------------------------------------------------------------

ZERO = "0" * 64


def _media_entry(lines: str, nl: str = "\n") -> str:
    head = ('# a comment that stays\ntype: screenshot   # a trailing comment\ntitle: \'Likes\'\ndate: "2016-02-28"\n'
            'added: "2026-11-20"\nlanguage: ar\nsummary: |\n  A *test* summary.\n')
    return (head + lines).replace("\n", nl)


def _images(repo) -> dict[str, str]:
    folder = repo.root / "evidence" / "media" / "2016"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, colour in [("a.png", "red"), ("b.png", "green"), ("c.png", "blue"), ("d.png", "white"),
                         ("e.png", "black"), ("f.png", "yellow")]:
        Image.new("RGB", (4, 4), colour).save(folder / name)
        out[name] = sha256_file(folder / name)
    return out


HASH_BEFORE = f"""\
media:
  - file: "2016/a.png"
    sha256: "{ZERO}"   # replaced image
    alt: "A"
  - file: 2016/b.png
    sha256: 'abc'
    alt: B
  - {{file: "2016/c.png", alt: "C"}}
  - file: "2016/d.png"  # no sha256 yet
    alt: "D"
  - file: "2016/e.png"
    sha256:
    alt: "E"
  - file: "2016/f.png"
    sha256: {ZERO}
    alt: "F"
"""


def _hash_after(h: dict[str, str]) -> str:
    return f"""\
media:
  - file: "2016/a.png"
    sha256: "{h['a.png']}"   # replaced image
    alt: "A"
  - file: 2016/b.png
    sha256: '{h['b.png']}'
    alt: B
  - {{file: "2016/c.png", sha256: "{h['c.png']}", alt: "C"}}
  - file: "2016/d.png"  # no sha256 yet
    sha256: "{h['d.png']}"
    alt: "D"
  - file: "2016/e.png"
    sha256: "{h['e.png']}"
    alt: "E"
  - file: "2016/f.png"
    sha256: {h['f.png'] if not h['f.png'].isdigit() else '"' + h['f.png'] + '"'}
    alt: "F"
"""


@pytest.mark.parametrize("nl, bom", [("\n", b""), ("\r\n", b""), ("\n", b"\xef\xbb\xbf")], ids=["lf", "crlf", "bom"])
def test_hash_rewrites_only_the_values(repo, capsys, nl, bom):
    h = _images(repo)
    path = repo.raw("2016-02-28-likes", bom + _media_entry(HASH_BEFORE, nl).encode("utf-8"))
    repo.entry("2016-01-07-no-media")
    code, out, err = run(repo.root, capsys, "hash")
    assert (code, err) == (0, "")
    assert path.read_bytes() == bom + _media_entry(_hash_after(h), nl).encode("utf-8")
    rel = "evidence/entries/2016/2016-02-28-likes.yaml"
    assert out.splitlines() == [
        f"{rel}:11:13: updated sha256 of '2016/a.png' (was 000000000000…)",
        f"{rel}:14:13: updated sha256 of '2016/b.png' (was abc…)",
        f"{rel}:16:34: updated sha256 of '2016/c.png' (it had none)",
        f"{rel}:18:13: updated sha256 of '2016/d.png' (it had none)",
        f"{rel}:21:13: updated sha256 of '2016/e.png' (it had none)",
        f"{rel}:24:13: updated sha256 of '2016/f.png' (was 000000000000…)",
        "updated 6 sha256 values in 1 of 1 entry file",
    ]
    assert run(repo.root, capsys, "check")[1] == "checked 4 files: 0 errors, 0 warnings\n"
    mtime = path.stat().st_mtime_ns
    assert run(repo.root, capsys, "hash", str(path)) == (0, "every sha256 is current in 1 entry file\n", "")
    assert path.stat().st_mtime_ns == mtime  # nothing to change: the file is not rewritten


def test_hash_after_an_image_is_replaced_makes_check_pass(repo, capsys, tmp_path):
    png = tmp_path / "likes.png"
    Image.new("RGB", (4, 4), "red").save(png)
    run(repo.root, capsys, "new", "screenshot", "--title", "Likes", "--date", "2016-02-28", "--language", "ar",
        "--media", str(png))
    rel = "evidence/entries/2016/2016-02-28-likes.yaml"
    path = repo.root / rel
    text = path.read_text("utf-8").replace("summary: |  # fill in", "summary: |\n  A summary.\n# fill in")
    path.write_text(text.replace('alt: ""', 'alt: "A page"'), "utf-8")
    image = repo.root / "evidence" / "media" / "2016" / "likes.png"
    Image.new("RGB", (4, 4), "black").save(image)  # say, a blurred copy
    code, out, _ = run(repo.root, capsys, "check")
    assert out.splitlines()[0] == (f"{rel}:16:13: error: sha256 does not match media file '2016/likes.png' (the file's is "
                                   f"{sha256_file(image)}) (if the file was replaced on purpose, run: python -m scripts "
                                   f"hash {rel})")
    code, out, _ = run(repo.root, capsys, "hash", str(path))
    assert code == 0 and out.endswith("updated 1 sha256 value in 1 of 1 entry file\n")
    assert path.read_text("utf-8") == text.replace('alt: ""', 'alt: "A page"').replace(sha256_file(png), sha256_file(image))
    assert run(repo.root, capsys, "check")[1] == "checked 3 files: 0 errors, 0 warnings\n"


def test_hash_reports_missing_files_with_their_position(repo, capsys):
    h = _images(repo)
    path = repo.entry("2016-02-28-likes", _media_entry(f"""\
media:
  - file: "2016/gone.png"
    sha256: "{ZERO}"
    alt: "Gone"
  - file: "2016/a.png"
    sha256: "{ZERO}"
    alt: "A"
  - file: "../outside.png"
    sha256: "{ZERO}"
    alt: "Out"
"""))
    missing = repo.root / "evidence" / "entries" / "2016" / "nope.yaml"
    code, out, _ = run(repo.root, capsys, "hash", str(path), str(missing))
    rel = "evidence/entries/2016/2016-02-28-likes.yaml"
    assert code == 1
    assert out.splitlines() == [
        f"{rel}:14:13: updated sha256 of '2016/a.png' (was 000000000000…)",
        f"{rel}:10:11: error: media file '2016/gone.png' not found in evidence/media/",
        f"{rel}:16:11: error: 'media[3].file' must stay inside evidence/media/ (got '../outside.png') "
        "(no '..', '.' or empty parts)",
        "evidence/entries/2016/nope.yaml:1:1: error: no such entry file",
        "updated 1 sha256 value in 1 of 2 entry files",
        "3 errors in 2 entry files: fix them and run the command again",
    ]
    assert f'sha256: "{h["a.png"]}"' in path.read_text("utf-8")  # what could be fixed was fixed


def test_hash_reports_a_broken_file_and_needs_no_media(repo, capsys):
    assert run(repo.root, capsys, "hash") == (0, "no entry file has media: nothing to do\n", "")
    path = repo.entry("2016-x", "media:\n  - file: [\n")
    code, out, _ = run(repo.root, capsys, "hash")
    assert code == 1
    assert out.splitlines()[0].startswith("evidence/entries/2016/2016-x.yaml:3:1: error: invalid YAML")
    assert path.read_text("utf-8") == "media:\n  - file: [\n"


# --- check --format github ----------------------------------------------------------------------

def test_github_format_prints_one_annotation_per_problem(repo, capsys):
    repo.entry("bad", GOOD.replace("type: article", "type: x").replace('language: "fr"', 'language: "French"')
               + "quote: {text: '" + "word " * 30 + "', lang: fr}\nrelated: [nowhere]\n")
    repo.entry("worse", GOOD.replace('date: "2016-01-07"', 'date: "2016-02-30"'))
    problems = repo.check().report.sorted()
    assert len(problems) == 5
    code, out, _ = run(repo.root, capsys, "check", "--strict", "--format", "github")
    lines = out.splitlines()
    assert code == 1
    assert lines[:-1] == [p.github() for p in problems]
    assert lines[-1] == "checked 4 files: 4 errors, 1 warning"
    for line, p in zip(lines, problems):
        assert re.fullmatch(r"::(error|warning) file=[^,:]+,line=\d+,col=\d+::.+", line), line
        assert line.startswith(f"::{p.severity} file={p.path},line={p.line},col={p.col}::{p.message}")


def test_default_root_reports_paths_relative_to_the_current_folder(repo, capsys, monkeypatch):
    repo.entry("bad", GOOD.replace("type: article", "type: x"))
    monkeypatch.chdir(repo.root)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.startswith("evidence/entries/2016/bad.yaml:1:7: error: 'type' must be one of")


# --- the newcomer's path, end to end ------------------------------------------------------------

def _filled(doc: str) -> str:
    """The filled-in entry shown in CONTRIBUTING.md, with today's date as `added`."""
    return re.sub(r'^added: ".*"$', f'added: "{today()}"', yaml_blocks(doc)[1], flags=re.MULTILINE)


def test_the_newcomer_path_in_process(tmp_path, capsys):
    doc = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    repo = make_site_repo(tmp_path / "repo")
    shutil.copy(REPO / "content" / "contributing.md", repo.root / "content" / "contributing.md")
    new_cmd = shlex.split(sh_blocks(section(doc, "Your first entry, step by step"))[2][0])
    assert new_cmd[:3] == [".venv/bin/python", "-m", "scripts"]

    code, out, _ = run(repo.root, capsys, *new_cmd[3:])
    assert code == 0
    assert "\n".join(out.splitlines()[:2]) in doc  # the output CONTRIBUTING.md shows
    path = repo.root / ENTRY_REL
    shown = re.sub(r'^added: ".*"$', f'added: "{today()}"', yaml_blocks(doc)[0], flags=re.MULTILINE)
    assert path.read_text("utf-8") == shown

    code, out, _ = run(repo.root, capsys, "check")
    assert code == 1
    first = out.splitlines()[0]
    assert first == f"{ENTRY_REL}:7:11: error: 'language' is empty (write a value: this field is required)"
    assert first in doc.replace("\n", " ")

    path.write_text(_filled(doc), "utf-8")
    assert run(repo.root, capsys, "check", "--strict") == (0, "checked 7 files: 0 errors, 0 warnings\n", "")
    capsys.readouterr()
    code, out = run_build(repo)
    assert code == 0, out
    site = repo.root / "site"
    page = (site / "entries" / ENTRY_ID / "index.html").read_text("utf-8")
    assert "Users call for a boycott of mobile operators" in page
    url = f"https://example.org/voip-archive/entries/{ENTRY_ID}/"
    assert f"<link>{url}</link>" in (site / "rss.xml").read_text("utf-8")
    assert url in (site / "atom.xml").read_text("utf-8")
    assert url in [i["url"] for i in json.loads((site / "feed.json").read_text("utf-8"))["items"]]
    assert (site / "contributing" / "index.html").is_file()  # the real Contribute page builds in strict mode


def _git_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Newcomer", GIT_AUTHOR_EMAIL="newcomer@example.org",
               GIT_COMMITTER_NAME="Newcomer", GIT_COMMITTER_EMAIL="newcomer@example.org")
    env.pop("PYTHONPATH", None)  # the clone's own scripts/ must be the one that runs
    for name in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS"):  # under `make test`, inner makes would print "Entering directory"
        env.pop(name, None)
    return env


def _upstream(root: Path, env: dict[str, str]) -> Path:
    """A repository like the real one (code, Makefile, site config) with synthetic evidence, committed."""
    make_site_repo(root)
    for name in ("Makefile", "requirements.txt", "requirements-test.txt", ".gitignore", "CONTRIBUTING.md"):
        shutil.copy2(REPO / name, root / name)
    shutil.copy(REPO / "content" / "contributing.md", root / "content" / "contributing.md")
    shutil.copytree(REPO / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__"),
                    dirs_exist_ok=True)  # make_site_repo copied MkDocs' hook there already
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "upstream"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


@pytest.mark.skipif(not (shutil.which("git") and shutil.which("make")), reason="needs git and make")
def test_the_newcomer_path_runs_as_written(tmp_path):
    """Run every command of CONTRIBUTING.md's step-by-step section for real, in order."""
    doc = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    env = _git_env(tmp_path)
    upstream = _upstream(tmp_path / "github" / "voip-archive", env)
    cwd = tmp_path / "laptop"
    cwd.mkdir()
    venv = Path(sys.executable).parent.parent
    outputs = []
    for line in [ln for block in sh_blocks(section(doc, "Your first entry, step by step")) for ln in block]:
        argv = shlex.split(line)
        if argv[0] == "cd":
            cwd = cwd / argv[1]
            (cwd / ".venv").symlink_to(venv)  # `make` would create .venv; the test's own is used instead
            continue
        if argv[:2] == ["git", "clone"]:
            argv[2] = str(upstream)
        if argv[0] == "make":  # the linked .venv counts as set up: nothing is installed
            argv = ["make", "-o", ".venv/.runtime", *argv[1:]]
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        outputs.append((line, done.stdout))
        if "-m scripts new " in line:
            assert done.stdout.startswith(f"wrote {ENTRY_REL}\n")
            (cwd / ENTRY_REL).write_text(_filled(doc), "utf-8")  # step 4: the contributor fills it in
    checks = [out for line, out in outputs if line == "make check"]
    assert len(checks) == 2 and all(out.endswith("0 errors, 0 warnings\n") for out in checks)
    assert (cwd / "site" / "entries" / ENTRY_ID / "index.html").is_file()
    assert f"/entries/{ENTRY_ID}/" in (cwd / "site" / "rss.xml").read_text("utf-8")
    pushed = subprocess.run(["git", "show", f"add-boycott-call:{ENTRY_REL}"], cwd=upstream, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert pushed == _filled(doc)


# --- every command the documents show -----------------------------------------------------------

def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text("utf-8").replace("$(VENV)", ".venv")
    return set(re.findall(r"^([A-Za-z0-9_./-]+):", text, re.MULTILINE))


GIT = {"clone", "switch", "add", "commit", "push"}


def check_command(line: str) -> None:
    """Assert that a shown command is one the project provides, with options its parser accepts."""
    argv = shlex.split(line)
    if argv[0] == "make":
        assert set(argv[1:]) <= make_targets(), f"unknown make target in: {line}"
    elif argv[:3] in (["python", "-m", "scripts"], [".venv/bin/python", "-m", "scripts"]):
        args = argv[3:]
        if "--help" not in args and len(args) > 1:  # a bare command name stands for the command
            _parser().parse_args(args)  # exits (fails the test) on an unknown command or option
        with pytest.raises(SystemExit) as exc:
            main([args[0], "--help"])
        assert exc.value.code == 0, line
    elif argv[0] == "git":
        assert argv[1] in GIT, line
    elif argv[0] == "cd":
        assert len(argv) == 2, line
    elif argv[:2] == ["pre-commit", "install"]:
        hooks = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["hooks"]
        check_command(hooks[0]["entry"])
    else:
        pytest.fail(f"not a command the project provides: {line}")


def shown_commands(text: str) -> list[str]:
    """Commands in ```sh blocks, and inline `make …` / `python -m scripts …` commands."""
    lines = [ln for block in sh_blocks(text) for ln in block]
    inline = re.findall(r"`((?:make|python -m scripts|\.venv/bin/python -m scripts) [^`]+)`", text)
    return lines + [c for c in inline if "COMMAND" not in c]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name if p.parent == REPO else "content/" + p.name)
def test_every_command_shown_is_provided(doc, capsys):
    commands = shown_commands(doc.read_text("utf-8"))
    assert len(commands) >= 15
    for line in commands:
        check_command(line)
    capsys.readouterr()


def test_the_site_page_shows_the_same_commands_and_examples():
    repo_doc, site_doc = (d.read_text("utf-8") for d in DOCS)
    assert sh_blocks(site_doc) == sh_blocks(repo_doc)
    assert yaml_blocks(site_doc) == yaml_blocks(repo_doc)


def test_examples_use_registered_actors_and_tags():
    doc = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    actors = yaml.safe_load((REPO / "evidence" / "actors.yaml").read_text("utf-8"))
    tags = yaml.safe_load((REPO / "evidence" / "tags.yaml").read_text("utf-8"))
    filled = yaml.safe_load(yaml_blocks(doc)[1])
    assert set(filled["actors"]) <= set(actors) and set(filled["tags"]) <= set(tags)
    shown_actor, shown_tag = (yaml.safe_load(b) for b in yaml_blocks(section(doc, "Adding an actor or a tag")))
    assert shown_actor == {k: actors[k] for k in shown_actor}  # shown as the registry has it
    assert shown_tag == {k: tags[k] for k in shown_tag}


# GitHub resolves these from the rendered file (github.com/OWNER/REPO/blob/main/CONTRIBUTING.md): the
# repository's own pages, whatever its owner and name.
GITHUB_PAGES = ("../../issues/new/choose",)


def test_relative_links_in_contributing_exist():
    doc = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", doc, re.M)}
    prose = re.sub(r"`[^`\n]*`", "", doc)  # code spans show the log's syntax (e.g. entry links): not links
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if target.startswith(("https://", "http://")) or target in GITHUB_PAGES:
            continue
        if target.startswith("#"):
            assert target[1:] in anchors, target
        else:
            assert (REPO / target).is_file(), target


def prose(text: str) -> str:
    """The text readers see as prose: without fenced blocks and `inline code` (where examples live)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name if p.parent == REPO else "content/" + p.name)
def test_contributing_links_to_no_placeholder(doc):
    text = prose(doc.read_text("utf-8"))
    links = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"<(https?://[^>]+)>", text)
    placeholders = [u for u in links if re.match(r"https?://(www\.)?(example\.(org|com|net)|github\.com/example)\b", u)]
    assert placeholders == []
    assert "github.com/example" not in text and "example.org" not in text


def test_site_page_links_only_to_pages_that_exist():
    site_doc = DOCS[1].read_text("utf-8")
    pages = {p.name for p in (REPO / "content").glob("*.md")} | {"format.md"}  # format.md is generated
    for target in re.findall(r"\]\(([^)\s]+)\)", site_doc):
        if not target.startswith(("https://", "http://", "#")):
            assert target.split("#")[0] in pages, target


# --- workflows, templates, hooks, editor --------------------------------------------------------

def load_workflow(name: str) -> dict:
    data = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text("utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_pull_request_workflow_checks_strictly_then_builds():
    wf = load_workflow("check.yml")
    assert "pull_request" in wf["on"]
    found = steps(wf)
    runs = [s.get("run") for s in found]
    setup = next(s for s in found if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    check = runs.index(".venv/bin/python -m scripts check --strict --format github")
    assert runs.index("make .venv/.runtime") < check < runs.index("make site")
    assert found.index(setup) < runs.index("make .venv/.runtime")
    assert runs.index(".venv/bin/python -m scripts schema --check") < runs.index("make site")  # registries too
    guard = next(s for s in found if s.get("name") == "Refuse generated files and caches in the pull request")
    assert found.index(guard) < check  # its script is run in test_incremental.py
    for step in found:
        if step.get("run") and step is not guard:
            check_command(step["run"])


TESTED_INPUTS = ("scripts/evidence/markup.py", "scripts/__init__.py", "tests/test_feeds.py", "tests/browser/package.json",
                 "requirements.txt", "requirements-test.txt", "Makefile", "mkdocs.yml", "overrides/main.html")


def github_path_match(pattern: str, path: str) -> bool:
    """GitHub's `paths` filter: '**' crosses folders, '*' stays inside one."""
    rx = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*").replace("\0", ".*")
    return re.fullmatch(rx, path) is not None


def test_pull_request_workflow_runs_the_tests_when_code_changes():
    wf = load_workflow("test.yml")
    paths = wf["on"]["pull_request"]["paths"]
    for changed in TESTED_INPUTS:
        assert any(github_path_match(p, changed) for p in paths), changed
    assert not any(github_path_match(p, "evidence/entries/2016/x.yaml") for p in paths)  # check.yml covers those
    (job,) = wf["jobs"].values()
    assert job["container"].startswith("debian:")  # .ci/run installs Chromium and npm with apt-get as root
    runs = [s.get("run", "") for s in job["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    assert "python3-venv" in runs[0] and uses.index("actions/checkout") == 1
    assert runs[-1] == "bash .ci/run"
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert ci.rstrip().endswith("make test") and "chromium" in ci and "npm" in ci and "default-jre-headless" in ci


def test_pages_workflow_builds_and_deploys_main():
    wf = load_workflow("pages.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"]["pages"] == "write" and wf["permissions"]["id-token"] == "write"
    assert wf["concurrency"]["group"]
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    runs = [s.get("run") for s in build["steps"]]
    assert uses.index("actions/configure-pages") < runs.index("make site") < uses.index("actions/upload-pages-artifact")
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    for step in steps(wf):
        assert "uses" in step or "run" in step
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def test_pull_request_template_has_the_reviewers_checklist():
    text = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text("utf-8")
    items = re.findall(r"^- \[ \] \*\*(.+?)\*\*", text, re.MULTILINE)
    assert items == ["Sources cited exactly", "Summary in our own words", "Short quotes only",
                     "Dates at the source's precision", "Disagreements noted", "No personal data in images",
                     "Actors and tags", "`make check` passes"]
    assert "children are never named" in text.lower()


def test_issue_forms():
    forms = {p.name: yaml.safe_load(p.read_text("utf-8")) for p in (REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml")}
    assert {f["name"] for f in forms.values()} == {"Suggest evidence", "Report an error in an entry"}
    for form in forms.values():
        assert form["description"] and form["body"]
        ids = [b["id"] for b in form["body"] if b["type"] != "markdown"]
        assert len(ids) == len(set(ids))
        assert all(b["attributes"].get("label") for b in form["body"] if b["type"] != "markdown")
    suggest = forms["suggest-evidence.yml"]
    kind = next(b for b in suggest["body"] if b.get("id") == "type")
    assert tuple(kind["attributes"]["options"]) == schema.TYPES


def test_pre_commit_hook_checks_changed_evidence():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert config["repos"][0]["repo"] == "local"
    assert hook["language"] == "system" and hook["pass_filenames"] is False
    assert hook["entry"].endswith("python -m scripts check --strict")
    assert re.search(hook["files"], "evidence/entries/2016/x.yaml") and re.search(hook["files"], "evidence/tags.yaml")
    assert not re.search(hook["files"], "scripts/evidence/schema.py")


def test_editor_settings_bind_entries_to_the_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.yamlVersion"] == "1.1"
    bound = {(REPO / path).resolve(): globs for path, globs in settings["yaml.schemas"].items()}
    assert bound[(REPO / "evidence" / "schema.json").resolve()] == ["evidence/entries/**/*.yaml"]
    assert len(bound) == 3  # and the registries' schemas (tests/test_clients.py)
    assert next((REPO / "evidence" / "entries").glob("*/*.yaml")).match("evidence/entries/*/*.yaml")
