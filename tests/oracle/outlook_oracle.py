#!/usr/bin/env python3
"""Independent reading of Outlook files, the oracle of tests/integration/outlook.rs.

Usage: outlook_oracle.py FILE...  ->  JSON on stdout, one entry per file:

  .msg (OLE2)  extract-msg (PyPI): subject and the attachment tree
               {"subject", "attachments": [{"name", "sha256"} | {"name", "message": {...}}]}
  TNEF         Debian's `tnef` program: {"attachments": [{"name", "sha256"}]}
               (`tnef -t` for names, `tnef -C DIR` for the bytes)
  .pst         Debian's `readpst -S` (libpst): {"messages": [{"folder", "subject"}]}

Nothing here shares code with leakcheck.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def msg_tree(m):
    import extract_msg
    out = {"subject": m.subject or "", "attachments": []}
    for a in m.attachments:
        name = a.longFilename or a.shortFilename or a.displayName or ""
        data = a.data
        if isinstance(data, extract_msg.msg_classes.MessageBase if hasattr(extract_msg, "msg_classes") else ()) or (
            hasattr(data, "attachments") and hasattr(data, "subject")
        ):
            out["attachments"].append({"name": name, "message": msg_tree(data)})
        elif isinstance(data, bytes):
            out["attachments"].append({"name": name, "sha256": sha256(data)})
        else:
            out["attachments"].append({"name": name, "unreadable": True})
    return out


def read_msg(path):
    import extract_msg
    m = extract_msg.openMsg(path, delayAttachments=False)
    try:
        return msg_tree(m)
    finally:
        m.close()


def read_tnef(path):
    listing = subprocess.run(["tnef", "-t", path], capture_output=True, text=True)
    names = [l.split("\t|\t")[0] for l in listing.stdout.splitlines() if l.strip()]
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["tnef", "-C", d, "--number-backups", path], capture_output=True)
        hashes = sorted(
            sha256(open(os.path.join(d, f), "rb").read()) for f in os.listdir(d)
        )
    return {"names": sorted(names), "sha256": hashes}


def read_pst(path):
    import email
    out = []
    with tempfile.TemporaryDirectory() as d:
        # -j 0: by default readpst forks workers that may still be writing
        # when it returns (seen: one message of four missing at random).
        subprocess.run(["readpst", "-j", "0", "-q", "-D", "-S", "-o", d, path], capture_output=True, check=True)
        for root, _, files in os.walk(d):
            for f in files:
                if not f.isdigit():
                    continue  # attachments and bodies are written beside
                m = email.message_from_bytes(open(os.path.join(root, f), "rb").read())
                out.append({"subject": str(m.get("Subject", ""))})
    out.sort(key=lambda x: x["subject"])
    return {"messages": out}


def main():
    result = {}
    for p in sys.argv[1:]:
        head = open(p, "rb").read(8)
        try:
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                result[p] = read_msg(p)
            elif head.startswith(b"\x78\x9f\x3e\x22"):
                result[p] = read_tnef(p)
            elif head.startswith(b"!BDN"):
                result[p] = read_pst(p)
        except Exception as e:  # the oracle failing on a file is reported, not fatal
            result[p] = {"error": repr(e)}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
