"""Model documentation (HTML) -> plain text for C comments."""

import html
import re
import textwrap

_TAG = re.compile(r"<[^>]+>")


def plain(doc):
    if not doc:
        return ""
    text = _TAG.sub(" ", doc)
    text = html.unescape(text)
    text = " ".join(text.split())
    # Neither may end the comment early nor open one inside it (gcc's -Wcomment).
    return text.replace("*/", "* /").replace("/*", "/ *")


def comment_lines(doc, width=92):
    """The text wrapped into lines for a C comment, [] when there is nothing to say."""
    text = plain(doc)
    if not text:
        return []
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
