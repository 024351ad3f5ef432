"""Defaults shared by the protocol modules."""


class NoExtras:
    """Protocols whose descriptors need nothing beyond names and bindings (the JSON ones)."""

    def member_extras(self, model, member, context):
        return {}

    def shape_extras(self, model, shape):
        return {}
