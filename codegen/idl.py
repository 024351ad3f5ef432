"""Smithy IDL 2.0 -> the JSON AST document the generator reads (model.py).

A small loader for what service models and the Smithy protocol test suites
use: control statements, metadata, namespace and use statements, every shape
type, members with traits and `= default` values, `$member` target elision
(from mixins and `for` resources), mixins (`with [...]`), inline operation
input and output (`input := {...}`), `apply` (single and block), documentation
comments, node values (text blocks, escapes, unquoted shape ids) and trait
values in every syntax. Relative shape ids resolve as the spec says: a `use`
name, else a shape of the file's namespace (from any file of the load), else
the prelude; an unquoted node value that names no shape stays a string.

Not a validator: a model the Smithy tools reject may load. Errors name the
file, line and column.
"""

import os
import re
from decimal import Decimal

from .errors import GenerationError
from .prelude import prelude_shapes

SIMPLE = {"blob", "boolean", "string", "byte", "short", "integer", "long", "float", "double", "bigInteger",
          "bigDecimal", "timestamp", "document"}
AGGREGATE = {"list", "set", "map", "structure", "union", "enum", "intEnum"}
SERVICE = {"service", "operation", "resource"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHAPE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*(#[A-Za-z_][A-Za-z0-9_]*)?(\$[A-Za-z_][A-Za-z0-9_]*)?")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
DOC = "smithy.api#documentation"


class _Ref:
    """A shape id written in the IDL, resolved once every file is loaded."""

    def __init__(self, text, namespace, uses, where, node_value=False):
        self.text, self.namespace, self.uses, self.where = text, namespace, uses, where
        self.node_value = node_value  # an unquoted node value: stays a string when it names no shape


class _Parser:
    def __init__(self, text, path, loader):
        self.s, self.path, self.i, self.loader = text, path, 0, loader
        self.namespace = None
        self.uses = {}
        self.input_suffix, self.output_suffix = "Input", "Output"
        self.docs = []

    # ---- lexing -------------------------------------------------------------

    def where(self, at=None):
        at = self.i if at is None else at
        line = self.s.count("\n", 0, at) + 1
        col = at - (self.s.rfind("\n", 0, at) + 1) + 1
        return f"{self.path}:{line}:{col}"

    def error(self, msg):
        raise GenerationError(f"{self.where()}: {msg}")

    def ws(self, keep_docs=True):
        """Skips white space, commas and comments; collects `///` lines into self.docs."""
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t\r\n,":
                self.i += 1
            elif s.startswith("///", self.i):
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                line = s[self.i + 3:end]
                self.docs.append(line[1:] if line.startswith(" ") else line)
                self.i = end
            elif s.startswith("//", self.i):
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            else:
                break

    def peek(self, text):
        self.ws(keep_docs=True)
        return self.s.startswith(text, self.i)

    def accept(self, text):
        if self.peek(text):
            self.i += len(text)
            return True
        return False

    def expect(self, text):
        if not self.accept(text):
            self.error(f"expected '{text}'")

    def ident(self):
        self.ws(keep_docs=True)
        m = _IDENT.match(self.s, self.i)
        if not m:
            self.error("expected an identifier")
        self.i = m.end()
        return m.group(0)

    def shape_id_text(self):
        self.ws(keep_docs=True)
        m = _SHAPE_ID.match(self.s, self.i)
        if not m:
            self.error("expected a shape id")
        self.i = m.end()
        return m.group(0)

    def ref(self, text=None, node_value=False):
        at = self.where()
        return _Ref(text or self.shape_id_text(), self.namespace, self.uses, at, node_value)

    def take_docs(self):
        docs, self.docs = self.docs, []
        return "\n".join(docs) if docs else None

    # ---- node values --------------------------------------------------------

    def node(self):
        self.ws(keep_docs=True)
        s, i = self.s, self.i
        if i >= len(s):
            self.error("expected a value")
        c = s[i]
        if c == "{":
            self.i += 1
            obj = {}
            while not self.accept("}"):
                key = self.string() if self.peek('"') else self.ident()
                self.expect(":")
                obj[key] = self.node()
            return obj
        if c == "[":
            self.i += 1
            arr = []
            while not self.accept("]"):
                arr.append(self.node())
            return arr
        if c == '"':
            return self.string()
        m = _NUMBER.match(s, i)
        if m and (c == "-" or c.isdigit()):
            self.i = m.end()
            text = m.group(0)
            if not any(x in text for x in ".eE"):
                return int(text)
            # a number a double cannot hold exactly (big decimals' test params) keeps its digits
            f = float(text)
            return f if Decimal(repr(f)) == Decimal(text) else Decimal(text)
        m = _SHAPE_ID.match(s, i)
        if not m:
            self.error("expected a value")
        self.i = m.end()
        word = m.group(0)
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        return self.ref(word, node_value=True)

    def string(self):
        s = self.s
        if s.startswith('"""', self.i):
            return self.text_block()
        start = self.i = self.i + 1
        while True:
            if self.i >= len(s):
                self.error("unterminated string")
            c = s[self.i]
            if c == '"':
                raw = s[start:self.i]
                self.i += 1
                return self.unescape(raw, start)
            self.i += 2 if c == "\\" else 1

    def unescape(self, raw, at):
        simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                  "'": "'", "\n": ""}
        out, k = [], 0
        while k < len(raw):
            c = raw[k]
            if c != "\\":
                out.append(c)
                k += 1
                continue
            e = raw[k + 1] if k + 1 < len(raw) else ""
            if e in simple and e:
                out.append(simple[e])
                k += 2
            elif e == "\r" and raw.startswith("\n", k + 2):
                k += 3
            elif e == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", raw[k + 2:k + 6]):
                cp = int(raw[k + 2:k + 6], 16)
                k += 6
                if 0xD800 <= cp < 0xDC00 and re.fullmatch(r"\\u[0-9A-Fa-f]{4}", raw[k:k + 6]):
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (int(raw[k + 2:k + 6], 16) - 0xDC00)
                    k += 6
                out.append(chr(cp))
            else:
                raise GenerationError(f"{self.where(at + k)}: bad escape")
        return "".join(out)

    def text_block(self):
        """\"\"\" text blocks: incidental indentation and trailing spaces removed, then escapes."""
        s = self.s
        start = self.i + 3
        nl = s.find("\n", start)
        if nl < 0 or s[start:nl].strip():
            self.error("a text block starts with a new line")
        j = nl + 1
        while True:
            if j >= len(s):
                self.error("unterminated text block")
            if s.startswith('"""', j):
                break
            j += 2 if s[j] == "\\" else 1
        self.i = j + 3
        lines = s[nl + 1:j].replace("\r\n", "\n").split("\n")
        # The closing delimiter's line counts for the indentation too.
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines[:-1] if ln.strip()]
        last = lines[-1]
        indents.append(len(last) - len(last.lstrip(" \t")) if last.strip() else len(last))
        cut = min(indents)
        lines = [ln[cut:].rstrip(" \t") if ln.strip() else "" for ln in lines]
        return self.unescape("\n".join(lines), nl + 1)

    # ---- traits -------------------------------------------------------------

    def traits(self, limit=None):
        """@trait... before a shape or member, plus documentation comments, as [(ref, value)]."""
        out = []
        doc = None
        while limit is None or len(out) < limit:
            self.ws(keep_docs=True)
            if self.s.startswith("@", self.i):
                doc = doc or self.take_docs()
                self.i += 1
                name = self.ref()
                value = {}
                if self.s.startswith("(", self.i):
                    self.i += 1
                    if self.accept(")"):
                        value = {}
                    elif self._structured_trait_body():
                        value = {}
                        while not self.accept(")"):
                            key = self.string() if self.peek('"') else self.ident()
                            self.expect(":")
                            value[key] = self.node()
                    else:
                        value = self.node()
                        self.expect(")")
                out.append((name, value))
            else:
                break
        doc = doc or self.take_docs()
        if doc is not None:
            out.insert(0, (_Ref(DOC, None, {}, ""), doc))
        return out

    def _structured_trait_body(self):
        self.ws(keep_docs=True)
        m = re.compile(r'(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")\s*:').match(self.s, self.i)
        return bool(m)

    # ---- statements ---------------------------------------------------------

    def parse(self):
        self.ws()
        while self.i < len(self.s):
            if self.accept("$"):
                key = self.ident()
                self.expect(":")
                value = self.node()
                if key == "operationInputSuffix":
                    self.input_suffix = value
                elif key == "operationOutputSuffix":
                    self.output_suffix = value
            elif self._keyword("metadata"):
                key = self.string() if self.peek('"') else self.ident()
                self.expect("=")
                self.loader.add_metadata(key, self.node())
            elif self._keyword("namespace"):
                self.namespace = self.shape_id_text()
                self.uses = {}
            elif self._keyword("use"):
                sid = self.shape_id_text()
                if "#" not in sid:
                    self.error("use needs an absolute shape id")
                self.uses[sid.split("#", 1)[1]] = sid
            elif self._keyword("apply"):
                self.docs = []
                target = self.ref()
                if self.accept("{"):
                    traits = []
                    while not self.accept("}"):
                        got = self.traits()
                        if not got:
                            self.error("expected a trait")
                        traits += got
                else:
                    self.docs = []
                    traits = self.traits(limit=1)
                self.loader.add_apply(target, traits)
            else:
                self.shape()
            self.ws()

    def _keyword(self, word):
        self.ws(keep_docs=True)
        end = self.i + len(word)
        if self.s.startswith(word, self.i) and not (end < len(self.s) and (self.s[end].isalnum() or self.s[end] == "_")):
            self.i = end
            return True
        return False

    def absolute(self, name):
        if self.namespace is None:
            self.error("a shape before the namespace statement")
        return f"{self.namespace}#{name}"

    def shape(self, traits=None, name=None, kind=None):
        traits = self.traits() if traits is None else traits
        kind = kind or self.ident()
        if kind not in SIMPLE | AGGREGATE | SERVICE:
            self.error(f"unknown shape type '{kind}'")
        name = name or self.ident()
        sid = self.absolute(name)
        node = {"type": kind}
        if kind in AGGREGATE and self._keyword("for"):
            node["_for"] = self.ref()
        if self._keyword("with"):
            self.expect("[")
            mixins = []
            while not self.accept("]"):
                mixins.append(self.ref())
            node["mixins"] = mixins
        if kind in SIMPLE:
            pass
        elif kind in AGGREGATE:
            node["members"] = self.members(kind, sid)
        else:
            self.service_body(kind, name, node)
        node["traits"] = traits
        self.loader.add_shape(sid, node, self.where())
        return sid

    def members(self, kind, sid):
        self.expect("{")
        members = {}
        while not self.accept("}"):
            traits = self.traits()
            elided = self.accept("$")
            name = self.ident()
            member = {"traits": traits}
            if elided:
                member["_elided"] = True
            elif kind in ("enum", "intEnum"):
                member["target"] = _Ref("smithy.api#Unit", None, {}, "")
            else:
                self.expect(":")
                member["target"] = self.ref()
            if self.accept("="):
                value = self.node()
                if isinstance(value, _Ref):
                    value = value.text
                if kind in ("enum", "intEnum"):
                    member["traits"].append((_Ref("smithy.api#enumValue", None, {}, ""), value))
                else:
                    member["traits"].append((_Ref("smithy.api#default", None, {}, ""), value))
            elif kind == "enum":
                member["traits"].append((_Ref("smithy.api#enumValue", None, {}, ""), name))
            members[name] = member
        return members

    def service_body(self, kind, name, node):
        self.expect("{")
        while not self.accept("}"):
            key = self.ident()
            if kind == "operation" and key in ("input", "output") and self.accept(":="):
                traits = self.traits()
                suffix = self.input_suffix if key == "input" else self.output_suffix
                marker = "smithy.api#input" if key == "input" else "smithy.api#output"
                traits.append((_Ref(marker, None, {}, ""), {}))
                inline = self.shape(traits=traits, name=name + suffix, kind="structure")
                node[key] = {"target": inline}
                continue
            self.expect(":")
            value = self.node()
            node[key] = value


