"""Model layer: a Smithy 2.0 JSON AST file as an index of shapes and traits."""

import json
import os

from .errors import GenerationError
from .prelude import SIMPLE_TYPES, prelude_shapes

AGGREGATE_TYPES = ("list", "set", "map", "structure", "union")
SERVICE_TYPES = ("service", "operation", "resource")
KNOWN_TYPES = SIMPLE_TYPES + AGGREGATE_TYPES + SERVICE_TYPES + ("enum", "intEnum")

DOC = "smithy.api#documentation"


def short_name(shape_id):
    """'com.example#Foo$bar' -> 'Foo'."""
    return shape_id.split("#", 1)[1].split("$", 1)[0]


class Member:
    def __init__(self, container, name, node):
        self.container = container
        self.name = name
        self.target = node["target"]
        self.traits = node.get("traits", {})

    def __repr__(self):
        return f"Member({self.container.id}${self.name})"


class Shape:
    def __init__(self, shape_id, node):
        self.id = shape_id
        self.name = short_name(shape_id)
        self.type = node["type"]
        if self.type not in KNOWN_TYPES:
            raise GenerationError(f"{shape_id}: unsupported shape type '{self.type}'")
        self.traits = node.get("traits", {})
        self.node = node
        self.members = []
        if self.type in ("structure", "union", "enum", "intEnum"):
            self.members = [Member(self, n, m) for n, m in node.get("members", {}).items()]
        elif self.type in ("list", "set"):
            self.members = [Member(self, "member", node["member"])]
        elif self.type == "map":
            self.members = [Member(self, "key", node["key"]), Member(self, "value", node["value"])]

    def member(self, name):
        for m in self.members:
            if m.name == name:
                return m
        raise KeyError(name)

    def __repr__(self):
        return f"Shape({self.id})"


class Model:
    """Shapes keyed by absolute id, with the prelude and member traits merged with apply."""

    def __init__(self, doc):
        if not isinstance(doc, dict) or "shapes" not in doc:
            raise GenerationError("not a Smithy JSON AST model: no 'shapes'")
        version = str(doc.get("smithy", "2.0"))
        if not version.startswith(("1", "2")):
            raise GenerationError(f"unsupported Smithy version {version}")
        self.metadata = doc.get("metadata", {})
        nodes = prelude_shapes()
        nodes.update(doc["shapes"])
        applies = {k: v for k, v in nodes.items() if v.get("type") == "apply"}
        nodes = {k: _with_mixins(k, v, nodes, {}) for k, v in nodes.items() if v.get("type") != "apply"}
        self.shapes = {}
        for sid, node in nodes.items():
            if node.get("type") == "apply":
                continue
            self.shapes[sid] = Shape(sid, node)
        for sid, node in applies.items():
            self._apply(sid, node.get("traits", {}))

    @classmethod
    def load(cls, path):
        """A JSON AST file, or Smithy IDL: .smithy files and folders of them, several joined by os.pathsep."""
        parts = path.split(os.pathsep)
        if any(p.endswith(".smithy") or os.path.isdir(p) for p in parts):
            from . import idl
            return cls(idl.load(parts))
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as e:
            raise GenerationError(f"{path}: cannot read model: {e}") from e
        return cls(doc)

    def _apply(self, sid, traits):
        base, _, member = sid.partition("$")
        shape = self.shapes.get(base)
        if shape is None:
            raise GenerationError(f"{sid}: apply targets an unknown shape")
        holder = shape.member(member) if member else shape
        holder.traits = {**holder.traits, **traits}

    def get(self, shape_id):
        try:
            return self.shapes[shape_id]
        except KeyError:
            raise GenerationError(f"unknown shape '{shape_id}'") from None

    def target(self, member):
        return self.get(member.target)

    def services(self):
        return sorted(s.id for s in self.shapes.values() if s.type == "service")

    def service(self, shape_id=None):
        ids = self.services()
        if shape_id:
            if shape_id not in ids:
                raise GenerationError(f"service '{shape_id}' not in model (has: {', '.join(ids) or 'none'})")
            return self.get(shape_id)
        if len(ids) != 1:
            raise GenerationError(f"model has {len(ids)} services ({', '.join(ids)}): choose one with --service")
        return self.get(ids[0])

    def operations(self, service):
        """The service's operations, including those bound through resources, sorted by name."""
        found = {}

        def visit(node_shape):
            for ref in node_shape.node.get("operations", []):
                found[ref["target"]] = self.get(ref["target"])
            for key in ("create", "put", "read", "update", "delete", "list"):
                if key in node_shape.node:
                    t = node_shape.node[key]["target"]
                    found[t] = self.get(t)
            for ref in node_shape.node.get("collectionOperations", []):
                found[ref["target"]] = self.get(ref["target"])
            for ref in node_shape.node.get("resources", []):
                visit(self.get(ref["target"]))

        visit(service)
        return sorted(found.values(), key=lambda s: s.name)

    def closure(self, roots):
        """Every shape reachable from `roots` through members (roots included), in id order."""
        seen = {}
        stack = list(roots)
        while stack:
            s = stack.pop()
            if s.id in seen:
                continue
            seen[s.id] = s
            if s.type in ("enum", "intEnum"):
                continue
            for m in s.members:
                stack.append(self.target(m))
        return [seen[k] for k in sorted(seen)]

    def documentation(self, holder):
        return holder.traits.get(DOC)


def member_doc(model, member):
    """A member's own documentation, else its target's."""
    return member.traits.get(DOC) or model.target(member).traits.get(DOC)


def _with_mixins(sid, node, nodes, done):
    """The shape with its mixins' members and traits folded in (Smithy 2.0 mixins).

    Mixin members come first, in mixin order, then the shape's own; a member the
    shape declares again keeps the mixin's target and adds its own traits. Traits
    of the mixins apply to the shape, except `smithy.api#mixin` itself.
    """
    if "mixins" not in node:
        return node
    if sid in done:
        return done[sid]
    members, traits = {}, {}
    for ref in node["mixins"]:
        target = ref["target"]
        if target not in nodes:
            raise GenerationError(f"{sid}: mixin {target} is not in the model")
        mixin = _with_mixins(target, nodes[target], nodes, done)
        for name, m in mixin.get("members", {}).items():
            members[name] = {**m, "traits": dict(m.get("traits", {}))}
        traits.update({k: v for k, v in mixin.get("traits", {}).items() if k != "smithy.api#mixin"})
    for name, m in node.get("members", {}).items():
        if name in members:
            members[name]["traits"].update(m.get("traits", {}))
        else:
            members[name] = m
    traits.update(node.get("traits", {}))
    merged = {k: v for k, v in node.items() if k != "mixins"}
    merged["traits"] = traits
    if members or "members" in node:
        merged["members"] = members
    done[sid] = merged
    return merged
