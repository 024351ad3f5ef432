"""Writer layer: builds the view of one service and renders the C files.

Each structure becomes a typed C struct plus a static descriptor table that
the runtime engine reads (see runtime/include/awsc/schema.h); operations
become thin typed wrappers around awsc_client_invoke.
"""

import datetime
import json
import os
import re
import sys
import textwrap

import jinja2

from . import customizations, docs, endpoints
from .errors import GenerationError
from .model import DOC, member_doc
from .protocols import protocol_for
from .symbols import Symbols, field, kebab, service_names, snake

TYPE_CONST = {
    "string": "AWSC_T_STRING", "enum": "AWSC_T_ENUM", "boolean": "AWSC_T_BOOL", "byte": "AWSC_T_BYTE",
    "short": "AWSC_T_SHORT", "integer": "AWSC_T_INT", "intEnum": "AWSC_T_INT_ENUM", "long": "AWSC_T_LONG",
    "float": "AWSC_T_FLOAT", "double": "AWSC_T_DOUBLE", "bigInteger": "AWSC_T_BIG_INTEGER",
    "bigDecimal": "AWSC_T_BIG_DECIMAL", "blob": "AWSC_T_BLOB", "timestamp": "AWSC_T_TIMESTAMP",
    "document": "AWSC_T_DOCUMENT", "structure": "AWSC_T_STRUCT", "union": "AWSC_T_UNION",
    "list": "AWSC_T_LIST", "set": "AWSC_T_LIST", "map": "AWSC_T_MAP", "unit": "AWSC_T_UNIT",
    "stream": "AWSC_T_STREAM",
}
SCALAR_C = {
    "boolean": "bool", "byte": "int8_t", "short": "int16_t", "integer": "int32_t", "intEnum": "int32_t",
    "long": "int64_t", "float": "float", "double": "double", "timestamp": "awsc_timestamp",
}
POINTER_C = {"string": "const char *", "bigInteger": "const char *", "bigDecimal": "const char *",
             "document": "const char *"}
TS_CONST = {"date-time": "AWSC_TS_DATE_TIME", "http-date": "AWSC_TS_HTTP_DATE",
            "epoch-seconds": "AWSC_TS_EPOCH_SECONDS"}
NAMED_KINDS = ("structure", "union", "list", "set", "map", "enum", "intEnum")  # shapes that are C types
INT_LIMITS = {"byte": (-2**7, 2**7 - 1), "short": (-2**15, 2**15 - 1), "integer": (-2**31, 2**31 - 1),
              "intEnum": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1)}
HTTP_CHECKSUM = "aws.protocols#httpChecksum"
CHECKSUM_ALGORITHMS = {"CRC32": "AWSC_CHECKSUM_CRC32", "CRC32C": "AWSC_CHECKSUM_CRC32C",
                       "CRC64NVME": "AWSC_CHECKSUM_CRC64NVME", "SHA1": "AWSC_CHECKSUM_SHA1",
                       "SHA256": "AWSC_CHECKSUM_SHA256"}


def kind(shape):
    """The shape's type, with Smithy 1.0 string enums treated as enums and streams apart."""
    if shape.type == "blob" and "smithy.api#streaming" in shape.traits:
        return "stream"
    if shape.type == "string" and "smithy.api#enum" in shape.traits:
        return "enum"
    if "smithy.api#unitType" in shape.traits:
        return "unit"
    return shape.type


def enum_values(shape):
    """[(member name, wire value)] of an enum or intEnum, in model order."""
    if shape.type == "string":
        return [(d.get("name") or d["value"], d["value"]) for d in shape.traits["smithy.api#enum"]]
    out = []
    for m in shape.members:
        v = m.traits.get("smithy.api#enumValue", m.name)
        out.append((m.name, v))
    return out


# The authentication schemes the runtime signs with (schema.h AWSC_AUTH_*), by trait.
AUTH_SCHEMES = {
    "aws.auth#sigv4": "AWSC_AUTH_SIGV4",
    "aws.auth#sigv4a": "AWSC_AUTH_SIGV4A",
    "smithy.api#httpBearerAuth": "AWSC_AUTH_BEARER",
}
# Auth scheme traits the runtime cannot sign with: listed so that a model relying on them alone fails clearly.
OTHER_AUTH = ("smithy.api#httpBasicAuth", "smithy.api#httpDigestAuth", "smithy.api#httpApiKeyAuth")


def auth_list(names):
    """AWSC_AUTH_LIST(...) of the schemes we sign with, in the given order (at most three), or None."""
    ids = [AUTH_SCHEMES[n] for n in names if n in AUTH_SCHEMES][:3]
    if not ids:
        return None
    return "AWSC_AUTH_LIST(" + ", ".join(ids + ["0"] * (3 - len(ids))) + ")"


