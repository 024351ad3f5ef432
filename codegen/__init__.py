"""awsc code generator: Smithy JSON AST model -> C service client.

Layers (each its own module, each with its own tests):
  model      load the JSON AST, add the prelude, index shapes, read traits
  symbols    C names for shapes, members, enum constants and operations
  protocols  per-protocol HTTP bindings (restJson1 today)
  writer     view model + jinja2 templates -> header and source text
"""
