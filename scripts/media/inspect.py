"""What a source image is: its format, whether its metadata carries a location, and why it is refused."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import ExifTags, Image, features


log = logging.getLogger(__name__)

MAX_PIXELS = 89_478_485  # Pillow's default decompression-bomb limit, "about 90 megapixels"
ACCEPTED = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "AVIF")
NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "TIFF": "TIFF", "AVIF": "AVIF"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif",
        "TIFF": "image/tiff", "AVIF": "image/avif"}
EXTENSIONS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",), "GIF": (".gif",),
              "TIFF": (".tif", ".tiff"), "AVIF": (".avif",)}
ANIMATED_FORMATS = ("GIF", "PNG", "WEBP", "AVIF")  # a multi-page TIFF is not an animation
HASH_HINT = "then update its sha256: python -m scripts hash"
_GPS_TAGS = (2, 4, 20, 22)  # GPSLatitude, GPSLongitude, GPSDestLatitude, GPSDestLongitude
_XMP_GPS = re.compile(rb"GPS(?:Dest)?(?:Latitude|Longitude)(?:\s*=\s*[\"']|\s*>)[^\"'<]*?[1-9]")
BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class Failure:
    """Why a source image cannot be used; ``problem`` follows "media file 'NAME'"."""

    problem: str
    hint: str = ""

    def message(self, file: str) -> str:
        """Return the user-facing message for the media file named ``file``."""
        return f"media file '{file}' {self.problem}"


class Refused(Exception):
    """A source file that cannot be used, for a reason tied to its bytes (so the verdict is cached)."""

    def __init__(self, problem: str, hint: str = ""):
        super().__init__(problem)
        self.problem, self.hint = problem, hint



@lru_cache(maxsize=1)
def accepted_formats() -> tuple[str, ...]:
    return tuple(f for f in ACCEPTED if f != "AVIF" or features.check("avif"))


# --- metadata -----------------------------------------------------------------------------------

def metadata(im: Image.Image) -> tuple[int, bool]:
    """Return the EXIF orientation (1 when unreadable) and whether EXIF or XMP holds GPS coordinates."""
    try:
        exif = im.getexif()
        orientation = exif.get(ExifTags.Base.Orientation, 1)
        located = _has_coordinates(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:  # corrupt EXIF is common and raises anything; it must not stop the derivatives
        raw = im.info.get("exif") or b""
        orientation, located = 1, b"\x88\x25" in raw or b"\x25\x88" in raw  # a GPS IFD pointer: assume the worst
    if not isinstance(orientation, int):
        orientation = 1
    return orientation, located or _xmp_located(im.info)


def _has_coordinates(gps: dict) -> bool:
    """Tell whether a GPS IFD holds a position; all-zero values are placeholders some apps write."""
    for tag in _GPS_TAGS:
        value = gps.get(tag)
        for part in value if isinstance(value, (tuple, list)) else () if value is None else (value,):
            try:
                if float(part) != 0:  # NaN (a 0/0 rational) counts as present
                    return True
            except (TypeError, ValueError, ZeroDivisionError):
                return True
    return False


def _xmp_located(info: dict) -> bool:
    for key, value in info.items():
        if "xmp" in str(key).lower() and isinstance(value, (bytes, str)):
            if _XMP_GPS.search(value.encode("utf-8", "replace") if isinstance(value, str) else value):
                return True
    return False


def verdict(fmt: str, located: bool, parts: list[str]) -> str | None:
    """Say why the original may not be published (it follows "media file 'NAME'"), or None when it may."""
    if fmt == "AVIF":
        return "is an AVIF file, which the archive cannot yet check for metadata"
    if located:
        return "carries a GPS location"
    if not parts:
        return None
    shown = ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")
    return f"carries metadata the archive cannot publish ({shown})"


# --- explaining refusals ------------------------------------------------------------------------

def too_large(pixels: int) -> Refused:
    mp = pixels / 1e6
    count = f"{mp:.0f}" if mp >= 100 else f"{mp:.1f}"
    what = f"{count} megapixels; the limit is about 90" if pixels else "the limit is about 90 megapixels"
    return Refused(f"is too large to decode ({what})", "scale it down below 89 megapixels, e.g. 10,000 × 8,900 pixels")


def truncated() -> Refused:
    return Refused("is truncated", f"the file is incomplete: copy it again from its source, {HASH_HINT}")


def damaged(exc: Exception, head: bytes, size: int) -> Refused:
    text = str(exc)
    if "truncated" in text.lower() or isinstance(exc, EOFError) or _riff_short(head, size):
        return truncated()
    return Refused(f"is damaged and cannot be decoded ({text or type(exc).__name__})",
                    f"open it in an image viewer; replace it with a good copy, {HASH_HINT}")


def _riff_short(head: bytes, size: int) -> bool:
    """Tell whether a RIFF (WebP) file is shorter than its header says."""
    return head[:4] == b"RIFF" and len(head) >= 8 and int.from_bytes(head[4:8], "little") + 8 > size


def unidentified(head: bytes, size: int) -> Refused:
    """Explain a file Pillow does not recognise as an accepted image, from its first bytes."""
    kind = _sniff(head)
    if kind == "SVG":
        return Refused("is an SVG; SVG is refused", "export it as PNG: SVG files can carry scripts")
    if kind == "HTML":
        return Refused("is not an image (it looks like a web page)", "save the image itself, not the page that shows it")
    if kind == "text":
        return Refused("is not an image (it looks like text)", "replace it with the image file itself")
    if kind == "AVIF" and "AVIF" not in accepted_formats():
        return Refused("is an AVIF file, which this installation cannot read",
                        "convert it to PNG or JPEG, or install Pillow with AVIF support")
    if kind in ACCEPTED:
        if _riff_short(head, size):
            return truncated()
        return Refused(f"is damaged: it starts like a {NAMES[kind]} file but cannot be read",
                        f"it may be truncated or corrupted: copy it again from its source, {HASH_HINT}")
    if kind:
        return Refused(f"is a {kind} file, which is not accepted", "convert it to PNG (screenshots) or JPEG (photos)")
    return Refused("is not an image in an accepted format", "use JPEG, PNG, WebP, GIF, TIFF or AVIF")


_MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF8", "GIF"), (b"II*\x00", "TIFF"),
          (b"MM\x00*", "TIFF"), (b"%PDF-", "PDF"), (b"8BPS", "Photoshop"), (b"\xff\x0a", "JPEG XL"),
          (b"\x00\x00\x00\x0cJXL ", "JPEG XL"), (b"BM", "BMP"), (b"\x00\x00\x01\x00", "ICO"))
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


def _sniff(head: bytes) -> str:
    """Name what a file's first bytes look like: an image format, SVG, HTML, text, or '' when unknown."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "AVIF" if brand in (b"avif", b"avis") else "HEIC" if brand in _HEIF_BRANDS else ""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return ""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return ""
    start = text.lstrip("\ufeff \t\r\n").lower()[:4096]
    if start.startswith(("<!doctype html", "<html")):
        return "HTML"
    if start.startswith("<") and "<svg" in start:  # after an XML declaration, doctype or comment
        return "SVG"
    return "text"


