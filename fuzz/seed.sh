#!/usr/bin/env bash
# Seeds the fuzz corpora: fuzz/corpus/<target>/ from samples/dump (archive
# members and email attachments extracted) and ../shared/corpus when it is
# there, plus small archives made here (zip, tar, gzip, bzip2, 7z, nested),
# each input shaped the way its target reads it (see fuzz_targets/*.rs).
# Needs python3 (olefile, when installed, adds OLE stream seeds). Files
# are named by their SHA-1, as libFuzzer names its own, so running this
# again adds nothing twice; inputs over 1 MiB are left out.
#
# Usage: fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")"
exec python3 - <<'PY'
import bz2, email, gzip, hashlib, io, os, re, struct, tarfile, warnings, zipfile, zlib
from email import policy

warnings.simplefilter("ignore")  # the duplicate zip names below are on purpose

FUZZ = os.getcwd()
ROOT = os.path.dirname(FUZZ)
SAMPLES = os.path.join(ROOT, "samples")
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
OUT = os.path.join(FUZZ, "corpus")
MAX = 1 << 20
TARGETS = ["mbox", "mime", "header", "dkim", "office_xml", "ole", "pdf",
           "image", "archive", "outlook", "scan"]
counts = {t: 0 for t in TARGETS}

def add(target, data):
    if not data or len(data) > MAX:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(data)
        counts[target] += 1

for t in TARGETS:
    os.makedirs(os.path.join(OUT, t), exist_ok=True)

# --- what the inputs are -------------------------------------------------
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
TNEF_MAGIC = bytes.fromhex("789f3e22")
HEADER = re.compile(rb"^[!-9;-~]+:")
MAIL_FIELDS = re.compile(rb"^(from|to|subject|date|received|message-id|dkim-signature):",
                         re.I | re.M)

def is_email(b):
    if b.startswith(b"From "):
        return False
    head = b[:8192].split(b"\n\n")[0].split(b"\r\n\r\n")[0]
    return bool(HEADER.match(head)) and len(MAIL_FIELDS.findall(head)) >= 2

