"""The ``regnotice`` command: parses options, calls the library, prints.

A cold start costs little more than typer's own: the verbs on the bundled notice read
the files ``regnotice index`` prebuilt (:mod:`regnotice.prebuilt`). Lookups (``clause``,
``clauses``, ``search``) read the clause index and import neither Lark nor YAML nor any
model; ``rules`` prints from the rule index; ``screen`` builds its screener from the
screening terms; ``check`` loads the rules as trusted data and the vocabulary from its
checked JSON. The console script builds only the typer command it runs (``_app_for``).
Every library error is a :class:`~regnotice.errors.RegnoticeError`; it is printed as a
message (no traceback), and every verb keeps one exit-code contract:

- 0: success, and no violation found;
- 1: violations found (``check``: an activity is prohibited; ``screen``: a hit), or
  differences (``diff``: a substantive difference);
- 2: bad input or usage, with ``file:line:col`` where there is one;
- 3: an output or system failure (an unwritable path, a full disk), in one line.

A file argument of ``-`` reads standard input. A closed pipe (``| head``) ends quietly.
"""

from __future__ import annotations

import functools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable

import typer

from .errors import EXIT_INPUT, EXIT_OK, EXIT_OUTPUT, EXIT_VIOLATIONS, RegnoticeError

_APP_SETTINGS = dict(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Look up, parse and check a regulatory notice (bundled: Yinfa [2026] No. 42). "
    "Exit codes: 0 ok, 1 violations found, 2 bad input or usage, 3 output or system failure.",
)
app = typer.Typer(**_APP_SETTINGS)


def _version(value: bool) -> None:
    if value:
        from ._version import __version__

        typer.echo(f"regnotice {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True)] = False,
) -> None:
    """Look up, parse and check a regulatory notice (bundled: Yinfa [2026] No. 42).

    Exit codes: 0 ok, 1 violations found, 2 bad input or usage, 3 output or system failure.
    A file argument of '-' reads standard input.
    """


class TextFormat(str, Enum):
    """The formats of every verb: text for people; json and yaml for programs."""

    text = "text"
    json = "json"
    yaml = "yaml"


class StreamFormat(str, Enum):
    """A verb that writes a stream (``screen`` of a file) writes JSON lines."""

    jsonl = "jsonl"


#: Error output is bounded: a message is cut to this many characters, and a verb that
#: lists problems prints this many and counts the rest.
MAX_MESSAGE = 2_000
MAX_PROBLEMS = 100


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE]}... ({len(message) - MAX_MESSAGE:,} more characters)"


