#!/usr/bin/env python3
"""Independent verifier for ExpertPool draws (algorithms "ExpertPool-Draw-2" and, for older records, "ExpertPool-Draw-1").

Standard library only. Re-implements docs/draw-algorithm.md without sharing code with the C# service.

    python3 tools/verify_draw.py docs/draw-test-vectors.json   # check every test vector (also docs/draw-test-vectors-v1.json)
    python3 tools/verify_draw.py --error-vectors docs/draw-error-vectors.json
        # check that every error case (malformed records, divergences) gives the outcome the specification names
    python3 tools/verify_draw.py --record record.json          # verify one exported draw record (consistent in itself)
    python3 tools/verify_draw.py --record record.json --commitment HEX --entropy VALUE [--entropy VALUE ...]
        # ... and that it was drawn from the commitment published at scheduling and the entropy made public at the draw
    python3 tools/verify_draw.py --record record.json --sha256 HEX
        # ... and check the file is the very document the service stored (its published documentSha256)

Exit code 0 when everything matches, 1 on any divergence or unreadable input.
"""

import argparse
import hashlib
import hmac
import json
import math
import re
import sys

ALGORITHM_V1 = "ExpertPool-Draw-1"
ALGORITHM_V2 = "ExpertPool-Draw-2"
ALGORITHM_VERSIONS = (ALGORITHM_V1, ALGORITHM_V2)
NONCE_LENGTH = 32
SEED_BITS = 256
TAG_COMMITMENT = "ExpertPool/v1/commitment"
TAG_POOL = "ExpertPool/v1/pool"
TAG_SEED = "ExpertPool/v1/seed"
TAG_SCORE = "ExpertPool/v1/score"
TAG_QUOTA = "ExpertPool/v2/quota"

# A record's top-level members, as the service writes them. Anything else was added by someone else. "context" (the
# host's data, not hashed) may be absent, as the service's own reader allows.
RECORD_KEYS = ("algorithmVersion", "drawId", "commitment", "nonce", "ruleSetVersion", "quotas", "pool",
               "externalEntropy", "poolHash", "seed", "succeeded", "selection", "context")
OPTIONAL_KEYS = ("context",)

# How deeply arrays and objects may nest (section 9), the record's own object being level 1: as deep as the C# reader
# (System.Text.Json's MaxDepth) reads. Checked on the text before it is parsed, since Python's reader recurses.
MAX_DEPTH = 64
# A string (skipped whole: brackets in it are text) or a bracket.
STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class InputError(ValueError):
    """The record's inputs are not a valid draw input."""


class Malformed(TypeError):
    """The JSON does not read as a record or vector (spec section 4: an integer written as 3.0, 3e0, "3" or true)."""


def integer_literal(value, what):
    if not isinstance(value, int) or isinstance(value, bool):
        raise Malformed(f"{what} must be a JSON integer literal, got {json.dumps(value, ensure_ascii=False)}")
    return value


# Output integers (eligibleCount, availableCount, rank, needed, available) are 32-bit (section 9), as every recomputed
# value is; outside that range the record is malformed, as for the C# reader. An input integer out of range is invalid
# input instead (section 4).
OUTPUT_MIN, OUTPUT_MAX = -2 ** 31, 2 ** 31 - 1
# An integer literal longer than this is out of every field's range; Python would refuse to convert one of more than
# 4300 digits ("cannot read input"), where it is invalid input or a malformed output like any other.
LONGEST_LITERAL = 100


def read_integer(text):
    """json.loads' parse_int: the literal's value, or one far out of every range when the literal is very long."""
    if len(text) <= LONGEST_LITERAL:
        return int(text)
    return -(2 ** 400) if text.startswith("-") else 2 ** 400


# ---------------------------------------------------------------- canonical encoding

def utf8(text, what):
    if not isinstance(text, str):
        raise InputError(f"{what} must be a string")
    try:
        return text.encode("utf-8")  # strict: lone surrogates raise
    except UnicodeEncodeError as ex:
        raise InputError(f"{what} is not valid Unicode") from ex


def enc_bytes(data):
    return len(data).to_bytes(4, "big") + data


def enc_str(text, what="string"):
    return enc_bytes(utf8(text, what))


