"""pdftext.py - the pages of a PDF printed by Chromium (Skia), read with the
standard library: each page's size and the text it shows.

Enough for Skia's output (PDF 1.4, no object streams, Flate-compressed
content, fonts with ToUnicode maps, text shown as hex strings with Tj and
TJ): pages() gives [(width, height, text)], in points, in page order."""
import re
import zlib

OBJ = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)endobj", re.S)


def _objects(data):
    return {int(m.group(1)): m.group(2) for m in OBJ.finditer(data)}


def _stream(body):
    m = re.search(rb"stream\r?\n", body)
    if not m:
        return b""
    raw = body[m.end():body.rfind(b"endstream")]
    if b"/FlateDecode" in body[:m.start()]:
        try:
            return zlib.decompress(raw)
        except zlib.error:
            return zlib.decompressobj().decompress(raw)
    return raw


def _ref(body, key):
    m = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
    return int(m.group(1)) if m else None


def _cmap(text):
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for a, b in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(a, 16)] = bytes.fromhex(b.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, c in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                  block):
            lo, hi, base = int(a, 16), int(b, 16), int(c, 16)
            for k in range(lo, hi + 1):
                table[k] = chr(base + k - lo)
    return table


def _fonts(objs, page):
    """resource name -> (code width in bytes, code -> text) of a page"""
    res = page
    r = _ref(page, b"Resources")
    if r is not None:
        res = objs.get(r, b"")
    m = re.search(rb"/Font\s*(<<.*?>>|\d+\s+0\s+R)", res, re.S)
    if not m:
        return {}
    fdict = m.group(1)
    if fdict.endswith(b"R"):
        fdict = objs.get(int(fdict.split()[0]), b"")
    fonts = {}
    for name, num in re.findall(rb"/([A-Za-z0-9_.+-]+)\s+(\d+)\s+0\s+R", fdict):
        font = objs.get(int(num), b"")
        width = 2 if b"/Type0" in font else 1
        tu = _ref(font, b"ToUnicode")
        fonts[name] = (width, _cmap(_stream(objs[tu])) if tu in objs else {})
    return fonts


def _text(content, fonts):
    out, font = [], (1, {})
    for m in re.finditer(rb"/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\((.*?)(?<!\\)\)"
                         rb"|(T\*|Td|TD|ET)\b", content, re.S):
        if m.group(1):
            font = fonts.get(m.group(1), (1, {}))
        elif m.group(2) is not None:
            raw = bytes.fromhex(m.group(2).decode())
            w, table = font
            for i in range(0, len(raw) - w + 1, w):
                code = int.from_bytes(raw[i:i + w], "big")
                out.append(table.get(code, chr(code) if w == 1 else ""))
        elif m.group(3) is not None:
            out.append(m.group(3).decode("latin-1"))
        else:
            out.append(" ")
    return "".join(out)


def pages(data):
    objs = _objects(data)
    result = []
    root = _ref(data[data.rfind(b"trailer"):], b"Root")
    kids = []

    def walk(num):
        body = objs.get(num, b"")
        if re.search(rb"/Type\s*/Pages\b", body):
            m = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
            for k in re.findall(rb"(\d+)\s+0\s+R", m.group(1) if m else b""):
                walk(int(k))
        elif re.search(rb"/Type\s*/Page\b", body):
            kids.append(num)

    if root is not None and _ref(objs.get(root, b""), b"Pages") is not None:
        walk(_ref(objs[root], b"Pages"))
    else:  # no trailer found (a cross-reference stream): pages in file order
        kids = [n for n, b in sorted(objs.items()) if re.search(rb"/Type\s*/Page\b", b)]
    for num in kids:
        page = objs[num]
        box = re.search(rb"/MediaBox\s*\[\s*([\d.\s-]+)\]", page)
        x0, y0, x1, y1 = (float(v) for v in box.group(1).split()) if box else (0, 0, 0, 0)
        fonts = _fonts(objs, page)
        refs = re.search(rb"/Contents\s*(\[.*?\]|\d+\s+0\s+R)", page, re.S)
        content = b""
        for c in re.findall(rb"(\d+)\s+0\s+R", refs.group(1) if refs else b""):
            content += _stream(objs.get(int(c), b"")) + b"\n"
        result.append((x1 - x0, y1 - y0, _text(content, fonts)))
    return result


if __name__ == "__main__":
    import sys
    for w, h, t in pages(open(sys.argv[1], "rb").read()):
        print("%.1f x %.1f: %s" % (w, h, t[-200:]))
