"""The image stage: derivatives, metadata stripping, the GPS refusal, caching and every bad input."""

from __future__ import annotations

import io
import json
import logging
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
import yaml
from PIL import ExifTags, Image, ImageCms, PngImagePlugin, features

from scripts import media
from scripts.media import derive
from scripts.media import runner as preparing
from scripts.store import sha256_file
from scripts.evidence.model import Archive, Entry, MediaItem
from scripts.publish.links import link_list, link_listed
from scripts.publish.output import Writer
from scripts.evidence.problems import Report
from scripts.evidence.dates import PartialDate
from scripts.evidence.spec import Ctx

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --- building synthetic files -------------------------------------------------------------------

def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def halves(size, left="red", right="blue", mode="RGB") -> Image.Image:
    """An image whose left half and right half have different colours, to see rotations."""
    im = Image.new(mode, size, left)
    im.paste(Image.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return im


def gps_exif(orientation: int = 1, lat=(48.0, 51.0, 30.0), lon=(2.0, 21.0, 7.0)) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[3] = "N", "E"
    if lat is not None:
        gps[2], gps[4] = lat, lon
    return exif


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels and holds none: a decompression bomb, unallocated."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def xmp_png(xmp: bytes) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    return info


def with_segment(jpeg: bytes, marker: bytes, payload: bytes) -> bytes:
    """Insert a JPEG segment right after SOI."""
    return jpeg[:2] + marker + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def swapped_profile() -> bytes:
    """A minimal ICC v2 RGB profile whose red and green primaries are sRGB's green and red."""
    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)  # gamma 2.2
    text = b"swapped primaries\x00"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*green)), (b"gXYZ", xyz(*red)),
            (b"bXYZ", xyz(*blue)), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve),
            (b"cprt", b"text" + bytes(4) + b"none\x00")]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += bytes(-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (struct.pack(">I", offset + len(data)) + bytes(4) + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + bytes(12) + b"acsp" + bytes(28) + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(48))
    return header + struct.pack(">I", len(tags)) + table + data


class Folder:
    """A throwaway evidence/media/ folder and media cache."""

    def __init__(self, root: Path):
        self.root = root
        self.media = root / "evidence" / "media"
        self.cache = root / ".cache" / "media"
        self.media.mkdir(parents=True)
        self.jobs: dict[str, media.Job] = {}

    def add(self, name: str, data: bytes) -> media.Job:
        path = self.media / name
        path.write_bytes(data)
        self.jobs[name] = media.Job(path, sha256_file(path))
        return self.jobs[name]

    def run(self, workers: int = 1, cache: Path | None = None) -> dict[str, media.Prepared | media.Failure]:
        """Prepare every file added; return results by file name."""
        results = media.prepare(self.jobs.values(), cache or self.cache, workers=workers)
        return {name: results[job.sha256] for name, job in self.jobs.items()}

    def one(self, name: str, data: bytes):
        self.add(name, data)
        return self.run()[name]


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder(tmp_path)


def read(rendition: media.Rendition) -> Image.Image:
    im = Image.open(rendition.file)
    im.load()
    return im


def close(a, b, tolerance=12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


# --- dimensions and orientation -----------------------------------------------------------------

@pytest.mark.parametrize("size, thumb, display", [
    ((3200, 1800), (400, 225), (1600, 900)),     # landscape
    ((900, 1800), (200, 400), (800, 1600)),      # portrait
    ((800, 600), (400, 300), (800, 600)),        # display never enlarged
    ((10, 7), (10, 7), (10, 7)),                 # tiny: never enlarged
])
def test_dimensions(folder, size, thumb, display):
    p = folder.one("a.jpg", encode(halves(size), "JPEG"))
    assert (p.width, p.height) == size
    assert (p.thumb.width, p.thumb.height) == thumb == read(p.thumb).size
    assert (p.display.width, p.display.height) == display == read(p.display).size
    assert p.thumb.size == p.thumb.file.stat().st_size and p.thumb.mime == "image/webp"


def test_exif_orientation_is_applied(folder):
    # Orientation 6: stored sideways, shown turned 90° clockwise, so the left half ends up on top.
    p = folder.one("turned.jpg", encode(halves((300, 200)), "JPEG", exif=gps_exif(orientation=6, lat=None)))
    assert (p.width, p.height) == (200, 300)
    for r in (p.thumb, p.display):
        im = read(r).convert("RGB")
        assert im.size == (200, 300)
        assert close(im.getpixel((100, 20)), (255, 0, 0), 40) and close(im.getpixel((100, 280)), (0, 0, 255), 40)


def test_urls_and_names(folder):
    p = folder.one("a b.png", encode(halves((20, 10)), "PNG"))
    assert p.key == media.derivative_key(p.sha256) and len(p.key) == 64
    assert p.thumb.path == p.thumb.url == f"media/thumbs/{p.key}.webp"
    assert p.display.url == f"media/display/{p.key}.webp"
    original = p.original(MediaItem("2016/a b.png", p.sha256, "alt"))
    assert original.path == f"media/original/{p.sha256}/a b.png"
    assert original.url == f"media/original/{p.sha256}/a%20b.png"
    assert (original.size, original.mime, original.width) == (p.size, "image/png", 20)


@pytest.mark.parametrize("setting", ["quality", "thumb_method", "display_method"])
def test_key_depends_on_source_and_settings(monkeypatch, setting):
    a, b = "a" * 64, "b" * 64
    assert media.derivative_key(a) == media.derivative_key(a) != media.derivative_key(b)
    before = media.derivative_key(a)
    monkeypatch.setitem(media.SETTINGS, setting, media.SETTINGS[setting] + 1)
    derive._fingerprint.cache_clear()
    try:
        assert media.derivative_key(a) != before
    finally:
        monkeypatch.undo()
        derive._fingerprint.cache_clear()
    assert media.derivative_key(a) == before


# --- metadata -----------------------------------------------------------------------------------

def test_derivatives_carry_no_metadata(folder):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="48,51.5N"/></x:xmpmeta>'
    data = encode(halves((600, 400)), "JPEG", exif=gps_exif(), icc_profile=SRGB, comment=b"secret comment", xmp=xmp)
    p = folder.one("meta.jpg", data)
    for r in (p.thumb, p.display):
        im = read(r)
        assert not {"exif", "icc_profile", "xmp", "comment"} & im.info.keys(), im.info.keys()
        assert not im.getexif()
        raw = r.file.read_bytes()
        for marker in (b"EXIF", b"ICCP", b"XMP ", b"TestCam", b"secret", b"GPSLatitude"):
            assert marker not in raw


def test_icc_profile_is_converted_to_srgb(folder):
    # Pure red in a profile whose red primary is sRGB's green must come out green.
    p = folder.one("p3ish.png", encode(Image.new("RGB", (64, 64), (200, 0, 0)), "PNG", icc_profile=swapped_profile()))
    for r in (p.thumb, p.display):
        red, green, blue = read(r).convert("RGB").getpixel((32, 32))
        assert green > 150 and red < 60 and blue < 60


def test_gps_in_exif_refuses_the_original(folder):
    p = folder.one("gps.jpg", encode(halves((40, 30)), "JPEG", exif=gps_exif()))
    assert p.unsafe == "carries a GPS location"
    assert p.original(MediaItem("gps.jpg", p.sha256, "alt")) is None
    assert p.original(MediaItem("gps.jpg", p.sha256, "alt", publish_original=False)) is None


EXIF_JPEG = "carries metadata the archive cannot publish (an EXIF block in an APP1 segment)"


@pytest.mark.parametrize("name, data, unsafe", [
    ("exif.jpg", encode(halves((20, 10)), "JPEG", exif=gps_exif()), "carries a GPS location"),
    ("exif.png", encode(halves((20, 10)), "PNG", exif=gps_exif()), "carries a GPS location"),
    ("exif.webp", encode(halves((20, 10)), "WEBP", exif=gps_exif()), "carries a GPS location"),
    ("xmp.jpg", encode(halves((20, 10)), "JPEG", xmp=b"<rdf:Description><exif:GPSLongitude>2,21.1E"
                                                     b"</exif:GPSLongitude></rdf:Description>"),
     "carries a GPS location"),
    ("xmp.png", encode(halves((20, 10)), "PNG", pnginfo=xmp_png(b'<rdf:Description exif:GPSLatitude="48,51.5N"/>')),
     "carries a GPS location"),
    # no position, but EXIF all the same: refused by the allowlist, with what was found
    ("zeros.jpg", encode(halves((20, 10)), "JPEG", exif=gps_exif(lat=(0.0, 0.0, 0.0), lon=(0.0, 0.0, 0.0))),
     EXIF_JPEG),
    ("no-coordinates.jpg", encode(halves((20, 10)), "JPEG", exif=gps_exif(lat=None)), EXIF_JPEG),
    ("xmp-only.png", encode(halves((20, 10)), "PNG", pnginfo=xmp_png(b"<x:xmpmeta/>")),
     "carries metadata the archive cannot publish (an XMP packet in an iTXt chunk)"),
    ("plain.jpg", encode(halves((20, 10)), "JPEG"), None),
    ("icc.jpg", encode(halves((20, 10)), "JPEG", icc_profile=SRGB), None),
    ("plain.png", encode(halves((20, 10)), "PNG"), None),
])
def test_what_refuses_the_original(folder, name, data, unsafe):
    assert folder.one(name, data).unsafe == unsafe


# --- checking -----------------------------------------------------------------------------------

ENTRY_YAML = "type: screenshot\nmedia:\n  - file: shot.jpg\n    sha256: x\n"


def check(file: str, result, publish_original: bool = True) -> list[str]:
    """Run check_item at the 'file' node of a small entry; return the printed problems."""
    root = yaml.compose(ENTRY_YAML)
    node = root.value[1][1].value[0].value[0][1]
    report = Report()
    media.check_item(Ctx("evidence/entries/2016/e.yaml", report), node, file, publish_original, result)
    return [str(p) for p in report.sorted()]


def test_gps_refusal_message_and_opt_out(folder):
    p = folder.one("shot.jpg", encode(halves((40, 30)), "JPEG", exif=gps_exif()))
    assert check("shot.jpg", p) == [
        "evidence/entries/2016/e.yaml:3:11: error: media file 'shot.jpg' carries a GPS location; publishing the "
        "original is refused (add 'publish_original: false' to this media item to publish only the stripped copies)"]
    assert check("shot.jpg", p, publish_original=False) == []


def test_failure_is_reported_at_the_file(folder):
    failure = folder.one("shot.jpg", b"")
    assert check("shot.jpg", failure) == [
        "evidence/entries/2016/e.yaml:3:11: error: media file 'shot.jpg' is empty (0 bytes) "
        "(replace it with the image itself)"]


def test_extension_disagreeing_with_content_is_refused(folder):
    p = folder.one("shot.jpg", encode(halves((40, 30)), "PNG"))
    assert isinstance(p, media.Prepared) and p.format == "PNG"
    assert check("2016/shot.jpg", p) == [
        "evidence/entries/2016/e.yaml:3:11: error: media file '2016/shot.jpg' is a PNG file with the wrong "
        "extension (rename it to shot.png and change 'file' to match; its sha256 stays the same)"]
    assert check("2016/shot.PNG", p) == []


def test_jpeg_extensions(folder):
    p = folder.one("a.jpeg", encode(halves((40, 30)), "JPEG"))
    assert check("a.jpeg", p) == check("a.JPG", p) == []
    assert check("a.tif", p)[0].endswith("is a JPEG file with the wrong extension "
                                         "(rename it to a.jpg and change 'file' to match; its sha256 stays the same)")


# --- bad and unusual inputs ---------------------------------------------------------------------

GOOD_JPEG = encode(halves((400, 300)), "JPEG", quality=90)
GOOD_PNG = encode(Image.radial_gradient("L").convert("RGB"), "PNG")
GOOD_WEBP = encode(Image.radial_gradient("L").convert("RGB"), "WEBP")
TIFF_FILE = encode(Image.radial_gradient("L").convert("RGB"), "TIFF", compression="tiff_deflate")


@pytest.mark.parametrize("name, data, message, hint", [
    ("empty.jpg", b"", "media file 'empty.jpg' is empty (0 bytes)", "replace it with the image itself"),
    ("cut.jpg", GOOD_JPEG[: len(GOOD_JPEG) // 2], "media file 'cut.jpg' is truncated",
     "the file is incomplete: copy it again from its source, then update its sha256: python -m scripts hash"),
    ("cut.png", GOOD_PNG[: len(GOOD_PNG) // 2], "media file 'cut.png' is truncated", None),
    ("cut.webp", GOOD_WEBP[: len(GOOD_WEBP) // 2], "media file 'cut.webp' is truncated", None),
    ("cut.tif", TIFF_FILE[: len(TIFF_FILE) // 2],
     "media file 'cut.tif' is damaged: it starts like a TIFF file but cannot be read",
     "it may be truncated or corrupted: copy it again from its source, then update its sha256: python -m scripts hash"),
    ("notes.jpg", "Notes about the screenshot.\nÉtape 2 …\n".encode(),
     "media file 'notes.jpg' is not an image (it looks like text)", "replace it with the image file itself"),
    ("page.jpg", b"<!DOCTYPE html>\n<html><body><img src='x.jpg'></body></html>",
     "media file 'page.jpg' is not an image (it looks like a web page)",
     "save the image itself, not the page that shows it"),
    ("logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "media file 'logo.png' is an SVG; SVG is refused", "export it as PNG: SVG files can carry scripts"),
    ("bare.png", b'<!-- Generator: an editor -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
     "media file 'bare.png' is an SVG; SVG is refused", None),
    ("phone.jpg", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),
     "media file 'phone.jpg' is a HEIC file, which is not accepted",
     "convert it to PNG (screenshots) or JPEG (photos)"),
    ("doc.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "media file 'doc.png' is a PDF file, which is not accepted", None),
    ("old.png", encode(halves((20, 10)), "BMP"), "media file 'old.png' is a BMP file, which is not accepted", None),
    ("noise.jpg", bytes(range(256)) * 4, "media file 'noise.jpg' is not an image in an accepted format",
     "use JPEG, PNG, WebP, GIF, TIFF or AVIF"),
    ("bomb.png", png_header(20_000, 20_000),
     "media file 'bomb.png' is too large to decode (400 megapixels; the limit is about 90)",
     "scale it down below 89 megapixels, e.g. 10,000 × 8,900 pixels"),
    ("big.png", png_header(10_000, 9_000),
     "media file 'big.png' is too large to decode (90.0 megapixels; the limit is about 90)", None),
])
def test_bad_input(folder, name, data, message, hint):
    failure = folder.one(name, data)
    assert isinstance(failure, media.Failure)
    assert failure.message(name) == message
    if hint is not None:
        assert failure.hint == hint
    assert not list(folder.cache.glob("*.webp"))  # nothing half-written


def test_unreadable_file_is_reported_not_cached(folder, tmp_path):
    job = media.Job(tmp_path / "missing.jpg", "c" * 64)
    result = media.prepare([job], folder.cache)[job.sha256]
    assert result.message("missing.jpg") == "media file 'missing.jpg' cannot be read (No such file or directory)"
    assert not list(folder.cache.iterdir())  # no record: the next run tries again


def test_cmyk_jpeg(folder):
    p = folder.one("cmyk.jpg", encode(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG", quality=95))
    for r in (p.thumb, p.display):
        im = read(r)
        assert im.mode == "RGB" and close(im.getpixel((32, 24)), (255, 0, 0), 20)


def test_16_bit_png_is_scaled_not_clipped(folder):
    gradient = Image.linear_gradient("L").resize((64, 64)).convert("I").point(lambda v: v * 257).convert("I;16")
    p = folder.one("deep.png", encode(gradient, "PNG"))
    im = read(p.display).convert("L")
    assert im.getpixel((32, 2)) < 20 and 100 < im.getpixel((32, 32)) < 156 and im.getpixel((32, 61)) > 235


def test_palette_png_with_transparency(folder):
    im = Image.new("P", (40, 20), 0)
    im.putpalette([0, 0, 0, 255, 0, 0])
    im.paste(1, (20, 0, 40, 20))
    p = folder.one("palette.png", encode(im, "PNG", transparency=0))
    for r in (p.thumb, p.display):
        out = read(r)
        assert out.mode == "RGBA"
        assert out.getpixel((2, 10))[3] == 0 and close(out.getpixel((37, 10)), (255, 0, 0, 255))


def test_corrupt_exif_does_not_stop_the_derivatives(folder):
    broken = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x05\x01\x12\x00"  # an IFD cut short
    p = folder.one("odd.jpg", with_segment(encode(halves((40, 30)), "JPEG"), b"\xff\xe1", broken))
    assert isinstance(p, media.Prepared) and (p.thumb.width, p.unsafe) == (40, EXIF_JPEG)


def test_opaque_alpha_is_dropped(folder):
    p = folder.one("opaque.png", encode(halves((40, 20), mode="RGBA"), "PNG"))
    assert read(p.display).mode == "RGB"


@pytest.mark.parametrize("fmt, ext", [("GIF", "gif"), ("WEBP", "webp"), ("PNG", "png")])
def test_animation_becomes_its_first_frame(folder, fmt, ext):
    frames = [Image.new("RGB", (60, 40), c) for c in ("red", "lime", "blue")]
    p = folder.one(f"anim.{ext}", encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0))
    assert p.animated is True
    for r in (p.thumb, p.display):
        im = read(r)
        assert not getattr(im, "is_animated", False)
        assert close(im.convert("RGB").getpixel((30, 20)), (255, 0, 0), 20)


def test_still_image_is_not_animated(folder):
    assert folder.one("still.gif", encode(halves((20, 10)).convert("P"), "GIF")).animated is False


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow build has no AVIF support")
def test_avif_is_accepted(folder):
    p = folder.one("photo.avif", encode(halves((64, 48)), "AVIF"))
    assert p.format == "AVIF" and (p.thumb.width, p.thumb.height) == (64, 48)
    # its boxes are not walked yet, so its original is never published: only the copies are
    assert check("photo.avif", p) == [
        "evidence/entries/2016/e.yaml:3:11: error: media file 'photo.avif' is an AVIF file, which the archive cannot "
        "yet check for metadata; publishing the original is refused (add 'publish_original: false' to this media "
        "item to publish only the stripped copies)"]
    assert check("photo.avif", p, publish_original=False) == []
    assert p.original(MediaItem("photo.avif", p.sha256, "alt")) is None


def test_tiff_is_accepted(folder):
    p = folder.one("scan.tif", TIFF_FILE)
    assert p.format == "TIFF" and p.thumb.width == 256 and check("scan.tiff", p) == []


# --- caching, determinism, parallelism ----------------------------------------------------------

def test_two_runs_give_the_same_bytes(folder, tmp_path):
    folder.add("a.jpg", encode(halves((700, 500)), "JPEG", exif=gps_exif(orientation=3)))
    folder.add("b.png", encode(halves((90, 300), mode="RGBA"), "PNG"))
    first = folder.run(cache=tmp_path / "one" / "media")
    second = folder.run(cache=tmp_path / "two" / "media")
    for name in first:
        a, b = first[name], second[name]
        assert a.key == b.key
        for ra, rb in ((a.thumb, b.thumb), (a.display, b.display)):
            assert ra.file.read_bytes() == rb.file.read_bytes()
    one, two = (json.loads((tmp_path / name / "media.json").read_bytes())["data"] for name in ("one", "two"))
    for store in (one, two):  # what the local files looked like (mtime, inode) differs, and only that
        for _, record in store["items"].values():
            assert len(record.pop("seen")) == 2
    assert one == two


def test_warm_run_decodes_nothing(folder, monkeypatch):
    folder.add("a.jpg", GOOD_JPEG)
    folder.add("bad.jpg", b"not an image")
    cold = folder.run()

    def fail(*args, **kwargs):
        raise AssertionError("a warm run must not decode")
    monkeypatch.setattr(Image, "open", fail)
    assert folder.run() == cold
    for path in folder.cache.glob("*.json"):
        path.unlink()
    assert folder.run() == cold  # the store's media section alone is enough


def test_interrupted_run_is_resumed_from_per_image_records(folder, monkeypatch):
    folder.add("a.jpg", GOOD_JPEG)
    cold = folder.run()
    (folder.cache.parent / "media.json").unlink()
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoded again"))
    assert folder.run() == cold
    assert (folder.cache.parent / "media.json").is_file()


def test_missing_derivative_is_made_again(folder):
    folder.add("a.jpg", GOOD_JPEG)
    p = folder.run()["a.jpg"]
    data = p.thumb.file.read_bytes()
    p.thumb.file.unlink()
    assert folder.run()["a.jpg"] == p
    assert p.thumb.file.read_bytes() == data


def test_duplicate_sources_are_decoded_once(folder, monkeypatch):
    calls = []
    real = preparing.work
    monkeypatch.setattr(preparing, "work", lambda *a: calls.append(a) or real(*a))
    folder.add("a.jpg", GOOD_JPEG)
    folder.add("copy.jpg", GOOD_JPEG)
    results = folder.run()
    assert results["a.jpg"] == results["copy.jpg"] and len(calls) == 1


def test_process_pool_gives_the_same_results(folder, tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(preparing, "PROGRESS_MIN", 2)
    for i in range(preparing.SERIAL_MAX + 2):
        folder.add(f"{i}.jpg", encode(halves((200 + i, 100)), "JPEG"))
    folder.add("bad.jpg", b"")
    with caplog.at_level(logging.INFO, logger="scripts.media"):
        pooled = folder.run(workers=2, cache=tmp_path / "pooled")
    serial = folder.run(workers=1, cache=tmp_path / "serial")
    assert {k: (v.thumb.size, v.display.size) if isinstance(v, media.Prepared) else v for k, v in pooled.items()} \
        == {k: (v.thumb.size, v.display.size) if isinstance(v, media.Prepared) else v for k, v in serial.items()}
    assert "media: 7 of 7 images prepared" in caplog.text


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_logged_about_every_tenth_when_not_on_a_terminal(caplog, monkeypatch):
    monkeypatch.setattr(preparing.time, "monotonic", lambda: 100.0)
    stream = io.StringIO()
    with caplog.at_level(logging.INFO, logger="scripts.media"):
        progress = preparing._Progress(25, stream)
        for _ in range(25):
            progress.step()
        progress.close()
    assert caplog.messages == [f"media: {n} of 25 images prepared (0 s)" for n in (2, 4, 6, 8, 10, 12, 14, 16, 18,
                                                                                     20, 22, 24, 25)]
    assert stream.getvalue() == ""


def test_progress_is_a_bar_on_a_terminal(caplog):
    stream = Terminal()
    with caplog.at_level(logging.INFO, logger="scripts.media"):
        progress = preparing._Progress(25, stream)
        for _ in range(25):
            progress.step()
        progress.close()
    assert caplog.messages == []
    assert "media: 100%" in stream.getvalue() and "25/25" in stream.getvalue()


@pytest.mark.parametrize("stream", [io.StringIO(), Terminal()], ids=["log", "terminal"])
def test_short_runs_show_no_progress(caplog, stream):
    with caplog.at_level(logging.INFO, logger="scripts.media"):
        progress = preparing._Progress(preparing.PROGRESS_MIN - 1, stream)
        for _ in range(preparing.PROGRESS_MIN - 1):
            progress.step()
        progress.close()
    assert caplog.messages == [] and stream.getvalue() == ""


# --- publishing ---------------------------------------------------------------------------------

def archive_of(*items: MediaItem) -> Archive:
    entry = Entry(id="e", path="evidence/entries/2016/e.yaml", type="screenshot", title="t",
                  date=PartialDate(2016, 1, 7), added=date(2026, 1, 1), summary="s", language="en", media=items)
    return Archive(entries=[entry], actors={}, tags={})


def test_outputs_publish_derivatives_and_byte_exact_originals(folder):
    data = encode(halves((500, 300)), "PNG")
    job = folder.add("shot.png", data)
    hidden = folder.add("hidden.jpg", encode(halves((50, 30)), "JPEG", exif=gps_exif()))
    prepared = media.prepare(folder.jobs.values(), folder.cache)
    p, q = prepared[job.sha256], prepared[hidden.sha256]
    archive = archive_of(MediaItem("shot.png", job.sha256, "alt"),
                         MediaItem("hidden.jpg", hidden.sha256, "alt", publish_original=False))
    outs = media.outputs(archive, prepared)
    assert [(o.path, o.key) for o in outs] == sorted([
        (f"media/display/{p.key}.webp", p.key), (f"media/display/{q.key}.webp", q.key),
        (f"media/original/{job.sha256}/shot.png", job.sha256),
        (f"media/thumbs/{p.key}.webp", p.key), (f"media/thumbs/{q.key}.webp", q.key)])
    # published as the build does: listed in content/, then linked into the built site
    content, site = folder.root / "content", folder.root / "site"
    content.mkdir()
    Writer(content).write([link_list(outs, folder.root)])
    assert link_listed(folder.root, content, site, (folder.media, folder.cache)) == 5
    assert not (content / "media").exists()
    original = site / f"media/original/{job.sha256}/shot.png"
    assert original.read_bytes() == data and sha256_file(original) == job.sha256
    assert (site / p.thumb.path).read_bytes() == p.thumb.file.read_bytes()
    assert (site / p.thumb.path).stat().st_ino == p.thumb.file.stat().st_ino
    assert original.stat().st_ino == job.path.stat().st_ino


def test_outputs_never_publish_a_located_original(folder, caplog):
    job = folder.add("gps.jpg", encode(halves((50, 30)), "JPEG", exif=gps_exif()))
    prepared = media.prepare(folder.jobs.values(), folder.cache)
    outs = media.outputs(archive_of(MediaItem("gps.jpg", job.sha256, "alt")), prepared)
    assert not [o for o in outs if o.path.startswith("media/original/")]
    assert "not publishing the original of gps.jpg" in caplog.text


def test_outputs_skip_failures(folder):
    job = folder.add("bad.jpg", b"oops")
    prepared = media.prepare(folder.jobs.values(), folder.cache)
    assert media.outputs(archive_of(MediaItem("bad.jpg", job.sha256, "alt")), prepared) == []


def test_jpeg_is_decoded_at_a_reduced_scale(folder, monkeypatch):
    decoded = []
    real = derive._resizable
    monkeypatch.setattr(derive, "_resizable", lambda im: decoded.append(im.size) or real(im))
    p = folder.one("big.jpg", encode(halves((3200, 1800)), "JPEG"))
    assert decoded == [(1600, 900)]  # libjpeg decoded at 1/2 scale: the full 3200 × 1800 was never built
    assert (p.display.width, p.display.height) == (1600, 900)
