#!/usr/bin/env python3
"""Independent inventory of a dump, for checking leakcheck's report.

Walks a folder with Python's standard library only (os, zipfile, tarfile,
mailbox, email) and prints JSON: {provenance path: {"sha256": hex or null}}
for every file, zip/tar member, mbox message and email attachment, named by
the rules of docs/report-format.md. Hashes are of the bytes Python's own
modules return: mailbox.mbox.get_bytes() for messages, and
part.get_payload(decode=True) for attachments. Attached messages
(message/rfc822) are listed with a null hash: Python re-serialises them.

Usage: inventory.py ROOT [--blake3]
"""
import email
import email.policy
import hashlib
import io
import json
import mailbox
import os
import sys
import tarfile
import zipfile

OFFICE_MARKERS = ("[Content_Types].xml", "mimetype", "META-INF/MANIFEST.MF")


def _esc_text(s):
    # '%' must be escaped first, but not the %XX just produced for raw bytes;
    # callers pass text, so a plain replace is right.
    return s.replace("%", "%25").replace("!", "%21")


def digest(data):
    return hashlib.sha256(data).hexdigest()


def looks_like_email(data):
    head = data[:8192]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    lines = head.split(b"\n")
    if not lines or b":" not in lines[0]:
        return False
    known = {b"from", b"to", b"subject", b"date", b"message-id", b"received",
             b"return-path", b"mime-version", b"delivered-to", b"x-mailer"}
    n = 0
    for line in lines[:64]:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue
        name = line.split(b":", 1)[0].strip().lower()
        if name in known:
            n += 1
    return n >= 2


def is_plain_zip(data):
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except Exception:
        return False
    return not any(m in names for m in OFFICE_MARKERS)


def walk_content(path, data, out, depth=0):
    if depth > 30:
        return
    if data.startswith(b"From "):
        walk_mbox_bytes(path, data, out, depth)
    elif looks_like_email(data):
        walk_email(path, data, out, depth)
    elif is_plain_zip(data):
        walk_zip(path, data, out, depth)
    elif data[:2] == b"\x1f\x8b":
        walk_gzip(path, data, out, depth)


def add(out, path, data):
    out[path] = {"sha256": None if data is None else digest(data)}


def walk_zip(path, data, out, depth):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.is_dir() or info.flag_bits & 1:
                continue
            member = z.read(info)
            p = path + "!" + _esc_text(info.filename)
            add(out, p, member)
            walk_content(p, member, out, depth + 1)


def walk_gzip(path, data, out, depth):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as t:
        for m in t.getmembers():
            if not m.isfile():
                continue
            member = t.extractfile(m).read()
            p = path + "!" + _esc_text(m.name)
            add(out, p, member)
            walk_content(p, member, out, depth + 1)


def walk_mbox_bytes(path, data, out, depth):
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".mbox") as f:
        f.write(data)
        f.flush()
        box = mailbox.mbox(f.name, create=False)
        for i, key in enumerate(box.keys(), start=1):
            msg = box.get_bytes(key)
            p = "%s!%d" % (path, i)
            add(out, p, msg)
            unescaped = b"\n".join(
                l[1:] if l.lstrip(b">").startswith(b"From ") and l.startswith(b">") else l
                for l in msg.split(b"\n"))
            walk_email(p, unescaped, out, depth + 1)
        box.close()


def walk_email(path, data, out, depth):
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    leaves = []

    def collect(part):
        # An attached message is a leaf here: its own parts are its members.
        if part.get_content_type() in ("message/rfc822", "message/global") and part is not msg:
            leaves.append(part)
        elif part.is_multipart():
            for sub in part.get_payload():
                collect(sub)
        else:
            leaves.append(part)

    collect(msg)
    cands = []
    for n, part in enumerate(leaves, start=1):
        name = part.get_filename()
        if name is not None:
            try:
                name = str(email.header.make_header(email.header.decode_header(name)))
            except Exception:
                pass
            if not name.strip():
                name = None
        ctype = part.get_content_type()
        disp = (part.get_content_disposition() or "")
        is_msg = ctype in ("message/rfc822", "message/global")
        if name or disp == "attachment" or is_msg or not ctype.startswith("text/"):
            cands.append((n, part, name, is_msg))
    counts = {}
    for _, _, name, _ in cands:
        if name:
            counts[name] = counts.get(name, 0) + 1
    for n, part, name, is_msg in cands:
        seg = name if name and counts[name] == 1 else "part%d" % n
        p = path + "!" + _esc_text(seg)
        if is_msg:
            # Python re-serialises attached messages, so their own bytes
            # cannot be compared; their attachments can.
            add(out, p, None)
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                walk_email(p, inner[0].as_bytes(), out, depth + 1)
            continue
        payload = part.get_payload(decode=True)
        add(out, p, payload)
        if payload:
            walk_content(p, payload, out, depth + 1)


def main():
    root = sys.argv[1]
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            full = os.path.join(dirpath, fn)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            with open(full, "rb") as f:
                data = f.read()
            add(out, _esc_text(rel), data)
            try:
                walk_content(_esc_text(rel), data, out)
            except Exception as e:  # the oracle gives up on this file, says so
                print("oracle: %s: %s" % (rel, e), file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
