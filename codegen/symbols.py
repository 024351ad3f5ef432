"""Symbol layer: the C names of everything the generator emits.

Names are derived predictably from the model: `thingName` -> `thing_name`,
shape `JobExecution` -> `<prefix>_job_execution`, enum value `IN_PROGRESS` of
`JobExecutionStatus` -> `<PREFIX>_JOB_EXECUTION_STATUS_IN_PROGRESS`.
"""

import os
import re

from .errors import GenerationError

# Words a struct field may not be: C keywords, the macros of the standard headers a
# user may include (<stdbool.h>, <assert.h>, <iso646.h>, <complex.h>, ...), the GNU
# predefined ones (`linux`, `unix`), and C++ keywords, since the headers are usable
# from C++ (extern "C").
C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if inline int
long register restrict return short signed sizeof static struct switch typedef union unsigned void
volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
_Thread_local bool true false NULL errno assert offsetof
alignas alignof noreturn static_assert thread_local complex imaginary
and and_eq bitand bitor compl not not_eq or or_eq xor xor_eq
linux unix i386
asm catch char8_t char16_t char32_t class concept consteval constexpr constinit const_cast co_await
co_return co_yield decltype delete dynamic_cast explicit export friend mutable namespace new noexcept
nullptr operator private protected public reinterpret_cast requires static_cast template this throw
try typeid typename using virtual wchar_t
""".split())

_BOUNDARY = re.compile(r"""
    [A-Z]+[0-9]*(?=[A-Z][a-z])   # acronym followed by a word: HTTPResponse -> HTTP
  | [A-Z]?[a-z]+[0-9]*           # word, digits stay with it: Ec2 -> ec2
  | [A-Z]+[0-9]*                 # trailing acronym
  | [0-9]+                       # leading digits
