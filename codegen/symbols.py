"""Symbol layer: the C names of everything the generator emits.

Names are derived predictably from the model: `thingName` -> `thing_name`,
shape `JobExecution` -> `<prefix>_job_execution`, enum value `IN_PROGRESS` of
`JobExecutionStatus` -> `<PREFIX>_JOB_EXECUTION_STATUS_IN_PROGRESS`.
"""

import re

from .errors import GenerationError

C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if inline int
long register restrict return short signed sizeof static struct switch typedef union unsigned void
volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
_Thread_local bool true false NULL errno assert offsetof
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


class Symbols:
    """Names for one service, all under one prefix (e.g. `awsc_iot_jobs_data`)."""

    def __init__(self, service_name, renames=None):
        if not re.fullmatch(r"[a-z][a-z0-9-]*", service_name):
            raise GenerationError(f"service name '{service_name}' must be lower-case letters, digits and '-'")
        self.service_name = service_name
        self.c_name = service_name.replace("-", "_")
        self.prefix = "awsc_" + self.c_name
        self.upper = self.prefix.upper()
        self.renames = dict(renames or {})  # shape id -> name, from the service's `rename`

    def base(self, shape):
        """The shape's name in this service: its own, or the service's `rename` for it."""
        return self.renames.get(shape.id, shape.name)

    def type_name(self, shape):
        return f"{self.prefix}_{snake(self.base(shape))}"

    def entry_name(self, shape):
        """The entry struct of a map shape."""
        return f"{self.type_name(shape)}_entry"

    def enum_constant(self, shape, value_name):
        return f"{self.upper}_{constant(self.base(shape))}_{constant(value_name)}"

    def operation_fn(self, op):
        return f"{self.prefix}_{snake(op.name)}"

    def descriptor(self, shape):
        return f"{snake(self.base(shape))}_shape"

    def header_file(self):
        return f"awsc/{self.c_name}.h"
