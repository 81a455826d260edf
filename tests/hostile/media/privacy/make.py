"""Write the media-privacy corpus beside this script: images whose original must not be published, and good ones.

Run `python tests/hostile/media/privacy/make.py` (from the repository root, with the project's Pillow)
to rewrite the files; they are committed, so the tests do not depend on how a Pillow version encodes.
`hostile/` holds files that hide a location, an address or other metadata in a place the archive once
missed (each must be refused as an original, and its copies still published); `good/` holds files that
must still be published as they are.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, TiffImagePlugin

HERE = Path(__file__).resolve().parent
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
RDF = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '{}</rdf:RDF></x:xmpmeta>')


def picture(size=(48, 32)) -> Image.Image:
    im = Image.new("RGB", size, (40, 90, 160))
    im.paste(Image.new("RGB", (size[0] // 2, size[1]), (220, 180, 40)), (0, 0))
    return im


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def make(name: str) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = name
    return exif


def gps(make: str | None = None) -> Image.Exif:
    exif = Image.Exif()
    if make:
        exif[ExifTags.Base.Make] = make
    info = exif.get_ifd(ExifTags.IFD.GPSInfo)
    info[1], info[2], info[3], info[4] = "N", (48.0, 51.0, 29.1), "E", (2.0, 17.0, 40.9)
    return exif


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def after_soi(jpeg: bytes, *segments: bytes) -> bytes:
    """Insert segments after the JFIF header (SOI + APP0)."""
    at = 2 + 2 + int.from_bytes(jpeg[4:6], "big")
    return jpeg[:at] + b"".join(segments) + jpeg[at:]


def xmp_jpeg(description: str, encoding: str = "utf-8") -> bytes:
    packet = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' + RDF.format(description)
              + '<?xpacket end="w"?>').encode(encoding)
    return after_soi(encode(picture(), "JPEG"), segment(0xE1, XMP_HEADER + packet))


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def before_iend(png: bytes, *chunks: bytes) -> bytes:
    return png[:-12] + b"".join(chunks) + png[-12:]


def iptc() -> bytes:
    """An APP13 Photoshop segment holding IPTC city, sub-location (street address) and country."""
    def dataset(number: int, value: str) -> bytes:
        data = value.encode()
        return b"\x1c\x02" + bytes([number]) + len(data).to_bytes(2, "big") + data
    records = dataset(90, "Paris") + dataset(92, "5 Avenue Anatole France") + dataset(101, "France")
    resource = b"8BIM\x04\x04\x00\x00" + len(records).to_bytes(4, "big") + records + bytes(len(records) & 1)
    return segment(0xED, b"Photoshop 3.0\x00" + resource)


def mpo_with_gps_in_image_two() -> bytes:
    """A two-image MPO (a phone's "portrait" photo) whose second image alone carries GPS."""
    first, second = picture(), picture().rotate(180)
    mpo = encode(first, "MPO", save_all=True, append_images=[second])
    plain_second = encode(second, "JPEG")
    start = len(mpo) - len(plain_second)
    assert mpo[start:] == plain_second
    located = encode(second, "JPEG", exif=gps())
    old = struct.pack("<L", len(plain_second))
    mpf = mpo.index(b"MPF\x00")
    table = mpo.index(struct.pack("<L", 0) + old, mpf, mpf + 200) + 4  # image two's MP entry: type, then size
    return mpo[:table] + struct.pack("<L", len(located)) + mpo[table + 4:start] + located


def tiff_with_gps_on_page_two() -> bytes:
    """A two-page TIFF whose second page alone has a GPS IFD (Pillow's page writer does not relocate one)."""
    located = {"tiffinfo": {34853: dict(gps().get_ifd(ExifTags.IFD.GPSInfo))}}
    buf = io.BytesIO()
    with TiffImagePlugin.AppendingTiffWriter(buf) as tf:  # as Pillow's save_all, with different tags per page
        for page, info in ((picture(), {}), (picture().rotate(180), located)):
            page.encoderinfo, page.encoderconfig = info, ()
            TiffImagePlugin._save(page, tf, "page.tif")
            tf.newFrame()
    data = bytearray(buf.getvalue())
    alone = TiffImagePlugin.TiffImageFile(io.BytesIO(encode(picture(), "TIFF", **located)))
    first = struct.unpack_from("<I", data, 4)[0]
    second = struct.unpack_from("<I", data, first + 2 + 12 * struct.unpack_from("<H", data, first)[0])[0]
    page_two = _entry(data, second, 273) - alone.tag_v2[273][0]  # where page two's offsets start counting
    at = _entry_at(data, second, 34853)
    gps_ifd = struct.unpack_from("<I", data, at + 8)[0] + page_two
    struct.pack_into("<I", data, at + 8, gps_ifd)
    for i in range(struct.unpack_from("<H", data, gps_ifd)[0]):
        tag_at = gps_ifd + 2 + 12 * i
        kind, count = struct.unpack_from("<HI", data, tag_at + 2)
        if count * {1: 1, 2: 1, 3: 2, 4: 4, 5: 8}[kind] > 4:
            struct.pack_into("<I", data, tag_at + 8, struct.unpack_from("<I", data, tag_at + 8)[0] + page_two)
    return bytes(data)


def _entry_at(data: bytes, ifd: int, tag: int) -> int:
    for i in range(struct.unpack_from("<H", data, ifd)[0]):
        if struct.unpack_from("<H", data, ifd + 2 + 12 * i)[0] == tag:
            return ifd + 2 + 12 * i
    raise LookupError(tag)


def _entry(data: bytes, ifd: int, tag: int) -> int:
    return struct.unpack_from("<I", data, _entry_at(data, ifd, tag) + 8)[0]


def polyglot() -> bytes:
    """A PNG that is also an HTML page: the markup is the pixels, kept readable by an uncompressed IDAT."""
    markup = b"<html><body><script>window.__pwned=1</script><img src=x onerror=window.__pwned=1>"
    rows = b"".join(b"\x00" + markup for _ in range(4))
    head = struct.pack(">IIBBBBB", len(markup), 4, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


def hostile() -> dict[str, bytes]:
    """Name -> bytes of each file that must be refused as an original."""
    jpeg, png = encode(picture(), "JPEG"), encode(picture(), "PNG")
    return {
        "dji-xmp.jpg": xmp_jpeg('<rdf:Description xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" '
                                'drone-dji:GpsLatitude="+48.858093" drone-dji:GpsLongitude="+2.294694"/>'),
        "xmp-datatype.jpg": xmp_jpeg(
            '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:GPSLatitude '
            'rdf:datatype="http://www.w3.org/2001/XMLSchema#string">48,51.485N</exif:GPSLatitude>'
            '<exif:GPSLongitude rdf:datatype="http://www.w3.org/2001/XMLSchema#string">2,17.682E'
            '</exif:GPSLongitude></rdf:Description>'),
        "xmp-utf16.jpg": xmp_jpeg('<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
                                  'exif:GPSLatitude="48,51.485N" exif:GPSLongitude="2,17.682E"/>', "utf-16"),
        "gps-second-app1.jpg": after_soi(jpeg, segment(0xE1, make("Phone").tobytes()),  # tobytes() starts "Exif\0\0"
                                         segment(0xE1, gps("Phone").tobytes())),
        "mpo-gps-image-two.jpg": mpo_with_gps_in_image_two(),
        "tiff-gps-page-two.tif": tiff_with_gps_on_page_two(),
        "exif-after-iend.png": png + chunk(b"eXIf", gps().tobytes()[6:]),
        "jpeg-appended.jpg": jpeg + encode(picture(), "JPEG", exif=gps()),
        "iptc-city.jpg": after_soi(jpeg, iptc()),
        "xmp-city.jpg": xmp_jpeg(
            '<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
            'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" photoshop:City="Paris" '
            'photoshop:Country="France" Iptc4xmpCore:Location="Champ de Mars"><Iptc4xmpCore:CreatorContactInfo '
            'Iptc4xmpCore:CiAdrExtadr="5 Avenue Anatole France" Iptc4xmpCore:CiAdrCity="Paris"/>'
            '</rdf:Description>'),
        "text-comment.png": before_iend(png, chunk(b"tEXt", b"Comment\x00taken at 5 Avenue Anatole France")),
        "comment.gif": encode(picture().convert("P"), "GIF", comment=b"taken at 5 Avenue Anatole France"),
        "exif.webp": encode(picture(), "WEBP", exif=gps()),
    }


def good() -> dict[str, bytes]:
    """Name -> bytes of each file that must still be published as it is."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    frames = [picture(), picture().rotate(180)]
    return {
        "plain.jpg": encode(picture(), "JPEG"),
        "icc.jpg": encode(picture(), "JPEG", icc_profile=srgb),
        "plain.png": encode(picture(), "PNG"),
        "plain.webp": encode(picture(), "WEBP"),
        "plain.gif": encode(picture().convert("P"), "GIF"),
        "plain.tif": encode(picture(), "TIFF"),
        "animated.gif": encode(frames[0], "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100),
        "animated.png": encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100),
    }


def main() -> int:
    for folder, files in (("hostile", hostile()), ("good", good())):
        (HERE / folder).mkdir(exist_ok=True)
        for name, data in files.items():
            (HERE / folder / name).write_bytes(data)
    (HERE.parent / "images" / "polyglot.png").write_bytes(polyglot())
    return 0


if __name__ == "__main__":
    sys.exit(main())