class ServiceWriter:
    def __init__(self, model, service, name=None, protocol=None):
        self.model = model
        self.service = service
        self.protocol = protocol_for(service, protocol)
        svc_trait = service.traits.get("aws.api#service", {})
        sigv4 = service.traits.get("aws.auth#sigv4", {})
        self.signing_name = sigv4.get("name") or svc_trait.get("arnNamespace") or snake(service.name)
        cli_name, c_name = service_names(service, name)
        self.symbols = Symbols(c_name, cli_name, service.node.get("rename"))
        self.sdk_id = svc_trait.get("sdkId", service.name)
        customizations.prepare_model(model, service, self.sdk_id)
        self.endpoint_prefix = svc_trait.get("endpointPrefix", self.signing_name)
        self.auth = self.service_auth()
        self.rule_set = endpoints.rule_set(service)  # validated now; evaluated by the endpoint work
        self.operations = list(model.operations(service))
        if not self.operations:
            raise GenerationError(f"{service.id}: service has no operations")
        roots = []
        for op in self.operations:
            self.protocol.check_operation(model, op)
            for key in ("input", "output"):
                roots.append(self.io_shape(op, key))
            roots.extend(model.get(e["target"]) for e in op.node.get("errors", []))
        roots.extend(model.get(e["target"]) for e in service.node.get("errors", []))
        self.shapes = [s for s in model.closure(roots) if s.id != "smithy.api#Unit"]
        self.errors = sorted({s.id: s for s in self.shapes if "smithy.api#error" in s.traits}.values(),
                             key=lambda s: s.name)
        self.symbols.assign(
            self.operations, [s for s in self.shapes if kind(s) in NAMED_KINDS], self.errors,
            {self.io_shape(op, "output").id for op in self.operations}, kind,
            lambda s: [name for name, _ in enum_values(s)])
        self.error_index = {s.id: i for i, s in enumerate(self.errors)}
        # Event streams: the output member that is one (delivered to a callback, not kept in the
        # output structure), and the event structures, whose members bind to message headers and payload.
        self.stream_members = set()
        self.event_shapes = set()
        for op, key in ((op, key) for op in self.operations for key in ("input", "output")):
            m = self.event_stream_member(op, key)
            if m:
                self.stream_members.add((m.container.id, m.name))
                for v in self.model.target(m).members:
                    t = self.model.target(v)
                    if "smithy.api#error" not in t.traits:
                        self.event_shapes.add(t.id)
        # Structures whose members carry HTTP bindings: operation inputs, outputs and errors.
        self.bound = {self.io_shape(op, k).id for op in self.operations for k in ("input", "output")}
        self.bound.update(s.id for s in self.errors)

    def event_stream_member(self, op, key):
        """The member of the operation's input or output that is an event stream (a @streaming union), or None."""
        for m in self.io_shape(op, key).members:
            t = self.model.target(m)
            if t.type == "union" and "smithy.api#streaming" in t.traits:
                return m
        return None

    def io_shape(self, op, key):
        return self.model.get(op.node.get(key, {}).get("target", "smithy.api#Unit"))

    # ---- C types ---------------------------------------------------------
    def c_type(self, member, context):
        """C declaration type of a member in `context`: 'member', 'element' or 'variant'."""
        t = self.model.target(member)
        k = kind(t)
        if k == "enum":
            return self.symbols.type_name(t) if context == "member" else "const char *"
        if k in SCALAR_C:
            # In a sparse collection a scalar may be null: it is held through a pointer.
            return f"const {SCALAR_C[k]} *" if context == "element" and self.sparse(member) else SCALAR_C[k]
        if k in POINTER_C:
            return POINTER_C[k]
        if k == "blob":
            return "awsc_blob"
        if k == "stream":
            return "awsc_stream"
        if k in ("structure", "union"):
            inline = context == "element" and not self.sparse(member)
            return self.symbols.type_name(t) if inline else f"const {self.symbols.type_name(t)} *"
        if k in ("list", "set", "map"):
            return self.symbols.type_name(t)
        if k == "unit" and context == "variant":
            return None  # the tag alone says it
        raise GenerationError(f"{member!r}: unsupported target type {t.type}")

    def sparse(self, member):
        return "smithy.api#sparse" in member.container.traits

    def has_flag(self, member):
        """Optional scalars carry a `has_` flag so that absent differs from zero."""
        t = self.model.target(member)
        if kind(t) not in SCALAR_C:
            return False
        traits = member.traits
        if "smithy.api#clientOptional" in traits:
            return True
        if "smithy.api#required" in traits:
            return False
        if "smithy.api#input" in member.container.traits:
            return True  # top-level input members are all optional to a client
        # A zero default is what an unset C value already holds; any other default
        # needs the flag so that "unset: use the default" differs from an explicit zero.
        return not self.zero_default(member)

    def model_default(self, member):
        t = self.model.target(member)
        if "smithy.api#default" in member.traits:
            return member.traits["smithy.api#default"]
        return t.traits.get("smithy.api#default")

    def zero_default(self, member):
        """True when the member has a default that a zeroed C scalar already equals."""
        d = self.model_default(member)
        return d is not None and not isinstance(d, (str, list, dict)) and (d is False or d == 0)

    def default_json(self, member):
        """The default as JSON text for the runtime to fill in, or None.

        Zero scalar defaults need nothing (a zeroed struct holds them), and a
        @clientOptional member's default is ignored by clients.
        """
        d = self.model_default(member)
        if d is None or self.zero_default(member) or "smithy.api#clientOptional" in member.traits:
            return None
        if kind(self.model.target(member)) == "timestamp" and isinstance(d, str):
            d = datetime.datetime.fromisoformat(d.replace("Z", "+00:00")).timestamp()
            d = int(d) if d == int(d) else d
        return json.dumps(d, separators=(",", ":"), ensure_ascii=False)

    # ---- descriptors -----------------------------------------------------
    def constraint(self, member):
        t = self.model.target(member)
        out = {"min": None, "max": None}
        for holder in (t.traits, member.traits):
            for trait in ("smithy.api#length", "smithy.api#range"):
                if trait in holder:
                    for k in ("min", "max"):
                        if k in holder[trait]:
                            out[k] = holder[trait][k]
        for k in ("min", "max"):
            v = out[k]
            if v is not None and (v != int(v) or not -2**63 <= v < 2**63):
                out[k] = None  # fractional or huge bounds are left to the service
            elif v is not None:
                out[k] = int(v)
        return out

    def member_view(self, member, container_c, context, binding="BODY", wire=None):
        t = self.model.target(member)
        k = kind(t)
        names = self.symbols.member_names(member) if context in ("member", "variant") else None
        fname = names["field"] if names else field(member.name)
        flags = []
        traits = member.traits
        if "smithy.api#required" in traits:
            flags.append("AWSC_F_REQUIRED")
        if "smithy.api#idempotencyToken" in traits:
            flags.append("AWSC_F_IDEMPOTENCY_TOKEN")
        if "smithy.api#hostLabel" in traits:
            flags.append("AWSC_F_HOST_LABEL")
        if "smithy.api#sensitive" in traits or "smithy.api#sensitive" in t.traits:
            flags.append("AWSC_F_SENSITIVE")
        c = self.constraint(member)
        if c["min"] is not None:
            flags.append("AWSC_F_HAS_MIN")
        if c["max"] is not None:
            flags.append("AWSC_F_HAS_MAX")
        if k in ("list", "set", "map") and "smithy.api#sparse" in t.traits:
            flags.append("AWSC_F_SPARSE")
        if "smithy.api#mediaType" in t.traits and k == "string":
            flags.append("AWSC_F_MEDIA_TYPE")
        inline = context == "element" and k in ("structure", "union") and not self.sparse(member)
        if inline:
            flags.append("AWSC_F_INLINE")
        if context == "element" and self.sparse(member) and member.name != "key":
            flags.append("AWSC_F_NULLABLE")
            if k in SCALAR_C:
                flags.append("AWSC_F_BOXED")
        ts = traits.get("smithy.api#timestampFormat", t.traits.get("smithy.api#timestampFormat"))
        if getattr(self.protocol, "ignores_timestamp_format", False):
            ts = None  # rpcv2Json: always epoch seconds
        has = context == "member" and self.has_flag(member)
        is_enum_member = k == "enum" and context == "member"
        if context == "member":
            path = fname
        elif context == "variant":
            path = f"value.{fname}"
        else:
            path = fname
        # What only some protocols need (XML names and namespaces, query keys): see protocols/__init__.py.
        extra = self.protocol.member_extras(self.model, member, context)
        flags.extend(extra.get("flags", ()))
        if extra.get("wire") is not None:
            wire = extra["wire"]
        return {
            "xml_namespace": extra.get("xml_namespace"),
            "query_name": extra.get("query_name"),
            "name": member.name,
            "field": fname,
            "c_type": self.c_type(member, context),
            "wire": wire if wire is not None else member.name,
            "offset": "0" if k == "unit" else f"offsetof({container_c}, {path})" if container_c else "0",
            "has_field": names["has"] if has else None,
            "has_offset": f"offsetof({container_c}, {names['has']})" if has else "AWSC_NO_OFFSET",
            "raw_field": names["raw"] if is_enum_member else None,
            "raw_offset": f"offsetof({container_c}, {names['raw']})" if is_enum_member else "AWSC_NO_OFFSET",
            "type": TYPE_CONST["string"] if (k == "enum" and not is_enum_member) else TYPE_CONST[k],
            "binding": f"AWSC_B_{binding}",
            "ts": TS_CONST.get(ts, "AWSC_TS_DEFAULT"),
            "flags": " | ".join(flags) or "0",
            "min": c["min"] or 0,
            "max": c["max"] or 0,
            "shape": (f"&{self.symbols.descriptor(t)}"
                      if k in ("structure", "union", "list", "set", "map") or is_enum_member else "NULL"),
            "default": self.default_json(member),
            "media_type": t.traits.get("smithy.api#mediaType") if binding == "PAYLOAD" else None,
            "doc": docs.comment_lines(member_doc(self.model, member)),
            "required": "smithy.api#required" in traits,
        }

    def json_name(self, m):
        return m.traits.get("smithy.api#jsonName", m.name) if self.protocol.honors_json_name else m.name

    def struct_view(self, s):
        c = self.symbols.type_name(s)
        members = []
        for m in s.members:
            if (s.id, m.name) in self.stream_members:
                continue  # the events go to the operation's callback
            binding, wire = ("BODY", self.json_name(m))
            if s.id in self.event_shapes:
                if "smithy.api#eventHeader" in m.traits:
                    binding, wire = "HEADER", m.name
                elif "smithy.api#eventPayload" in m.traits:
                    binding, wire = "PAYLOAD", m.name
            elif s.id in self.bound:
                binding, wire = self.protocol.binding(m)
            members.append(self.member_view(m, c, "member", binding, wire))
        flags = []
        if "smithy.api#retryable" in s.traits:
            flags.append("AWSC_SHAPE_RETRYABLE")
            if s.traits["smithy.api#retryable"].get("throttling"):
                flags.append("AWSC_SHAPE_THROTTLING")
        return {"kind": "struct", "c": c, "shape": s, "members": members, "flags": " | ".join(flags),
                "extras": self.protocol.shape_extras(self.model, s),
                "doc": docs.comment_lines(s.traits.get(DOC)), "desc": self.symbols.descriptor(s),
                "members_table": self.symbols.members_table(s), "is_error": "smithy.api#error" in s.traits,
                "http_error": (s.traits.get("smithy.api#httpError") or 0) if "smithy.api#error" in s.traits else 0}

    def union_view(self, s):
        c = self.symbols.type_name(s)
        members = [self.member_view(m, c, "variant", "BODY", self.json_name(m))
                   for m in s.members]
        for i, m in enumerate(members):
            m["tag"] = self.symbols.enum_constant(s, m["name"])
            m["tag_value"] = i + 1
        return {"kind": "union", "c": c, "shape": s, "members": members,
                "tag_type": self.symbols.tag_type(s), "tag_unset": self.symbols.sentinel(s, "NOT_SET"),
                "tag_unknown": self.symbols.sentinel(s, "UNKNOWN_TO_SDK"),
                "doc": docs.comment_lines(s.traits.get(DOC)), "desc": self.symbols.descriptor(s),
                "members_table": self.symbols.members_table(s)}

    def list_view(self, s):
        c = self.symbols.type_name(s)
        elem = self.member_view(s.members[0], None, "element")
        return {"kind": "list", "c": c, "shape": s, "elem": elem,
                "doc": docs.comment_lines(s.traits.get(DOC)), "desc": self.symbols.descriptor(s),
                "members_table": self.symbols.members_table(s)}

    def map_view(self, s):
        c = self.symbols.type_name(s)
        entry = self.symbols.entry_name(s)
        key = self.member_view(s.members[0], entry, "element")
        value = self.member_view(s.members[1], entry, "element")
        key["offset"] = f"offsetof({entry}, key)"
        value["offset"] = f"offsetof({entry}, value)"
        if kind(self.model.target(s.members[0])) not in ("string", "enum"):
            raise GenerationError(f"{s.id}: map keys must be strings")
        return {"kind": "map", "c": c, "entry": entry, "shape": s, "key": key, "value": value,
                "doc": docs.comment_lines(s.traits.get(DOC)), "desc": self.symbols.descriptor(s),
                "members_table": self.symbols.members_table(s)}

    def enum_view(self, s):
        c = self.symbols.type_name(s)
        values = []
        for i, (name, wire) in enumerate(enum_values(s)):
            m = s.member(name) if s.type != "string" else None
            values.append({"const": self.symbols.enum_constant(s, name), "wire": wire,
                           "value": wire if s.type == "intEnum" else i + 1,
                           "doc": docs.comment_lines(m.traits.get(DOC) if m else None)})
        view = {"kind": "intEnum" if s.type == "intEnum" else "enum", "c": c, "shape": s, "consts": values,
                "doc": docs.comment_lines(s.traits.get(DOC)), "desc": self.symbols.descriptor(s)}
        if view["kind"] == "enum":
            view.update(unset=self.symbols.sentinel(s, "NOT_SET"),
                        unknown=self.symbols.sentinel(s, "UNKNOWN_TO_SDK"),
                        to_string=self.symbols.to_string_fn(s), from_string=self.symbols.from_string_fn(s),
                        values_table=self.symbols.values_table(s))
        return view

    def type_views(self):
        views = {}
        for s in self.shapes:
            k = kind(s)
            if k == "structure":
                views[s.id] = self.struct_view(s)
            elif k == "union":
                views[s.id] = self.union_view(s)
            elif k in ("list", "set"):
                views[s.id] = self.list_view(s)
            elif k == "map":
                views[s.id] = self.map_view(s)
            elif k in ("enum", "intEnum"):
                views[s.id] = self.enum_view(s)
            elif k in ("service", "operation", "resource"):
                raise GenerationError(f"{s.id}: a {k} cannot be a member target")
        return views

    def ordered(self, views):
        """Aggregates ordered so every by-value dependency is defined first.

        A map's entry struct is its own item: the map holds only a pointer to
        its entries, so a structure may contain a map of itself.
        """
        items = {}
        for sid, v in views.items():
            if v["kind"] in ("struct", "union", "list", "map"):
                items[sid] = v
            if v["kind"] == "map":
                items[sid + "#entry"] = {"kind": "entry", "c": v["entry"], "map": v, "shape": v["shape"]}

        def by_value_deps(v):
            if v["kind"] in ("list", "map"):
                return []  # items / entries are pointers
            if v["kind"] == "entry":
                members = v["shape"].members[1:]
            else:
                members = v["shape"].members
            deps = []
            for m in members:
                t = self.model.target(m)
                k = kind(t)
                if k in ("list", "set", "map"):
                    deps.append(t.id)
                elif v["kind"] == "entry" and k in ("structure", "union") and not self.sparse(m):
                    deps.append(t.id)
            return deps

        order, state = [], {}

        def visit(key, chain):
            if state.get(key) == "done":
                return
            if state.get(key) == "visiting":
                raise GenerationError(f"{key}: shapes contain each other by value ({' -> '.join(chain)})")
            state[key] = "visiting"
            for d in sorted(by_value_deps(items[key])):
                if d in items:
                    visit(d, chain + [d])
            state[key] = "done"
            order.append(items[key])

        for key in sorted(items):
            visit(key, [key])
        return order

    def paginator_view(self, op, inp, outp):
        """Where a paginated operation's tokens live, or None (with a warning when unusable)."""
        if "smithy.api#paginated" not in op.traits:
            return None
        cfg = {**self.service.traits.get("smithy.api#paginated", {}), **op.traits["smithy.api#paginated"]}
        if "inputToken" not in cfg or "outputToken" not in cfg:
            return None  # only `items`/`pageSize` hints: nothing to follow
        names = [m.name for m in inp.members]
        if cfg["inputToken"] not in names:
            warn(f"{op.id}: paginator left out: input token {cfg['inputToken']} is not an input member")
            return None
        in_target = self.model.target(inp.member(cfg["inputToken"]))
        path, shape = [], outp
        for part in cfg["outputToken"].split("."):
            if shape is None or part not in [m.name for m in shape.members]:
                warn(f"{op.id}: paginator left out: output token {cfg['outputToken']} not found")
                return None
            member = shape.member(part)
            path.append((self.symbols.members_table(shape), [m.name for m in shape.members].index(part)))
            target = self.model.target(member)
            shape = target if kind(target) == "structure" else None
        # The runtime copies the token slot from the page to the next input: any string
        # will do; a structure, list or map (DynamoDB's LastEvaluatedKey) must be the same shape.
        out_target = self.model.target(member)
        same = kind(in_target) == kind(out_target) == "string" or (
            in_target.id == out_target.id and kind(out_target) in ("structure", "list", "set", "map"))
        if not same:
            warn(f"{op.id}: paginator left out: tokens {cfg['inputToken']} and {cfg['outputToken']} "
                 "are not both strings or of one shape")
            return None
        # The list of results (`items`, merged across pages by the CLI) and the page size member: optional.
        items, shape = [], outp
        for part in cfg.get("items", "").split(".") if cfg.get("items") else []:
            if shape is None or part not in [m.name for m in shape.members]:
                warn(f"{op.id}: paginator items {cfg['items']} not found: left out")
                items = []
                break
            items.append((self.symbols.members_table(shape), [m.name for m in shape.members].index(part)))
            target = self.model.target(shape.member(part))
            shape = target if kind(target) == "structure" else None
        page_size = names.index(cfg["pageSize"]) if cfg.get("pageSize") in names else None
        return {"input_index": names.index(cfg["inputToken"]), "path": path,
                "input_members": self.symbols.members_table(inp),
                "input_token": cfg["inputToken"], "output_token": cfg["outputToken"],
                "result_path": items, "page_size": page_size}

    def checksum_view(self, op, inp):
        """aws.protocols#httpChecksum as the runtime reads it (member indexes into the input), or None."""
        trait = op.traits.get(HTTP_CHECKSUM)
        engine = customizations.tree_hash_engine(self.sdk_id, op)
        if engine:  # Glacier's uploads: their own two headers, not a flexible checksum
            return {"engine": engine, "input_members": None, "request_algorithm": None, "validation_mode": None,
                    "response_algorithms": None, "required": False}
        if trait is None:
            return None
        names = [m.name for m in inp.members] if inp.id != "smithy.api#Unit" else []

        def member_index(key):
            name = trait.get(key)
            if name is None:
                return None
            if name not in names:
                raise GenerationError(f"{op.id}: httpChecksum {key} {name} is not a member of the input")
            return names.index(name)

        # As the SDKs do, a response checksum of an algorithm we do not implement (S3 lists
        # SHA512, MD5, XXHASH*) is not validated.
        algorithms = [CHECKSUM_ALGORITHMS[a] for a in trait.get("responseAlgorithms", []) if a in CHECKSUM_ALGORITHMS]
        return {"engine": "awsc_flexible_checksums",
                "input_members": self.symbols.members_table(inp) if names else None,
                "request_algorithm": member_index("requestAlgorithmMember"),
                "validation_mode": member_index("requestValidationModeMember"),
                "response_algorithms": " | ".join(algorithms) or None,
                "required": bool(trait.get("requestChecksumRequired"))
                or "smithy.api#httpChecksumRequired" in op.traits}

    def _context_path(self, inp, expr):
        """An operationContextParams path (the JMESPath subset the fleet uses: `a.b`, `list[*].a.b`,
        `list[*].[a.b, c.d][]`, `keys(map)`) as member references: (path, select, keys, ends_in_list),
        each reference a (members table, index) pair; None when the expression is outside that subset."""
        keys = False
        m = re.fullmatch(r"keys\((.+)\)", expr)
        if m:
            keys, expr = True, m.group(1)
        select = None
        m = re.fullmatch(r"(.+\[\*\])\.\[(.+)\]\[\]", expr)
        if m:
            expr, select = m.group(1), [x.strip() for x in m.group(2).split(",")]

        def walk(shape, segments):
            refs, projected = [], False
            for seg in segments:
                star = seg.endswith("[*]")
                name = seg[:-3] if star else seg
                if kind(shape) != "structure" or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    return None
                names = [x.name for x in shape.members]
                if name not in names:
                    return None
                member = shape.members[names.index(name)]
                refs.append((self.symbols.members_table(shape), names.index(name)))
                target = self.model.target(member)
                if kind(target) == "list":
                    projected = True
                    target = self.model.target(target.members[0])
                elif star:
                    return None
                shape = target
            return refs, shape, projected

        got = walk(inp, expr.split("."))
        if got is None:
            return None
        path, shape, projected = got
        if keys:
            return (path, None, True, True) if kind(shape) == "map" else None
        if select is not None:
            alts = []
            for alt in select:
                sub = walk(shape, alt.split("."))
                if sub is None or sub[2] or kind(sub[1]) not in ("string", "enum"):
                    return None
                alts.append(sub[0])
            return path, alts, False, True
        return (path, None, False, projected) if kind(shape) in ("string", "enum") else None

    def endpoint_params_view(self, op, inp):
        """The endpoint rules inputs the operation sets, as awsc_endpoint_binding rows: contextParam
        members, staticContextParams constants and operationContextParams paths (a member, nested
        members, list projections, multi-selects and keys(), as _context_path reads them)."""
        rs = endpoints.rule_set(self.service)
        if rs is None:
            return None
        declared = rs.parameters
        rows = {}
        members = list(inp.members) if inp.id != "smithy.api#Unit" else []
        table = self.symbols.members_table(inp) if members else None
        ptype = {"string": "AWSC_EP_STRING", "boolean": "AWSC_EP_BOOLEAN", "stringArray": "AWSC_EP_STRING_ARRAY"}

        def row(name, type_, member=None, string=None, boolean=False, path=None, select=None, keys=False):
            return {"name": name, "type": ptype[type_], "member": member, "string": string, "boolean": boolean,
                    "path": path, "select": select, "map_keys": keys}

        for i, m in enumerate(members):
            param = m.traits.get("smithy.rules#contextParam", {}).get("name")
            p = declared.get(param) if param else None
            target = kind(self.model.target(m))
            if p is not None and (p.type, target) in (("string", "string"), ("string", "enum"), ("boolean", "boolean")):
                rows[param] = row(param, p.type, member=f"&{table}[{i}]")
        for param, spec in op.traits.get("smithy.rules#operationContextParams", {}).items():
            p = declared.get(param)
            got = self._context_path(inp, spec.get("path", "")) if p and isinstance(spec, dict) else None
            if got is None:
                continue
            path, select, keys, many = got
            if many != (p.type == "stringArray") or p.type == "boolean":
                continue
            if len(path) == 1 and not select and not keys and not many:
                rows[param] = row(param, p.type, member=f"&{path[0][0]}[{path[0][1]}]")
            else:
                rows[param] = row(param, p.type, path=[f"&{t}[{i}]" for t, i in path],
                                  select=[[f"&{t}[{i}]" for t, i in alt] for alt in select] if select else None,
                                  keys=keys)
        for param, spec in op.traits.get("smithy.rules#staticContextParams", {}).items():
            p, value = declared.get(param), spec.get("value") if isinstance(spec, dict) else None
            if p is not None and p.type == "boolean" and isinstance(value, bool):
                rows[param] = row(param, "boolean", boolean=value)
            elif p is not None and p.type == "string" and isinstance(value, str):
                rows[param] = row(param, "string", string=value)
        out = [rows[k] for k in sorted(rows)]
        # The paths of all rows in one NULL-separated table (endpoint_paths), their multi-selects
        # in another (endpoint_selects): each row points at its start.
        paths, selects = [], []
        for r in out:
            if r["path"]:
                r["path_at"] = len(paths)
                paths += r["path"] + ["NULL"]
            if r["select"]:
                r["select_at"] = len(selects)
                for alt in r["select"]:
                    selects += alt + ["NULL"]
                selects.append("NULL")
        return {"rows": out, "paths": paths, "selects": selects} if out else None

    def s3_uri(self, op, uri, params):
        """S3 (as the SDKs customise it): the endpoint rules put the bucket in the host or the path, so
        the operation's own `/{Bucket}` label leaves its URI."""
        if self.sdk_id != "S3" or not params or not any(p["name"] == "Bucket" for p in params["rows"]):
            return uri
        path, sep, query = uri.partition("?")
        # "/{Bucket}" leaves nothing: path style is then "/bucket", not "/bucket/" (the client sends
        # "/" when neither the endpoint nor the operation has a path).
        if path == "/{Bucket}" or path.startswith("/{Bucket}/"):
            path = path[len("/{Bucket}"):]
        return path + sep + query
    @staticmethod
    def compression_view(op):
        """smithy.api#requestCompression: True when the runtime can compress with one of its encodings.
        gzip is the only encoding Smithy defines; an unknown one alone means the body goes as it is,
        as the SDKs do."""
        trait = op.traits.get("smithy.api#requestCompression")
        if trait is None:
            return False
        known = [e for e in trait.get("encodings", []) if e.lower() == "gzip"]
        if not known:
            warn(f"{op.id}: requestCompression without gzip ({trait.get('encodings')}): sent uncompressed")
        return bool(known)

    def event_stream_view(self, op):
        """An operation's event streams as the runtime reads them (awsc_event_stream), or None.

        The output one's events reach a callback; the input one's come from a callback, and the
        protocol's eventStreamHttp says whether the call needs HTTP/2 (a bidirectional stream)."""
        out, inp = self.event_stream_member(op, "output"), self.event_stream_member(op, "input")
        if not out and not inp:
            return None
        view = {"member": None, "union_c": None, "union_desc": None, "input": None,
                "initial_response_event": bool(out) and self.protocol.name.startswith("awsJson")}
        if out:
            union = self.model.target(out)
            view.update(member=out.name, union_c=self.symbols.type_name(union),
                        union_desc=self.symbols.descriptor(union))
        if inp:
            union = self.model.target(inp)
            trait = self.service.traits.get(self.protocol.trait, {})
            view["input"] = {"member": inp.name, "union_c": self.symbols.type_name(union),
                             "union_desc": self.symbols.descriptor(union),
                             "http2": "h2" in trait.get("eventStreamHttp", [])}
        return view

    def service_auth(self):
        """The service's schemes in priority order: its smithy.api#auth, else the applied ones by shape id."""
        traits = self.service.traits
        applied = sorted(n for n in list(AUTH_SCHEMES) + list(OTHER_AUTH) if n in traits)
        order = traits.get("smithy.api#auth", applied)
        if order and not any(n in AUTH_SCHEMES for n in order):
            raise GenerationError(f"{self.service.id}: no supported auth scheme among {', '.join(order)}")
        self.auth_order = [n for n in order if n in AUTH_SCHEMES] or ["aws.auth#sigv4"]
        return None if self.auth_order == ["aws.auth#sigv4"] else auth_list(self.auth_order)

    def operation_auth(self, op):
        """An operation's own order (smithy.api#auth naming a subset or another order), else None."""
        own = op.traits.get("smithy.api#auth")
        if not own:
            return None
        names = [n for n in own if n in AUTH_SCHEMES]
        if not names:
            raise GenerationError(f"{op.id}: no supported auth scheme among {', '.join(own)}")
        return None if names == self.auth_order else auth_list(names)

    def operation_views(self):
        out = []
        for op in self.operations:
            method, uri, code = self.protocol.http(op)
            if uri is None:  # rpcv2Cbor: the path names the service
                uri = self.protocol.uri(self.service, op)
            inp, outp = self.io_shape(op, "input"), self.io_shape(op, "output")
            errs = sorted(self.error_index[e["target"]] for e in op.node.get("errors", []))
            svc_errs = [self.error_index[e["target"]] for e in self.service.node.get("errors", [])]
            errs = sorted(set(errs + svc_errs))
            ep_params = self.endpoint_params_view(op, inp)
            uri = self.s3_uri(op, uri, ep_params)
            host_prefix = op.traits.get("smithy.api#endpoint", {}).get("hostPrefix")
            if self.sdk_id == "S3 Control" and ep_params:
                host_prefix = None  # the rules put the account id in the host themselves
            out.append({
                "name": op.name, "fn": self.symbols.operation_fn(op), "cli": kebab(op.name),
                "async_fn": self.symbols.async_fn(op), "paginate_fn": self.symbols.paginate_fn(op),
                "to_sink_fn": self.symbols.to_sink_fn(op), "statics": self.symbols.op_statics(op),
                # A presigned URL for every signed operation but event streams (a URL cannot carry events).
                "presign_fn": None if op.traits.get("smithy.api#auth") == [] or self.event_stream_view(op)
                else self.symbols.presign_fn(op),
                "method": method, "uri": uri, "code": code,
                "target": self.protocol.target(self.service, op), "content_type": self.protocol.content_type,
                "codec": self.protocol.codec,
                "input": None if inp.id == "smithy.api#Unit" else inp,
                "output": None if outp.id == "smithy.api#Unit" else outp,
                "input_c": None if inp.id == "smithy.api#Unit" else self.symbols.type_name(inp),
                "output_c": None if outp.id == "smithy.api#Unit" else self.symbols.type_name(outp),
                "input_desc": None if inp.id == "smithy.api#Unit" else self.symbols.descriptor(inp),
                "output_desc": None if outp.id == "smithy.api#Unit" else self.symbols.descriptor(outp),
                "free_fn": None if outp.id == "smithy.api#Unit" else self.symbols.free_fn(outp),
                "errors": errs, "error_names": [self.errors[i].name for i in errs],
                "host_prefix": host_prefix,
                "endpoint_params": ep_params,
                "ext": customizations.operation_ext(self, op, inp, outp),
                "paginator": self.paginator_view(op, inp, outp),
                "checksum": self.checksum_view(op, inp),
                "compression": self.compression_view(op),
                "event_stream": self.event_stream_view(op),
                "flags": " | ".join(f for f, on in (
                    # With httpChecksum the flexible checksum satisfies it instead of Content-MD5.
                    ("AWSC_OP_CHECKSUM_REQUIRED", "smithy.api#httpChecksumRequired" in op.traits
                     and HTTP_CHECKSUM not in op.traits),
                    ("AWSC_OP_UNSIGNED_PAYLOAD", "aws.auth#unsignedPayload" in op.traits),
                    # A query service answers query errors already: the header is for the protocols it moved to.
                    ("AWSC_OP_QUERY_COMPATIBLE", "aws.protocols#awsQueryCompatible" in self.service.traits
                     and self.protocol.name not in ("awsQuery", "ec2Query")),
                    # An empty auth list means no auth scheme applies: send the request unsigned.
                    ("AWSC_OP_NO_AUTH", op.traits.get("smithy.api#auth") == []),
                    # optionalAuth: signed when credentials are found, else sent unsigned.
                    ("AWSC_OP_OPTIONAL_AUTH", "smithy.api#optionalAuth" in op.traits
                     and op.traits.get("smithy.api#auth") != [])) if on)
                or None,
                "auth": self.operation_auth(op),
                "streams_output": outp.id != "smithy.api#Unit" and any(
                    kind(self.model.target(m)) == "stream" for m in outp.members),
                "doc": docs.comment_lines(op.traits.get(DOC)),
            })
        # Operations with the same customizations share one awsc_operation_ext (S3's hundred
        # operations have two kinds), named after the first of them.
        defined = {}
        for v in out:
            ext = v["ext"]
            if ext is None:
                continue
            key = (tuple(ext["headers"]), ext["endpoint_member"], ext["flags"], ext["s3"])
            ext["define"] = key not in defined
            ext["ref"] = defined.setdefault(key, v["statics"]["ext"])
            ext["headers_ref"] = defined.setdefault(("headers",) + key, v["statics"]["ext_headers"])
        return out

    WAITER_STATES = {"success": "AWSC_WAITER_SUCCESS", "failure": "AWSC_WAITER_FAILURE", "retry": "AWSC_WAITER_RETRY"}
    WAITER_COMPARATORS = {"stringEquals": "AWSC_CMP_STRING_EQUALS", "booleanEquals": "AWSC_CMP_BOOLEAN_EQUALS",
                          "allStringEquals": "AWSC_CMP_ALL_STRING_EQUALS",
                          "anyStringEquals": "AWSC_CMP_ANY_STRING_EQUALS"}

    def waiter_views(self, ops):
        """Every operation's waiters (smithy.waiters#waitable) as the runtime reads them (awsc_waiter), by name.

        A waiter the runtime cannot run (an unknown state, matcher or comparator, bad delays) is left
        out with a warning, as an unusable paginator is."""
        by_name = {v["name"]: (i, v) for i, v in enumerate(ops)}
        out = []
        for op in self.operations:
            index, view = by_name[op.name]
            for name, w in sorted(op.traits.get("smithy.waiters#waitable", {}).items()):
                acceptors, problem = [], None
                for a in w.get("acceptors", []):
                    matcher = a.get("matcher", {})
                    state = self.WAITER_STATES.get(a.get("state"))
                    if state is None or len(matcher) != 1:
                        problem = f"acceptor {a}"
                        break
                    (kind_, value), = matcher.items()
                    acc = {"state": state, "path": None, "comparator": None, "message": a.get("message")}
                    if kind_ in ("output", "inputOutput") and isinstance(value, dict):
                        acc["comparator"] = self.WAITER_COMPARATORS.get(value.get("comparator"))
                        if acc["comparator"] is None or "path" not in value or "expected" not in value:
                            problem = f"path matcher {value}"
                            break
                        acc.update(matcher="AWSC_MATCH_OUTPUT" if kind_ == "output" else "AWSC_MATCH_INPUT_OUTPUT",
                                   path=value["path"], expected=str(value["expected"]))
                    elif kind_ == "success" and isinstance(value, bool):
                        acc.update(matcher="AWSC_MATCH_SUCCESS", expected="true" if value else "false")
                    elif kind_ == "errorType" and isinstance(value, str):
                        acc.update(matcher="AWSC_MATCH_ERROR_TYPE", expected=value)
                    else:
                        problem = f"matcher {kind_}"
                        break
                    acceptors.append(acc)
                lo, hi = w.get("minDelay", 2), w.get("maxDelay", 120)
                if not problem and not any(a["state"] == "AWSC_WAITER_SUCCESS" for a in acceptors):
                    problem = "no success acceptor"
                if not problem and not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi):
                    problem = f"minDelay {lo}, maxDelay {hi}"
                if problem:
                    warn(f"{op.id}: waiter {name} left out: {problem}")
                    continue
                words = {"AWSC_CMP_STRING_EQUALS": "", "AWSC_CMP_BOOLEAN_EQUALS": "",
                         "AWSC_CMP_ALL_STRING_EQUALS": "every ", "AWSC_CMP_ANY_STRING_EQUALS": "any "}
                said = []
                for a in acceptors:
                    state = a["state"][len("AWSC_WAITER_"):].lower()
                    if a["path"] is not None:
                        said.append(f"{state} when {words[a['comparator']]}`{a['path']}` is {a['expected']}")
                    elif a["matcher"] == "AWSC_MATCH_ERROR_TYPE":
                        said.append(f"{state} on the error {a['expected']}")
                    else:
                        said.append(f"{state} when the call {'succeeds' if a['expected'] == 'true' else 'fails'}")
                summary = textwrap.wrap(f"{name}: calls {view['fn']} every {lo} to {hi} seconds; "
                                        + ", ".join(said) + ".", width=100, break_long_words=False)
                out.append({"name": name, "fn": self.symbols.wait_fn(name), "op": view, "op_index": index,
                            "summary": summary,
                            "acceptors": acceptors, "min_delay": lo, "max_delay": hi,
                            "deprecated": bool(w.get("deprecated")),
                            "doc": docs.comment_lines(w.get("documentation"))})
        out.sort(key=lambda v: v["name"])
        first = 0
        for v in out:
            v["first"], first = first, first + len(v["acceptors"])
        return out

    @staticmethod
    def secret_members(view, by_desc):
        """The members of `view` whose values are secret: @sensitive ones, lists and maps of them,
        and those named like credentials whatever the model says (STS and SSO answers)."""
        out = []
        for m in _members_of(view):
            target = by_desc.get(m["shape"][1:])
            values = _members_of(target)[-1:] if target and target["kind"] in ("list", "map") else []
            if ("AWSC_F_SENSITIVE" in m["flags"] or m["name"].lower() in CREDENTIAL_MEMBERS
                    or any("AWSC_F_SENSITIVE" in v["flags"] for v in values)):
                out.append(m)
        return out

    def mark_secrets(self, views, ops):
        """Gives each operation the wire names of the secrets anywhere in its input, output and
        errors (awsc_operation.sensitive_names), and flags those whose URL or payload is one."""
        by_desc = {v["desc"]: v for v in views.values()}
        for op in ops:
            roots = [by_desc[op[k + "_desc"]] for k in ("input", "output") if op[k]]
            roots += [by_desc[self.symbols.descriptor(self.errors[i])] for i in op["errors"]]
            names, seen, todo = [], set(), list(roots)
            while todo:
                v = todo.pop(0)
                if v["desc"] in seen:
                    continue
                seen.add(v["desc"])
                # A list's or map's values travel under the name of the member holding it.
                for m in self.secret_members(v, by_desc) if v["kind"] in ("struct", "union") else ():
                    names += [n for n in (m["wire"], m["query_name"]) if n and n not in names]
                todo += [by_desc[m["shape"][1:]] for m in _members_of(v) if m["shape"][1:] in by_desc]
            op["sensitive_names"] = names
            flags = [op["flags"]] if op["flags"] else []
            top = [m for k in ("input", "output") if op[k]
                   for m in self.secret_members(by_desc[op[k + "_desc"]], by_desc)]
            if any(m["binding"] in ("AWSC_B_LABEL", "AWSC_B_QUERY", "AWSC_B_QUERY_PARAMS") for m in top):
                flags.append("AWSC_OP_SENSITIVE_URL")
            if any(m["binding"] == "AWSC_B_PAYLOAD" for m in top):
                flags.append("AWSC_OP_SENSITIVE_PAYLOAD")
            op["flags"] = " | ".join(flags) or None

    @staticmethod
    def share_exts(aggregates):
        """One awsc_member_ext per distinct set of rarely used member fields; sets m["ext"] to its name.

        Most members have none (ext stays None); those that do often share them (a
        thingName's length limits recur in every operation), so identical ones are merged.
        """
        exts = {}
        for a in aggregates:
            for m in _members_of(a):
                key = (m["min"], m["max"], m["default"], m["media_type"], m["xml_namespace"], m["query_name"])
                if not any(key):
                    m["ext"] = None
                    continue
                if key not in exts:
                    exts[key] = {"name": f"member_ext_{len(exts)}", "min": key[0], "max": key[1],
                                 "default": key[2], "media_type": key[3], "xml_namespace": key[4],
                                 "query_name": key[5]}
                m["ext"] = exts[key]["name"]
            if a["kind"] == "struct":
                extras = {k: v for k, v in a["extras"].items() if v}
                a["shape_ext"] = extras or None
        return list(exts.values())

    @staticmethod
    def share_error_members(aggregates):
        """Error structures with the same members share one awsc_member table.

        Most services' errors are a structure of one `message` string (IoT Jobs has nine): the
        same 48-byte rows again and again. An error whose members (names, C types, descriptors
        and fields) are those of an earlier error's uses that error's table, its C struct then
        being laid out alike; a static assertion in the generated code checks that it is.
        Only errors: nothing else names their tables (paginators and endpoint paths name inputs').
        """
        keys = ("name", "field", "c_type", "wire", "offset", "has_offset", "raw_offset", "type", "binding", "ts",
                "flags", "shape", "ext")
        first = {}
        for a in aggregates:
            a["shared_members"] = None
            if a["kind"] != "struct" or not a["is_error"] or not a["members"]:
                continue
            key = tuple(tuple(str(m[k]).replace(f"offsetof({a['c']},", "offsetof(@,") for k in keys)
                        for m in a["members"])
            if key not in first:
                first[key] = a
                continue
            owner = first[key]
            checks = [f"sizeof({a['c']}) == sizeof({owner['c']})"]
            for m in a["members"]:
                for k in ("offset", "has_offset", "raw_offset"):
                    if m[k].startswith("offsetof("):
                        checks.append(f"{m[k]} == {m[k].replace(a['c'], owner['c'])}")
            a["shared_members"] = {"table": owner["members_table"], "checks": checks}
        return len(first)

    def render(self):
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined)
        env.filters["cstr"] = c_string
        env.filters["comment"] = c_comment
        views = self.type_views()
        used = {m["shape"][1:] for v in views.values() for m in _members_of(v)}
        for v in views.values():
            if v["kind"] == "enum":
                v["used"] = v["desc"] in used
        ops = self.operation_views()
        seen_outputs = set()
        for op in ops:
            op["define_free"] = op["output"] is not None and op["output_c"] not in seen_outputs
            seen_outputs.add(op["output_c"])
        self.mark_secrets(views, ops)
        aggregates = self.ordered(views)
        ctx = {
            "member_exts": self.share_exts(aggregates),
            # after share_exts, whose ext names are part of what errors must have in common
            "error_tables_shared": self.share_error_members(aggregates),
            "sym": self.symbols, "service": self.service, "sdk_id": self.sdk_id,
            "signing_name": self.signing_name, "endpoint_prefix": self.endpoint_prefix, "auth": self.auth,
            "bearer": any("AWSC_AUTH_BEARER" in (a or "") for a in [self.auth] + [op["auth"] for op in ops]),
            # The code of a call's own endpoint (awsc_service.operation_endpoints), for the services that use it.
            "operation_endpoints": any(op["endpoint_params"] or (op["ext"] and op["ext"]["endpoint_member"])
                                       for op in ops) or bool(self.rule_set and any(
                                           p.built_in == "AWS::Auth::AccountId"
                                           for p in self.rule_set.parameters.values())),
            "api_version": self.service.node.get("version", ""),
            "service_doc": docs.comment_lines(self.service.traits.get(DOC)),
            "title": self.service.traits.get("smithy.api#title", self.sdk_id),
            "enums": [v for v in (views[k] for k in sorted(views)) if v["kind"] in ("enum", "intEnum")],
            "aggregates": aggregates,
            "operations": ops,
            "waiters": self.waiter_views(ops),
            "errors": [{"name": s.name, "c": self.symbols.type_name(s), "desc": self.symbols.descriptor(s),
                        "const": self.symbols.error_constant(s)} for s in self.errors],
            "protocol": self.protocol.name,
            "codec_header": getattr(self.protocol, "codec_header", None),
            "endpoint_rules": f"{self.symbols.prefix}_endpoint_rules" if self.rule_set else None,
        }
        header = env.get_template("service.h.j2").render(ctx)
        source = env.get_template("service.c.j2").render(ctx)
        files = {
            f"include/{self.symbols.header_file()}": header,
            f"src/{self.symbols.c_name}.c": source,
        }
        if self.rule_set:
            files[f"src/{self.symbols.c_name}_endpoints.c"] = endpoints.render(
                self.service, self.rule_set, ctx["endpoint_rules"])
        files[f"cli/{self.symbols.c_name}_docs.c"] = env.get_template("cli_docs.c.j2").render(
            self.cli_docs(ctx, aggregates))
        return files

    def cli_docs(self, ctx, aggregates):
        """What `awsc <service> ... help` prints beyond the descriptors: the model's documentation
        and `smithy.api#pattern` constraints. Compiled into the CLI only (cli/), never into the
        library a device links."""
        members = []
        for a in aggregates:
            if a["kind"] not in ("struct", "union", "list", "map"):
                continue
            for m in a["shape"].members:
                target = self.model.target(m)
                doc = docs.plain(member_doc(self.model, m))
                pattern = m.traits.get("smithy.api#pattern") or target.traits.get("smithy.api#pattern")
                if doc or pattern:
                    members.append({"shape": a["shape"].name, "member": m.name, "doc": doc, "pattern": pattern})
        members.sort(key=lambda x: (x["shape"], x["member"]))
        ops = sorted(({"name": op.name, "doc": docs.plain(op.traits.get(DOC))} for op in self.operations
                      if op.traits.get(DOC)), key=lambda x: x["name"])
        return {"title": ctx["title"], "sym": self.symbols, "service_doc": docs.plain(self.service.traits.get(DOC)),
                "operations": ops, "members": members}


def c_string(value):
    """A C string literal for `value` (UTF-8, escapes for quotes, backslashes and controls)."""
    if value is None:
        return "NULL"
    out = ['"']
    for b in value.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")  # no trigraphs
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    out.append('"')
    return "".join(out)


def c_comment(lines, indent=""):
    """A doc comment ending in a newline, or "" when there is nothing to say."""
    if not lines:
        return ""
    if len(lines) == 1:
        return f"{indent}/** {lines[0]} */\n"
    body = "".join(f"{indent} * {l}\n" for l in lines)
    return f"{indent}/**\n{body}{indent} */\n"


# Member names (lower case) whose values are credentials in any model: STS's and SSO's answers.
CREDENTIAL_MEMBERS = {"secretaccesskey", "sessiontoken", "webidentitytoken", "samlassertion"}


def _members_of(view):
    if view["kind"] in ("struct", "union"):
        return view["members"]
    if view["kind"] == "list":
        return [view["elem"]]
    if view["kind"] == "map":
        return [view["key"], view["value"]]
    return []


def warn(message):
    print(f"codegen: warning: {message}", file=sys.stderr)