def _handled(command: Callable) -> Callable:
    """Print a RegnoticeError as a (bounded) message and exit with its code; an
    operating-system failure not already wrapped exits 3 in one line."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            try:
                return command(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        except RegnoticeError as exc:
            typer.echo(f"error: {_bounded(str(exc))}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:  # "| head": the reader has what it wanted
            _quiet_pipe()
            raise typer.Exit(EXIT_OK) from None
        except (OSError, MemoryError, RecursionError) as exc:
            typer.echo(f"error: {_bounded(_system_message(exc))}", err=True)
            raise typer.Exit(EXIT_OUTPUT) from None

    return wrapper


def _system_message(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "out of memory"
    if isinstance(exc, RecursionError):
        return "input nested too deep"
    name = getattr(exc, "filename", None)
    return f"{name + ': ' if name else ''}{getattr(exc, 'strerror', None) or exc}"


def _problems(problems: list[str]) -> None:
    """Problems on standard error, at most ``MAX_PROBLEMS`` of them, then a count."""
    for problem in problems[:MAX_PROBLEMS]:
        typer.echo(_bounded(problem), err=True)
    if len(problems) > MAX_PROBLEMS:
        typer.echo(f"... and {len(problems) - MAX_PROBLEMS:,} more problems", err=True)


def _emit(data, fmt: str) -> None:
    typer.echo(_dumps(data, fmt), nl=False)


@app.command()
@_handled
def clause(
    ref: Annotated[str, typer.Argument(help='Any numbering: 9, IX, ix, "(9)", "(IX)", "（九）".')],
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")] = TextFormat.text,
) -> None:
    """Show one clause of the bundled notice."""
    from .index import find_clause, load_index, render_clause_text

    index = load_index()
    record = find_clause(index, ref)
    if format is TextFormat.text:
        typer.echo(render_clause_text(record, index["notice"]))
    else:
        _emit(record, format.value)


@app.command()
@_handled
def clauses(
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")] = TextFormat.text,
) -> None:
    """List the clauses of the bundled notice: ordinal, marker, heading."""
    from .index import load_index

    records = load_index()["clauses"]
    if format is not TextFormat.text:
        _emit([{k: r[k] for k in ("ordinal", "marker", "heading")} for r in records], format.value)
        return
    width = max(len(r["marker"]) for r in records)
    for r in records:
        typer.echo(f"{r['ordinal']:>3}  {r['marker']:<{width}}  {r['heading'] or ''}".rstrip())


@app.command()
@_handled
def search(
    phrase: Annotated[str, typer.Argument(help="Words to find, case-insensitive.")],
    context: Annotated[int, typer.Option(help="Characters shown around each match.")] = 50,
) -> None:
    """Find the clauses of the bundled notice that contain a phrase (none found: a
    message on standard error, exit 0)."""
    from .index import load_index, search_records

    found = search_records(load_index(), phrase)
    if not found:
        typer.echo(f"no clause contains {_bounded(repr(phrase))}", err=True)
        return
    for record, hits in found:
        text = record["text"]
        for start, end in hits:
            left = text[max(0, start - context) : start].replace("\n", " ")
            right = text[end : end + context].replace("\n", " ")
            dots_l = "..." if start > context else ""
            dots_r = "..." if end + context < len(text) else ""
            typer.echo(f"{record['ordinal']:>3} {record['marker']:<7} {dots_l}{left}[{text[start:end]}]{right}{dots_r}")


@app.command("parse")
@_handled
def parse_command(
    file: Annotated[Path, typer.Argument(help="A notice: a text file, a whole page holding one, or a saved HTML page ('-': standard input).")],
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="json, yaml: the whole tree; text: an outline.")] = TextFormat.json,
) -> None:
    """Parse any text file and print the notice tree."""
    notice = _notice(file, warn=False)
    if format is TextFormat.text:
        typer.echo(_outline(notice))
    else:
        _emit(notice.model_dump(mode="json"), format.value)
    _warn(file, notice)  # what a reader should know, after the tree


def _outline(notice) -> str:
    lines = [f"{notice.number or 'no document number'}: {notice.title or '(no title)'}"]
    if notice.issuers:
        lines.append(f"issuers: {'; '.join(notice.issuers)}")
    for clause in notice.clauses:
        head = clause.heading or " ".join(clause.text.split())[len(clause.marker) :][:70].strip()
        lines.append(f"{clause.ordinal:>4}  {clause.marker:<8} {head}{'  (may be cut short)' if clause.cut else ''}")
    lines.append(f"{len(notice.clauses)} clauses, {len(notice.anomalies)} anomalies")
    return "\n".join(lines)


@app.command("index", hidden=True)
@_handled
def index_command(
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when a prebuilt file is stale (the clause index, the rules snapshot, the rule index, the screening terms, the checked registry and lexicon).")] = False,
) -> None:
    """Rebuild the prebuilt files (for maintainers): the clause index, the rules snapshot,
    the rule index and the screening terms of the bundled notice, and the checked
    registry and lexicon with the stems of their words (see regnotice.prebuilt)."""
    from .io import write_atomic
    from .prebuilt import prebuilt, stale_files

    if check:
        stale, notes = stale_files()
        for note in notes:
            typer.echo(f"note: {note}", err=True)
        for path in stale:
            typer.echo(f"{path} is stale: run 'regnotice index'", err=True)
        if stale:
            raise typer.Exit(EXIT_VIOLATIONS)
        return
    for path, text in prebuilt().items():
        write_atomic(path, text)
        typer.echo(f"wrote {path}")


@app.command("schema")
@_handled
def schema_command(
    verdict: Annotated[bool, typer.Option("--verdict", help="The schema of check verdicts (check --format json) instead.")] = False,
    lexicon: Annotated[bool, typer.Option("--lexicon", help="The schema of lexicon files (lexicon.yaml) instead.")] = False,
) -> None:
    """Print the JSON Schema of rule files (or, with --verdict, of verdicts; with --lexicon, of the lexicon)."""
    if verdict and lexicon:
        raise typer.BadParameter("give --verdict or --lexicon, not both", param_hint="--lexicon")
    if verdict:
        from .activities import verdict_schema

        typer.echo(json.dumps(verdict_schema(), indent=2, ensure_ascii=False))
        return
    if lexicon:
        from .lexicon import lexicon_schema

        typer.echo(json.dumps(lexicon_schema(), indent=2, ensure_ascii=False))
        return
    from .rules_io import dump_schema

    typer.echo(dump_schema(), nl=False)


@app.command()
@_handled
def validate(
    files: Annotated[list[Path], typer.Argument(help="Rule files (YAML) to check.")],
) -> None:
    """Check rule files. Exits 2 and lists the problems (file:line: ...) when one is
    invalid (the first 100, then a count)."""
    from .rules_io import validate_files

    failed = False
    for file in files:
        problems = validate_files([file])
        if problems:
            failed = True
            _problems(problems)
        else:
            typer.echo(f"ok: {file}")
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command()
@_handled
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder the rule file and schema.json are written to.")] = Path(
        "rules"
    ),
) -> None:
    """Extract the rules of the bundled notice and write them as YAML, with their schema."""
    from .bundled import live_rules
    from .rules_io import write_rules

    for path in write_rules(live_rules(), out):  # extracted now, not the prebuilt snapshot
        typer.echo(f"wrote {path}")


def _close(word: str, choices) -> str:
    from .suggest import did_you_mean

    near = did_you_mean(word, choices)
    return f"; did you mean {', '.join(near)}?" if near else ""


@app.command()
@_handled
def rules(
    file: Annotated[Path | None, typer.Argument(help="A notice (text or saved HTML page); the bundled notice if omitted.")] = None,
    clause: Annotated[str | None, typer.Option("--clause", "-c", help="Only this clause (any numbering).")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind, e.g. prohibition.")] = None,
    agency: Annotated[str | None, typer.Option("--agency", "-a", help="Only rules naming this registry id, e.g. pboc.")] = None,
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")] = TextFormat.text,
) -> None:
    """List the rules of the bundled notice, or of the notice in FILE."""
    from .bundled import rule_index

    index = rule_index()  # None without the prebuilt file: the rules' models
    if index is not None:
        kinds = index["kinds"]
    else:
        from .models import RULE_KINDS as kinds
    if kind is not None and kind not in kinds:
        raise typer.BadParameter(f"unknown kind {kind!r}; kinds: {', '.join(kinds)}{_close(kind, kinds)}", param_hint="--kind")
    if agency is not None:
        from .agencies import registry

        reg = registry()
        if agency not in reg:
            found = reg.resolve(agency)  # any name, abbreviation or alias: "CBIRC", "银保监会"
            if found is None:
                known = [*reg.agencies, *reg.parties]
                raise typer.BadParameter(f"unknown agency {_bounded(repr(agency))}{_close(agency, known)}", param_hint="--agency")
            agency = found
    if file is None and index is not None:
        _bundled_rules(index, clause, kind, agency, format)
        return
    from .report import mentions, summarise

    if file is None:
        from .bundled import bundled_rules

        parsed, selected = None, bundled_rules().rules  # the prebuilt snapshot, no parse
    else:
        from .pipeline import extract

        parsed = _notice(file)
        selected = extract(parsed).rules
    if clause is not None:
        if parsed is None:  # the bundled notice: its clause index, no parse
            from .index import find_clause, load_index

            ordinal = find_clause(load_index(), clause)["ordinal"]
        else:
            ordinal = parsed.clause(clause).ordinal
        selected = tuple(r for r in selected if r.clause == ordinal)
    selected = [r for r in selected if (kind is None or r.kind == kind) and (agency is None or agency in mentions(r))]
    if format is not TextFormat.text:
        _emit([r.model_dump(mode="json") for r in selected], format.value)
        return
    for rule in selected:
        typer.echo(f"{rule.id:<22} {rule.kind:<16} {summarise(rule)}")


def _bundled_rules(index: dict, clause: str | None, kind: str | None, agency: str | None, format: TextFormat) -> None:
    """``rules`` of the bundled notice, printed from what ``regnotice index`` prebuilt: the
    rule ``index`` (kinds, clauses, mentions, summaries), the rules' JSON and the clause
    index. No parse, and no model built (some 60 ms of a cold start)."""
    from .bundled import bundled_rules_data

    entries = index["rules"]
    if clause is not None:
        from .index import find_clause, load_index

        ordinal = find_clause(load_index(), clause)["ordinal"]
        entries = [e for e in entries if e["clause"] == ordinal]
    entries = [e for e in entries if (kind is None or e["kind"] == kind) and (agency is None or agency in e["mentions"])]
    if format is not TextFormat.text:
        try:
            data = bundled_rules_data()
        except FileNotFoundError:  # no snapshot: the live rules
            from .bundled import bundled_rules

            data = bundled_rules().model_dump(mode="json")
        by_id = {r["id"]: r for r in data["rules"]}
        _emit([by_id[e["id"]] for e in entries], format.value)
        return
    for e in entries:
        typer.echo(f"{e['id']:<22} {e['kind']:<16} {e['summary']}")


@app.command()
@_handled
def coverage(
    file: Annotated[Path | None, typer.Argument(help="A notice (text or saved HTML page); the bundled notice if omitted.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list the sentences not modeled.")] = False,
) -> None:
    """The share of a notice's sentences the extractor modeled, per clause."""
    from .report import coverage as coverage_of

    report = coverage_of(_notice(file))
    typer.echo(f"{'clause':<9}{'sentences':>10}{'modeled':>9}{'share':>8}")
    for row in report.clauses:
        typer.echo(f"{row.marker:<9}{row.sentences:>10}{row.modeled:>9}{row.share:>8.0%}")
        if verbose:
            for sentence in row.unmodeled:
                typer.echo(f"    unmodeled: {sentence}")
    typer.echo(f"{'all':<9}{report.sentences:>10}{report.modeled:>9}{report.share:>8.0%}")
    if report.unresolved:
        typer.echo(f"parties not in the registry: {'; '.join(report.unresolved)}")
    for rule_id, text in report.unresolved_phrases:
        typer.echo(f"unresolved: {rule_id}: no action in the lexicon for {text!r}")


