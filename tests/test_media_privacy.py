"""Media privacy: an original is published only when its whole container is known to be safe.

The corpus is tests/hostile/media/privacy/ (written by make.py beside it): files hiding a location, an
address or other metadata where the archive once missed them, and good files. exiftool, the tool the
whole ecosystem trusts to read metadata, is the oracle: no published file may hold anything it reads as
EXIF, XMP, IPTC, a comment, a location or an address. Also: cached derivatives and verdicts are used only
when they are provably the ones made from this source.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import make_site_repo, run_build
from scripts import media
from scripts.evidence.model import MediaItem
from scripts.evidence.problems import Report
from scripts.evidence.spec import Ctx
from scripts.media import containers
from scripts.store import sha256_file

CORPUS = Path(__file__).parent / "hostile" / "media" / "privacy"
META = "carries metadata the archive cannot publish"
GPS = "carries a GPS location"
SECOND = "a second image after the end of the first, as in an MPO file or a JPEG appended to another"

# Each hostile file, and exactly why its original is refused.
HOSTILE = {
    "dji-xmp.jpg": f"{META} (an XMP packet in an APP1 segment)",
    "xmp-datatype.jpg": f"{META} (an XMP packet in an APP1 segment)",
    "xmp-utf16.jpg": f"{META} (an XMP packet in an APP1 segment)",
    "gps-second-app1.jpg": f"{META} (an EXIF block in an APP1 segment)",
    "mpo-gps-image-two.jpg": f"{META} (an index of further images in an APP2 segment, as in an MPO file, {SECOND})",
    "tiff-gps-page-two.tif": f"{META} (a second page or image in another IFD, "
                             "4,868 bytes that belong to no part of the image)",
    "exif-after-iend.png": f"{META} (an EXIF block in an eXIf chunk after the IEND chunk)",
    "jpeg-appended.jpg": f"{META} ({SECOND})",
    "iptc-city.jpg": f"{META} (IPTC or Photoshop data in an APP13 segment)",
    "xmp-city.jpg": f"{META} (an XMP packet in an APP1 segment)",
    "text-comment.png": f"{META} (a tEXt text chunk)",
    "comment.gif": f"{META} (a comment extension)",
    "exif.webp": GPS,  # Pillow reads this GPS itself, so the message says what matters most
}
GOOD = sorted(p.name for p in (CORPUS / "good").iterdir())
OPT_OUT = "(add 'publish_original: false' to this media item to publish only the stripped copies)"


def prepared(tmp_path: Path, *paths: Path) -> dict[str, media.Prepared | media.Failure]:
    folder = tmp_path / "evidence" / "media"
    folder.mkdir(parents=True, exist_ok=True)
    jobs = {}
    for path in paths:
        shutil.copy(path, folder / path.name)
        jobs[path.name] = media.Job(folder / path.name, sha256_file(path))
    results = media.prepare(jobs.values(), tmp_path / ".cache" / "media", workers=1)
    return {name: results[job.sha256] for name, job in jobs.items()}


def check(file: str, result, publish_original: bool = True) -> list[str]:
    node = yaml.compose("file: x\n").value[0][1]
    report = Report()
    media.check_item(Ctx("e.yaml", report), node, file, publish_original, result)
    return [str(p) for p in report.sorted()]


def test_the_corpus_is_complete():
    assert sorted(p.name for p in (CORPUS / "hostile").iterdir()) == sorted(HOSTILE)
    assert {"plain.jpg", "icc.jpg", "plain.png", "plain.webp", "plain.gif"} <= set(GOOD)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_original_is_refused_and_its_copies_published(tmp_path, name):
    p = prepared(tmp_path, CORPUS / "hostile" / name)[name]
    assert isinstance(p, media.Prepared), p
    assert p.unsafe == HOSTILE[name]
    assert check(name, p) == [
        f"e.yaml:1:7: error: media file '{name}' {HOSTILE[name]}; publishing the original is refused {OPT_OUT}"]
    assert check(name, p, publish_original=False) == []
    assert p.original(MediaItem(name, p.sha256, "alt")) is None
    assert p.thumb.file.stat().st_size == p.thumb.size > 0 and p.display.file.stat().st_size == p.display.size


@pytest.mark.parametrize("name", GOOD)
def test_good_original_is_published(tmp_path, name):
    p = prepared(tmp_path, CORPUS / "good" / name)[name]
    assert p.unsafe is None and check(name, p) == []
    assert p.original(MediaItem(name, p.sha256, "alt")).path == f"media/original/{p.sha256}/{name}"


# --- the walks, part by part --------------------------------------------------------------------

def jpeg_of(*segments: bytes) -> bytes:
    plain = (CORPUS / "good" / "plain.jpg").read_bytes()
    return plain[:20] + b"".join(segments) + plain[20:]  # after SOI and the 16-byte JFIF APP0


def seg(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


@pytest.mark.parametrize("data, found", [
    (jpeg_of(), []),
    (jpeg_of(seg(0xFE, b"where I was")), ["a comment in a COM segment"]),
    (jpeg_of(seg(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")), []),  # the colour transform flag: needed to decode
    (jpeg_of(seg(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01 and more")), ["an APP14 segment of an unknown kind"]),
    (jpeg_of(seg(0xE2, b"ICC_PROFILE\x00\x01\x01")), []),
    (jpeg_of(seg(0xE2, b"MPF\x00II*\x00")), ["an index of further images in an APP2 segment, as in an MPO file"]),
    (jpeg_of(seg(0xEC, b"Ducky\x00")), ["Photoshop 'save for web' data in an APP12 segment"]),
    (jpeg_of(seg(0xE1, b"http://ns.adobe.com/xmp/extension/\x00")), ["an extended XMP packet in an APP1 segment"]),
    (jpeg_of(seg(0xE1, b"anything")), ["an APP1 segment of an unknown kind"]),
    (jpeg_of(seg(0xE0, b"JFXX\x00\x10")), ["a thumbnail in a JFXX segment"]),
    (jpeg_of(seg(0xF7, b"LS")), ["a segment of an unknown kind, marker 0xFFF7"]),
    ((CORPUS / "good" / "plain.jpg").read_bytes() + b"\x00" * 7, ["7 bytes after the end-of-image marker"]),
    ((CORPUS / "good" / "plain.jpg").read_bytes()[:-2], ["no end-of-image marker"]),
])
def test_jpeg_walk(data, found):
    assert containers.jpeg(data) == found


def test_jfif_thumbnail_is_refused():
    plain = bytearray((CORPUS / "good" / "plain.jpg").read_bytes())
    assert plain[6:11] == b"JFIF\x00"
    plain[18:20] = b"\x01\x01"  # a 1 × 1 thumbnail (its 3 bytes are not there: the walk reads only the header)
    assert containers.jpeg(bytes(plain)) == ["a thumbnail in the JFIF header"]


def png_with(*chunks: tuple[bytes, bytes], after: bytes = b"") -> bytes:
    import struct
    import zlib
    plain = (CORPUS / "good" / "plain.png").read_bytes()
    body = b"".join(struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d)) for k, d in chunks)
    return plain[:-12] + body + plain[-12:] + after


@pytest.mark.parametrize("data, found", [
    (png_with((b"gAMA", b"\x00\x00\xb1\x8f"), (b"pHYs", bytes(9)), (b"sRGB", b"\x00")), []),
    (png_with((b"zTXt", b"k\x00\x00x")), ["a zTXt text chunk"]),
    (png_with((b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x/>")), ["an XMP packet in an iTXt chunk"]),
    (png_with((b"iTXt", b"Comment\x00\x00\x00\x00\x00hi")), ["an iTXt text chunk"]),
    (png_with((b"tIME", bytes(7))), ["a modification time in a tIME chunk"]),
    (png_with((b"eXIf", b"MM\x00*")), ["an EXIF block in an eXIf chunk"]),
    (png_with((b"caBX", b"")), ["a chunk of an unknown kind, caBX"]),
    (png_with(after=b"<script>"), ["8 bytes after the IEND chunk"]),
])
def test_png_walk(data, found):
    assert containers.png(data) == found


def test_webp_walk():
    plain = (CORPUS / "good" / "plain.webp").read_bytes()
    assert containers.webp(plain) == []
    assert containers.webp(plain + b"XMP ") == ["4 bytes after the RIFF container"]
    xmp = b"XMP \x04\x00\x00\x00<x/>"
    grown = b"RIFF" + (len(plain) - 8 + len(xmp)).to_bytes(4, "little") + plain[8:] + xmp
    assert containers.webp(grown) == ["an XMP packet in an XMP chunk"]


def test_gif_walk():
    plain = (CORPUS / "good" / "plain.gif").read_bytes()
    assert containers.gif(plain) == containers.gif((CORPUS / "good" / "animated.gif").read_bytes()) == []
    xmp = b"\x21\xff\x0bXMP DataXMP\x03<x/\x00"
    assert containers.gif(plain[:-1] + xmp + b"\x3b") == ["an XMP packet in an application extension"]
    assert containers.gif(plain + b"PK") == ["2 bytes after the GIF trailer"]


def test_tiff_tags_beyond_the_pixels_are_refused():
    from PIL import Image
    import io
    buf = io.BytesIO()
    Image.new("L", (4, 4)).save(buf, "TIFF", tiffinfo={270: "Rue de Rivoli", 305: "Scanner 2.0"})
    assert containers.tiff(buf.getvalue()) == ["a description in tag 270", "the software's name in tag 305"]


@pytest.mark.parametrize("kw", [{}, {"compression": "tiff_deflate"}, {"compression": "tiff_lzw"},
                                {"compression": "jpeg"}, {"compression": "packbits"}])
def test_tiff_pointing_to_every_byte_is_accepted(kw):
    from PIL import Image
    import io
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((300, 400)).convert("RGB").save(buf, "TIFF", **kw)  # several strips
    assert containers.tiff(buf.getvalue()) == []


def test_tiff_bytes_no_tag_points_to_are_refused():
    plain = (CORPUS / "good" / "plain.tif").read_bytes()
    assert containers.tiff(plain + b"<x:xmpmeta/>") == ["12 bytes that belong to no part of the image"]
    assert containers.tiff(plain[:60]) == ["an IFD cut short or malformed"]


def test_avif_originals_are_never_published():
    assert media.derive.SETTINGS["pipeline"] >= 2
    from scripts.media.inspect import verdict
    assert verdict("AVIF", False, []) == "is an AVIF file, which the archive cannot yet check for metadata"


# --- exiftool, the oracle -----------------------------------------------------------------------

ENTRY = """\
type: screenshot
title: "Image {n}"
date: "2016-03-01"
added: "2026-11-10"
language: "en"
summary: |
  A test entry holding one image.
