"""Text that comes from data, shown on a terminal harmlessly.

Data reaches the terminal in problem tables and error messages: a header, a value, a file
name. It must never act on the terminal: rich markup such as ``[/x]`` or ``[link=...]`` is
not interpreted (it is printed as :class:`rich.text.Text`), and control characters (escape
sequences that recolour, retitle or clear the terminal, bidirectional overrides that reorder
what is shown, NUL ...) are written out as escapes such as ``\\x1b`` instead of being sent.
"""

from __future__ import annotations

from rich.text import Text


def visible(text: object, *, keep: str = "") -> str:
    """``text`` with every non-printable character written as its Python escape.

    Non-printable are the characters :meth:`str.isprintable` rejects except the plain space:
    control characters (C0, DEL, C1), format characters (bidirectional overrides, zero-width
    characters, the byte order mark), line and paragraph separators, other spaces (no-break
    space) and unassigned code points. Characters in ``keep`` (e.g. ``"\\n"`` for a message
    of several lines) are left as they are.

    >>> visible("H1\\x1b[2J")
    'H1\\\\x1b[2J'
    >>> visible("abc\\u202edef")
    'abc\\\\u202edef'
    >>> visible("Fællesskab på tværs [/x]")
    'Fællesskab på tværs [/x]'
    >>> visible("to\\nlinjer", keep="\\n")
    'to\\nlinjer'
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable() or ch == " " or ch in keep
        else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def plain(text: object, *, keep: str = "", style: str = "") -> Text:
    """``text`` for rich: never read as markup, non-printable characters made visible.

    >>> plain("[/x]").plain
    '[/x]'
    """
    return Text(visible(text, keep=keep), style=style)