_ROLE_LETTERS = {"lead": "L", "participant": "P", "coordinator": "C", "enforcer": "E", "bearer": "B", "authority": "A"}


@app.command()
@_handled
def agencies(
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")] = TextFormat.text,
) -> None:
    """The agency x clause matrix of the bundled notice, with roles."""
    from .bundled import bundled_notice
    from .report import agency_matrix

    matrix = agency_matrix(bundled_notice())
    if format is not TextFormat.text:
        _emit({ref: {str(k): list(v) for k, v in row.items()} for ref, row in matrix.items()}, format.value)
        return
    clauses = sorted({c for row in matrix.values() for c in row})
    width = max(len(ref) for ref in matrix)
    typer.echo(" " * width + "".join(f"{('cl' if c == 0 else c):>4}" for c in clauses))
    for ref, row in matrix.items():
        cells = "".join(f"{''.join(_ROLE_LETTERS[r] for r in row.get(c, ())) or '.':>4}" for c in clauses)
        typer.echo(f"{ref:<{width}}{cells}")
    typer.echo("roles: " + ", ".join(f"{v} {k}" for k, v in _ROLE_LETTERS.items()))


@app.command()
@_handled
def agency(
    id: Annotated[str, typer.Argument(help="A registry id, e.g. pboc, nfra, financial-institution.")],
) -> None:
    """One agency or party: its names, successor, and its roles in the bundled notice."""
    from .agencies import registry
    from .bundled import bundled_notice, bundled_rules
    from .report import agency_matrix, mentions

    reg = registry()
    if id not in reg:
        found = reg.resolve(id)
        if found is None:
            known = [*reg.agencies, *reg.parties]
            raise typer.BadParameter(f"unknown agency {id!r}{_close(id, known)}", param_hint="ID")
        id = found
    entry = reg.get(id)
    typer.echo(f"{entry.id}: {entry.name}")
    abbreviations = getattr(entry, "abbreviations", ())
    if abbreviations:
        typer.echo(f"  abbreviations: {', '.join(abbreviations)}")
    if entry.aliases:
        typer.echo(f"  also: {'; '.join(entry.aliases)}")
    if getattr(entry, "successor", None):
        typer.echo(f"  succeeded by {entry.successor} in {entry.succeeded_in}")
    if getattr(entry, "predecessor", None):
        typer.echo(f"  successor of {entry.predecessor}")
    if getattr(entry, "parents", ()):
        typer.echo(f"  a kind of: {', '.join(reg.ancestors(entry.id))}")
    notice = bundled_notice()
    roles = agency_matrix(notice).get(entry.id, {})
    for clause, rs in roles.items():
        ids = [r.id for r in bundled_rules().rules if r.clause == clause and entry.id in mentions(r)]
        marker = "closing" if clause == 0 else notice.clause(clause).marker
        typer.echo(f"  {marker:<7} {', '.join(rs):<24} {', '.join(ids)}")
    if not roles:
        typer.echo("  not named in the bundled notice")


