"""Endpoint rules: `smithy.rules#endpointRuleSet` read into a checked tree.

The generator reads and validates the rule set here, so that a malformed rule
set fails generation with a message naming the service, then compiles it
(`compile_rules`) into the flat tables of awsc/endpoints.h that the runtime's
evaluator walks: expressions, conditions, rules, properties and headers,
each referring to the others by index. `render` writes them as C.
"""

import os
from dataclasses import dataclass, field

from .errors import GenerationError

TRAIT = "smithy.rules#endpointRuleSet"
TESTS_TRAIT = "smithy.rules#endpointTests"
PARAM_TYPES = ("string", "boolean", "stringArray")
BUILT_INS = ("AWS::Region", "AWS::UseFIPS", "AWS::UseDualStack", "SDK::Endpoint",
             "AWS::Auth::AccountId", "AWS::Auth::AccountIdEndpointMode", "AWS::S3::Accelerate",
             "AWS::S3::DisableMultiRegionAccessPoints", "AWS::S3::ForcePathStyle", "AWS::S3::UseArnRegion",
             "AWS::S3::UseGlobalEndpoint", "AWS::S3Control::UseArnRegion", "AWS::STS::UseGlobalEndpoint")


@dataclass
class Parameter:
    name: str
    type: str
    built_in: str = None
    required: bool = False
    default: object = None


@dataclass
class Rule:
    kind: str                      # "endpoint", "error" or "tree"
    conditions: list
    endpoint: dict = None          # url, properties, headers
    error: object = None
    rules: list = field(default_factory=list)


@dataclass
class RuleSet:
    version: str
    parameters: dict
    rules: list

    def count(self):
        def walk(rules):
            return sum(1 + walk(r.rules) for r in rules)
        return walk(self.rules)


def _condition(where, c):
    if not isinstance(c, dict) or "fn" not in c or not isinstance(c.get("argv"), list):
        raise GenerationError(f"{where}: endpoint rule condition needs 'fn' and 'argv': {c!r}")
    return c


def _rule(where, node):
    if not isinstance(node, dict) or node.get("type") not in ("endpoint", "error", "tree"):
        raise GenerationError(f"{where}: endpoint rule of unknown type: {str(node)[:80]}")
    conditions = [_condition(where, c) for c in node.get("conditions", [])]
    kind = node["type"]
    if kind == "endpoint":
        ep = node.get("endpoint")
        if not isinstance(ep, dict) or "url" not in ep:
            raise GenerationError(f"{where}: endpoint rule without an endpoint url")
        return Rule(kind, conditions, endpoint=ep)
    if kind == "error":
        if "error" not in node:
            raise GenerationError(f"{where}: error rule without an error message")
        return Rule(kind, conditions, error=node["error"])
    subs = node.get("rules")
    if not isinstance(subs, list) or not subs:
        raise GenerationError(f"{where}: tree rule without rules")
    return Rule(kind, conditions, rules=[_rule(where, r) for r in subs])


def rule_set(service):
    """The service's rule set, or None when the model has none."""
    node = service.traits.get(TRAIT)
    if node is None:
        return None
    where = service.id
    if not isinstance(node, dict) or not isinstance(node.get("parameters"), dict) \
            or not isinstance(node.get("rules"), list):
        raise GenerationError(f"{where}: endpointRuleSet needs 'parameters' and 'rules'")
    params = {}
    for name, p in node["parameters"].items():
        t = p.get("type", "").lower() if p.get("type") != "stringArray" else "stringArray"
        if t not in PARAM_TYPES:
            raise GenerationError(f"{where}: endpoint parameter {name} has unsupported type {p.get('type')!r}")
        params[name] = Parameter(name, t, p.get("builtIn"), bool(p.get("required")), p.get("default"))
    return RuleSet(str(node.get("version", "1.0")), params, [_rule(where, r) for r in node["rules"]])


def tests(service):
    """The service's endpoint test cases (a list of dicts), [] when none."""
    return service.traits.get(TESTS_TRAIT, {}).get("testCases", [])


# ---- compiling to C tables --------------------------------------------------------

