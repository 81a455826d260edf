"""Derivatives of one image: decode once, orient, convert to sRGB, encode a WebP thumbnail and display copy."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import warnings
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageCms, UnidentifiedImageError, features

from ..evidence.problems import BuildError
from .. import store
from ..store.derivatives import file_stamp
from .containers import unsafe_parts
from .inspect import (ANIMATED_FORMATS, BOMB_PIXELS, MAX_PIXELS, Refused, accepted_formats, damaged, metadata,
                      too_large, unidentified, verdict)

log = logging.getLogger(__name__)

# Everything that shapes the derivatives' bytes; "pipeline" is bumped when the code changes them.
# WebP method (0 fast .. 6 small): at method 4 the display copy's encode was 60% of a 12-MP photo's time;
# method 0 takes a third of that for files 3-10% larger at the same PSNR (benchmarks/README.md).
# Thumbnails, which every listing page loads, keep method 4: about 20 ms each.
SETTINGS = {"thumb_box": 400, "display_box": 1600, "quality": 80, "thumb_method": 4, "display_method": 0,
            "pipeline": 2}  # 2: records say why an original is unsafe (an allowlist walk), and each file's digest
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}  # as ImageOps.exif_transpose


# --- naming -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _fingerprint() -> str:
    codecs_ = {name: features.version(name) for name in ("webp", "jpg", "littlecms2", "avif")}
    return json.dumps({"settings": SETTINGS, "pillow": PIL.__version__, "codecs": codecs_}, sort_keys=True)


def derivative_key(sha256: str) -> str:
    """Name the derivatives of a source: a hash of its SHA-256, the settings and the Pillow and codec versions."""
    return hashlib.sha256(f"{sha256}\n{_fingerprint()}".encode()).hexdigest()



# --- one image ----------------------------------------------------------------------------------

def work(path: str, key: str, folder: str) -> dict:
    """Prepare one image: write its derivatives and record into ``folder`` and return the record."""
    try:
        with open(path, "rb") as f:
            data = f.read()  # once: the digest, the container walk and the decoder all see these bytes
        try:
            record, blobs = _derive(data)
        except Refused as exc:
            record, blobs = {"problem": exc.problem, "hint": exc.hint}, {}
        record["source"] = hashlib.sha256(data).hexdigest()  # a record is used only for this content
    except MemoryError:
        return transient("could not be processed (out of memory)")
    except OSError as exc:
        return transient(f"cannot be read ({exc.strerror or exc})")
    try:
        for name, data in blobs.items():
            store.replace(Path(folder) / f"{key}.{name}.webp", data)
        if blobs:  # what the files were when written: a later run hashes them again only if this changed
            record["seen"] = {name: file_stamp(Path(folder) / f"{key}.{name}.webp") for name in blobs}
        store.replace(Path(folder) / f"{key}.json", json.dumps(record, sort_keys=True).encode())
    except OSError as exc:
        raise BuildError(f"cannot write to the media cache {folder}: {exc}") from None
    return record


def transient(problem: str) -> dict:
    """A failure of this run rather than of the file: reported, never cached."""
    return {"problem": problem, "hint": "run the command again; if it persists, check the file", "transient": True}


def _derive(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """Decode one image once and encode its two WebP derivatives in memory; raise Refused when unusable."""
    size, head = len(data), data[:4096]
    if size == 0:
        raise Refused("is empty (0 bytes)", "replace it with the image itself")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd but readable files; bombs alone are fatal
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=accepted_formats()) as im:
                record, blobs = _render(im, size)
        except Refused:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            match = BOMB_PIXELS.search(str(exc))
            raise too_large(int(match.group(1)) if match else 0) from None
        except UnidentifiedImageError:
            raise unidentified(head, size) from None
        except MemoryError:
            raise
        except Exception as exc:  # decoders raise anything on malformed input: report it, never crash the build
            log.debug("decoding failed", exc_info=True)
            raise damaged(exc, head, size) from None
    # after decoding, so that a damaged file is reported as damaged rather than as an odd container
    record["unsafe"] = verdict(record["format"], record.pop("located"), unsafe_parts(record["format"], data))
    return record, blobs


def _render(im: Image.Image, size: int) -> tuple[dict, dict[str, bytes]]:
    fmt = "JPEG" if im.format == "MPO" else im.format
    if im.width * im.height > MAX_PIXELS:
        raise too_large(im.width * im.height)
    animated = fmt in ANIMATED_FORMATS and bool(getattr(im, "is_animated", False))
    if fmt != "JPEG":
        im.load()  # PNG may keep its EXIF after the pixels; a JPEG stays unread so that draft() can scale it
    orientation, located = metadata(im)
    icc = im.info.get("icc_profile") or None
    original = im.size
    display = _decode(im, _fit(original, SETTINGS["display_box"]))
    display = _to_webp_mode(display.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else display, icc)
    oriented = original[::-1] if orientation in (5, 6, 7, 8) else original
    thumb = _resize(display, _fit(oriented, SETTINGS["thumb_box"]))
    blobs = {"thumb": _webp(thumb, SETTINGS["thumb_method"]), "display": _webp(display, SETTINGS["display_method"])}
    record = {"format": fmt, "width": oriented[0], "height": oriented[1], "size": size, "animated": animated,
              "located": located, "thumb": [*thumb.size, *_digest(blobs["thumb"])],
              "display": [*display.size, *_digest(blobs["display"])]}
    return record, blobs


def _digest(blob: bytes) -> tuple[int, str]:
    return len(blob), hashlib.sha256(blob).hexdigest()


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
        raise Refused(f"uses the colour mode {im.mode}, which cannot be converted", "save it as an RGB image") from None
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


