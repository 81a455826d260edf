"""Images: metadata-free WebP thumbnails and display copies, decoded once and cached; originals as they are.

Each distinct source image (by SHA-256) is decoded once, in a pool of processes when there are
many, into a thumbnail and a display copy written to the cache (``.cache/media/``) with a small
JSON record; ``index.json`` gathers the records so that a warm run reads one file and decodes
nothing. Derivatives are named after a hash of the source hash, the settings and the codec
versions, so names are reproducible and never stale. Files that cannot be used become
``Failure``s; ``check_item`` reports them at the media item's ``file``, and refuses to publish
an original that carries a GPS location unless the item says ``publish_original: false``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import os
import re
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable, NamedTuple
from urllib.parse import quote

import PIL
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError, features

from . import atomic
from .output import Output
from .problems import BuildError

if TYPE_CHECKING:
    import yaml

    from .model import Archive, MediaItem
    from .spec import Ctx

log = logging.getLogger(__name__)

# Everything that shapes the derivatives' bytes; "pipeline" is bumped when the code changes them.
# WebP method (0 fast .. 6 small): at method 4 the display copy's encode was 60% of a 12-MP photo's time;
# method 0 takes a third of that for files 3-10% larger at the same PSNR (benchmarks/README.md).
# Thumbnails, which every listing page loads, keep method 4: about 20 ms each.
SETTINGS = {"thumb_box": 400, "display_box": 1600, "quality": 80, "thumb_method": 4, "display_method": 0,
            "pipeline": 1}
MAX_PIXELS = 89_478_485  # Pillow's default decompression-bomb limit, "about 90 megapixels"
SERIAL_MAX = 4  # up to this many images to decode, a process pool costs more than it saves
PROGRESS_MIN = 20  # log progress for runs decoding at least this many images
ACCEPTED = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "AVIF")
NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "TIFF": "TIFF", "AVIF": "AVIF"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif",
        "TIFF": "image/tiff", "AVIF": "image/avif"}
EXTENSIONS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",), "GIF": (".gif",),
              "TIFF": (".tif", ".tiff"), "AVIF": (".avif",)}
ANIMATED_FORMATS = ("GIF", "PNG", "WEBP", "AVIF")  # a multi-page TIFF is not an animation
HASH_HINT = "then update its sha256: python -m scripts hash"
_RECORD_KEYS = {"format", "width", "height", "size", "animated", "has_location", "thumb", "display"}
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}  # as ImageOps.exif_transpose
_GPS_TAGS = (2, 4, 20, 22)  # GPSLatitude, GPSLongitude, GPSDestLatitude, GPSDestLongitude
_XMP_GPS = re.compile(rb"GPS(?:Dest)?(?:Latitude|Longitude)(?:\s*=\s*[\"']|\s*>)[^\"'<]*?[1-9]")
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


class Job(NamedTuple):
    """A source image to prepare: its path and its checked SHA-256."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class Rendition:
    """One published file of an image: path under the site root, pixels, bytes, type, and where the bytes are now."""

    path: str
    width: int
    height: int
    size: int
    mime: str
    location: str  # a string, not a Path: building 20,000 Paths would take a warm run 0.2 s

    @property
    def url(self) -> str:
        """The path percent-encoded, relative to the site root."""
        return quote(self.path)

    @property
    def file(self) -> Path:
        """The file holding the bytes now: in the cache, or in evidence/media/ for an original."""
        return Path(self.location)


@dataclass(frozen=True)
class Prepared:
    """A usable source image: its two derivatives, and what pages and feeds say about the original."""

    sha256: str
    key: str
    format: str
    width: int
    height: int
    size: int
    source: Path
    thumb: Rendition
    display: Rendition
    animated: bool
    has_location: bool

    def original(self, item: MediaItem) -> Rendition | None:
        """Return the original as published for ``item``, or None when it is not published."""
        if not item.publish_original or self.has_location:
            return None
        path = f"media/original/{self.sha256}/{item.file.rsplit('/', 1)[-1]}"
        return Rendition(path, self.width, self.height, self.size, MIME[self.format], str(self.source))


@dataclass(frozen=True)
class Failure:
    """Why a source image cannot be used; ``problem`` follows "media file 'NAME'"."""

    problem: str
    hint: str = ""

    def message(self, file: str) -> str:
        """Return the user-facing message for the media file named ``file``."""
        return f"media file '{file}' {self.problem}"