def is_image(b):
    return (b.startswith(b"\xff\xd8\xff") or b.startswith(b"\x89PNG")
            or b[:4] in (b"II*\x00", b"MM\x00*") or (b[:4] == b"RIFF" and b[8:12] == b"WEBP")
            or b[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix", b"ftypavif")
            or b[:4] in (b"GIF8", b"8BPS") or b[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n")

def ole_streams(b):
    try:
        import olefile
    except ImportError:
        return None
    try:
        ole = olefile.OleFileIO(io.BytesIO(b))
    except Exception:
        return None
    out = []
    for name in ["\x05SummaryInformation", "\x05DocumentSummaryInformation",
                 "WordDocument", "1Table", "0Table"]:
        out.append(ole.openstream(name).read() if ole.exists(name) else b"")
    return out

OOXML_PARTS = ["docProps/core.xml", "docProps/app.xml", "docProps/custom.xml",
               "word/settings.xml", "word/document.xml", "xl/sharedStrings.xml"]
ODF_PARTS = ["meta.xml", "content.xml", "META-INF/manifest.xml"]

def package_parts(b):
    try:
        z = zipfile.ZipFile(io.BytesIO(b))
        names = set(z.namelist())
    except Exception:
        return None
    def read(n):
        try:
            return z.read(n) if n in names else b""
        except Exception:
            return b""
    if "docProps/core.xml" in names or "word/document.xml" in names or "[Content_Types].xml" in names:
        return b"\0".join(read(n) for n in OOXML_PARTS)
    if "meta.xml" in names or "content.xml" in names:
        return b"\0".join(read(n) for n in ODF_PARTS)
    return None

def mbox_messages(b):
    parts = re.split(rb"(?m)^From .*\r?\n", b)
    return [p for p in parts if p.strip()]

SAMPLE_KEY = open(os.path.join(SAMPLES, "dkim-keys.txt"), "rb").read()
per_kind = {}

def classify(b, scan_budget=True):
    """Adds one file's bytes to every corpus it fits."""
    kind = None
    if b.startswith(b"From "):
        kind = "mbox"
        add("mbox", b)
        for m in mbox_messages(b)[:20]:
            classify(m)
    elif is_email(b):
        kind = "email"
        add("mime", b)
        add("mbox", b"From fuzz@example.org Mon Apr  3 10:00:00 2017\n" + b)
        head = re.split(rb"\r?\n\r?\n", b, maxsplit=1)[0]
        add("header", head)
        if re.search(rb"(?mi)^dkim-signature:", head):
            add("dkim", SAMPLE_KEY + b"\0" + b)
        try:
            msg = email.message_from_bytes(b, policy=policy.compat32)
            for part in msg.walk():
                if part.get_filename():
                    data = part.get_payload(decode=True)
                    if data:
                        classify(data)
                elif part.get_content_type() == "message/rfc822":
                    inner = part.get_payload()
                    if isinstance(inner, list) and inner:
                        classify(inner[0].as_bytes())
        except Exception:
            pass
    elif b.startswith(b"%PDF") or b"%PDF-" in b[:1024]:
        kind = "pdf"
        add("pdf", b)
    elif b.startswith(OLE_MAGIC):
        streams = ole_streams(b)
        if "__substg1.0_".encode("utf-16-le") in b:
            kind = "outlook"
            add("outlook", b)
        else:
            kind = "ole"
            add("ole", b)
            if streams and any(streams):
                add("ole", b"\xffOLE-STREAM\xff".join(streams))
    elif b.startswith(TNEF_MAGIC) or b.startswith(b"!BDN"):
        kind = "outlook"
        add("outlook", b)
    elif b.startswith(b"PK"):
        parts = package_parts(b)
        if parts is not None:
            kind = "office"
            add("office_xml", parts)
            if per_kind.get("office_raw", 0) < 10:
                per_kind["office_raw"] = per_kind.get("office_raw", 0) + 1
                add("office_xml", b)
        else:
            kind = "zip"
        add("archive", b)
        try:
            z = zipfile.ZipFile(io.BytesIO(b))
            if parts is None:
                for n in z.namelist()[:50]:
                    classify(z.read(n))
        except Exception:
            pass
    elif b.startswith(b"\x1f\x8b") or b.startswith(b"BZh") or b[257:262] == b"ustar" \
            or b.startswith(b"7z\xbc\xaf\x27\x1c"):
        kind = "compressed"
        add("archive", b)
        try:
            with tarfile.open(fileobj=io.BytesIO(b)) as t:
                for m in t.getmembers()[:50]:
                    if m.isfile():
                        classify(t.extractfile(m).read())
        except Exception:
            pass
    elif is_image(b):
        kind = "image"
        add("image", b)
    if kind and scan_budget and per_kind.get(kind, 0) < 25:
        per_kind[kind] = per_kind.get(kind, 0) + 1
        add("scan", b)

def walk(top):
    if not os.path.isdir(top):
        return
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.getsize(p) <= 4 * MAX:
                with open(p, "rb") as fh:
                    classify(fh.read())

# The sample dump first: every file of it seeds the whole scan.
for d, dirs, files in os.walk(os.path.join(SAMPLES, "dump")):
    dirs.sort()
    for f in sorted(files):
        with open(os.path.join(d, f), "rb") as fh:
            b = fh.read()
        add("scan", b)
        classify(b)
walk(SHARED)

# DKIM cases of the shared corpus: the key records, NUL, the message.
cases = os.path.join(SHARED, "dkim", "DKIM_CASES.tsv")
if os.path.exists(cases):
    for line in open(cases, encoding="utf-8", errors="replace"):
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 2:
            continue
        msg, dns = (os.path.join(SHARED, c) for c in cols[:2])
        if os.path.isfile(msg) and os.path.isfile(dns):
            add("dkim", open(dns, "rb").read() + b"\0" + open(msg, "rb").read())

# Header fields the header target reads one by one.
for s in [b"Date: Mon, 27 Mar 2017 10:12:00 +0200",
          b"Mon, 27 Mar 2017 10:12:00 +2500 (CEST)",
          b"2017-03-27T10:12:00Z",
          b"Received: from mx.example.org (mx.example.org [192.0.2.1]) by mail.example.net"
          b" with ESMTPS id 1; Mon, 27 Mar 2017 10:12:00 +0200",
          b"Subject: =?utf-8?B?0KDQvtGI0LrQsA==?= =?utf-8?Q?_=D0=93?=",
          b"From: =?windows-1251?Q?=D0=EE=F8=EA=E0?= <roshka@example.org>",
          b"Message-ID: <a@b> <c@d>\r\nReferences: <e@f>\r\n\t<g@h>\r\n"]:
    add("header", s)

# --- archives made here ------------------------------------------------------
EML = (b"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\n"
       b"Subject: test\r\nDate: Mon, 27 Mar 2017 10:12:00 +0200\r\n"
       b"Message-ID: <seed@example.org>\r\n\r\nHello.\r\n")

def zip_of(entries, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, (2017, 3, 27, 10, 12, 0)), data)
    return buf.getvalue()

def tar_of(entries, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT) as t:
        for name, data in entries:
            i = tarfile.TarInfo(name)
            i.size, i.mtime = len(data), 1490602320
            t.addfile(i, io.BytesIO(data))
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "../etc/passwd"
        t.addfile(link)
    return buf.getvalue()

def sevenz_of(entries):
    """A 7z archive with the Copy coder (no compression), one folder."""
    def num(n):
        return bytes([n]) if n < 0x80 else b"\xff" + struct.pack("<Q", n)
    packed = b"".join(d for _, d in entries)
    h = b"\x01\x04"                                          # Header, MainStreamsInfo
    h += b"\x06" + num(0) + num(1) + b"\x09" + num(len(packed)) + b"\x00"  # PackInfo
    h += b"\x07\x0b" + num(1) + b"\x00" + num(1) + b"\x01\x00"  # UnpackInfo: 1 folder, Copy
    h += b"\x0c" + num(len(packed)) + b"\x00"
    h += b"\x08\x0d" + num(len(entries))                    # SubStreamsInfo
    if len(entries) > 1:
        h += b"\x09" + b"".join(num(len(d)) for _, d in entries[:-1])
    h += b"\x0a\x01" + b"".join(struct.pack("<I", zlib.crc32(d)) for _, d in entries)
    h += b"\x00\x00"                                         # end SubStreams, end Main
    names = b"".join(n.encode("utf-16-le") + b"\0\0" for n, _ in entries)
    h += b"\x05" + num(len(entries)) + b"\x11" + num(len(names) + 1) + b"\x00" + names
    h += b"\x00\x00"                                         # end FilesInfo, end Header
    start = struct.pack("<QQI", len(packed), len(h), zlib.crc32(h))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start + packed + h

inner = zip_of([("mail/a.eml", EML), ("notes.txt", b"notes\n")])
made = [
    zip_of([("a.eml", EML), ("inner.zip", inner), ("dir/", b"")]),
    zip_of([("same.txt", b"1"), ("same.txt", b"2"), ("../up.txt", b"x"), ("/abs", b"y")],
           zipfile.ZIP_STORED),
    zip_of([("b.txt", b"b" * 4096)], zipfile.ZIP_BZIP2),
    zip_of([("l.txt", b"l" * 4096)], zipfile.ZIP_LZMA),
    tar_of([("a.eml", EML), ("inner.zip", inner)]),
    tar_of([("a.eml", EML)], "w:gz"),
    tar_of([("a.eml", EML)], "w:bz2"),
    gzip.compress(EML, mtime=0),
    bz2.compress(EML),
    sevenz_of([("a.eml", EML), ("inner.zip", inner), ("docs/b.txt", b"b\n")]),
    b"From alice@example.org Mon Apr  3 10:00:00 2017\n" + EML + b"\nFrom bob Mon Apr  3 10:00:01 2017\n" + EML,
]
for b in made:
    add("archive", b)
    add("scan", b)
    classify(b, scan_budget=False)

print("seeded fuzz/corpus/: " + ", ".join(f"{t} +{counts[t]}" for t in TARGETS))
PY
