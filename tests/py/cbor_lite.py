"""A small CBOR (RFC 8949) encoder and decoder for the interop tests, stdlib only.

decode() turns tag 1 (epoch time) into Epoch(value) and other tags into Tag(n, value);
floats of every width become Python floats, byte strings bytes. encode() writes definite
lengths, integers in the shortest head, floats as doubles, Epoch as tag 1.
"""

import struct


class Epoch:
    """A CBOR tag 1 value (seconds since the epoch)."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __eq__(self, other):
        return isinstance(other, Epoch) and float(self.seconds) == float(other.seconds)

    def __repr__(self):
        return "Epoch(%r)" % (self.seconds,)


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return isinstance(other, Tag) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self):
        return "Tag(%d, %r)" % (self.tag, self.value)


class CborError(ValueError):
    pass


def decode(data):
    value, end = _item(bytes(data), 0)
    if end != len(data):
        raise CborError("%d bytes of trailing data" % (len(data) - end))
    return value


def _need(data, pos, n):
    if pos + n > len(data):
        raise CborError("truncated at offset %d" % pos)


def _head(data, pos):
    _need(data, pos, 1)
    ib = data[pos]
    major, info = ib >> 5, ib & 31
    pos += 1
    if info < 24:
        return major, info, info, pos
    if info in (24, 25, 26, 27):
        n = 1 << (info - 24)
        _need(data, pos, n)
        return major, info, int.from_bytes(data[pos:pos + n], "big"), pos + n
    if info == 31:
        return major, info, None, pos
    raise CborError("reserved additional info %d" % info)


def _item(data, pos, depth=0):
    if depth > 64:
        raise CborError("nesting too deep")
    major, info, arg, pos = _head(data, pos)
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        if arg is None:  # indefinite: chunks of the same major type
            parts = []
            while True:
                _need(data, pos, 1)
                if data[pos] == 0xFF:
                    pos += 1
                    break
                part, pos = _item(data, pos, depth + 1)
                parts.append(part)
            raw = b"".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in parts)
        else:
            _need(data, pos, arg)
            raw, pos = data[pos:pos + arg], pos + arg
        return (raw if major == 2 else raw.decode("utf-8")), pos
    if major == 4:
        out = []
        while arg is None or len(out) < arg:
            if arg is None:
                _need(data, pos, 1)
                if data[pos] == 0xFF:
                    return out, pos + 1
            v, pos = _item(data, pos, depth + 1)
            out.append(v)
        return out, pos
    if major == 5:
        out = {}
        n = 0
        while arg is None or n < arg:
            if arg is None:
                _need(data, pos, 1)
                if data[pos] == 0xFF:
                    return out, pos + 1
            k, pos = _item(data, pos, depth + 1)
            v, pos = _item(data, pos, depth + 1)
            if k in out:
                raise CborError("duplicate map key %r" % (k,))
            out[k] = v
            n += 1
        return out, pos
    if major == 6:
        v, pos = _item(data, pos, depth + 1)
        return (Epoch(v) if arg == 1 else Tag(arg, v)), pos
    # major 7
    if info == 20:
        return False, pos
    if info == 21:
        return True, pos
    if info in (22, 23):
        return None, pos
    if info == 25:
        return struct.unpack(">e", arg.to_bytes(2, "big"))[0], pos
    if info == 26:
        return struct.unpack(">f", arg.to_bytes(4, "big"))[0], pos
    if info == 27:
        return struct.unpack(">d", arg.to_bytes(8, "big"))[0], pos
    raise CborError("unsupported simple value %d" % info)


def _enc_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise CborError("integer too large")


def encode(v):
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return _enc_head(0, v) if v >= 0 else _enc_head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, Epoch):
        return b"\xc1" + encode(v.seconds)
    if isinstance(v, bytes):
        return _enc_head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode("utf-8")
        return _enc_head(3, len(b)) + b
    if isinstance(v, (list, tuple)):
        return _enc_head(4, len(v)) + b"".join(encode(x) for x in v)
    if isinstance(v, dict):
        return _enc_head(5, len(v)) + b"".join(encode(k) + encode(x) for k, x in v.items())
    raise CborError("cannot encode %r" % (v,))
