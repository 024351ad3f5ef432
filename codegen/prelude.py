"""The Smithy prelude: the simple shapes every model may target without defining them."""

SIMPLE_TYPES = (
    "blob", "boolean", "string", "byte", "short", "integer", "long", "float", "double",
    "bigInteger", "bigDecimal", "timestamp", "document",
)

# Prelude shape name -> (type, default value or None). The Primitive* shapes carry a zero default.
_PRELUDE = {
    "String": "string", "Blob": "blob", "BigInteger": "bigInteger", "BigDecimal": "bigDecimal",
    "Timestamp": "timestamp", "Document": "document", "Boolean": "boolean", "Byte": "byte",
    "Short": "short", "Integer": "integer", "Long": "long", "Float": "float", "Double": "double",
}
_PRIMITIVE = {
    "PrimitiveBoolean": ("boolean", False), "PrimitiveByte": ("byte", 0), "PrimitiveShort": ("short", 0),
    "PrimitiveInteger": ("integer", 0), "PrimitiveLong": ("long", 0), "PrimitiveFloat": ("float", 0),
    "PrimitiveDouble": ("double", 0),
}


def prelude_shapes():
    """The prelude as JSON AST shapes keyed by absolute shape id."""
    shapes = {f"smithy.api#{n}": {"type": t} for n, t in _PRELUDE.items()}
    for n, (t, d) in _PRIMITIVE.items():
        shapes[f"smithy.api#{n}"] = {"type": t, "traits": {"smithy.api#default": d}}
    shapes["smithy.api#Unit"] = {"type": "structure", "members": {}, "traits": {"smithy.api#unitType": {}}}
    return shapes
