"""The one exception root of regnotice, and its tree.

Every error regnotice raises on purpose derives from :class:`RegnoticeError`, so a
caller (and the CLI) can catch that one class::

    RegnoticeError
    ├── NoticeSyntaxError      text that is not a well-formed notice (line, column, caret)
    ├── NoticeNotFound         a page in which no notice could be located
    ├── InputError             an input that cannot be read, is not text, or is over a size cap
    │   └── ScreenInputError   bad input to a screening batch (a bad CSV, rows that could not be read)
    ├── RuleFileError          a YAML data or rule file that is malformed (file:line, key)
    │   └── ActivityFileError  a file of activities that cannot be read or does not validate
    ├── ActivityError          an activity that is not well-formed (a field of the wrong type, an unknown key)
    │   └── UnknownTerm        a word of an activity that neither the lexicon nor the registry knows
    ├── UnknownClause          a clause reference that names no clause (lists the valid range)
    ├── InvalidReference       a clause reference that is not a numbering at all ("(X", "abc")
    └── OutputError            an output that cannot be written (a missing or read-only
                               directory, a full disk, a folder where a file should be)

Each carries the exit code of the CLI's one contract, for every verb:

- 0: success, and no violation found;
- 1: violations found (``check``, ``screen``; no error class has this code);
- 2: bad input or usage, with ``file:line:col`` where there is one (every class but one);
- 3: an output or system failure (:class:`OutputError`), in one line.
"""

from __future__ import annotations

__all__ = [
    "RegnoticeError",
    "NoticeSyntaxError",
    "NoticeNotFound",
    "InputError",
    "ScreenInputError",
    "RuleFileError",
    "ActivityFileError",
    "ActivityError",
    "UnknownTerm",
    "UnknownClause",
    "InvalidReference",
    "OutputError",
]

#: The CLI's exit codes (see the module docstring).
EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_OUTPUT = 0, 1, 2, 3


class RegnoticeError(Exception):
    """Root of every error regnotice raises on purpose."""

    exit_code = 2


class NoticeSyntaxError(RegnoticeError):
    """The text is not a well-formed notice.

    Carries the 1-based ``line`` and ``column``, the ``source`` name (a file name or
    ``"<text>"``), what was ``expected``, and a two-line ``context`` snippet: the
    offending line and a caret under the column.

    >>> err = NoticeSyntaxError("unexpected text", text="ab\\ncd", pos=4, expected=["a marker"])
    >>> print(err)
    <text>:2:2: unexpected text; expected a marker
        cd
         ^
    """

    def __init__(
        self,
        message: str,
        *,
        text: str,
        pos: int,
        source: str | None = None,
        expected: list[str] | tuple[str, ...] = (),
    ) -> None:
        pos = max(0, min(pos, len(text)))
        self.message = message
        self.source = source or "<text>"
        self.pos = pos
        self.line = text.count("\n", 0, pos) + 1
        line_start = text.rfind("\n", 0, pos) + 1
        self.column = pos - line_start + 1
        line_end = text.find("\n", pos)
        if line_end == -1:
            line_end = len(text)
        self.expected = tuple(expected)
        self.context = caret_snippet(text[line_start:line_end].rstrip("\r"), self.column)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.source}:{self.line}:{self.column}: {self.message}"
        if self.expected:
            head += "; expected " + " or ".join(self.expected)
        return f"{head}\n{self.context}"


def caret_snippet(line: str, column: int, width: int = 72) -> str:
    """The line (cut to ``width`` characters around the column) and a caret under it."""
    start = max(0, column - 1 - width // 2)
    shown = line[start : start + width]
    prefix = "..." if start else ""
    caret_at = len(prefix) + (column - 1 - start)
    return f"    {prefix}{shown}\n    {' ' * caret_at}^"


class NoticeNotFound(RegnoticeError):
    """No notice could be located in the text. The message names what was looked for."""


class InputError(RegnoticeError):
    """An input file that cannot be read or decoded. The message names the file."""


class ScreenInputError(InputError):
    """Bad input to a screening batch: a CSV that cannot be read, a missing column, rows
    that were skipped (exit 2; exit 1 means violations found)."""


class RuleFileError(RegnoticeError):
    """A YAML data or rule file that cannot be read or does not validate. The message
    names the file and line, the bad key and the keys allowed there."""


class ActivityFileError(RuleFileError):
    """A file of activities that cannot be read or does not validate; the message names
    file:line and the activity."""


class ActivityError(RegnoticeError, ValueError):
    """An activity that is not well-formed: not a mapping, an unknown key, a field of the
    wrong type. The message names the field and what was expected."""


class UnknownTerm(ActivityError):
    """A word an activity uses that neither the lexicon nor the registry knows; the
    message names the closest phrases."""


class UnknownClause(RegnoticeError, LookupError):
    """A well-formed clause reference that names no clause of the notice."""

    def __init__(self, ref: object, valid: range | tuple[int, ...]) -> None:
        self.ref = ref
        self.valid = valid
        if isinstance(valid, range) and len(valid):
            shown = f"{valid.start}..{valid.stop - 1}"
        else:
            shown = ", ".join(map(str, valid)) or "none"
        super().__init__(f"no clause {ref!r}; valid clauses are {shown}")


class InvalidReference(RegnoticeError, ValueError):
    """A clause reference that is no numbering regnotice knows."""


class OutputError(RegnoticeError, OSError):
    """An output that cannot be written; the message names the path and why, in one line."""

    exit_code = 3