def enc_i64(value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError("integer expected")
    return value.to_bytes(8, "big", signed=True)


def enc_count(n):
    return n.to_bytes(4, "big")


# ---------------------------------------------------------------- validation

def require_text(value, what):
    if not isinstance(value, str) or value == "":
        raise InputError(f"{what} must be a non-empty string")
    utf8(value, what)


def validate(inp):
    require_text(inp["drawId"], "drawId")
    nonce = inp["nonce_bytes"]
    if len(nonce) != NONCE_LENGTH:
        raise InputError(f"nonce must be {NONCE_LENGTH} bytes, got {len(nonce)}")
    rsv = inp["ruleSetVersion"]
    if not isinstance(rsv, int) or isinstance(rsv, bool) or rsv < 0 or rsv >= 2 ** 63:
        raise InputError("ruleSetVersion must be an integer in [0, 2^63)")
    quotas = inp["quotas"]
    if not quotas:
        raise InputError("at least one quota is required")
    keys = set()
    for q in quotas:
        require_text(q["key"], "quota key")
        if q["key"] in keys:
            raise InputError(f"duplicate quota key {q['key']!r}")
        keys.add(q["key"])
        require_text(q["specialtyCode"], "specialtyCode")
        if q["regionCode"] is not None:
            require_text(q["regionCode"], "regionCode")
        for field, minimum in (("count", 1), ("backups", 0)):
            v = q[field]
            if not isinstance(v, int) or isinstance(v, bool) or v < minimum or v >= 2 ** 31:
                raise InputError(f"quota {q['key']!r} {field} must be an integer >= {minimum}")
    pools = inp["pool"]
    if len(pools) != len(quotas):
        raise InputError("exactly one pool entry per quota is required")
    for q, p in zip(quotas, pools):
        if p["quotaKey"] != q["key"]:
            raise InputError(f"pool entry {p['quotaKey']!r} is out of quota order (expected {q['key']!r})")
        seen = set()
        for expert_id in p["expertIds"]:
            require_text(expert_id, "expert id")
            if expert_id in seen:
                raise InputError(f"duplicate expert id {expert_id!r} in quota {q['key']!r}")
            seen.add(expert_id)
    entropy = inp["externalEntropy"]
    if not entropy:
        raise InputError("at least one external entropy input is required")
    for e in entropy:
        require_text(e["source"], "entropy source")
        require_text(e["value"], "entropy value")


# ---------------------------------------------------------------- derivations

def commitment(nonce):
    return hashlib.sha256(enc_str(TAG_COMMITMENT) + enc_bytes(nonce)).digest()


def pool_hash(pools):
    msg = bytearray(enc_str(TAG_POOL) + enc_count(len(pools)))
    for p in pools:
        ids = sorted(utf8(i, "expert id") for i in p["expertIds"])  # unsigned byte order
        msg += enc_str(p["quotaKey"]) + enc_count(len(ids))
        for i in ids:
            msg += enc_bytes(i)
    return hashlib.sha256(bytes(msg)).digest()


def seed(inp, phash):
    msg = bytearray()
    msg += enc_str(TAG_SEED)
    msg += enc_str(inp["drawId"])
    msg += enc_bytes(inp["nonce_bytes"])
    msg += enc_bytes(phash)
    msg += enc_i64(inp["ruleSetVersion"])
    msg += enc_count(len(inp["quotas"]))
    for q in inp["quotas"]:
        msg += enc_str(q["key"]) + enc_str(q["specialtyCode"]) + enc_str(q["regionCode"] or "")
        msg += enc_i64(q["count"]) + enc_i64(q["backups"])
    msg += enc_count(len(inp["externalEntropy"]))
    for e in inp["externalEntropy"]:
        msg += enc_str(e["source"]) + enc_str(e["value"])
    return hashlib.sha256(bytes(msg)).digest()


def ranking_key(seed_bytes, quota_key, version):
    """The HMAC key of a quota's scores: since ExpertPool-Draw-2 one per quota, before it the seed itself (section 8)."""
    if version == ALGORITHM_V1:
        return seed_bytes
    return hmac.new(seed_bytes, enc_str(TAG_QUOTA) + enc_str(quota_key, "quota key"), hashlib.sha256).digest()


def rank(key, ids):
    """[(score bytes, id)] best first: ascending score, ties by the id's UTF-8 bytes."""
    prefix = enc_str(TAG_SCORE)
    scored = [(hmac.new(key, prefix + enc_str(i), hashlib.sha256).digest(), utf8(i, "expert id"), i) for i in ids]
    scored.sort(key=lambda t: (t[0], t[1]))
    return [(s, i) for s, _, i in scored]


def log2_binomial(n, k):
    if k < 0 or k > n:
        return 0.0
    k = min(k, n - k)
    return sum(math.log2(n - k + i) - math.log2(i) for i in range(1, k + 1))


def run(inp, version):
    validate(inp)
    phash = pool_hash(inp["pool"])
    sd = seed(inp, phash)
    taken = set()
    quotas_out = []
    for q, p in zip(inp["quotas"], inp["pool"]):
        ids = p["expertIds"]
        available = sum(1 for i in ids if i not in taken)
        members, backups = [], []
        for score, expert_id in rank(ranking_key(sd, q["key"], version), ids):
            if len(members) == q["count"] and len(backups) == q["backups"]:
                break
            if expert_id in taken:
                continue
            target = members if len(members) < q["count"] else backups
            target.append({"rank": len(target) + 1, "expertId": expert_id, "score": score.hex()})
        for e in members + backups:
            taken.add(e["expertId"])
        shortfall = {"needed": q["count"], "available": available} if len(members) < q["count"] else None
        backup_shortfall = None
        if shortfall is None and len(backups) < q["backups"]:
            backup_shortfall = {"needed": q["backups"], "available": len(backups)}
        quotas_out.append({
            "quotaKey": q["key"],
            "eligibleCount": len(ids),
            "availableCount": available,
            "members": members,
            "backups": backups,
            "shortfall": shortfall,
            "backupShortfall": backup_shortfall,
            "entropyBits": log2_binomial(available, len(members) + len(backups)),
        })
    succeeded = all(o["shortfall"] is None for o in quotas_out)
    if not succeeded:
        for o in quotas_out:
            o["members"], o["backups"], o["backupShortfall"], o["entropyBits"] = [], [], None, 0.0
    return {
        "commitment": commitment(inp["nonce_bytes"]).hex(),
        "poolHash": phash.hex(),
        "seed": sd.hex(),
        "succeeded": succeeded,
        "selection": quotas_out,
        "totalEntropyBits": sum(o["entropyBits"] for o in quotas_out),
        "seedBits": SEED_BITS,
    }


def parse_nonce(text):
    # Exactly 64 lowercase hex digits, as the record writes them: bytes.fromhex alone would accept spaces and capitals.
    if not isinstance(text, str) or len(text) != 2 * NONCE_LENGTH or any(c not in "0123456789abcdef" for c in text):
        return None
    return bytes.fromhex(text)


def same(a, b):
    """Equal and of the same JSON type: in Python True == 1 and 1 == 1.0, in the record they are different values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


# ---------------------------------------------------------------- comparison

class Divergence(Exception):
    def __init__(self, where, expected, actual):
        super().__init__(where)
        self.where, self.expected, self.actual = where, expected, actual

    def __str__(self):
        meaning = describe(self.where)
        should = "" if meaning == self.where else f"（应当：{meaning}）"
        return (f"首个不一致之处为 {self.where}{should}：期望 {self.expected}，实际 {self.actual}"
                f" / divergence at {self.where}: expected {self.expected}, actual {self.actual}")


# What each divergence label means, Chinese first (the labels are those of docs/draw-algorithm.md section 10; the
# service explains its own checks in the same words).
CHECK_TEXT = {
    "members": "记录恰好包含规定的顶层字段",
    "documentSha256": "文件的 SHA-256 摘要与公布的 documentSha256 一致",
    "publishedCommitment": "记录中的承诺值就是安排抽取时公布的承诺值",
    "publishedEntropy": "记录中的外部随机数就是公布的外部随机数（按录入顺序）",
    "algorithmVersion": "记录使用的算法版本可识别",
    "nonce": "揭示的随机数（nonce）为 64 位小写十六进制",
    "commitment": "揭示的随机数（nonce）的哈希等于承诺值",
    "input": "记录中的抽取输入有效",
    "poolHash": "按记录中的冻结专家库重新计算的哈希与记录一致",
    "seed": "由记录中的输入重新推导的随机种子与记录一致",
    "succeeded": "抽取成功或失败的结论一致",
    "selection count": "抽取结果中的名额数量一致",
    "totalEntropyBits": "全部名额的熵（比特）合计一致",
    "seedBits": "随机种子为 256 比特",
    "ranking count": "排序结果的人数一致",
    "rejection": "无效输入按规定被拒绝",
}

QUOTA_TEXT = {
    "key": "名额 {k} 的编号一致",
    "eligibleCount": "名额 {k} 的符合条件人数一致",
    "availableCount": "名额 {k} 的可抽取人数（扣除前序名额已抽中者）一致",
    "member count": "名额 {k} 的正选人数一致",
    "backup count": "名额 {k} 的候补人数一致",
    "shortfall": "名额 {k} 的缺额一致",
    "backupShortfall": "名额 {k} 的候补缺额一致",
    "entropyBits": "名额 {k} 的熵（比特）一致",
}


def describe(where):
    """The Chinese text of a divergence label; the label itself when it is not one of ours."""
    if where in CHECK_TEXT:
        return CHECK_TEXT[where]
    m = re.fullmatch(r"ranking rank (\d+)", where)
    if m:
        return f"第 {m.group(1)} 位（编号、排序值）一致"
    m = re.fullmatch(r"quota (.+) (member|backup) rank (\d+)", where)
    if m:
        role = "正选" if m.group(2) == "member" else "候补"
        return f"名额 {m.group(1)} 第 {m.group(3)} 位{role}专家（编号、排序值）一致"
    for what, text in QUOTA_TEXT.items():
        if where.startswith("quota ") and where.endswith(" " + what):
            return text.format(k=where[len("quota "):-len(what) - 1])
    return where


def expert_text(e):
    return f"rank {e['rank']} {e['expertId']} score {e['score']}"


def shortfall_text(s):
    if not isinstance(s, dict):
        return json.dumps(s)
    return f"needed {s.get('needed')} available {s.get('available')}"


def compare_experts(label, expected, actual):
    for i, (e, a) in enumerate(zip(expected, actual)):
        if not same([e["rank"], e["expertId"], e["score"]], [a.get("rank"), a.get("expertId"), a.get("score")]):
            raise Divergence(f"{label} rank {i + 1}", expert_text(e), expert_text(a))
    if len(expected) != len(actual):
        raise Divergence(f"{label} count", len(expected), len(actual))


def compare_selection(derived, recorded, check_entropy):
    """Same order of checks as DrawVerifier.Verify in C#."""
    for key in ("poolHash", "seed", "succeeded"):
        if not same(derived[key], recorded[key]):
            raise Divergence(key, json.dumps(derived[key]), json.dumps(recorded[key]))
    if len(derived["selection"]) != len(recorded["selection"]):
        raise Divergence("selection count", len(derived["selection"]), len(recorded["selection"]))
    for d, r in zip(derived["selection"], recorded["selection"]):
        label = f"quota {d['quotaKey']}"
        if not same(d["quotaKey"], r["quotaKey"]):
            raise Divergence(f"{label} key", d["quotaKey"], r["quotaKey"])
        for key in ("eligibleCount", "availableCount"):
            if not same(d[key], r[key]):
                raise Divergence(f"{label} {key}", d[key], r[key])
        compare_experts(f"{label} member", d["members"], r["members"])
        compare_experts(f"{label} backup", d["backups"], r["backups"])
        for key in ("shortfall", "backupShortfall"):
            # Only the members section 9 shows are compared; others are ignored, as everywhere in the entries.
            recorded_shortfall = r[key]
            if isinstance(recorded_shortfall, dict):
                recorded_shortfall = {k: recorded_shortfall.get(k) for k in ("needed", "available")}
            if not same(d[key], recorded_shortfall):
                raise Divergence(f"{label} {key}", shortfall_text(d[key]), shortfall_text(r[key]))
        if check_entropy and abs(round(d["entropyBits"], 6) - r["entropyBits"]) > 1e-6:
            raise Divergence(f"{label} entropyBits", round(d["entropyBits"], 6), r["entropyBits"])
    if check_entropy:
        if abs(round(derived["totalEntropyBits"], 6) - recorded["totalEntropyBits"]) > 1e-6:
            raise Divergence("totalEntropyBits", round(derived["totalEntropyBits"], 6), recorded["totalEntropyBits"])
        if recorded["seedBits"] != SEED_BITS:
            raise Divergence("seedBits", SEED_BITS, recorded["seedBits"])


def check_output_integers(selection, extra=()):
    """The recorded or expected outputs' integers must be integer literals too (section 4): else the JSON is malformed."""
    def output(value, what):
        if not OUTPUT_MIN <= integer_literal(value, what) <= OUTPUT_MAX:
            raise Malformed(f"{what} {value} is outside the 32-bit range of an output integer, -2^31 <= n <= 2^31 - 1 (section 9)")

    for q in selection:
        for key in ("eligibleCount", "availableCount"):
            output(q[key], f"quota {key}")
        for role in ("members", "backups"):
            for entry in q[role]:
                output(entry["rank"], f"{role} rank")
        for key in ("shortfall", "backupShortfall"):
            if isinstance(q[key], dict):
                for name in ("needed", "available"):
                    output(q[key].get(name), f"{key} {name}")
    for name, value in extra:
        output(value, name)


def to_input(obj):
    nonce = parse_nonce(obj["nonce"])
    if nonce is None:
        raise Divergence("nonce", "64 hexadecimal characters", obj["nonce"])
    integer_literal(obj["ruleSetVersion"], "ruleSetVersion")
    for q in obj["quotas"]:
        integer_literal(q["count"], "quota count")
        integer_literal(q["backups"], "quota backups")
    inp = dict(obj)
    inp["nonce_bytes"] = nonce
    return inp


def json_kind(value):
    """What a JSON value is, in words: "an array", "a string"…"""
    if isinstance(value, bool):
        return "a boolean"
    for kind, name in ((dict, "an object"), (list, "an array"), (str, "a string"), (int, "a number"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def check_depth(text):
    """Refuses a text whose arrays and objects nest deeper than MAX_DEPTH, without recursing: Python's JSON reader
    would take it to about a thousand levels, then fail with RecursionError."""
    depth = 0
    for match in STRUCTURE.finditer(text):
        c = text[match.start()]
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise Malformed(f"arrays and objects nest deeper than {MAX_DEPTH} levels (at character {match.start()})")
        elif c in "]}":
            depth -= 1


def refuse_constant(name):
    """NaN, Infinity and -Infinity are not JSON (RFC 8259); Python's reader would take them."""
    raise Malformed(f"{name} is not a JSON value")


def check_unicode(value, where="record"):
    """Every string must be valid Unicode (spec section 4), however deep, context included: a JSON escape such as
    \\ud800 alone reads into Python as a lone surrogate."""
    stack = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise Malformed(f"{at} holds a lone surrogate, which is not valid Unicode") from None
        elif isinstance(item, dict):
            for k, v in item.items():
                stack.append((k, at))
                stack.append((v, f"{at}.{k}" if isinstance(k, str) else at))
        elif isinstance(item, list):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(item))


def no_duplicate_keys(pairs):
    """A JSON object whose key appears twice is malformed (spec section 9): readers disagree on which one counts."""
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise Malformed(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def check_types(record):
    """Section 10: every value has the type section 9 shows, else the record is malformed (not a divergence), as the C#
    reader says: strings, arrays, entries that are objects with every member shown (others are ignored), integer
    literals, regionCode a string or null, a shortfall null or an object, succeeded a boolean."""
    def string(value, what):
        if not isinstance(value, str):
            raise Malformed(f"{what} must be a string, not {json_kind(value)}")

    def entries(value, what, members):
        if not isinstance(value, list):
            raise Malformed(f"{what} must be an array, not {json_kind(value)}")
        for entry in value:
            entry_object(entry, f"each entry of {what}", members)
        return value

    def entry_object(value, what, members):
        if not isinstance(value, dict):
            raise Malformed(f"{what} must be an object, not {json_kind(value)}")
        missing = [m for m in members if m not in value]
        if missing:
            raise Malformed(f"{what} lacks the member {missing[0]!r}")

    for key in ("algorithmVersion", "drawId", "commitment", "nonce"):
        string(record[key], key)
    integer_literal(record["ruleSetVersion"], "ruleSetVersion")
    for q in entries(record["quotas"], "quotas", ("key", "specialtyCode", "regionCode", "count", "backups")):
        string(q["key"], "quota key")
        string(q["specialtyCode"], "quota specialtyCode")
        if q["regionCode"] is not None:
            string(q["regionCode"], "quota regionCode")
        integer_literal(q["count"], "quota count")
        integer_literal(q["backups"], "quota backups")
    for p in entries(record["pool"], "pool", ("quotaKey", "expertIds")):
        string(p["quotaKey"], "pool quotaKey")
        if not isinstance(p["expertIds"], list):
            raise Malformed(f"expertIds must be an array, not {json_kind(p['expertIds'])}")
        for expert_id in p["expertIds"]:
            string(expert_id, "each entry of expertIds")
    for e in entries(record["externalEntropy"], "externalEntropy", ("source", "value")):
        string(e["source"], "entropy source")
        string(e["value"], "entropy value")
    string(record["poolHash"], "poolHash")
    string(record["seed"], "seed")
    if not isinstance(record["succeeded"], bool):
        raise Malformed(f"succeeded must be true or false, not {json.dumps(record['succeeded'])}")
    for q in entries(record["selection"], "selection",
                     ("quotaKey", "eligibleCount", "availableCount", "members", "backups", "shortfall", "backupShortfall")):
        string(q["quotaKey"], "selection quotaKey")
        for role in ("members", "backups"):
            for entry in entries(q[role], role, ("rank", "expertId", "score")):
                string(entry["expertId"], f"{role} expertId")
                string(entry["score"], f"{role} score")
        for key in ("shortfall", "backupShortfall"):
            if q[key] is not None:
                entry_object(q[key], key, ("needed", "available"))
    check_output_integers(record["selection"])


def verify_record(record):
    """Raises Divergence at the first difference; same order as the C# DrawVerifier."""
    if not isinstance(record, dict):
        raise Malformed(f"a record is a single JSON object, not {json_kind(record)}")
    unknown = sorted(set(record) - set(RECORD_KEYS))
    missing = [k for k in RECORD_KEYS if k not in record and k not in OPTIONAL_KEYS]
    if unknown or missing:
        raise Divergence("members", "exactly " + ", ".join(RECORD_KEYS),
                         "unknown " + ", ".join(unknown) if unknown else "missing " + ", ".join(missing))
    if record.get("context") is not None and not isinstance(record["context"], dict):
        # The host's slot is an object, or null for none (section 9), as the C# reader requires.
        raise Malformed(f"context must be a JSON object or null, not {type(record['context']).__name__}")
    # The record must read before anything in it is compared (section 10), whatever else is wrong with it.
    check_types(record)
    version = record.get("algorithmVersion")
    if version not in ALGORITHM_VERSIONS:
        raise Divergence("algorithmVersion", " or ".join(ALGORITHM_VERSIONS), version)
    inp = to_input(record)
    expected_commitment = commitment(inp["nonce_bytes"]).hex()
    if expected_commitment != record["commitment"]:
        raise Divergence("commitment", expected_commitment, record["commitment"])
    try:
        derived = run(inp, version)
    except (InputError, KeyError, TypeError) as ex:
        raise Divergence("input", "valid draw input", str(ex)) from ex
    compare_selection(derived, record, check_entropy=False)


def verify_vector(vector, version):
    inp_obj, expected = vector["input"], vector["expected"]
    if vector["kind"] == "invalid":
        # Section 4: the input must be refused, with the divergence the vector names.
        try:
            run(to_input(inp_obj), version)
        except InputError:
            rejected = "input"
        except Divergence as d:
            rejected = d.where
        else:
            rejected = "accepted"
        if rejected != expected["rejectedAs"]:
            raise Divergence("rejection", expected["rejectedAs"], rejected)
        return
    if vector["kind"] == "ranking":
        # Since ExpertPool-Draw-2 a ranking belongs to a quota, whose key the vector gives.
        quota_key = inp_obj["quotaKey"] if version != ALGORITHM_V1 else None
        key = ranking_key(bytes.fromhex(inp_obj["seed"]), quota_key, version)
        derived = [{"rank": n, "expertId": i, "score": s.hex()}
                   for n, (s, i) in enumerate(rank(key, inp_obj["expertIds"]), start=1)]
        compare_experts("ranking", derived, expected["ranking"])
        return
    inp = to_input(inp_obj)
    check_output_integers(expected["selection"], [("seedBits", expected["seedBits"])])
    derived = run(inp, version)
    if derived["commitment"] != expected["commitment"]:
        raise Divergence("commitment", derived["commitment"], expected["commitment"])
    compare_selection(derived, expected, check_entropy=True)


def read_record(raw):
    """The record in the bytes `raw`, or Malformed (section 10, first row): text that is not UTF-8, nests deeper than 64
    levels, is not JSON (NaN, a trailing comma, data after the object, a byte order mark…), repeats a key, holds a string
    that is not valid Unicode, or is not a single object."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as ex:
        # Not UTF-8, so its strings are not valid Unicode, as the C# reader says too.
        raise Malformed(f"the text is not valid UTF-8 ({ex})") from None
    check_depth(text)
    try:
        document = json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=refuse_constant, parse_int=read_integer)
    except RecursionError:
        # check_depth keeps the reader far from Python's recursion limit; should it be lower than that, still no traceback.
        raise Malformed("nested too deeply to read") from None
    except ValueError as ex:
        raise Malformed(f"the text is not JSON ({ex})") from None
    check_unicode(document)
    if not isinstance(document, dict):
        raise Malformed(f"a record is a single JSON object, not {json_kind(document)}")
    return document


def record_outcome(raw):
    """What the record alone gives (section 10): ("match", None), ("divergence", label) or ("malformed", reason)."""
    try:
        verify_record(read_record(raw))
    except Divergence as d:
        return "divergence", d.where
    except (Malformed, KeyError, TypeError, AttributeError) as ex:
        return "malformed", str(ex) if isinstance(ex, Malformed) else repr(ex)
    return "match", None


def check_error_vectors(document):
    """Each case of docs/draw-error-vectors.json must give its expected outcome (and label); prints the ones that do not."""
    import base64
    cases = document.get("cases") if isinstance(document, dict) else None
    if not isinstance(cases, list) or not cases:
        print("无法读取输入 / cannot read input: an error vector file holds a non-empty list \"cases\"")
        return 1
    failures = 0
    for case in cases:
        try:
            name = case["name"]
            raw = case["record"].encode("utf-8") if "record" in case else base64.b64decode(case["recordBase64"], validate=True)
            expected = (case["expected"]["outcome"], case["expected"].get("label"))
        except (KeyError, TypeError, AttributeError, ValueError) as ex:
            failures += 1
            print(f"FAIL {case.get('name', '?') if isinstance(case, dict) else '?'}: 向量格式错误 / malformed vector: {ex!r}")
            continue
        outcome, detail = record_outcome(raw)
        got = (outcome, detail if outcome == "divergence" else None)
        if got != expected:
            failures += 1
            said = f"{outcome} {detail}" if detail else outcome
            print(f"FAIL {name}: 期望 {' '.join(x for x in expected if x)}，实际 {said} / expected {' '.join(x for x in expected if x)}, got {said}")
    print(f"{len(cases) - failures}/{len(cases)} 个错误向量得到预期结果 / error vectors give their expected outcome")
    return 0 if failures == 0 else 1


def write_utf8():
    """Everything this tool prints is UTF-8, whatever the locale or PYTHONIOENCODING says: its messages are Chinese
    then English, and a console set to another code page (cp1252, gbk) must not make it fail with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # backslashreplace: an argument that is not valid Unicode (a lone surrogate from undecodable bytes) is still printable.
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv):
    write_utf8()
    parser = argparse.ArgumentParser(description="Verify ExpertPool draw test vectors or one draw record.")
    parser.add_argument("vectors", nargs="?", help="test vector file (docs/draw-test-vectors.json)")
    parser.add_argument("--record", help="exported draw record (DrawRecordJson)")
    parser.add_argument("--error-vectors", metavar="FILE",
                        help="error vector file (docs/draw-error-vectors.json): every case must give its expected outcome")
    parser.add_argument("--sha256", help="the record's published documentSha256 (64 hex): the file must be exactly that document")
    parser.add_argument("--commitment", help="the commitment published when the draw was scheduled (64 hex): the record must be drawn from it")
    parser.add_argument("--entropy", action="append", metavar="VALUE",
                        help="an external entropy value as made public at the draw; repeat for each, in entry order: the record must use exactly these")
    args = parser.parse_args(argv)
    if sum(1 for given in (args.vectors, args.record, args.error_vectors) if given) != 1:
        parser.error("give a vector file, --record FILE or --error-vectors FILE")
    if (args.sha256 is not None or args.commitment is not None or args.entropy) and not args.record:
        parser.error("--sha256, --commitment and --entropy go with --record")
    if args.commitment is not None and not (len(args.commitment.strip()) == 64 and all(c in "0123456789abcdefABCDEF" for c in args.commitment.strip())):
        parser.error("--commitment takes the 64 hexadecimal characters of the commitment published at scheduling")
    if args.sha256 is not None and not (len(args.sha256.strip()) == 64 and all(c in "0123456789abcdefABCDEF" for c in args.sha256.strip())):
        parser.error("--sha256 takes the 64 hexadecimal characters of the draw's documentSha256")

    try:
        with open(args.vectors or args.record or args.error_vectors, "rb") as f:
            raw = f.read()
    except OSError as ex:
        print(f"无法读取输入 / cannot read input: {ex}")
        return 1

    if args.sha256 is not None:
        # Before anything else (section 9): a file that is not the stored document is that, however damaged it is. The
        # context (who, when, exclusions with reasons) is not an algorithm input: only this hash shows it was not edited.
        actual = hashlib.sha256(raw).hexdigest()
        if actual != args.sha256.strip().lower():
            print(f"MISMATCH 不一致：{Divergence('documentSha256', args.sha256.strip().lower(), actual)}")
            return 1

    malformed = "记录格式错误 / malformed record" if args.record else "向量文件格式错误 / malformed vector file"
    try:
        if args.record:
            # Section 10, first row: whatever keeps the bytes from reading as one JSON object is a malformed record.
            document = read_record(raw)
        else:
            text = raw.decode("utf-8")
            check_depth(text)
            document = json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=refuse_constant, parse_int=read_integer)
    except Malformed as ex:
        print(f"MISMATCH 不一致：{malformed}: {ex}")
        return 1
    except UnicodeDecodeError as ex:
        # Not UTF-8, so its strings are not valid Unicode (section 10, first row), as the C# reader says too.
        print(f"MISMATCH 不一致：{malformed}: the text is not valid UTF-8 ({ex})")
        return 1
    except ValueError as ex:
        print(f"无法读取输入 / cannot read input: {ex}")
        return 1
    except RecursionError:
        # check_depth keeps the reader far from Python's recursion limit; should it be lower than that, still no traceback.
        print(f"MISMATCH 不一致：{malformed}: nested too deeply to read")
        return 1

    if args.record:
        try:
            if isinstance(document, dict):
                # What the record alone cannot show (section 10): whoever holds the nonce can rebuild a record that is
                # consistent in itself from another nonce or entropy value; the published values pin both.
                if args.commitment is not None and document.get("commitment") != args.commitment.strip().lower():
                    raise Divergence("publishedCommitment", args.commitment.strip().lower(), document.get("commitment"))
                if args.entropy:
                    recorded = [e.get("value") if isinstance(e, dict) else e for e in document.get("externalEntropy") or []]
                    if recorded != args.entropy:
                        raise Divergence("publishedEntropy", json.dumps(args.entropy, ensure_ascii=False), json.dumps(recorded, ensure_ascii=False))
            verify_record(document)
        except Divergence as d:
            print(f"MISMATCH 不一致：{d}")
            return 1
        except (KeyError, TypeError, AttributeError) as ex:
            print(f"MISMATCH 不一致：记录格式错误 / malformed record: {ex!r}")
            return 1
        hashed_zh = "，文件 SHA-256 与公布值一致" if args.sha256 is not None else ""
        hashed = ", document SHA-256 as published" if args.sha256 is not None else ""
        pinned = args.commitment is not None and bool(args.entropy)
        if pinned:
            scope_zh, scope = "，且承诺值与外部随机数与公布值一致", ", drawn from the published commitment and entropy"
        else:
            scope_zh = "；记录内部一致，如需证明未被重新构造，请同时提供 --commitment（排期时公布的承诺值）与 --entropy（抽取时公开的外部随机数）"
            scope = ("; consistent in itself: to show it was not rebuilt from another nonce or entropy value, also give"
                     " --commitment (published at scheduling) and --entropy (the public values)")
        print(f"MATCH 一致：仅凭记录重新推导出抽取 {document['drawId']} 的承诺值、专家库哈希、随机种子与抽取结果{hashed_zh}{scope_zh}"
              f" / draw {document['drawId']}: commitment, pool hash, seed and selection re-derived{hashed}{scope}")
        return 0

    if args.error_vectors:
        return check_error_vectors(document)

    failures = 0
    version = document.get("algorithmVersion") if isinstance(document, dict) else None
    if version not in ALGORITHM_VERSIONS:
        print(f"无法读取输入 / cannot read input: the vector file's algorithmVersion {version!r} is not one of {', '.join(ALGORITHM_VERSIONS)}")
        return 1
    vectors = document.get("vectors", [])
    for vector in vectors:
        try:
            verify_vector(vector, version)
            print(f"ok   {vector['name']}")
        except Divergence as d:
            failures += 1
            print(f"FAIL {vector['name']}: {d}")
        except (KeyError, TypeError, AttributeError, InputError, ValueError) as ex:
            failures += 1
            print(f"FAIL {vector.get('name', '?')}: 向量格式错误 / malformed vector: {ex!r}")
    print(f"{len(vectors) - failures}/{len(vectors)} 个向量一致 / vectors match")
    return 0 if failures == 0 and vectors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