""", re.X)


def snake(name):
    """camelCase / PascalCase / kebab / acronyms -> snake_case."""
    words = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        words.extend(w.lower() for w in _BOUNDARY.findall(part))
    if not words:
        raise GenerationError(f"cannot derive a C name from '{name}'")
    return "_".join(words)


def kebab(name):
    return snake(name).replace("_", "-")


def field(name):
    """A struct field name for a model member, escaping C keywords."""
    s = snake(name)
    if s[0].isdigit():
        s = "m_" + s
    return s + "_" if s in C_KEYWORDS else s


def constant(name):
    s = snake(name).upper()
    return s


# botocore's client names (which the AWS CLI's commands are) where they differ from
# its rule: the sdkId lower-cased, spaces to hyphens. A fixed, historical list:
# https://github.com/boto/botocore/blob/develop/tests/functional/test_service_names.py
LEGACY_SERVICE_NAMES = {
    "alexa-for-business": "alexaforbusiness", "api-gateway": "apigateway",
    "application-auto-scaling": "application-autoscaling", "app-mesh": "appmesh",
    "auto-scaling": "autoscaling", "auto-scaling-plans": "autoscaling-plans", "cost-explorer": "ce",
    "cloudhsm-v2": "cloudhsmv2", "cloudsearch-domain": "cloudsearchdomain",
    "cognito-identity-provider": "cognito-idp", "config-service": "config",
    "cost-and-usage-report-service": "cur", "data-pipeline": "datapipeline",
    "direct-connect": "directconnect", "device-farm": "devicefarm",
    "application-discovery-service": "discovery", "database-migration-service": "dms",
    "directory-service": "ds", "dynamodb-streams": "dynamodbstreams",
    "elastic-beanstalk": "elasticbeanstalk", "elastic-transcoder": "elastictranscoder",
    "elastic-load-balancing": "elb", "elastic-load-balancing-v2": "elbv2", "elasticsearch-service": "es",
    "eventbridge": "events", "global-accelerator": "globalaccelerator", "iot-data-plane": "iot-data",
    "iot-jobs-data-plane": "iot-jobs-data", "iot-1click-devices-service": "iot1click-devices",
    "iot-1click-projects": "iot1click-projects", "iot-events-data": "iotevents-data",
    "iot-events": "iotevents", "iot-wireless": "iotwireless", "kinesis-analytics": "kinesisanalytics",
    "kinesis-analytics-v2": "kinesisanalyticsv2", "kinesis-video": "kinesisvideo",
    "lex-model-building-service": "lex-models", "lex-models-v2": "lexv2-models",
    "lex-runtime-service": "lex-runtime", "lex-runtime-v2": "lexv2-runtime", "cloudwatch-logs": "logs",
    "machine-learning": "machinelearning", "marketplace-commerce-analytics": "marketplacecommerceanalytics",
    "marketplace-entitlement-service": "marketplace-entitlement", "marketplace-metering": "meteringmarketplace",
    "migration-hub": "mgh", "resource-groups-tagging-api": "resourcegroupstaggingapi", "route-53": "route53",
    "route-53-domains": "route53domains", "s3-control": "s3control", "simpledb": "sdb",
    "secrets-manager": "secretsmanager", "serverlessapplicationrepository": "serverlessrepo",
    "service-catalog": "servicecatalog", "service-catalog-appregistry": "servicecatalog-appregistry",
    "sfn": "stepfunctions", "storage-gateway": "storagegateway",
}
# The AWS CLI's own renames of botocore clients: `aws s3` is its high-level command set.
CLI_COMMAND_RENAMES = {"s3": "s3api"}
# The runtime's headers, which a service header must not shadow (awsc/<name>.h).
RUNTIME_HEADERS = frozenset({"awsc", "schema", "endpoints", "xml", "sts_credentials"})
SERVICE_NAME = re.compile(r"[a-z][a-z0-9-]*")


def service_names(service, name=None):
    """(CLI name, C name) of a service shape: the AWS CLI's name for it unless `name` is given.

    The AWS CLI's name is botocore's client name: the sdkId lower-cased with spaces
    as hyphens (`DynamoDB Streams` -> `dynamodb-streams`), except for botocore's
    older names (`dynamodbstreams`, `logs`, `route53`), and `s3api` for S3. The C
    name is that client name with hyphens as underscores (S3's is `s3`). A model
    without an sdkId falls back to its SigV4 signing name, then its shape name.
    """
    if name is None:
        traits = service.traits
        sdk_id = traits.get("aws.api#service", {}).get("sdkId")
        if sdk_id:
            base = re.sub(r"[^a-z0-9-]", "", sdk_id.lower().replace(" ", "-"))
            base = LEGACY_SERVICE_NAMES.get(base, base)
        else:
            base = traits.get("aws.auth#sigv4", {}).get("name") or kebab(service.name)
        cli = CLI_COMMAND_RENAMES.get(base, base)
    else:
        base = cli = name
    if not SERVICE_NAME.fullmatch(base):
        raise GenerationError(f"service name '{base}' must be lower-case letters, digits and '-' "
                              "(choose one with --name)")
    c_name = base.replace("-", "_")
    if c_name in RUNTIME_HEADERS:
        raise GenerationError(f"service name '{base}' would shadow the runtime's <awsc/{c_name}.h> "
                              "(choose another with --name)")
    return cli, c_name


def runtime_identifiers(prefix):
    """Identifiers the runtime's public headers declare under `prefix`/`PREFIX` (both cases)."""
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runtime")
    found = set()
    pattern = re.compile(r"\b(?:%s|%s)_\w+|\b(?:%s|%s)\b" % ((re.escape(prefix), re.escape(prefix.upper())) * 2))
    for folder in ("include/awsc", "sts/include/awsc"):
        d = os.path.join(root, folder)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else ():
            if f.endswith(".h"):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    found.update(pattern.findall(fh.read()))
    return found


class Namespace:
    """The identifiers of one C scope: the first to claim a name keeps it.

    A claim lists its candidates in order of preference; when all are taken it
    gets the first one with `_2`, `_3`, ... appended, so no two claims ever share
    a name. Claims are made in a fixed order, so the outcome is deterministic.
    """

    def __init__(self):
        self.owner = {}
        self.moved = []  # (owner, wanted name, name given), for reports and tests

    def claim(self, owner, *candidates):
        for c in candidates:
            if c not in self.owner:
                break
        else:
            n = 2
            while f"{candidates[0]}_{n}" in self.owner:
                n += 1
            c = f"{candidates[0]}_{n}"
        if c != candidates[0]:
            self.moved.append((owner, candidates[0], c))
        self.owner[c] = owner
        return c


class Symbols:
    """Names for one service, all under one prefix (e.g. `awsc_iot_jobs_data`).

    Every identifier of a service's header and source is claimed in one
    Namespace, in three tiers, so none can collide (README, "Names"):
      1. the service's fixed API (`<p>_client_new`, `<p>_service`, `<P>_H`, ...) and
         any runtime identifier under the prefix;
      2. the model's names: operations, shapes, enum values, union variants, errors;
         one that is already taken gets `_value` (`Service` -> `<p>_service_value`);
      3. names derived from those (`<type>_entry`, `<union>_type`, `<enum>_to_string`,
         `<output>_free`, `<operation>_async`, `_NOT_SET`, ...); one that is taken
         takes its alternative (`_pair`, `_tag`, `_nonblocking`) or a number.
    A name therefore depends only on its own shape, except that a derived name moves
    aside when the model has a shape of exactly that name.
    """

    def __init__(self, c_name, cli_name=None, renames=None, reserved=None):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", c_name):
            raise GenerationError(f"service C name '{c_name}' must be lower-case letters, digits and '_'")
        self.c_name = c_name
        self.cli_name = cli_name or c_name.replace("_", "-")
        self.prefix = "awsc_" + self.c_name
        self.upper = self.prefix.upper()
        self.renames = dict(renames or {})  # shape id -> name, from the service's `rename`
        self.names = Namespace()
        self.fields = {}  # shape id -> {member name: {"field", "has", "raw"}}
        self.table = {}   # (what, key) -> identifier
        self.guard = self.fixed("guard", f"{self.upper}_H")
        for what in ("client", "client_new", "client_free", "client_run", "client_base", "service",
                     "error_type", "endpoint_rules", "cli_docs"):
            self.fixed(what, f"{self.prefix}_{what}")
        self.error_not_modeled = self.fixed("error_not_modeled", f"{self.upper}_ERROR_NOT_MODELED")
        # File-scope statics of the source file.
        for static in ("service", "operations", "service_errors"):
            self.fixed("static", static)
        for ident in sorted(reserved if reserved is not None else runtime_identifiers(self.prefix)):
            self.fixed("runtime", ident)

    def fixed(self, what, name):
        if name in self.names.owner and what != "runtime":
            raise GenerationError(f"internal: {name} claimed twice")
        self.names.owner.setdefault(name, what)
        return name

    def base(self, shape):
        """The shape's name in this service: its own, or the service's `rename` for it."""
        return self.renames.get(shape.id, shape.name)

    # ---- assignment ------------------------------------------------------
    def assign(self, operations, shapes, errors, outputs, kind, values):
        """Claims every name of the service, in the tiers above.

        `shapes` are the aggregate and enum shapes, `errors` the error structures,
        `outputs` the ids of operation outputs (they get `_free`), `kind(shape)` the
        writer's kind and `values(shape)` an enum's value names.
        """
        ns, t = self.names, self.table
        shapes = sorted(shapes, key=lambda s: s.id)
        operations = sorted(operations, key=lambda o: o.id)
        # Tier 2: the model's names.
        for op in operations:
            natural = f"{self.prefix}_{snake(op.name)}"
            t["fn", op.id] = ns.claim(op.id, natural, natural + "_value")
        for s in shapes:
            natural = f"{self.prefix}_{snake(self.base(s))}"
            t["type", s.id] = ns.claim(s.id, natural, natural + "_value")
        for s in sorted(errors, key=lambda s: s.id):
            natural = f"{self.upper}_{constant(self.base(s))}"
            t["error", s.id] = ns.claim(s.id, natural, natural + "_VALUE")
        for s in shapes:
            k = kind(s)
            names = values(s) if k in ("enum", "intEnum") else [m.name for m in s.members] if k == "union" else []
            for v in names:
                natural = f"{self.upper}_{constant(self.base(s))}_{constant(v)}"
                t["const", s.id, v] = ns.claim(f"{s.id}${v}", natural, natural + "_VALUE")
        # Tier 3: derived names.
        for op in operations:
            fn = t["fn", op.id]
            t["async", op.id] = ns.claim(op.id, fn + "_async", fn + "_nonblocking")
            t["paginate", op.id] = ns.claim(op.id, fn + "_paginate")
            t["to_sink", op.id] = ns.claim(op.id, fn + "_to_sink")
            t["presign", op.id] = ns.claim(op.id, fn + "_presign")
        # Waiters (smithy.waiters#waitable): unique per service, case-insensitively, by the spec.
        for op in operations:
            for name in sorted(op.traits.get("smithy.waiters#waitable", {})):
                t["wait", name] = ns.claim(f"{op.id}$waiter${name}", f"{self.prefix}_wait_until_{snake(name)}")
        for s in shapes:
            k, c = kind(s), t["type", s.id]
            if s.id in outputs:
                t["free", s.id] = ns.claim(s.id, c + "_free")
            if k == "map":
                t["entry", s.id] = ns.claim(s.id, c + "_entry", c + "_pair")
            elif k == "union":
                t["tag_type", s.id] = ns.claim(s.id, c + "_type", c + "_tag")
            elif k == "enum":
                t["to_string", s.id] = ns.claim(s.id, c + "_to_string")
                t["from_string", s.id] = ns.claim(s.id, c + "_from_string")
            if k in ("enum", "union"):
                for sentinel in ("NOT_SET", "UNKNOWN_TO_SDK"):
                    natural = f"{self.upper}_{constant(self.base(s))}_{sentinel}"
                    t["sentinel", s.id, sentinel] = ns.claim(s.id, natural)
        # The source file's statics, named after the (unique) type and function names.
        for s in shapes:
            desc = t["type", s.id][len(self.prefix) + 1:] + "_shape"
            t["desc", s.id] = ns.claim(s.id, desc)
            t["members", s.id] = ns.claim(s.id, desc + "_members")
            t["values", s.id] = ns.claim(s.id, desc + "_values")
        for op in operations:
            stem = t["fn", op.id][len(self.prefix) + 1:]
            t["op_statics", op.id] = {what: ns.claim(op.id, f"{stem}_{what}")
                                      for what in ("errors", "done", "next_token", "result_path", "paginator", "page",
                                                   "pages", "checksum", "sensitive_names", "endpoint_params",
                                                   "endpoint_paths", "endpoint_selects", "event_stream", "events", "event",
                                                   "ext", "ext_headers", "typed_event", "next_event", "typed_source")}
        for s in shapes:
            if kind(s) in ("structure", "union"):
                self.fields[s.id] = self._fields(s)

    @staticmethod
    def _fields(shape):
        """A struct's (or a union's) field names: the members', then their `has_` / `_raw` companions."""
        fields, out = Namespace(), {}
        for m in shape.members:
            natural = field(m.name)
            out[m.name] = {"field": fields.claim(m.name, natural, natural + "_value")}
        for m in shape.members:
            plain = out[m.name]["field"].rstrip("_")  # no `default__raw`
            out[m.name]["has"] = fields.claim(m.name, "has_" + plain)
            out[m.name]["raw"] = fields.claim(m.name, plain + "_raw")
        return out

    # ---- lookups ---------------------------------------------------------
    def _get(self, *key):
        try:
            return self.table[key]
        except KeyError:
            raise GenerationError(f"internal: no C name assigned for {key}") from None

    def type_name(self, shape):
        return self._get("type", shape.id)

    def entry_name(self, shape):
        """The entry struct of a map shape."""
        return self._get("entry", shape.id)

    def tag_type(self, shape):
        """The enum of a union's tag."""
        return self._get("tag_type", shape.id)

    def enum_constant(self, shape, value_name):
        """An enum value's or a union variant's constant."""
        return self._get("const", shape.id, value_name)

    def sentinel(self, shape, which):
        """An enum's or a union's `NOT_SET` (0) or `UNKNOWN_TO_SDK` (-1) constant."""
        return self._get("sentinel", shape.id, which)

    def error_constant(self, shape):
        return self._get("error", shape.id)

    def to_string_fn(self, shape):
        return self._get("to_string", shape.id)

    def from_string_fn(self, shape):
        return self._get("from_string", shape.id)

    def free_fn(self, shape):
        return self._get("free", shape.id)

    def operation_fn(self, op):
        return self._get("fn", op.id)

    def async_fn(self, op):
        return self._get("async", op.id)

    def paginate_fn(self, op):
        return self._get("paginate", op.id)

    def wait_fn(self, waiter_name):
        return self._get("wait", waiter_name)

    def to_sink_fn(self, op):
        return self._get("to_sink", op.id)

    def presign_fn(self, op):
        return self._get("presign", op.id)

    def op_statics(self, op):
        """The source file's statics of an operation: errors, done, next_token, result_path, paginator, page, pages,
        checksum, endpoint_params, endpoint_paths, endpoint_selects, sensitive_names, event_stream, events, event,
        ext, ext_headers, typed_event, next_event, typed_source."""
        return self._get("op_statics", op.id)

    def descriptor(self, shape):
        return self._get("desc", shape.id)

    def members_table(self, shape):
        return self._get("members", shape.id)

    def values_table(self, shape):
        return self._get("values", shape.id)

    def member_names(self, member):
        """{"field", "has", "raw"} of a structure or union member."""
        return self.fields[member.container.id][member.name]

    def header_file(self):
        return f"awsc/{self.c_name}.h"