_FIELDS = ("name", "business-scope", "ad")


def _screen_field(value: str) -> str:
    """``--field``: name, business-scope or ad (business_scope is read too)."""
    spelled = value.strip().lower().replace("_", "-")
    if spelled not in _FIELDS:
        raise typer.BadParameter(f"{_bounded(repr(value))} is not one of {', '.join(_FIELDS)}")
    return spelled


class OnError(str, Enum):
    fail = "fail"
    skip = "skip"


class RowFormat(str, Enum):
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"
    parquet = "parquet"


@app.command("screen")
@_handled
def screen_command(
    text: Annotated[str | None, typer.Argument(help="A name, business scope or ad to screen (or use --input).")] = None,
    input: Annotated[
        Path | None,
        typer.Option("--input", "-i", "--file", help="A CSV/TSV (with a header), JSONL or Parquet file to screen row by row ('-': standard input, not Parquet)."),
    ] = None,
    column: Annotated[str, typer.Option("--column", "-c", help="The CSV or Parquet column, or the JSON key, holding the text.")] = "name",
    field: Annotated[str, typer.Option("--field", help="What the text is: name, business-scope or ad; decides the rule cited.", callback=_screen_field)] = "name",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file, written whole or not at all (default: standard output).")] = None,
    on_error: Annotated[
        OnError, typer.Option("--on-error", help="Rows that cannot be read: fail (count them, exit 2) or skip (count them, and go on).")
    ] = OnError.fail,
    delimiter: Annotated[str | None, typer.Option("--delimiter", "-d", help="The CSV delimiter (default: sniffed; tab for .tsv).")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", "-e", help="The input's encoding (default: UTF-8; a BOM is read).")] = None,
    input_format: Annotated[RowFormat | None, typer.Option("--input-format", help="Format of --input (default: from its suffix).")] = None,
    quotes: Annotated[bool, typer.Option("--quotes", help="With --input: each hit in full, with its rule's clause, marker and verbatim quote (default: rules by id).")] = False,
    format: Annotated[TextFormat | None, typer.Option("--format", "-f", help="Output format of the hits of TEXT (text, json, yaml); --input writes JSON lines.")] = None,
    terms: Annotated[
        Path | None, typer.Option("--terms", help="Your own term list (YAML, CSV or TSV: term, and optional id, category, note, spellings), screened with the notice's terms.")
    ] = None,
    notice: Annotated[bool, typer.Option("--notice/--no-notice", help="With --terms: also screen for the notice's terms (default) or only for the list's.")] = True,
) -> None:
    """Screen names, business scopes or ads for the terms of clause (8). Exit 0: no
    hits; 1: hits found; 2: bad input (rows that could not be read, unless --on-error skip).

    With --input, writes one JSON line per row with hits: {"line", "text", "hits"}
    ({"row", ...} for Parquet: the 1-based row), each hit naming its rules by id
    (rule_id, also); --quotes adds each rule's clause, marker and quote. A UTF-8 CSV is
    read by pyarrow when installed (pip install "regnotice[scale]"), with the careful
    reader's results; Parquet needs it.
    """
    from .screening import list_screener, screen, screen_file

    field = field.replace("-", "_")  # the library's spelling
    if (text is None) == (input is None):
        raise typer.BadParameter("give either TEXT or --input, not both" if input else "give TEXT or --input", param_hint="TEXT")
    if not notice and terms is None:
        raise typer.BadParameter("--no-notice needs --terms FILE: there would be no terms to screen for", param_hint="--no-notice")
    own = list_screener(terms, field, notice=notice) if terms is not None else None
    if input is None:
        if quotes:
            raise typer.BadParameter("--quotes is for --input; the hits of TEXT are always in full", param_hint="--quotes")
        hits = own.screen(text) if own is not None else screen(text, field)
        fmt = format or TextFormat.text
        if fmt is TextFormat.text:
            body = "".join(
                f"{h.start:>5}-{h.end:<5} {h.text!r:<32} term {h.term!r:<34} {h.marker or '':<5} {h.rule_id or _list_entry(h)}\n" for h in hits
            )
        else:
            body = _dumps({"text": text, "field": field, "hits": [h.to_dict() for h in hits]}, fmt.value)
        _write_out(out, body)
        if not hits:
            typer.echo("no hits", err=True)
        raise typer.Exit(EXIT_VIOLATIONS if hits else EXIT_OK)
    if format not in (None, TextFormat.text):
        raise typer.BadParameter("--input writes JSON lines; --format is for the hits of TEXT", param_hint="--format")
    if _own_process() and _may_read_with_pyarrow(input, input_format):
        from ._screen.arrow import import_lean

        import_lean()
    result = screen_file(
        input,
        out,
        column=column,
        field=field,
        on_error=on_error.value,
        fmt=input_format.value if input_format else None,
        delimiter=delimiter,
        encoding=encoding,
        quotes=quotes,
        screener=own,
        report=lambda message: typer.echo(_bounded(message), err=True),
    )
    where = f"; wrote {out}" if out is not None and str(out) != "-" else ""
    typer.echo(f"{result.summary()}{where}", err=True)
    if result.failed:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_VIOLATIONS if result.flagged else EXIT_OK)