media:
  - file: "privacy/{name}"
    sha256: "{sha}"
    alt: "An image"
{opt_out}"""

# Groups exiftool -G1 reports for what a good file is made of; anything else in a published file fails.
ALLOWED_GROUPS = {"ExifTool", "System", "File", "Composite", "JFIF", "PNG", "RIFF", "GIF", "ICC_Profile"}
TIFF_STRUCTURE = {"ImageWidth", "ImageHeight", "BitsPerSample", "Compression", "PhotometricInterpretation",
                  "StripOffsets", "SamplesPerPixel", "RowsPerStrip", "StripByteCounts", "PlanarConfiguration"}
# Tag names that say what a file must not tell, as exiftool spells them (case matters: ChromaticityChannel is fine).
WORDS = re.compile(r"GPS|[Ll]ocation|City|Address|Country|Province|State(?![a-z])|Comment|Warning|XMP|IPTC|Exif")


def exiftool() -> str:
    found = shutil.which("exiftool")
    if not found:
        message = "exiftool is not installed (Debian: apt-get install libimage-exiftool-perl)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: the metadata oracle must run, not skip)", pytrace=False)
        pytest.skip(message)
    return found


def forbidden(tags: dict) -> list[str]:
    """What exiftool read in a published file that a published file may not hold."""
    bad = []
    for key in tags:
        if key == "SourceFile":
            continue
        group, _, name = key.partition(":")
        tiff = tags["File:FileType"] == "TIFF"
        if tiff and (group == "IFD0" and name in TIFF_STRUCTURE or key == "File:ExifByteOrder"):
            continue  # a TIFF's own header and first IFD, describing its pixels
        if group not in ALLOWED_GROUPS and not group.startswith("ICC-"):
            bad.append(key)
        elif group not in ("System", "ExifTool") and WORDS.search(name):
            bad.append(key)
        elif group == "ExifTool" and name != "ExifToolVersion":
            bad.append(key)  # a warning: something exiftool found odd (trailing data, a misplaced chunk)
    return bad


def test_exiftool_finds_no_metadata_in_any_published_file(tmp_path):
    tool = exiftool()
    repo = make_site_repo(tmp_path)
    folder = repo.root / "evidence" / "media" / "privacy"
    folder.mkdir()
    files = [(p, False) for p in sorted((CORPUS / "hostile").iterdir())] + \
        [(CORPUS / "good" / n, True) for n in GOOD]
    for n, (path, good) in enumerate(files):
        shutil.copy(path, folder / path.name)
        repo.entry(f"2016-privacy-{n}", ENTRY.format(n=n, name=path.name, sha=sha256_file(path),
                                                     opt_out="" if good else "    publish_original: false\n"))
    code, out = run_build(repo)
    assert code == 0, out
    published = sorted(p for p in (repo.root / "site" / "media").rglob("*") if p.is_file())
    originals = {p.name: p for p in published if "/original/" in p.as_posix()}
    assert sorted(originals) == sorted([*GOOD, "synthetic-chart.png"])
    for name in GOOD:
        assert originals[name].read_bytes() == (CORPUS / "good" / name).read_bytes()
    assert len([p for p in published if p.suffix == ".webp"]) >= 2 * (len(files) + 1)
    done = subprocess.run([tool, "-j", "-a", "-G1", *map(str, published)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report) == len(published)
    assert {tags["SourceFile"]: forbidden(tags) for tags in report} == {str(p): [] for p in published}


def test_the_oracle_sees_what_the_hostile_files_hide():
    """The oracle is not blind: on the hostile originals themselves it finds what the build refuses to publish."""
    tool = exiftool()
    paths = sorted((CORPUS / "hostile").iterdir())
    done = subprocess.run([tool, "-j", "-a", "-G1", *map(str, paths)], capture_output=True, text=True, timeout=300)
    report = {Path(t["SourceFile"]).name: forbidden(t) for t in json.loads(done.stdout)}
    # exiftool does not read a JPEG appended after EOI: one reason the build walks bytes rather than ask a reader
    assert [name for name, bad in report.items() if not bad] == ["jpeg-appended.jpg"]
    for name in ("dji-xmp.jpg", "xmp-datatype.jpg", "xmp-utf16.jpg", "gps-second-app1.jpg", "tiff-gps-page-two.tif",
                 "exif-after-iend.png", "exif.webp"):
        assert any("GPS" in key for key in report[name]), (name, report[name])
    assert "IPTC:City" in report["iptc-city.jpg"] and "XMP-photoshop:City" in report["xmp-city.jpg"]


# --- cached state is verified or not used (issue 14, point 7) -----------------------------------

def cache_of(tmp_path: Path) -> Path:
    return tmp_path / ".cache" / "media"


def test_derivative_damaged_in_place_is_made_again(tmp_path, caplog):
    p = prepared(tmp_path, CORPUS / "good" / "plain.png")["plain.png"]
    whole = p.thumb.file.read_bytes()
    p.thumb.file.write_bytes(bytes(len(whole)))  # same size: only its digest tells
    with caplog.at_level("INFO", logger="scripts.store"):
        again = prepared(tmp_path, CORPUS / "good" / "plain.png")["plain.png"]
    assert again == p and p.thumb.file.read_bytes() == whole
    assert f"the cached thumb of {p.key} is damaged; making it again" in caplog.text


def test_derivative_replaced_by_another_file_of_its_size_is_made_again(tmp_path):
    # Trusted without hashing: the same size, mtime and inode as when written. Putting all three back by hand
    # is not a fault the cache guards against; truncation, a rewrite or a copy changes one of them.
    p = prepared(tmp_path, CORPUS / "good" / "plain.png")["plain.png"]
    whole = p.display.file.read_bytes()
    p.display.file.unlink()
    p.display.file.write_bytes(bytes(len(whole)))
    os.utime(p.display.file, ns=(1, 1))
    assert prepared(tmp_path, CORPUS / "good" / "plain.png")["plain.png"] == p
    assert p.display.file.read_bytes() == whole


def test_truncated_derivative_is_made_again(tmp_path):
    p = prepared(tmp_path, CORPUS / "good" / "plain.png")["plain.png"]
    whole = p.thumb.file.read_bytes()
    p.thumb.file.write_bytes(whole[:10])
    assert prepared(tmp_path, CORPUS / "good" / "plain.png")["plain.png"] == p
    assert p.thumb.file.read_bytes() == whole


def test_untouched_derivatives_are_not_hashed_again(tmp_path, monkeypatch):
    first = prepared(tmp_path, CORPUS / "good" / "plain.png")
    from scripts.store import derivatives
    monkeypatch.setattr(derivatives.hashlib, "file_digest", lambda *a: pytest.fail("hashed an untouched file"))
    assert prepared(tmp_path, CORPUS / "good" / "plain.png") == first


def test_a_record_made_from_another_source_is_not_used(tmp_path):
    """The verdict is keyed by the source's content: a safe record placed under a located file's key is ignored."""
    good, bad = CORPUS / "good" / "plain.jpg", CORPUS / "hostile" / "dji-xmp.jpg"
    results = prepared(tmp_path, good, bad)
    g, b = results["plain.jpg"], results["dji-xmp.jpg"]
    folder = cache_of(tmp_path)
    record = json.loads((folder / f"{g.key}.json").read_bytes())
    (folder / f"{b.key}.json").write_bytes(json.dumps(record).encode())
    for name in ("thumb", "display"):
        shutil.copy(folder / f"{g.key}.{name}.webp", folder / f"{b.key}.{name}.webp")
    from scripts.store.section import _sealed
    store = json.loads((folder.parent / "media.json").read_bytes())["data"]
    store["items"][b.key] = [b.key, record]
    (folder.parent / "media.json").write_bytes(_sealed(json.dumps(store).encode()))  # as the store writes it
    again = prepared(tmp_path, good, bad)["dji-xmp.jpg"]
    assert again.unsafe == HOSTILE["dji-xmp.jpg"] and again.original(MediaItem("dji-xmp.jpg", b.sha256, "a")) is None
    assert again == b
    store = json.loads((folder.parent / "media.json").read_bytes())["data"]
    assert store["items"][b.key][1]["source"] == b.sha256  # the forged record was replaced, not kept
    (folder / f"{b.key}.json").write_bytes(json.dumps(record).encode())  # the per-image file alone, forged
    (folder.parent / "media.json").unlink()
    assert prepared(tmp_path, good, bad)["dji-xmp.jpg"] == b


def test_a_record_without_a_verdict_is_not_used(tmp_path):
    """A record of the layout before the allowlist (has_location: false, no 'unsafe') is decoded again."""
    bad = CORPUS / "hostile" / "xmp-city.jpg"
    b = prepared(tmp_path, bad)["xmp-city.jpg"]
    folder = cache_of(tmp_path)
    record = json.loads((folder / f"{b.key}.json").read_bytes())
    del record["unsafe"]
    record["has_location"] = False
    (folder / f"{b.key}.json").write_bytes(json.dumps(record).encode())
    (folder.parent / "media.json").unlink()
    assert prepared(tmp_path, bad)["xmp-city.jpg"].unsafe == HOSTILE["xmp-city.jpg"]


def test_a_file_whose_content_is_not_its_checked_digest_is_not_used(tmp_path):
    folder = tmp_path / "evidence" / "media"
    folder.mkdir(parents=True)
    path = folder / "plain.jpg"
    shutil.copy(CORPUS / "good" / "plain.jpg", path)
    job = media.Job(path, "0" * 64)  # as if it were rewritten after it was hashed
    result = media.prepare([job], cache_of(tmp_path), workers=1)[job.sha256]
    assert result == media.Failure("changed while the build read it (its SHA-256 is not the one checked)",
                                   "run the command again; if it persists, check the file")
    assert not (cache_of(tmp_path).parent / "media.json").exists()  # nothing kept under the checked digest


def test_check_reports_each_refused_original_at_its_file(repo):
    """The whole path: `check` on entries citing hostile originals prints one PATH:LINE:COL error for each."""
    folder = repo.root / "evidence" / "media" / "privacy"
    folder.mkdir()
    names = ["dji-xmp.jpg", "exif-after-iend.png", "comment.gif"]
    for n, name in enumerate(names):
        shutil.copy(CORPUS / "hostile" / name, folder / name)
        repo.entry(f"2016-privacy-{n}", ENTRY.format(n=n, name=name, sha=sha256_file(folder / name), opt_out=""))
    assert repo.messages() == [
        f"evidence/entries/2016/2016-privacy-{n}.yaml:9:11: error: media file 'privacy/{name}' {HOSTILE[name]}; "
        f"publishing the original is refused {OPT_OUT}" for n, name in enumerate(names)]
    for n, name in enumerate(names):
        repo.entry(f"2016-privacy-{n}", ENTRY.format(n=n, name=name, sha=sha256_file(folder / name),
                                                     opt_out="    publish_original: false\n"))
    assert repo.messages() == []


def test_a_missing_exiftool_fails_in_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set: the metadata oracle must run"):
        exiftool()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install libimage-exiftool-perl"):
        exiftool()
