"""check_pages.py - carcer's report pages opened in headless Chromium.

usage: check_pages.py CHROMIUM WORKDIR PAGE.html[=SUMMARY.json] ...

For every page:
  - static: no external reference (no script, style sheet, image, font or
    address but the SVG namespace), and the file under 3 MB;
  - in the browser, at a window 1,280 pixels wide, on a copy of the page
    with a test-only script put first in its <head> (it records errors,
    console messages and every resource fetched, then measures the page
    once loaded and writes what it found into the DOM, read back with
    --dump-dom): no error, no console message (Chromium's own log is read
    too), no network request, no horizontal scrollbar, every chart present
    with a size, a <title> and something drawn in it;
  - a screenshot of the page itself whose pixels are not blank (several
    colours, and more than 2% of the pixels not white);
  - the page printed to PDF: every page A4 (595 x 842 points) and carrying
    its number ("Page i of n");
  - with SUMMARY.json: every number of the headline (<b class="num">) equal
    to the value of summary.json it names, rounded as the page says.
Prints one line per page and exits 1 on any failure."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdftext  # noqa: E402
import pngread  # noqa: E402

MAX_BYTES = 3 * 1024 * 1024
A4 = (595.28, 841.89)

PROBE = r"""<script>
(function () {
  var seen = [];
  window.addEventListener('error', function (e) {
    var t = e.target && (e.target.src || e.target.href);
    seen.push('error: ' + (e.message || t || 'unknown'));
  }, true);
  ['error', 'warn', 'log', 'info'].forEach(function (k) {
    console[k] = function () { seen.push('console.' + k + ': ' + [].join.call(arguments, ' ')); };
  });
  window.addEventListener('load', function () {
    var de = document.documentElement, r = {errors: seen};
    r.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    r.scrollWidth = de.scrollWidth;
    r.clientWidth = de.clientWidth;
    r.charts = [].map.call(document.querySelectorAll('svg'), function (s) {
      var b = s.getBoundingClientRect(), marks = 0;
      [].forEach.call(s.querySelectorAll('polyline,polygon'), function (p) {
        if ((p.getAttribute('points') || '').trim().split(/\s+/).length >= 2) marks++;
      });
      [].forEach.call(s.querySelectorAll('rect,path,circle'), function (p) {
        var bb = p.getBBox();
        if (bb.width > 0 || bb.height > 0) marks++;
      });
      var t = s.querySelector('title');
      return {w: b.width, h: b.height, marks: marks, title: t ? t.textContent : ''};
    });
    r.nums = [].map.call(document.querySelectorAll('b.num'), function (n) {
      return {key: n.dataset.key, per: n.dataset.per || null, stat: n.dataset.stat,
              factor: n.dataset.factor, sig: n.dataset.sig || null,
              decimals: n.dataset.decimals || null, text: n.textContent};
    });
    var pre = document.createElement('pre');
    pre.id = 'carcer-check';
    pre.textContent = JSON.stringify(r);
    document.body.appendChild(pre);
  });
})();
</script>"""


def chromium(binary, work, *args):
    profile = os.path.join(work, "profile")
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile,
           "--window-size=1280,1000"] + list(args)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def static_checks(html, size):
    bad = []
    if size >= MAX_BYTES:
        bad.append("%d bytes, 3 MB or more" % size)
    for pat in ("<script", "<link", "<img", "<iframe", "<object", "src=", "href=", "url(",
                "@import", "@font-face"):
        if pat in html:
            bad.append("an external reference: " + pat)
    # addresses may stand in text (the sources of targets), never in an
    # attribute, where the browser could fetch them
    rest = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for m in re.finditer(r'(?i)=\s*"[^"]*(https?:|file:|ftp:|data:)', rest):
        bad.append("an address in an attribute: " + m.group(0)[:60])
    return bad


def number_of(text):
    t = text.replace(",", "").replace("\u2212", "-").strip()
    return float(t)


def summary_value(summary, key, stat):
    node = summary
    for k in json.loads(key):
        node = node[k]
    if stat == "value":
        return float(node)
    return float(node[stat])


def headline_checks(nums, summary):
    bad = []
    if not nums:
        return ["no headline number"]
    for n in nums:
        try:
            v = summary_value(summary, n["key"], n["stat"])
            if n["per"]:
                v /= summary_value(summary, n["per"], n["stat"])
            shown = v * float(n["factor"])
            if n["sig"]:
                want = float("%.*e" % (int(n["sig"]) - 1, shown))
            else:
                want = float("%.*f" % (int(n["decimals"]), shown))
            got = number_of(n["text"])
        except (KeyError, TypeError, ValueError) as e:
            bad.append("headline number %r: %s" % (n, e))
            continue
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            bad.append("headline number %s of %s (%s) is %r, summary.json gives %r"
                       % (n["text"], n["key"], n["stat"], got, want))
    return bad


def browser_checks(binary, work, page):
    with open(page, encoding="utf-8") as f:
        html = f.read()
    probe = os.path.join(work, "probe.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(html.replace("<head>", "<head>" + PROBE, 1))
    out = chromium(binary, work, "--enable-logging=stderr", "--v=0",
                   "--virtual-time-budget=10000", "--dump-dom", "file://" + probe)
    m = re.search(r'<pre id="carcer-check">(.*?)</pre>', out.stdout.decode("utf-8", "replace"),
                  re.S)
    if not m:
        return ["the probe did not report (exit %d): %s"
                % (out.returncode, out.stderr.decode()[-500:])], None
    import html as htmllib
    r = json.loads(htmllib.unescape(m.group(1)))
    bad = ["page error: " + e for e in r["errors"]]
    bad += ["network request: " + u for u in r["resources"]]
    for line in out.stderr.decode("utf-8", "replace").splitlines():
        if ":CONSOLE(" in line or "net::ERR" in line:
            bad.append("Chromium log: " + line.strip()[:200])
    if r["scrollWidth"] > r["clientWidth"]:
        bad.append("a horizontal scrollbar at 1280 px: the page is %d px wide in %d"
                   % (r["scrollWidth"], r["clientWidth"]))
    if not r["charts"]:
        bad.append("no chart")
    for i, c in enumerate(r["charts"]):
        if not (c["w"] > 0 and c["h"] > 0):
            bad.append("chart %d (%s) has no size" % (i, c["title"]))
        if c["marks"] < 1:
            bad.append("chart %d (%s) draws nothing" % (i, c["title"]))
        if not c["title"].strip():
            bad.append("chart %d has no <title>" % i)
    return bad, r


def screenshot_checks(binary, work, page):
    shot = os.path.join(work, "shot.png")
    if os.path.exists(shot):
        os.remove(shot)
    chromium(binary, work, "--screenshot=" + shot, "file://" + os.path.abspath(page))
    if not os.path.exists(shot):
        return ["no screenshot"]
    with open(shot, "rb") as f:
        data = f.read()
    # the top 300 rows (title, headline, first table) decoded: enough to
    # know the page is drawn, and quick in pure Python
    width, height, ch, rows = pngread.decode_rows(data, 300)
    colours, ink, total = set(), 0, 0
    for row in rows:
        for x in range(0, width * ch, ch * 2):
            px = row[x:x + 3]
            colours.add(px)
            total += 1
            ink += px != b"\xff\xff\xff"
    bad = []
    if len(colours) < 8:
        bad.append("the screenshot has %d colours" % len(colours))
    if ink < 0.02 * total:
        bad.append("the screenshot is blank: %d of %d pixels not white" % (ink, total))
    return bad


def pdf_checks(binary, work, page):
    pdf = os.path.join(work, "page.pdf")
    if os.path.exists(pdf):
        os.remove(pdf)
    chromium(binary, work, "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
             "file://" + os.path.abspath(page))
    if not os.path.exists(pdf):
        return ["no PDF"], 0
    with open(pdf, "rb") as f:
        pages = pdftext.pages(f.read())
    bad = []
    if not pages:
        bad.append("the PDF has no page")
    for i, (w, h, text) in enumerate(pages):
        if abs(w - A4[0]) > 2 or abs(h - A4[1]) > 2:
            bad.append("PDF page %d is %.1f x %.1f points, not A4" % (i + 1, w, h))
        if "Page%dof%d" % (i + 1, len(pages)) not in re.sub(r"\s+", "", text):
            bad.append("PDF page %d does not say 'Page %d of %d'" % (i + 1, i + 1, len(pages)))
    return bad, len(pages)


def main(argv):
    binary, work = argv[1], argv[2]
    failures = 0
    for arg in argv[3:]:
        page, _, summary = arg.partition("=")
        with open(page, encoding="utf-8") as f:
            html = f.read()
        bad = static_checks(html, os.path.getsize(page))
        b, r = browser_checks(binary, work, page)
        bad += b
        if summary and r is not None:
            with open(summary, encoding="utf-8") as f:
                bad += headline_checks(r["nums"], json.load(f))
        bad += screenshot_checks(binary, work, page)
        b, npages = pdf_checks(binary, work, page)
        bad += b
        name = os.path.basename(os.path.dirname(page)) + "/" + os.path.basename(page)
        for line in bad:
            print("FAIL: %s: %s" % (name, line))
        failures += len(bad)
        charts = len(r["charts"]) if r else 0
        nums = len(r["nums"]) if r and summary else 0
        print("%s %s: %d bytes, %d charts, %d headline numbers checked, %d A4 pages"
              % ("ok  " if not bad else "FAIL", name, os.path.getsize(page), charts, nums,
                 npages))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