FUNCTIONS = {
    "isSet": "IS_SET", "not": "NOT", "booleanEquals": "BOOLEAN_EQUALS", "stringEquals": "STRING_EQUALS",
    "getAttr": "GET_ATTR", "substring": "SUBSTRING", "uriEncode": "URI_ENCODE", "parseURL": "PARSE_URL",
    "isValidHostLabel": "IS_VALID_HOST_LABEL", "aws.partition": "PARTITION", "aws.parseArn": "PARSE_ARN",
    "aws.isVirtualHostableS3Bucket": "IS_VIRTUAL_HOSTABLE_S3_BUCKET",
}
# The functions the runtime reaches only through a rule set's more_functions (awsc/endpoints.h).
MORE_FUNCTIONS = {"SUBSTRING", "URI_ENCODE", "PARSE_ARN", "IS_VIRTUAL_HOSTABLE_S3_BUCKET", "PARSE_URL",
                  "IS_VALID_HOST_LABEL"}
ARITY = {"isSet": 1, "not": 1, "booleanEquals": 2, "stringEquals": 2, "getAttr": 2, "substring": 4,
         "uriEncode": 1, "parseURL": 1, "isValidHostLabel": 2, "aws.partition": 1, "aws.parseArn": 1,
         "aws.isVirtualHostableS3Bucket": 2}
# The evaluator's limits (runtime/endpoints/endpoints.c): deeper rule sets fail here, not at run time.
MAX_EXPR_DEPTH = 32
MAX_RULE_DEPTH = 64
NONE = "AWSC_EP_NONE"


def template_parts(where, text):
    """'https://x.{Region}.{P#dnsSuffix}' -> [('lit', 'https://x.'), ('ref', 'Region'), ...]; {{ and }} escape."""
    parts, lit, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch in "{}" and text[i + 1:i + 2] == ch:
            lit.append(ch)
            i += 2
        elif ch == "{":
            j = text.find("}", i)
            if j < 0 or j == i + 1:
                raise GenerationError(f"{where}: endpoint template {text!r} has an unclosed or empty {{}}")
            if lit:
                parts.append(("lit", "".join(lit)))
                lit = []
            parts.append(("ref", text[i + 1:j]))
            i = j + 1
        else:
            lit.append(ch)
            i += 1
    if lit or not parts:
        parts.append(("lit", "".join(lit)))
    return parts