class Loader:
    """Collects the shapes of several IDL files, then resolves their shape ids."""

    def __init__(self):
        self.shapes, self.metadata, self.applies = {}, {}, []

    def add_metadata(self, key, value):
        old = self.metadata.get(key)
        if isinstance(old, list) and isinstance(value, list):
            self.metadata[key] = old + value
        else:
            self.metadata[key] = value

    def add_shape(self, sid, node, where):
        if sid in self.shapes:
            raise GenerationError(f"{where}: shape {sid} is defined twice")
        self.shapes[sid] = node

    def add_apply(self, target, traits):
        self.applies.append((target, traits))

    def load_file(self, path):
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as e:
            raise GenerationError(f"{path}: cannot read: {e}") from e
        _Parser(text, path, self).parse()

    # ---- resolution ---------------------------------------------------------

    def resolve(self, ref):
        text = ref.text
        if "#" in text:
            return text
        base, dollar, member = text.partition("$")
        if base in ref.uses:
            sid = ref.uses[base]
        elif ref.namespace and f"{ref.namespace}#{base}" in self.shapes:
            sid = f"{ref.namespace}#{base}"
        elif f"smithy.api#{base}" in self._prelude:
            sid = f"smithy.api#{base}"
        elif ref.node_value:
            return text  # a plain word, not a shape
        else:
            sid = f"smithy.api#{base}"  # the prelude's traits (not loaded: the model need not define them)
        return sid + dollar + member

    def value(self, v):
        if isinstance(v, _Ref):
            return self.resolve(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        return v

    def traits(self, pairs):
        out = {}
        for ref, value in pairs:
            out[self.resolve(ref)] = self.value(value)
        return out

    def document(self):
        self._prelude = prelude_shapes()
        shapes = {}
        for sid, node in self.shapes.items():
            out = {"type": node["type"]}
            if "mixins" in node:
                out["mixins"] = [{"target": self.resolve(r)} for r in node["mixins"]]
            kind = node["type"]
            if kind in AGGREGATE:
                members = {}
                for mname, m in node["members"].items():
                    mm = {"target": self.resolve(m["target"]) if "target" in m else None}
                    if m.get("_elided"):
                        mm["target"] = self._elided_target(sid, node, mname)
                    traits = self.traits(m["traits"])
                    if traits:
                        mm["traits"] = traits
                    members[mname] = mm
                if kind in ("list", "set"):
                    if "member" in members:
                        out["member"] = members["member"]
                elif kind == "map":
                    for part in ("key", "value"):
                        if part in members:
                            out[part] = members[part]
                else:
                    out["members"] = members
            elif kind in SERVICE:
                self._service_fields(node, out)
                if kind == "operation":
                    for key in ("input", "output"):
                        out.setdefault(key, {"target": "smithy.api#Unit"})
            traits = self.traits(node.get("traits", []))
            if traits:
                out["traits"] = traits
            shapes[sid] = out
        # a list or map whose members come from mixins only
        for sid, out in shapes.items():
            if out["type"] in ("list", "set") and "member" not in out and "mixins" not in out:
                raise GenerationError(f"{sid}: list without a member")
        # apply: merged into the shape, or, for a member it inherits from a mixin, kept as an
        # "apply" entry that the model applies after folding the mixins in
        for ref, pairs in self.applies:
            target = self.resolve(ref)
            traits = self.traits(pairs)
            base, _, member = target.partition("$")
            holder = shapes.get(base)
            if holder is not None and member:
                holder = self._member_node(holder, member)
            if holder is None:
                holder = shapes.setdefault(target, {"type": "apply"})
                if holder.get("type") != "apply":
                    raise GenerationError(f"{ref.where}: cannot apply to {target}")
            holder.setdefault("traits", {}).update(traits)
        return {"smithy": "2.0", "metadata": self.metadata, "shapes": shapes}

    def _member_node(self, shape_node, member):
        if shape_node["type"] in ("list", "set") and member == "member":
            return shape_node.get("member")
        if shape_node["type"] == "map" and member in ("key", "value"):
            return shape_node.get(member)
        return shape_node.get("members", {}).get(member)

    def _elided_target(self, sid, node, mname):
        for ref in node.get("mixins", []):
            mixin = self.shapes.get(self.resolve(ref))
            if mixin:
                found = mixin.get("members", {}).get(mname)
                if found:
                    if "target" in found:
                        return self.resolve(found["target"])
                    return self._elided_target(self.resolve(ref), mixin, mname)
        if "_for" in node:
            resource = self.shapes.get(self.resolve(node["_for"]), {})
            for key in ("identifiers", "properties"):
                val = resource.get(key, {}).get(mname)
                if val is not None:
                    return self.resolve(val) if isinstance(val, _Ref) else val
        raise GenerationError(f"{sid}: cannot find the target of elided member ${mname}")

    def _service_fields(self, node, out):
        for key, value in node.items():
            if key in ("type", "traits", "mixins", "_for"):
                continue
            if key in ("operations", "resources", "errors", "collectionOperations"):
                out[key] = [{"target": self.resolve(r) if isinstance(r, _Ref) else r} for r in value]
            elif key in ("input", "output", "create", "put", "read", "update", "delete", "list"):
                target = value["target"] if isinstance(value, dict) else value
                out[key] = {"target": self.resolve(target) if isinstance(target, _Ref) else target}
            elif key in ("identifiers", "properties"):
                out[key] = {k: {"target": self.resolve(v) if isinstance(v, _Ref) else v} for k, v in value.items()}
            else:
                out[key] = self.value(value)


def smithy_files(paths):
    """The .smithy files of `paths` (files, or folders searched recursively), sorted."""
    found = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                found += [os.path.join(root, n) for n in names if n.endswith(".smithy")]
        else:
            found.append(p)
    return sorted(found)


def load(paths):
    """The JSON AST document of the IDL files (or folders of them) in `paths`."""
    loader = Loader()
    files = smithy_files(paths)
    if not files:
        raise GenerationError(f"no .smithy files in {', '.join(paths)}")
    for f in files:
        loader.load_file(f)
    return loader.document()
