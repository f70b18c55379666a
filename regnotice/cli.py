"""The ``regnotice`` command: parses options, calls the library, prints.

Lookups of the bundled notice (``clause``, ``clauses``, ``search``) read the prebuilt
clause index and import neither Lark nor pydantic nor YAML. Every library error is a
:class:`~regnotice.errors.RegnoticeError`; it is printed as a message (no traceback)
and the command exits with the error's code: 2 for a usage error such as an unknown
clause, 1 for bad input.
"""

from __future__ import annotations

import functools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable

import typer

from .errors import RegnoticeError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Look up, parse and check a regulatory notice (bundled: Yinfa [2026] No. 42).",
)


class TextFormat(str, Enum):
    text = "text"
    json = "json"
    yaml = "yaml"


class TreeFormat(str, Enum):
    json = "json"
    yaml = "yaml"


def _handled(command: Callable) -> Callable:
    """Print a RegnoticeError as a message and exit with its code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RegnoticeError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def _emit(data, fmt: str) -> None:
    if fmt == "yaml":
        import yaml

        typer.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), nl=False)
    else:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
    """Find the clauses of the bundled notice that contain a phrase. Exits 1 when none does."""
    from .index import load_index, search_records

    found = search_records(load_index(), phrase)
    if not found:
        typer.echo(f"no clause contains {phrase!r}", err=True)
        raise typer.Exit(1)
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
    file: Annotated[Path, typer.Argument(help="A text file: a notice or a whole page holding one.")],
    format: Annotated[TreeFormat, typer.Option("--format", "-f", help="Output format.")] = TreeFormat.json,
) -> None:
    """Parse any text file and print the notice tree."""
    from .parsing import parse

    text = _read_text(file)
    notice = parse(text, source=str(file))
    _emit(notice.model_dump(mode="json"), format.value)
    _warn(file, notice)  # what a reader should know, after the tree


@app.command("index", hidden=True)
@_handled
def index_command(
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the index is stale.")] = False,
) -> None:
    """Rebuild the clause index of the bundled notice (for maintainers)."""
    from .bundled import bundled_notice
    from .index import INDEX_FILE, build_index, dump_index
    from .io import write_atomic

    fresh = dump_index(build_index(bundled_notice()))
    if check:
        current = INDEX_FILE.read_text(encoding="utf-8") if INDEX_FILE.exists() else ""
        if current != fresh:
            typer.echo(f"{INDEX_FILE} is stale: run 'regnotice index'", err=True)
            raise typer.Exit(1)
        return
    write_atomic(INDEX_FILE, fresh)
    typer.echo(f"wrote {INDEX_FILE}")


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
    """Check rule files. Exits 1 and lists every problem (file:line: ...) when one is invalid."""
    from .rules_io import validate_files

    failed = False
    for file in files:
        problems = validate_files([file])
        if problems:
            failed = True
            for problem in problems:
                typer.echo(problem, err=True)
        else:
            typer.echo(f"ok: {file}")
    if failed:
        raise typer.Exit(1)


@app.command()
@_handled
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder the rule file and schema.json are written to.")] = Path(
        "rules"
    ),
) -> None:
    """Extract the rules of the bundled notice and write them as YAML, with their schema."""
    from .bundled import bundled_rules
    from .rules_io import write_rules

    for path in write_rules(bundled_rules(), out):
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
    from .agencies import registry
    from .models import RULE_KINDS
    from .report import mentions, summarise

    if kind is not None and kind not in RULE_KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; kinds: {', '.join(RULE_KINDS)}{_close(kind, RULE_KINDS)}", param_hint="--kind")
    reg = registry()
    if agency is not None and agency not in reg:
        known = [*reg.agencies, *reg.parties]
        raise typer.BadParameter(f"unknown agency {agency!r}{_close(agency, known)}", param_hint="--agency")
    from .bundled import bundled_notice, bundled_rules

    if file is None:
        parsed, selected = None, bundled_rules().rules  # read from rules/, no parse
    else:
        from .pipeline import extract

        parsed = _notice(file)
        selected = extract(parsed).rules
    if clause is not None:
        ordinal = (parsed or bundled_notice()).clause(clause).ordinal
        selected = tuple(r for r in selected if r.clause == ordinal)
    selected = [r for r in selected if (kind is None or r.kind == kind) and (agency is None or agency in mentions(r))]
    if format is not TextFormat.text:
        _emit([r.model_dump(mode="json") for r in selected], format.value)
        return
    for rule in selected:
        typer.echo(f"{rule.id:<22} {rule.kind:<16} {summarise(rule)}")


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


class ScreenField(str, Enum):
    name = "name"
    business_scope = "business_scope"
    ad = "ad"


class OnError(str, Enum):
    skip = "skip"
    fail = "fail"


class RowFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


@app.command("screen")
@_handled
def screen_command(
    text: Annotated[str | None, typer.Argument(help="A name, business scope or ad to screen (or use --file).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A CSV (with a header) or JSONL file to screen row by row.")] = None,
    column: Annotated[str, typer.Option("--column", help="The CSV column or JSON key holding the text.")] = "name",
    field: Annotated[ScreenField, typer.Option("--field", help="What the text is; decides the rule cited.")] = ScreenField.name,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="JSONL output, written whole or not at all (default: stdout).")] = None,
    on_error: Annotated[OnError, typer.Option("--on-error", help="A malformed row: report and skip it, or fail (exit 2).")] = OnError.skip,
    input_format: Annotated[RowFormat | None, typer.Option("--input-format", help="Format of --file (default: from its suffix).")] = None,
    format: Annotated[TextFormat, typer.Option("--format", "-f", help="Output format of the hits of TEXT.")] = TextFormat.text,
) -> None:
    """Screen names, business scopes or ads for the terms of clause (8). Exit 0: no
    violations; 1: violations found; 2: input error.

    With --file, writes one JSON line per row with hits: {"line", "text", "hits"}.
    """
    from .screening import ScreenInputError, screen, screen_file

    if (text is None) == (file is None):
        raise typer.BadParameter("give either TEXT or --file, not both" if file else "give TEXT or --file", param_hint="TEXT")
    if file is None:
        hits = screen(text, field.value)
        if format is not TextFormat.text:
            _emit({"text": text, "field": field.value, "hits": [h.to_dict() for h in hits]}, format.value)
        else:
            for h in hits:
                typer.echo(f"{h.start:>5}-{h.end:<5} {h.text!r:<32} term {h.term!r:<34} {h.marker:<5} {h.rule_id}")
            if not hits:
                typer.echo("no hits", err=True)
        raise typer.Exit(1 if hits else 0)
    if not file.is_file():
        raise ScreenInputError(f"{file}: {'not a file' if file.exists() else 'no such file'}")
    result = screen_file(
        file,
        out,
        column=column,
        field=field.value,
        on_error=on_error.value,
        fmt=input_format.value if input_format else None,
        report=lambda message: typer.echo(message, err=True),
    )
    skipped = f", {result.skipped:,} malformed rows skipped" if result.skipped else ""
    where = f"; wrote {out}" if out is not None and str(out) != "-" else ""
    typer.echo(f"screened {result.rows:,} rows: {result.flagged:,} with hits ({result.hits:,} hits){skipped}{where}", err=True)
    raise typer.Exit(1 if result.flagged else 0)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("check")
@_handled
def check_command(
    file: Annotated[Path | None, typer.Argument(help="A YAML file of activities: a list, or a mapping with the key 'activities'.")] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help="A plain-language description of one activity, instead of FILE.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", "-r", help="A rule file (YAML) to check against (default: the bundled rules).")] = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="text: explained verdicts; json: the verdicts (see schema --verdict).")] = CheckFormat.text,
) -> None:
    """Check activities against the bundled rules (or --rules FILE). Exit 0 when none is
    prohibited or invalid, 1 when one is, 2 for an input error (file:line, and the closest
    terms for an unknown one)."""
    from .errors import ActivityError, ActivityFileError
    from .pipeline import checker as checker_of

    if (file is None) == (text is None):
        raise typer.BadParameter("give either FILE or --text, not both" if file else "give FILE or --text", param_hint="FILE")
    if rules is not None:
        checker = checker_of(rules)
    else:
        from .bundled import bundled_rules

        checker = checker_of(bundled_rules())
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
    if format is CheckFormat.json:
        typer.echo(json.dumps([json.loads(v.model_dump_json()) for v in verdicts], ensure_ascii=False, indent=2))
    else:
        typer.echo("\n\n".join(v.explain() for v in verdicts))
        counts: dict[str, int] = {}
        for v in verdicts:
            counts[v.outcome] = counts.get(v.outcome, 0) + 1
        typer.echo(f"\n{len(verdicts)} activities: " + ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in sorted(counts.items())))
    if any(v.outcome in ("prohibited", "invalid") for v in verdicts):
        raise typer.Exit(1)


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


def _notice(file: Path | None):
    """The notice in ``file`` (its anomalies reported on stderr), or the bundled one."""
    if file is None:
        from .bundled import bundled_notice

        return bundled_notice()
    from .parsing import parse

    notice = parse(_read_text(file), source=str(file))
    _warn(file, notice)
    return notice


def _warn(file: Path, notice) -> None:
    for anomaly in notice.anomalies:
        typer.echo(f"warning: {file}:{anomaly.line}:{anomaly.column}: {anomaly.message}", err=True)


def _read_text(path: Path) -> str:
    from .errors import InputError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from .errors import caret_snippet

        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line_end = data.find(b"\n", exc.start)
        shown = data[line_start : line_end if line_end != -1 else len(data)].decode("utf-8", "replace")
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise InputError(
            f"{path}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02x}); expected a UTF-8 text file\n"
            + caret_snippet(shown, column)
        ) from None


def main() -> None:
    app(prog_name="regnotice")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
