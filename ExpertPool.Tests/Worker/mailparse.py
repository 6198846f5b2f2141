"""Parses .eml files with Python's email package and prints one JSON object per file (a JSON array).

Usage: /usr/bin/python3 mailparse.py FILE...
"""
import base64
import email
import json
import sys
from email import policy


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    msg = email.message_from_bytes(data, policy=policy.default)
    raw = email.message_from_bytes(data, policy=policy.compat32)
    to = msg["to"].addresses[0]
    sender = msg["from"].addresses[0]
    parts = []
    for part in msg.walk():
        entry = {"content_type": part.get_content_type(), "multipart": part.is_multipart()}
        if not part.is_multipart():
            entry["charset"] = part.get_content_charset()
            entry["filename"] = part.get_filename()
            entry["disposition"] = part.get_content_disposition()
            entry["full_content_type"] = part.get("content-type")
            payload = part.get_payload(decode=True) or b""
            entry["base64"] = base64.b64encode(payload).decode()
            if part.get_content_maintype() == "text":
                entry["text"] = payload.decode(part.get_content_charset() or "utf-8")
        parts.append(entry)
    return {
        "file": path,
        "subject": str(msg["subject"]),
        "raw_subject": raw["Subject"],
        "to_name": to.display_name,
        "to_address": to.addr_spec,
        "raw_to": raw["To"],
        "from_name": sender.display_name,
        "from_address": sender.addr_spec,
        "message_id": msg["message-id"],
        "date": msg["date"],
        "content_type": msg.get_content_type(),
        "defects": [str(d) for p in msg.walk() for d in p.defects],
        "parts": parts,
    }


print(json.dumps([parse(p) for p in sys.argv[1:]], ensure_ascii=False))
