#!/usr/bin/env python3
"""Every citation of the shipped scenarios, pathogens, docs and sources
of the schema points into docs/sources.md: a short name of its tables
([S: PPP-2017], "Byrne et al. 2020", "(HRW 2010)"), a numbered section
("sources §10"), an identifier (PMC, PMID); and nothing points outside the
repository (no facts file, no design document).

Usage: sources_check.py SOURCE_DIR
"""
import glob
import os
import re
import sys

src = sys.argv[1]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def read(path):
    return open(path, encoding="utf-8").read()


sources = read(os.path.join(src, "docs", "sources.md"))
# short names: the first column of every table row; a cell may list
# several, separated by ", "
names = set()
for line in sources.splitlines():
    m = re.match(r"^\| ([^|]+?) \|", line)
    if m and m.group(1) not in ("short name", "---"):
        for n in m.group(1).split(", "):
            names.add(n.strip())
sections = set(re.findall(r"^#{3,4} §(\d+[a-d]?)\.", sources, re.M))


MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun",
          "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Cambodia"}


def named(key):
    key = re.sub(r" et al\.?,?", "", key.strip())
    return any(key == n or key.startswith(n + " ") or key.startswith(n + ",") for n in names)


cited = []  # (file, text) of everything that cites
for pattern in ("scenarios/*.yaml", "pathogens/*.yaml", "docs/*.md", "src/*.c", "src/*.h",
                "README.md", "tools/carcer/*.c", "include/carcer/*.h"):
    for path in sorted(glob.glob(os.path.join(src, pattern))):
        rel = os.path.relpath(path, src)
        if rel == "docs/sources.md":
            continue
        text = read(path)
        # comment lines joined, so that a citation may wrap
        joined = re.sub(r"\s*\n\s*(?:#|\*|//)?\s*", " ", text)
        cited.append((rel, text, joined))

for rel, text, joined in cited:
    for bad in ("facts file", "facts section", "DESIGN.md", "/work/", "../shared"):
        if bad in text:
            fail("%s mentions '%s', which is not in the repository" % (rel, bad))
    for sec in re.findall(r"§(\d+[a-d]?)", joined):
        if sec not in sections:
            fail("%s cites sources §%s, which docs/sources.md does not have" % (rel, sec))
    for ident in re.findall(r"PMC\d+|PMID:? ?\d+", joined):
        if ident.replace("PMID:", "PMID").replace("PMID ", "PMID") not in \
                sources.replace("PMID ", "PMID"):
            fail("%s cites %s, which docs/sources.md does not list" % (rel, ident))
    for surname, year in re.findall(r"([A-Z][A-Za-z'-]+) et al\.?,?[^()\[\]]{0,40}?((?:19|20)\d\d)", joined):
        if not named("%s %s" % (surname, year)):
            fail("%s cites %s et al. %s, which docs/sources.md does not list" % (rel, surname, year))
    # "Searle, Casella & McCulloch 1992", "Cranley & Patterson 1976", and
    # "(Lauer 2020; Byrne 2020)": the first author and the year
    for first, year in re.findall(
            r"\b((?:Del |De |Van )?[A-Z][a-zA-Z'-]+)(?:, [A-Z][a-zA-Z'-]+)*,? (?:&|and) "
            r"[A-Z][a-zA-Z'-]+,? ((?:19|20)\d\d)\b", joined):
        if not named("%s %s" % (first, year)):
            fail("%s cites %s %s, which docs/sources.md does not list" % (rel, first, year))
    for first, year in re.findall(r"[(;] ?([A-Z][a-zA-Z'-]+) ((?:19|20)\d\d)\b", joined):
        if first not in MONTHS and not named("%s %s" % (first, year)):
            fail("%s cites %s %s, which docs/sources.md does not list" % (rel, first, year))
    if rel.endswith(".yaml"):
        for tag in re.findall(r"\[([SA]): ([^\]]*)\]", joined):
            for part in tag[1].split(";"):
                part = re.sub(r"^\s*[SA]:\s*", "", part.strip())
                if not part or re.match(r"^[XD]\b", part):
                    continue
                # one of its comma-separated pieces names the source (the
                # others are figures: "[S: NACD 2021, 3,049 resident]")
                if not any(named(piece) for piece in part.split(",")):
                    fail("%s cites [%s: %s]: '%s' names no source of docs/sources.md"
                         % (rel, tag[0], tag[1], part))

# the short names the default scenario's header lists
default = read(os.path.join(src, "scenarios", "cambodia-2017.yaml"))
header = re.findall(r"^#   (\S+)\s{2,}", default, re.M) + \
    re.findall(r"^  #   (\S+)\s{2,}", default, re.M)
if len(header) < 10:
    fail("the default's header lists %d short names" % len(header))
for n in header:
    if not named(n):
        fail("the default's header names %s, which docs/sources.md does not list" % n)

# the parenthesised sources of the schema's defaults: (NAME YEAR)
schema = read(os.path.join(src, "src", "schema.c"))
for s in re.findall(r'\.source = "([^"]*)"', schema):
    for ref in re.findall(r"\(([A-Z][^()]*)\)", s):
        if not named(ref.split(",")[0]):
            fail("the schema's source '%s' cites '%s', which docs/sources.md does not list"
                 % (s, ref))

print("ok" if not failures else "%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
