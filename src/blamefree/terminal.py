"""Text that is safe to put on a terminal or in a CI log: control characters made visible.

Stored text comes from documents, imports and webhooks; an ESC, BEL, CR or OSC sequence in it
must not clear a screen, set a window title, fake a link or overwrite a line, and a
bidirectional override must not reorder what a reviewer reads. ``visible`` shows each such
character as an escape (``\\x1b``, ``\\u202e``); ``json_text`` does the same for JSON output,
whose encoder escapes C0 but not DEL, C1 or the bidi controls.
"""

from __future__ import annotations

_C0 = range(0x00, 0x20)
_C1_AND_DEL = range(0x7F, 0xA0)
_BIDI_AND_SEPARATORS = (
    0x061C,  # Arabic letter mark
    0x200E,  # left-to-right mark
    0x200F,  # right-to-left mark
    *range(0x202A, 0x202F),  # embeddings and overrides
    *range(0x2066, 0x206A),  # isolates
    0x2028,  # line separator
    0x2029,  # paragraph separator
)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _table(codes: tuple[int, ...], *, keep: str = "") -> dict[int, str]:
    return {code: _escape(code) for code in codes if chr(code) not in keep}


_ALL = (*_C0, *_C1_AND_DEL, *_BIDI_AND_SEPARATORS)
_VISIBLE = _table(_ALL, keep="\n\t")
_VISIBLE_ONE_LINE = _table(_ALL)
_JSON = {code: f"\\u{code:04x}" for code in (*_C1_AND_DEL, *_BIDI_AND_SEPARATORS)}


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with control characters shown as escapes; newline and tab are kept unless
    ``one_line``."""
    return text.translate(_VISIBLE_ONE_LINE if one_line else _VISIBLE)


def has_controls(text: str) -> bool:
    """Whether ``visible`` would change ``text`` (newline and tab do not count)."""
    return text != text.translate(_VISIBLE)


def json_text(encoded: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with DEL, C1 and bidi controls
    escaped as ``\\u0085``-style sequences (they can only occur inside strings, where such an
    escape means the same character)."""
    return encoded.translate(_JSON)
