#!/usr/bin/env python3
"""Writes the seed corpus of spool_segment_fuzz: disk buffer segments in the
format of agent/spool/spool_format.h (length u32 LE | type u8 | masked
CRC-32C u32 LE | payload), clean, torn and damaged.

Each seed starts with the two bytes the target reads first: 00 00 for a
segment as it lies on disk, 01 NN for records the target frames itself
(then damaged as NN says). Run from the repository root:

    python3 tests/fuzz/make_segment_seeds.py
"""
import gzip
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "spool_segment")


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def mask(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(rtype, payload):
    crc = crc32c(payload, crc32c(bytes([rtype])))
    return struct.pack("<IBI", len(payload), rtype, mask(crc)) + payload


def batch(seq, group, stream, messages, t0=1768473000000):
    events = ",".join('{"timestamp":%d,"message":"%s"}' % (t0 + i, m)
                      for i, m in enumerate(messages))
    body = gzip.compress(('{"logGroupName":"%s","logStreamName":"%s","logEvents":[%s]}'
                          % (group, stream, events)).encode(), mtime=0)
    api_bytes = sum(len(m.encode()) + 26 for m in messages)
    payload = struct.pack("<Q", seq)
    for s in (group, stream):
        payload += struct.pack("<I", len(s)) + s.encode()
    payload += struct.pack("<IIqq", len(messages), api_bytes, t0, t0 + len(messages) - 1)
    return record(1, payload + body)


def ack(seq, reason=1):
    return record(2, struct.pack("<QB", seq, reason))


def main():
    os.makedirs(OUT, exist_ok=True)
    b1 = batch(1, "/myapp/app", "web-7", ["started", "listening on :8080"])
    b2 = batch(2, "/myapp/app", "web-7", ["GET / 200 12ms"])
    b3 = batch(3, "/web/nginx/access", "i-0123456789abcdef0", ["caf\u00e9 \u20ac"] * 3)
    seeds = {
        "clean": b1 + b2 + ack(1) + b3,
        "all_acked": b1 + b2 + ack(1) + ack(2, 2),
        "torn_tail": b1 + b2 + b3[: len(b3) // 2],
        "zeros_tail": b1 + b2 + bytes(64),
        "damaged_middle": b1 + b2[:20] + b"\xff" + b2[21:] + b3 + ack(3),
        "malformed_batch": b1 + record(1, b"\x05\x00\x00\x00") + record(2, b"\x01\x00"),
    }
    for name, segment in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\x00\x00" + segment)
    # Records framed by the target: "type byte, payload" separated by "\n--\n".
    payload_of = lambda rec: rec[9:]
    framed = b"\n--\n".join([b"\x01" + payload_of(b1), b"\x01" + payload_of(b2),
                             b"\x02" + payload_of(ack(2))])
    with open(os.path.join(OUT, "framed"), "wb") as f:
        f.write(b"\x01\x00" + framed)
    with open(os.path.join(OUT, "framed_torn"), "wb") as f:
        f.write(b"\x01\xc0" + framed)


if __name__ == "__main__":
    main()