class _Compiler:
    def __init__(self, where, rs):
        self.where = where
        self.params = list(rs.parameters.values())
        self.slot_count = len(self.params)
        self.exprs, self.conditions, self.rules, self.props, self.headers = [], [], [], [], []

    @staticmethod
    def _reserve(table, n):
        base = len(table)
        table.extend([None] * n)
        return base

    def _fail(self, msg):
        raise GenerationError(f"{self.where}: endpoint rules: {msg}")

    def expr(self, node, scope, depth=0):
        """Index of a new expression for `node` (its arguments are placed after it)."""
        idx = self._reserve(self.exprs, 1)
        self._place(node, idx, scope, depth)
        return idx

    def _ref(self, name, scope):
        if name not in scope:
            self._fail(f"reference to unknown parameter or variable {name!r}")
        return scope[name]

    def _place(self, node, idx, scope, depth):
        if depth > MAX_EXPR_DEPTH:
            self._fail("expressions nested too deeply")
        if isinstance(node, bool):
            self.exprs[idx] = ("AWSC_EP_X_BOOL", "0", int(node), 0, None)
        elif isinstance(node, int):
            if not 0 <= node < 2 ** 31:
                self._fail(f"integer {node} out of range")
            self.exprs[idx] = ("AWSC_EP_X_INT", "0", node, 0, None)
        elif isinstance(node, str):
            parts = template_parts(self.where, node)
            if len(parts) == 1 and parts[0][0] == "lit":
                self.exprs[idx] = ("AWSC_EP_X_STRING", "0", 0, 0, parts[0][1])
                return
            base = self._reserve(self.exprs, len(parts))
            self.exprs[idx] = ("AWSC_EP_X_TEMPLATE", "0", base, len(parts), None)
            for k, (kind, text) in enumerate(parts):
                if kind == "lit":
                    self.exprs[base + k] = ("AWSC_EP_X_STRING", "0", 0, 0, text)
                else:
                    name, _, path = text.partition("#")
                    if path:
                        self._place({"fn": "getAttr", "argv": [{"ref": name}, path]}, base + k, scope, depth + 1)
                    else:
                        self.exprs[base + k] = ("AWSC_EP_X_REF", "0", self._ref(name, scope), 0, None)
        elif isinstance(node, dict) and "ref" in node:
            self.exprs[idx] = ("AWSC_EP_X_REF", "0", self._ref(node["ref"], scope), 0, None)
        elif isinstance(node, dict) and "fn" in node:
            fn, argv = node["fn"], node.get("argv")
            if fn not in FUNCTIONS:
                self._fail(f"unsupported function {fn!r}")
            if not isinstance(argv, list) or len(argv) != ARITY[fn]:
                self._fail(f"{fn} takes {ARITY[fn]} arguments: {node!r}"[:200])
            path = None
            if fn == "getAttr":
                if not isinstance(argv[1], str):
                    self._fail(f"getAttr path must be a string: {node!r}"[:200])
                path, argv = argv[1], argv[:1]
            if fn == "substring" and not all(isinstance(a, int) and not isinstance(a, bool) for a in argv[1:3]):
                self._fail("substring bounds must be integer literals")
            base = self._reserve(self.exprs, len(argv))
            self.exprs[idx] = ("AWSC_EP_X_FN", f"AWSC_EP_FN_{FUNCTIONS[fn]}", base, len(argv), path)
            for k, arg in enumerate(argv):
                self._place(arg, base + k, scope, depth + 1)
        else:
            self._fail(f"unsupported expression {node!r}"[:200])

    def _prop(self, value, idx, key, scope, depth):
        if depth > MAX_EXPR_DEPTH:
            self._fail("properties nested too deeply")
        if isinstance(value, bool):
            self.props[idx] = ("AWSC_EP_P_BOOL", key, int(value), 0)
        elif isinstance(value, int):
            if not -2 ** 31 <= value < 2 ** 31:
                self._fail(f"property integer {value} out of range")
            self.props[idx] = ("AWSC_EP_P_INT", key, f"(uint32_t){value}", 0)
        elif isinstance(value, str):
            self.props[idx] = ("AWSC_EP_P_STRING", key, self.expr(value, scope), 0)
        elif isinstance(value, (dict, list)):
            items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
            base = self._reserve(self.props, len(items))
            kind = "AWSC_EP_P_OBJECT" if isinstance(value, dict) else "AWSC_EP_P_ARRAY"
            self.props[idx] = (kind, key, base, len(items))
            for k, (child_key, child) in enumerate(items):
                self._prop(child, base + k, child_key, scope, depth + 1)
        else:
            self._fail(f"unsupported property value {value!r}"[:200])

    def place_rule(self, rule, idx, scope, depth):
        if depth > MAX_RULE_DEPTH:
            self._fail("rules nested too deeply")
        scope = dict(scope)
        cond_first = self._reserve(self.conditions, len(rule.conditions))
        for k, c in enumerate(rule.conditions):
            e = self.expr(c, scope)
            assign = NONE
            if "assign" in c:
                assign = self.slot_count
                self.slot_count += 1
                scope[c["assign"]] = assign
            self.conditions[cond_first + k] = (e, assign)
        first = count = 0
        expr, props = NONE, NONE
        if rule.kind == "endpoint":
            ep = rule.endpoint
            expr = self.expr(ep["url"], scope)
            if ep.get("properties"):
                if not isinstance(ep["properties"], dict):
                    self._fail("endpoint properties must be an object")
                props = self._reserve(self.props, 1)
                self._prop(ep["properties"], props, None, scope, 0)
            headers = ep.get("headers") or {}
            if not isinstance(headers, dict) or not all(isinstance(v, list) for v in headers.values()):
                self._fail("endpoint headers must map names to lists")
            first, count = self._reserve(self.headers, len(headers)), len(headers)
            for k, (name, values) in enumerate(headers.items()):
                base = self._reserve(self.exprs, len(values))
                for j, v in enumerate(values):
                    self._place(v, base + j, scope, 0)
                self.headers[first + k] = (name, base, len(values))
        elif rule.kind == "error":
            expr = self.expr(rule.error, scope)
        else:
            first, count = self._reserve(self.rules, len(rule.rules)), len(rule.rules)
            for k, sub in enumerate(rule.rules):
                self.place_rule(sub, first + k, scope, depth + 1)
        kind = {"endpoint": "ENDPOINT", "error": "ERROR", "tree": "TREE"}[rule.kind]
        self.rules[idx] = (f"AWSC_EP_RULE_{kind}", cond_first, len(rule.conditions), first, count, expr, props)


