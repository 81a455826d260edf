"""What an image file holds besides its pixels: a walk over its container, by allowlist.

One function per format returns, in file order, what it found that a published original may not
carry (``[]`` when every part is of a kind known to be safe). Nothing is searched for: a part is
allowed because we know what it is and that it holds no metadata, never because no location was seen
in it. The descriptions name parts by their kind only; no byte of the file is quoted.
"""

from __future__ import annotations

import re
import struct

# --- JPEG ---------------------------------------------------------------------------------------

_SOF = {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
_DECODE = _SOF | {0xC4, 0xCC, 0xDB, 0xDD, 0xDC}  # DHT, DAC, DQT, DRI, DNL
_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")  # the next marker in entropy-coded data (not FF00, RSTn, fill)
_APP = {(0xE1, b"Exif\x00"): "an EXIF block in an APP1 segment",
        (0xE1, b"http://ns.adobe.com/xap/1.0/\x00"): "an XMP packet in an APP1 segment",
        (0xE1, b"http://ns.adobe.com/xmp/extension/\x00"): "an extended XMP packet in an APP1 segment",
        (0xE0, b"JFXX\x00"): "a thumbnail in a JFXX segment",
        (0xE2, b"MPF\x00"): "an index of further images in an APP2 segment, as in an MPO file",
        (0xE2, b"FPXR\x00"): "FlashPix data in an APP2 segment",
        (0xEC, b"Ducky"): "Photoshop 'save for web' data in an APP12 segment",
        (0xED, b"Photoshop 3.0\x00"): "IPTC or Photoshop data in an APP13 segment"}


def jpeg(data: bytes) -> list[str]:
    """Walk a JPEG's segments: only those needed to decode, a JFIF header and an ICC profile are allowed."""
    found: list[str] = []
    if not data.startswith(b"\xff\xd8"):
        return ["no JPEG start-of-image marker"]
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            return found + ["bytes between segments that belong to none"]
        while pos < end and data[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= end:
            break
        marker, pos = data[pos], pos + 1
        if marker == 0xD9:
            return found + (_after_jpeg(data[pos:]) if pos < end else [])
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue  # RSTn and TEM stand alone
        if pos + 2 > end:
            break
        length = int.from_bytes(data[pos:pos + 2], "big")
        payload = data[pos + 2:pos + length]
        if length < 2 or pos + length > end:
            return found + ["a segment cut short"]
        pos += length
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next marker
            match = _MARKER.search(data, pos)
            pos = match.start() if match else end
        elif marker not in _DECODE:
            problem = _jpeg_segment(marker, payload)
            if problem and problem not in found:
                found.append(problem)
    return found + ["no end-of-image marker"]


def _jpeg_segment(marker: int, payload: bytes) -> str:
    """Describe a segment that is not needed to decode, or return '' when it is a safe one."""
    if marker == 0xE0 and payload.startswith(b"JFIF\x00"):
        # a JFIF header may carry an uncompressed thumbnail: another picture, maybe of what was cropped
        return "" if payload[12:14] == b"\x00\x00" else "a thumbnail in the JFIF header"
    if marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"):
        return ""
    if marker == 0xEE and payload.startswith(b"Adobe") and len(payload) == 12:
        return ""  # the colour transform flag libjpeg needs to decode CMYK; no text, no dates
    if marker == 0xFE:
        return "a comment in a COM segment"
    for (app, signature), what in _APP.items():
        if marker == app and payload.startswith(signature):
            return what
    if 0xE0 <= marker <= 0xEF:
        return f"an APP{marker - 0xE0} segment of an unknown kind"
    return f"a segment of an unknown kind, marker 0xFF{marker:02X}"


def _after_jpeg(rest: bytes) -> list[str]:
    if rest.startswith(b"\xff\xd8"):
        return ["a second image after the end of the first, as in an MPO file or a JPEG appended to another"]
    return [f"{len(rest):,} bytes after the end-of-image marker"]


# --- PNG ----------------------------------------------------------------------------------------

PNG_ALLOWED = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD",
               b"pHYs", b"acTL", b"fcTL", b"fdAT"}
_PNG_NAMED = {b"tEXt": "a tEXt text chunk", b"zTXt": "a zTXt text chunk", b"iTXt": "an iTXt text chunk",
              b"eXIf": "an EXIF block in an eXIf chunk", b"zxIf": "an EXIF block in a zxIf chunk",
              b"tIME": "a modification time in a tIME chunk"}


def png(data: bytes) -> list[str]:
    """Walk a PNG's chunks: critical ones and a few ancillary ones that hold no text, nothing after IEND."""
    found: list[str] = []
    pos, end = 8, len(data)
    while pos + 8 <= end:
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if pos > end:
            return found + ["a chunk cut short"]
        if kind == b"IEND":
            return found + (_after_png(data[pos:]) if pos < end else [])
        if kind not in PNG_ALLOWED:
            what = _png_chunk(kind, body)
            if what not in found:
                found.append(what)
    return found + ["no IEND chunk"]


def _png_chunk(kind: bytes, body: bytes) -> str:
    if kind == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00"):
        return "an XMP packet in an iTXt chunk"
    if kind in _PNG_NAMED:
        return _PNG_NAMED[kind]
    return f"a chunk of an unknown kind, {kind.decode()}" if kind.isalpha() else "a malformed chunk"


def _after_png(rest: bytes) -> list[str]:
    kind = rest[4:8]
    if len(rest) >= 12 and kind.isalpha():
        return [f"{_PNG_NAMED.get(kind, 'a ' + kind.decode() + ' chunk')} after the IEND chunk"]
    return [f"{len(rest):,} bytes after the IEND chunk"]


# --- WebP ---------------------------------------------------------------------------------------

WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_FRAME_ALLOWED = {b"VP8 ", b"VP8L", b"ALPH"}
_WEBP_NAMED = {b"EXIF": "an EXIF block in an EXIF chunk", b"XMP ": "an XMP packet in an XMP chunk"}


def webp(data: bytes) -> list[str]:
    """Walk a WebP's RIFF chunks (and those inside animation frames); the RIFF size must cover the file exactly."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return ["no RIFF WebP header"]
    declared = int.from_bytes(data[4:8], "little") + 8
    found = _riff_chunks(data, 12, min(declared, len(data)), WEBP_ALLOWED)
    if declared < len(data):
        found.append(f"{len(data) - declared:,} bytes after the RIFF container")
    return found


def _riff_chunks(data: bytes, pos: int, end: int, allowed: set[bytes]) -> list[str]:
    found: list[str] = []
    while pos + 8 <= end:
        kind, length = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        body_at, pos = pos + 8, pos + 8 + length + (length & 1)  # chunks are padded to an even size
        if body_at + length > end:
            return found + ["a chunk cut short"]
        if kind == b"ANMF" and kind in allowed:
            found += [f for f in _riff_chunks(data, body_at + 16, body_at + length, _FRAME_ALLOWED) if f not in found]
        elif kind not in allowed:
            what = _WEBP_NAMED.get(kind) or (f"a chunk of an unknown kind, {kind.decode().strip()}"
                                             if kind.strip().isalnum() else "a malformed chunk")
            if what not in found:
                found.append(what)
    return found + (["bytes that belong to no chunk"] if pos < end else [])


# --- GIF ----------------------------------------------------------------------------------------

_LOOPING = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def gif(data: bytes) -> list[str]:
    """Walk a GIF's blocks: images, graphic control and looping extensions only, nothing after the trailer."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        return ["no GIF header"]
    found: list[str] = []
    pos = 13 + _colour_table(data[10])
    try:
        while True:
            block = data[pos]
            if block == 0x3B:
                rest = len(data) - pos - 1
                return found + ([f"{rest:,} bytes after the GIF trailer"] if rest else [])
            if block == 0x2C:
                pos += 10 + _colour_table(data[pos + 9])
                pos = _sub_blocks(data, pos + 1)  # after the LZW code size
            elif block == 0x21:
                label, first = data[pos + 1], data[pos + 3:pos + 3 + data[pos + 2]]
                what = _gif_extension(label, first)
                if what and what not in found:
                    found.append(what)
                pos = _sub_blocks(data, pos + 2)
            else:
                return found + ["bytes that belong to no block"]
    except IndexError:
        return found + ["no trailer"]


def _colour_table(flags: int) -> int:
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _sub_blocks(data: bytes, pos: int) -> int:
    """Skip a chain of data sub-blocks; return the position after its terminator."""
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _gif_extension(label: int, first: bytes) -> str:
    if label == 0xF9:
        return ""
    if label == 0xFE:
        return "a comment extension"
    if label == 0x01:
        return "text drawn over the image in a plain text extension"
    if label == 0xFF:
        if first in _LOOPING:
            return ""
        return "an XMP packet in an application extension" if first == b"XMP DataXMP" else \
            "an application extension of an unknown kind"
    return f"an extension of an unknown kind, label 0x{label:02X}"


# --- TIFF ---------------------------------------------------------------------------------------

# Baseline and extension tags that describe how to decode the pixels; none holds text or a date.
TIFF_ALLOWED = {254, 255, 256, 257, 258, 259, 262, 263, 264, 265, 266, 273, 274, 277, 278, 279, 280, 281, 282, 283,
                284, 290, 291, 296, 317, 318, 319, 320, 322, 323, 324, 325, 338, 339, 340, 341, 347, 529, 530, 531,
                532, 34675}
_TIFF_NAMED = {700: "an XMP packet", 33723: "IPTC data", 34665: "an EXIF IFD", 34853: "a GPS IFD",
               37724: "Photoshop layer data", 34377: "Photoshop data", 330: "sub-images", 270: "a description",
               271: "the camera's make", 272: "the camera's model", 305: "the software's name",
               306: "a date and time", 315: "the artist's name", 316: "the computer's name",
               33432: "a copyright notice",
               269: "a document name", 285: "a page name", 297: "a page number", 37510: "a user comment",
               37500: "maker notes"}


def tiff(data: bytes) -> list[str]:
    """Walk a TIFF's first IFD: one page only, pixel-describing tags only, and no byte outside what they point to."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or len(data) < 8 or struct.unpack(order + "H", data[2:4])[0] != 42:
        return ["no TIFF header, as in a BigTIFF"]
    offset = struct.unpack(order + "I", data[4:8])[0]
    try:
        count = struct.unpack(order + "H", data[offset:offset + 2])[0]
        entries = [struct.unpack(order + "HHII", data[offset + 2 + 12 * i:offset + 14 + 12 * i]) for i in range(count)]
        next_at = offset + 2 + 12 * count
        next_ifd = struct.unpack(order + "I", data[next_at:next_at + 4])[0]
        used = [(0, 8), (offset, next_at + 4)] + _tiff_ranges(data, order, entries)
    except (struct.error, KeyError):
        return ["an IFD cut short or malformed"]
    found = [f"{_TIFF_NAMED.get(tag, 'a tag of an unknown kind')} in tag {tag}" for tag, *_ in entries
             if tag not in TIFF_ALLOWED]
    if next_ifd:
        found.append("a second page or image in another IFD")
    stray = _uncovered(used, len(data))
    return found + ([f"{stray:,} bytes that belong to no part of the image"] if stray else [])


_TIFF_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_TIFF_DATA = {273: 279, 324: 325}  # StripOffsets -> StripByteCounts, TileOffsets -> TileByteCounts


def _tiff_ranges(data: bytes, order: str, entries: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """The byte ranges the IFD's entries point to: values stored outside the IFD, and the strips or tiles."""
    ranges, values = [], {}
    for tag, kind, count, value in entries:
        size = _TIFF_SIZES[kind] * count
        at = value if size > 4 else None
        if at is not None:
            ranges.append((at, at + size))
        if tag in _TIFF_DATA or tag in _TIFF_DATA.values():
            raw = data[at:at + size] if at is not None else struct.pack(order + "I", value)[:size]
            values[tag] = struct.unpack(f"{order}{count}{'H' if kind == 3 else 'I'}", raw)
    for offsets, counts in _TIFF_DATA.items():
        ranges += [(at, at + n) for at, n in zip(values.get(offsets, ()), values.get(counts, ()))]
    return ranges


def _uncovered(ranges: list[tuple[int, int]], end: int) -> int:
    """Count the bytes in [0, end) outside every range, forgiving one byte of word-alignment padding per gap."""
    stray, reached = 0, 0
    for start, stop in sorted(ranges) + [(end, end)]:
        if start - reached > 1:
            stray += start - reached
        reached = max(reached, stop)
    return stray


# --- AVIF and dispatch --------------------------------------------------------------------------

def avif(data: bytes) -> list[str]:
    """AVIF originals are never published: its ISOBMFF boxes are not walked yet, so nothing is known safe."""
    return ["an AVIF file, whose boxes the archive cannot check yet for EXIF or XMP items"]


WALKS = {"JPEG": jpeg, "PNG": png, "WEBP": webp, "GIF": gif, "TIFF": tiff, "AVIF": avif}


def unsafe_parts(fmt: str, data: bytes) -> list[str]:
    """Return what a file of format ``fmt`` holds that a published original may not (unknown formats: refused)."""
    walk = WALKS.get(fmt)
    return walk(data) if walk else [f"a {fmt} file, whose container the archive cannot check"]
