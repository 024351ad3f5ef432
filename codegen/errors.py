class GenerationError(Exception):
    """A model the generator cannot turn into C; the message names the shape."""