def _share_exprs(c):
    """Rewrites c.exprs with one row per distinct expression (and one copy of each distinct argument run).

    Rule sets repeat the same conditions and arguments (booleanEquals(UseFIPS, true) in every branch,
    the same references and literals): a row of 16 bytes each time. Rows keep the order in which
    the rules first use them, an expression before its arguments, as `_place` lays them out.
    """
    old, new, at, run_at, keys = c.exprs, [], {}, {}, {}

    def key(i):
        if i not in keys:
            kind, fn, a, n, s = old[i]
            keys[i] = ((kind, fn, n, s, tuple(key(j) for j in range(a, a + n)))
                       if kind in ("AWSC_EP_X_FN", "AWSC_EP_X_TEMPLATE") else old[i])
        return keys[i]

    def fill(pos, i):
        kind, fn, a, n, s = old[i]
        if kind in ("AWSC_EP_X_FN", "AWSC_EP_X_TEMPLATE"):
            new[pos] = (kind, fn, place_run(range(a, a + n)), n, s)
        else:
            new[pos] = old[i]

    def place(i):
        k = key(i)
        if k not in at:
            at[k] = len(new)
            new.append(None)
            fill(at[k], i)
        return at[k]

    def place_run(idxs):
        idxs = list(idxs)
        if len(idxs) == 1:
            return place(idxs[0])
        ks = tuple(key(i) for i in idxs)
        if ks not in run_at:
            base = run_at[ks] = len(new)
            new.extend([None] * len(idxs))
            for k, i in enumerate(idxs):
                at.setdefault(ks[k], base + k)
            for k, i in enumerate(idxs):
                fill(base + k, i)
        return run_at[ks]

    # The rows the other tables name, in the order the rules laid them out.
    roots = sorted({e for e, _assign in c.conditions} | {r[5] for r in c.rules if r[5] != NONE} |
                   {p[2] for p in c.props if p[0] == "AWSC_EP_P_STRING"})
    where = {i: place(i) for i in roots}
    headers = [(name, place_run(range(base, base + n)) if n else 0, n) for name, base, n in c.headers]
    c.exprs = new
    c.conditions = [(where[e], assign) for e, assign in c.conditions]
    c.rules = [r if r[5] == NONE else r[:5] + (where[r[5]],) + r[6:] for r in c.rules]
    c.props = [(p[0], p[1], where[p[2]], p[3]) if p[0] == "AWSC_EP_P_STRING" else p for p in c.props]
    c.headers = headers


def compile_rules(service, rs, symbol):
    """The template context for endpoints.c.j2: `rs` as C table rows, exported as `symbol`."""
    c = _Compiler(service.id, rs)
    scope = {p.name: i for i, p in enumerate(c.params)}
    root = c._reserve(c.rules, len(rs.rules))
    for k, rule in enumerate(rs.rules):
        c.place_rule(rule, root + k, scope, 0)
    _share_exprs(c)
    # Conditions and rules hold 16-bit indexes; 0xFFFF is AWSC_EP_NONE.
    for what, n in (("expressions", len(c.exprs)), ("conditions", len(c.conditions)), ("rules", len(c.rules)),
                    ("properties", len(c.props)), ("headers", len(c.headers)), ("slots", c.slot_count)):
        if n >= 0xFFFF:
            raise GenerationError(f"{service.id}: endpoint rule set has {n} {what}, more than the tables index")
    params = []
    for p in c.params:
        d = p.default if p.type != "stringArray" else None  # array defaults: not supported, left unset
        params.append({
            "name": p.name, "built_in": p.built_in,
            "type": {"string": "AWSC_EP_STRING", "boolean": "AWSC_EP_BOOLEAN",
                     "stringArray": "AWSC_EP_STRING_ARRAY"}[p.type],
            "required": p.required, "has_default": d is not None,
            "default_bool": d is True, "default_string": d if isinstance(d, str) else None,
        })
    return {"service_id": service.id, "symbol": symbol, "params": params, "slot_count": c.slot_count,
            "exprs": c.exprs, "conditions": c.conditions, "rules": c.rules, "root_count": len(rs.rules),
            "props": c.props, "headers": c.headers,
            "more_functions": any(x[0] == "AWSC_EP_X_FN" and x[1][len("AWSC_EP_FN_"):] in MORE_FUNCTIONS
                                  for x in c.exprs)}


def render(service, rs, symbol):
    """The C source defining `const awsc_endpoint_rules <symbol>` for the rule set."""
    import jinja2
    from .writer import c_string
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["cstr"] = c_string
    return env.get_template("endpoints.c.j2").render(compile_rules(service, rs, symbol))
