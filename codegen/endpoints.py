"""Endpoint rules: `smithy.rules#endpointRuleSet` read into a checked tree.

The generator reads and validates the rule set here, so that a malformed rule
set fails generation with a message naming the service. (Evaluating the rules
at run time is the endpoint work that builds on this: see the issues.)
"""

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
