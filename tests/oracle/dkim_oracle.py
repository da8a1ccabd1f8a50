#!/usr/bin/env python3
"""DKIM oracle: dkimpy's verdict on every signature of the given messages.

Reads JSON on stdin:
  {"keys": ["a.dns.txt", ...],
   "messages": [{"file": "x.eml", "mbox_index": null_or_1_based,
                 "times": [judged_at_or_null, ...]}, ...]}
and writes JSON on stdout: one entry per message, one result per
DKIM-Signature header (top to bottom): {"pass": bool, "reason": str}.

Keys are read from files of `<name> <TXT value>` lines (the format of the
shared corpus), with `NXDOMAIN` and `~~...~~` meaning a failed lookup.

The clock is set, signature by signature, to the time leakcheck judged it
at (the message's arrival), but never before the signature's own t=:
leakcheck's forensic semantics, so that x= expiry is compared the same way.
Keys of any size are verified (minkey=1): leakcheck verifies short keys and
flags them as weak instead of refusing them.
"""
import json
import logging
import mailbox
import sys
import time

import dkim  # dkimpy


def load_keys(paths):
    keys = {}
    for p in paths:
        with open(p, "rb") as f:
            for raw in f:
                line = raw.strip()
                if not line or line.startswith(b"#"):
                    continue
                parts = line.split(None, 1)
                name = parts[0].lower().rstrip(b".")
                value = parts[1].strip() if len(parts) > 1 else b""
                if b"_domainkey" not in name or name in keys:
                    continue
                if value == b"NXDOMAIN" or value.startswith(b"~~"):
                    keys[name] = None
                elif value == b'""':
                    keys[name] = b""
                else:
                    keys[name] = value
    return keys


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def main():
    request = json.load(sys.stdin)
    keys = load_keys(request["keys"])

    def dnsfunc(name, timeout=5):
        return keys.get(name.lower().rstrip(b"."))

    real_time = time.time
    out = []
    for m in request["messages"]:
        if m.get("mbox_index"):
            box = mailbox.mbox(m["file"], create=False)
            data = box.get_bytes(list(box.keys())[m["mbox_index"] - 1])
        else:
            with open(m["file"], "rb") as f:
                data = f.read()
        results = []
        for idx, judged_at in enumerate(m["times"]):
            logger = logging.getLogger("oracle.%d" % idx)
            logger.handlers = []
            cap = Capture()
            logger.addHandler(cap)
            logger.propagate = False
            now = judged_at if judged_at is not None else real_time()
            try:
                d = dkim.DKIM(data, logger=logger, minkey=1)
            except Exception as e:
                results.append({"pass": False, "reason": "%s: %s" % (type(e).__name__, e)})
                continue
            try:
                sig = dkim.util.parse_tag_value(
                    [v for k, v in d.headers if k.lower() == b"dkim-signature"][idx]
                )
                if b"t" in sig and sig[b"t"].isdigit():
                    now = max(now, int(sig[b"t"]))
            except Exception:
                pass
            time.time = lambda now=now: now
            try:
                ok = bool(d.verify(idx=idx, dnsfunc=dnsfunc))
                reason = "; ".join(cap.messages) or ("pass" if ok else "signature did not verify")
            except Exception as e:  # dkimpy raises for malformed input
                ok = False
                reason = "%s: %s" % (type(e).__name__, e)
            finally:
                time.time = real_time
            results.append({"pass": ok, "reason": reason})
        out.append({"file": m["file"], "results": results})
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