def _list_entry(hit) -> str:
    """Where a hit on a user's list term comes from: ``list:id`` (or the list alone)."""
    return f"{hit.source}:{hit.term_id}" if hit.term_id else str(hit.source)


def _may_read_with_pyarrow(path: Path, fmt: RowFormat | None) -> bool:
    """Whether ``screen_file`` may read ``path`` with pyarrow: a CSV, TSV or Parquet file
    (not standard input), unless ``REGNOTICE_BATCH_READER=careful``."""
    import os

    from .screening import READER_VARIABLE

    suffix = path.suffix.lower()
    if str(path) == "-":
        return False
    if fmt is RowFormat.parquet or fmt is None and suffix in (".parquet", ".pq"):
        return True
    if (os.environ.get(READER_VARIABLE) or "auto") != "auto":
        return False
    return fmt in (RowFormat.csv, RowFormat.tsv) if fmt is not None else suffix in (".csv", ".tsv")


def _own_process() -> bool:
    """Whether this process is the ``regnotice`` command itself (the console script or
    ``python -m regnotice``), not a program that runs the app (tests, an application),
    which may want pyarrow as it imports it."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name == "regnotice.__main__":
        return True
    return Path(getattr(main, "__file__", None) or "").name in ("regnotice", "regnotice.exe")


def _dumps(data, fmt: str) -> str:
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _write_out(out: Path | None, body: str) -> None:
    """``body`` to ``out`` (whole or not at all), or to standard output."""
    if out is None or str(out) == "-":
        typer.echo(body, nl=False)
        return
    from .io import write_atomic

    write_atomic(out, body)


@app.command("check")
@_handled
def check_command(
    file: Annotated[Path | None, typer.Argument(help="A YAML file of activities: a list, or a mapping with the key 'activities' ('-': standard input).")] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help="A plain-language description of one activity, instead of FILE.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", "-r", help="A rule file (YAML) to check against (default: the bundled rules).")] = None,
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="text: explained verdicts; json, yaml: the verdicts (their schema: regnotice schema --verdict).")] = TextFormat.text,
) -> None:
    """Check activities against the bundled rules (or --rules FILE). Exit 0 when none is
    prohibited, 1 when one is, 2 for bad input: a file that cannot be read (file:line), an
    invalid activity, an unknown term (with the closest ones)."""
    from .errors import ActivityError, ActivityFileError
    from .pipeline import checker as checker_of

    if (file is None) == (text is None):
        raise typer.BadParameter("give either FILE or --text, not both" if file else "give FILE or --text", param_hint="FILE")
    if rules is not None:
        checker = checker_of(rules)
    else:
        from .bundled import bundled_rules, bundled_rules_json

        try:
            dumped = bundled_rules_json()  # the snapshot: hashed as it is, the rules are not dumped again
        except FileNotFoundError:
            dumped = None  # no snapshot: bundled_rules() extracts them now
        checker = checker_of(bundled_rules(), dumped)
    if text is not None:
        from .describing import describe

        described = describe(text)
        for r in described.recognised:
            typer.echo(f"recognised {r.field}: {r.text!r} -> {r.id}", err=True)
        if described.unrecognised:
            typer.echo("not recognised: " + ", ".join(repr(u.text) for u in described.unrecognised), err=True)
        if described.activity is None:
            raise ActivityError(f"the description names no {' and no '.join(described.needs)}; name who does it (a bank, a payment institution, ...)")
        activities = [described.activity]
    else:
        from .activities import load_activities

        activities = load_activities(file)
    verdicts = []
    for i, activity in enumerate(activities, 1):
        try:
            verdicts.append(checker.check(activity))
        except ActivityError as exc:
            if file is None:
                raise
            raise ActivityFileError(f"{file}: activity {i}: {exc}") from None
    if format is not TextFormat.text:
        _emit([json.loads(v.model_dump_json()) for v in verdicts], format.value)
    else:
        typer.echo("\n\n".join(v.explain() for v in verdicts))
        counts: dict[str, int] = {}
        for v in verdicts:
            counts[v.outcome] = counts.get(v.outcome, 0) + 1
        typer.echo(f"\n{len(verdicts)} activities: " + ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in sorted(counts.items())))
    if any(v.outcome == "invalid" for v in verdicts):
        raise typer.Exit(EXIT_INPUT)
    if any(v.outcome == "prohibited" for v in verdicts):
        raise typer.Exit(EXIT_VIOLATIONS)


@app.command()
@_handled
def vocab(
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")] = TextFormat.text,
) -> None:
    """The words an activity may use: the lexicon's concepts and the registry's parties
    and agencies (each also by its synonyms: see regnotice/lexicon.yaml and agencies.yaml)."""
    from .reading import reader

    r = reader()
    lex = r.lexicon
    data = {
        "actors": sorted(r.registry.parties),
        "actions": list(lex.ids("actions")),
        "objects": list(lex.ids("objects")),
        "where": list(lex.ids("territory")),
        "conditions": list(lex.ids("conditions")),
        "authorities": sorted(r.registry.agencies),
        "flags": list(lex.ids("qualifiers")),
    }
    if format is not TextFormat.text:
        _emit(data, format.value)
        return
    for key, values in data.items():
        typer.echo(f"{key}: {', '.join(values)}")


def _notice(file: Path | None, warn: bool = True):
    """The notice in ``file`` (``-``: standard input; its anomalies reported on stderr),
    or the bundled one."""
    if file is None:
        from .bundled import bundled_notice

        return bundled_notice()
    from .parsing import parse

    notice = parse(_read_text(file), source=_name(file))
    if warn:
        _warn(file, notice)
    return notice


def _name(file: Path) -> str:
    return "<stdin>" if str(file) == "-" else str(file)


def _warn(file: Path, notice) -> None:
    for k, anomaly in enumerate(notice.anomalies):
        if k == MAX_PROBLEMS:
            typer.echo(f"... and {len(notice.anomalies) - MAX_PROBLEMS:,} more warnings", err=True)
            break
        typer.echo(f"warning: {_name(file)}:{anomaly.line}:{anomaly.column}: {_bounded(anomaly.message)}", err=True)


def _read_text(path: Path) -> str:
    from .io import read_text

    return read_text(path)


def _diff_schema(value: bool) -> None:
    if value:
        from .diffing import dump_schema

        typer.echo(dump_schema(), nl=False)
        raise typer.Exit(EXIT_OK)


@app.command("diff")
@_handled
def diff_command(
    old: Annotated[Path, typer.Argument(help="The old side: a rule file (YAML) or a notice (text or saved HTML page); '-': standard input.")],
    new: Annotated[Path, typer.Argument(help="The new side, the same.")],
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="text: the differences for people; json, yaml: the whole diff (its schema: regnotice diff --schema).")] = TextFormat.text,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file, written whole or not at all (default: standard output).")] = None,
    cosmetic: Annotated[bool, typer.Option("--cosmetic", help="text: also list the cosmetic differences (renumbering, rewrapping, punctuation).")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of --format json and exit.", callback=_diff_schema, is_eager=True)] = False,
) -> None:
    """Compare two notices or rule files rule by rule: rules matched by content (kind,
    parties, actions, objects, words), then added, removed and changed, field by field,
    with a redline of each changed sentence. Exit 0: no substantive difference
    (renumbering, rewrapping and punctuation are cosmetic); 1: differences found; 2: bad
    input; 3: output failure."""
    from .diffing import diff, render_text

    if str(old) == "-" and str(new) == "-":
        raise typer.BadParameter("only one side can be standard input", param_hint="NEW")
    result = diff(old, new)
    for side in (result.old, result.new):
        _problems([f"warning: {w}" for w in side.warnings])
    if format is TextFormat.text:
        body = render_text(result, cosmetic=cosmetic)
    else:
        body = _dumps(result.model_dump(mode="json"), format.value)
    _write_out(out, body)
    raise typer.Exit(EXIT_VIOLATIONS if result.summary.substantive else EXIT_OK)


@app.command("akn")
@_handled
def akn_command(
    file: Annotated[Path | None, typer.Argument(help="A notice (text or saved HTML page; '-': standard input); the bundled notice if omitted.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="The XML file, written whole or not at all (default: standard output).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="The notice's date (YYYY-MM-DD) where its text states none; default: its signature's, else 1 January of its number's year.")] = None,
) -> None:
    """Export a notice as Akoma Ntoso 3.0 XML: FRBR work, expression and manifestation,
    preface, preamble, one paragraph per item, and the rules' spans as inline term,
    organization and ref marks. Needs the akn extra: pip install "regnotice\\[akn]". What
    was written, and the rule spans not marked, are summed up on standard error."""
    import datetime

    from .akn import to_akn

    try:
        when = None if date is None else datetime.date.fromisoformat(date)
    except ValueError:
        raise typer.BadParameter(f"{_bounded(repr(date))} is not a date such as 2026-02-06", param_hint="--date") from None
    rules = None
    if file is None:
        from .bundled import bundled_rules

        rules = bundled_rules()  # the prebuilt rules of the bundled notice: no extraction
    export = to_akn(_notice(file), rules, date=when)
    _write_out(out, export.xml)
    typer.echo(export.summary(), err=True)


@app.command("html")
@_handled
def html_command(
    file: Annotated[Path | None, typer.Argument(help="A notice (text or saved HTML page; '-': standard input); the bundled notice if omitted.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder DIR/index.html is written to, whole or not at all (default: standard output).")] = None,
) -> None:
    """Write the annotated HTML view of a notice: one self-contained page (no script, no
    external URL) with every rule's sentence and parts marked from their spans, a legend,
    the agency x clause matrix and the coverage. Needs the html extra: pip install
    "regnotice\\[html]". What was marked is summed up on standard error."""
    from .html import page, save

    view = page(_notice(file))
    if out is None or str(out) == "-":
        _write_out(None, view.html)
        typer.echo(view.summary(), err=True)
    else:
        typer.echo(f"wrote {save(view, out)}: {view.summary()}", err=True)


@app.command("serve")
@_handled
def serve_command(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="The port to listen on.", min=0, max=65535)] = 8000,
    rules: Annotated[Path | None, typer.Option("--rules", "-r", help="A rule file (YAML) to serve (default: the bundled rules).")] = None,
    max_body: Annotated[int, typer.Option("--max-body", help="The request body cap, in bytes (413 over it).", min=1)] = 1 << 20,  # server.DEFAULT_MAX_BODY
) -> None:
    """Serve the HTTP API (FastAPI on uvicorn) until interrupted: clauses, rules, check,
    screen and vocab under /v1, the OpenAPI document at /openapi.json. Needs the web
    extra: pip install "regnotice\\[web]"."""
    from .server import serve

    serve(host, port, rules=rules, max_body=max_body)


def main() -> None:
    """The console script: the app, with a closed pipe ending quietly (exit 0) and no
    traceback reaching the user, whatever happens."""
    try:
        _app_for(sys.argv[1:])(prog_name="regnotice")
    except SystemExit:
        _flush_or_quiet()
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
        print(f"error: internal error: {type(exc).__name__}: {_bounded(str(exc))} (please report it)", file=sys.stderr)
        sys.exit(EXIT_OUTPUT)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the verb ``args`` start with, when they start with one; else the
    whole app (no arguments, an option first, help, an unknown verb). Typer turns every
    registered command into a click command at each start, reading each one's
    annotations: some 10 ms for all the verbs, where a run uses one. The verb parses,
    helps and fails as in the whole app: the group's options and callback are the same."""
    if not args or args[0].startswith("-"):
        return app
    for info in app.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == args[0]:
            one = typer.Typer(**_APP_SETTINGS)
            one.registered_callback = app.registered_callback
            one.registered_commands = [info]
            return one
    return app


def _flush_or_quiet() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_pipe()


def _quiet_pipe() -> None:
    """Standard output is a closed pipe: point it at /dev/null, so the interpreter's
    last flush does not fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
