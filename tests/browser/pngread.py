"""pngread.py - a PNG decoder of the standard library (zlib, struct).

Enough for Chromium's screenshots: 8 bits a channel, colour types 2 (RGB)
and 6 (RGBA), not interlaced. decode() gives (width, height, channels,
rows), each row a bytes object of width * channels samples; crop() writes a
band of rows as a new PNG (to look at a part of a tall page)."""
import struct
import zlib


def _chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        yield kind, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    return decode_rows(data, None)


def decode_rows(data, most):
    """decode() of the first `most` rows only (None: all)"""
    idat = b""
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError("unsupported PNG (depth %d, colour %d)" % (depth, colour))
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    ch = 3 if colour == 2 else 4
    stride = width * ch
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height if most is None else min(most, height)):
        f, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                line[i] = (line[i] + _paeth(a, b, c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, ch, rows


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def crop(data, top, bottom, path):
    width, height, ch, rows = decode(data)
    band = rows[top:min(bottom, height)]
    raw = b"".join(b"\x00" + r for r in band)
    ihdr = struct.pack(">IIBBBBB", width, len(band), 8, 2 if ch == 3 else 6, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) +
                _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


if __name__ == "__main__":
    import sys
    crop(open(sys.argv[1], "rb").read(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