class _Refused(Exception):
    """A source file that cannot be used, for a reason tied to its bytes (so the verdict is cached)."""

    def __init__(self, problem: str, hint: str = ""):
        super().__init__(problem)
        self.problem, self.hint = problem, hint


# --- naming -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _fingerprint() -> str:
    codecs_ = {name: features.version(name) for name in ("webp", "jpg", "littlecms2", "avif")}
    return json.dumps({"settings": SETTINGS, "pillow": PIL.__version__, "codecs": codecs_}, sort_keys=True)


def derivative_key(sha256: str) -> str:
    """Name the derivatives of a source: a hash of its SHA-256, the settings and the Pillow and codec versions."""
    return hashlib.sha256(f"{sha256}\n{_fingerprint()}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _formats() -> tuple[str, ...]:
    return tuple(f for f in ACCEPTED if f != "AVIF" or features.check("avif"))


# --- one image ----------------------------------------------------------------------------------

def _work(path: str, key: str, folder: str) -> dict:
    """Prepare one image: write its derivatives and record into ``folder`` and return the record."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            try:
                record, blobs = _derive(f, size)
            except _Refused as exc:
                record, blobs = {"problem": exc.problem, "hint": exc.hint}, {}
    except MemoryError:
        return _transient("could not be processed (out of memory)")
    except OSError as exc:
        return _transient(f"cannot be read ({exc.strerror or exc})")
    try:
        for name, data in blobs.items():
            atomic.replace(Path(folder) / f"{key}.{name}.webp", data)
        atomic.replace(Path(folder) / f"{key}.json", json.dumps(record, sort_keys=True).encode())
    except OSError as exc:
        raise BuildError(f"cannot write to the media cache {folder}: {exc}") from None
    return record


def _transient(problem: str) -> dict:
    """A failure of this run rather than of the file: reported, never cached."""
    return {"problem": problem, "hint": "run the command again; if it persists, check the file", "transient": True}


def _derive(f, size: int) -> tuple[dict, dict[str, bytes]]:
    """Decode one image once and encode its two WebP derivatives in memory; raise _Refused when unusable."""
    if size == 0:
        raise _Refused("is empty (0 bytes)", "replace it with the image itself")
    head = f.read(4096)
    f.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd but readable files; bombs alone are fatal
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(f, formats=_formats()) as im:
                return _render(im, size)
        except _Refused:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            match = _BOMB_PIXELS.search(str(exc))
            raise _too_large(int(match.group(1)) if match else 0) from None
        except UnidentifiedImageError:
            raise _unidentified(head, size) from None
        except MemoryError:
            raise
        except Exception as exc:  # decoders raise anything on malformed input: report it, never crash the build
            log.debug("decoding failed", exc_info=True)
            raise _damaged(exc, head, size) from None


def _render(im: Image.Image, size: int) -> tuple[dict, dict[str, bytes]]:
    fmt = "JPEG" if im.format == "MPO" else im.format
    if im.width * im.height > MAX_PIXELS:
        raise _too_large(im.width * im.height)
    animated = fmt in ANIMATED_FORMATS and bool(getattr(im, "is_animated", False))
    if fmt != "JPEG":
        im.load()  # PNG may keep its EXIF after the pixels; a JPEG stays unread so that draft() can scale it
    orientation, located = _metadata(im)
    icc = im.info.get("icc_profile") or None
    original = im.size
    display = _decode(im, _fit(original, SETTINGS["display_box"]))
    display = _to_webp_mode(display.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else display, icc)
    oriented = original[::-1] if orientation in (5, 6, 7, 8) else original
    thumb = _resize(display, _fit(oriented, SETTINGS["thumb_box"]))
    blobs = {"thumb": _webp(thumb, SETTINGS["thumb_method"]), "display": _webp(display, SETTINGS["display_method"])}
    record = {"format": fmt, "width": oriented[0], "height": oriented[1], "size": size, "animated": animated,
              "has_location": located, "thumb": [*thumb.size, len(blobs["thumb"])],
              "display": [*display.size, len(blobs["display"])]}
    return record, blobs


def _fit(size: tuple[int, int], box: int) -> tuple[int, int]:
    """Return ``size`` scaled to fit a square box, keeping the aspect ratio and never enlarging."""
    w, h = size
    if w <= box and h <= box:
        return size
    if w >= h:
        return box, max(1, round(h * box / w))
    return max(1, round(w * box / h)), box


def _decode(im: Image.Image, target: tuple[int, int]) -> Image.Image:
    """Decode the first frame once, letting libjpeg scale by 1/2, 1/4 or 1/8 while it decodes, then fit ``target``."""
    if im.format in ("JPEG", "MPO") and target != im.size:
        # The scaled IDCT is a fair low-pass filter; the bicubic step that follows finishes the job.
        im.draft(None, target)
    return _resize(_resizable(im), target)


def _resizable(im: Image.Image) -> Image.Image:
    """Convert the modes that resize badly or not at all: palettes (nearest only), bilevel, 16- and 32-bit."""
    mode = im.mode
    if mode == "P":
        return im.convert("RGBA" if im.has_transparency_data else "RGB")
    if mode in ("PA", "LA", "La"):
        return im.convert("RGBA")
    if mode == "1" or mode == "F":
        return im.convert("L")
    if mode == "I" or mode.startswith("I;16"):
        return im.convert("I").point(lambda v: v * (1 / 257)).convert("L")  # scale, where convert("L") clips
    im.load()
    return im


def _resize(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    # Pillow premultiplies alpha when resizing RGBA, so transparent edges keep their colour.
    return im if im.size == size else im.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0)


def _to_webp_mode(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to sRGB through the embedded ICC profile (when usable), as RGB, or RGBA when there is transparency."""
    out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
    transform = _transform(icc, im.mode, out_mode) if icc else None
    try:
        if transform:
            im = ImageCms.applyTransform(im, transform)
        elif im.mode != out_mode:
            im = im.convert(out_mode)
    except ValueError:
        raise _Refused(f"uses the colour mode {im.mode}, which cannot be converted", "save it as an RGB image") from None
    if im.mode == "RGBA" and im.getextrema()[3] == (255, 255):
        im = im.convert("RGB")  # fully opaque: an alpha channel would only cost bytes
    return im


@lru_cache(maxsize=16)
def _transform(icc: bytes, in_mode: str, out_mode: str) -> ImageCms.ImageCmsTransform | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.buildTransform(source, _srgb(), in_mode, out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.debug("ignoring an unusable ICC profile for mode %s", in_mode)
        return None


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _webp(im: Image.Image, method: int) -> bytes:
    """Encode without any metadata: no EXIF, XMP, ICC profile or comment."""
    im.info = {}
    buf = io.BytesIO()
    im.save(buf, "WEBP", quality=SETTINGS["quality"], method=method, exif=b"", xmp=b"", icc_profile=b"")
    return buf.getvalue()


# --- metadata -----------------------------------------------------------------------------------

def _metadata(im: Image.Image) -> tuple[int, bool]:
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


# --- explaining refusals ------------------------------------------------------------------------

def _too_large(pixels: int) -> _Refused:
    mp = pixels / 1e6
    count = f"{mp:.0f}" if mp >= 100 else f"{mp:.1f}"
    what = f"{count} megapixels; the limit is about 90" if pixels else "the limit is about 90 megapixels"
    return _Refused(f"is too large to decode ({what})", "scale it down below 89 megapixels, e.g. 10,000 × 8,900 pixels")


def _truncated() -> _Refused:
    return _Refused("is truncated", f"the file is incomplete: copy it again from its source, {HASH_HINT}")


def _damaged(exc: Exception, head: bytes, size: int) -> _Refused:
    text = str(exc)
    if "truncated" in text.lower() or isinstance(exc, EOFError) or _riff_short(head, size):
        return _truncated()
    return _Refused(f"is damaged and cannot be decoded ({text or type(exc).__name__})",
                    f"open it in an image viewer; replace it with a good copy, {HASH_HINT}")


def _riff_short(head: bytes, size: int) -> bool:
    """Tell whether a RIFF (WebP) file is shorter than its header says."""
    return head[:4] == b"RIFF" and len(head) >= 8 and int.from_bytes(head[4:8], "little") + 8 > size


def _unidentified(head: bytes, size: int) -> _Refused:
    """Explain a file Pillow does not recognise as an accepted image, from its first bytes."""
    kind = _sniff(head)
    if kind == "SVG":
        return _Refused("is an SVG; SVG is refused", "export it as PNG: SVG files can carry scripts")
    if kind == "HTML":
        return _Refused("is not an image (it looks like a web page)", "save the image itself, not the page that shows it")
    if kind == "text":
        return _Refused("is not an image (it looks like text)", "replace it with the image file itself")
    if kind == "AVIF" and "AVIF" not in _formats():
        return _Refused("is an AVIF file, which this installation cannot read",
                        "convert it to PNG or JPEG, or install Pillow with AVIF support")
    if kind in ACCEPTED:
        if _riff_short(head, size):
            return _truncated()
        return _Refused(f"is damaged: it starts like a {NAMES[kind]} file but cannot be read",
                        f"it may be truncated or corrupted: copy it again from its source, {HASH_HINT}")
    if kind:
        return _Refused(f"is a {kind} file, which is not accepted", "convert it to PNG (screenshots) or JPEG (photos)")
    return _Refused("is not an image in an accepted format", "use JPEG, PNG, WebP, GIF, TIFF or AVIF")


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


# --- many images --------------------------------------------------------------------------------

class _Cache:
    """Records of earlier runs: index.json, plus the per-image records an interrupted run left behind."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.index = folder / "index.json"
        self.records = self._read_index()
        self.names = set(os.listdir(folder)) if folder.is_dir() else set()
        self.changed = False

    def _read_index(self) -> dict[str, dict]:
        try:
            data = json.loads(self.index.read_bytes())
            return data["records"] if isinstance(data, dict) and isinstance(data.get("records"), dict) else {}
        except (OSError, ValueError):
            return {}

    def get(self, key: str) -> dict | None:
        """Return the record for ``key`` if it and the files it names are all present."""
        record = self.records.get(key)
        if record is None and f"{key}.json" in self.names:
            try:
                record = json.loads((self.folder / f"{key}.json").read_bytes())
            except (OSError, ValueError):
                return None
            self.put(key, record)
        if not isinstance(record, dict):
            return None
        if "problem" in record:
            return record
        if _RECORD_KEYS <= record.keys() and {f"{key}.thumb.webp", f"{key}.display.webp"} <= self.names:
            return record
        return None

    def put(self, key: str, record: dict) -> None:
        self.records[key] = record
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        data = json.dumps({"records": self.records}, sort_keys=True, separators=(",", ":")).encode()
        try:
            atomic.replace(self.index, data)
        except OSError as exc:
            raise BuildError(f"cannot write to the media cache {self.folder}: {exc}") from None
        self.changed = False


class _Progress:
    """Show how far a long run is: a tqdm bar on a terminal, otherwise a log line about every tenth."""

    def __init__(self, total: int, stream=None):
        stream = stream or sys.stderr
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.every, self.bar = 0, None
        if total < PROGRESS_MIN:
            return
        if stream.isatty():
            from tqdm import tqdm  # imported here: a warm run shows no bar and should not pay for the import
            self.bar = tqdm(total=total, desc="media", unit="image", file=stream)
        else:
            self.every = max(1, total // 10)

    def step(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update()
        elif self.every and (self.done % self.every == 0 or self.done == self.total):
            log.info("media: %d of %d images prepared (%.0f s)", self.done, self.total, time.monotonic() - self.start)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def prepare(jobs: Iterable[Job], cache_dir: Path, workers: int | None = None) -> dict[str, Prepared | Failure]:
    """Make, or find in ``cache_dir``, the derivatives of each distinct source; return results keyed by SHA-256."""
    sources: dict[str, Path] = {}
    for path, sha256 in jobs:
        sources.setdefault(sha256, path)
    keys = {sha: derivative_key(sha) for sha in sources}
    cache = _Cache(cache_dir)
    records = {sha: cache.get(keys[sha]) for sha in sources}
    todo = [sha for sha, record in records.items() if record is None]
    if todo:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"cannot create the media cache {cache_dir}: {exc}") from None
        for sha, record in _run(todo, sources, keys, cache_dir, workers):
            records[sha] = record
            if not record.get("transient"):
                cache.put(keys[sha], record)
    cache.save()
    folder = str(cache_dir)
    return {sha: _result(sha, keys[sha], sources[sha], records[sha], folder) for sha in sources}


def _run(todo: list[str], sources: dict[str, Path], keys: dict[str, str], folder: Path, workers: int | None):
    """Yield (sha256, record) for each image to decode, showing progress on long runs."""
    progress = _Progress(len(todo))
    results = _decode_all(todo, sources, keys, folder, workers)
    try:
        for sha, record in results:
            yield sha, record
            progress.step()
    finally:
        results.close()  # stops the pool now if the caller gave up early
        progress.close()


def _decode_all(todo: list[str], sources: dict[str, Path], keys: dict[str, str], folder: Path, workers: int | None):
    """Yield (sha256, record) for each image: in this process for a few, in a pool over all cores for more."""
    workers = workers or _cpu_count()
    args = {sha: (str(sources[sha]), keys[sha], str(folder)) for sha in todo}
    if workers <= 1 or len(todo) <= SERIAL_MAX:
        for sha in todo:
            yield sha, _work(*args[sha])
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)))
    try:
        futures = {pool.submit(_work, *args[sha]): sha for sha in todo}
        for future in as_completed(futures):
            try:
                record = future.result()
            except BuildError:
                raise
            except Exception as exc:  # a worker died (e.g. a decoder crashed): report it, keep the others
                record = _transient(f"could not be processed ({exc or type(exc).__name__})")
            yield futures[future], record
    finally:
        pool.shutdown(cancel_futures=True)  # on Ctrl-C or an error, do not wait for the whole queue


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _result(sha: str, key: str, source: Path, record: dict, folder: str) -> Prepared | Failure:
    if "problem" in record:
        return Failure(record["problem"], record.get("hint", ""))
    (tw, th, ts), (dw, dh, ds) = record["thumb"], record["display"]
    return Prepared(
        sha256=sha, key=key, format=record["format"], width=record["width"], height=record["height"],
        size=record["size"], source=source,
        thumb=Rendition(f"media/thumbs/{key}.webp", tw, th, ts, "image/webp", f"{folder}/{key}.thumb.webp"),
        display=Rendition(f"media/display/{key}.webp", dw, dh, ds, "image/webp", f"{folder}/{key}.display.webp"),
        animated=record["animated"], has_location=record["has_location"])


# --- checking and publishing --------------------------------------------------------------------

def check_item(ctx: Ctx, node: yaml.Node, file: str, publish_original: bool,
               result: Prepared | Failure | None) -> bool:
    """Report at ``node`` (the item's ``file`` value) why its image cannot be published as asked; True if it can.

    ``result`` is None when the file was not prepared (e.g. its hash did not match): nothing more to say.
    """
    if result is None:
        return False
    if isinstance(result, Failure):
        ctx.error(node, result.message(file), result.hint)
        return False
    ok = True
    if not file.lower().endswith(EXTENSIONS[result.format]):
        right = PurePosixPath(file).with_suffix(EXTENSIONS[result.format][0]).name
        ctx.error(node, f"media file '{file}' is a {NAMES[result.format]} file with the wrong extension",
                  f"rename it to {right} and change 'file' to match; its sha256 stays the same")
        ok = False
    if result.has_location and publish_original:
        ctx.error(node, f"media file '{file}' carries a GPS location; publishing the original is refused",
                  "add 'publish_original: false' to this media item to publish only the stripped copies")
        ok = False
    return ok


def outputs(archive: Archive, prepared: dict[str, Prepared | Failure]) -> list[Output]:
    """Return the files to publish: both derivatives of each prepared image, and the originals entries allow.

    They are listed for the site (output.link_list) and hard-linked into it after MkDocs has built the
    pages; they never go into content/, where MkDocs would copy their bytes.
    """
    out: dict[str, Output] = {}
    for entry in archive.entries:
        for item in entry.media:
            p = prepared.get(item.sha256)
            if not isinstance(p, Prepared):
                continue
            for r in (p.thumb, p.display):
                out[r.path] = Output(r.path, source=r.file, key=p.key)
            original = p.original(item)
            if original is not None:
                out[original.path] = Output(original.path, source=p.source, key=p.sha256)
            elif item.publish_original:
                log.warning("not publishing the original of %s: it carries a GPS location", item.file)
    return [out[path] for path in sorted(out)]
