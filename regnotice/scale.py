"""Screening on the engines a user already runs: Polars, Dask and Spark.

Each adapter screens one text column of a data frame and returns the hits as a data
frame of that engine, one row per hit, in the flat schema of
:func:`regnotice.screening.screen_batch` (``text``, ``term``, ``start``, ``end``,
``rule_id``, ``also``, ``lookalike``, ``term_id``, ``category``, ``note``, ``source``;
with ``quotes=True`` also ``clause``, ``marker``, ``quote``), whose first column says
which input row the hit is in:

- ``key=None`` (the default): ``row``, the 0-based position of the row in the input
  frame, in the frame's order (for a file read by the engine: the data row of the file,
  as the CLI's ``line`` minus 2 for a CSV with a header and no line breaks in fields);
- ``key="id"``: that column of the input, carried through with its type (use a column
  of unique values to join the hits back to the input).

Only the key and the hits come out: the input's other columns stay out, and join back on
the key (``row`` pairs with ``with_row_index`` in Polars, and with the position in the
frame elsewhere).

- :func:`screen_polars`: a ``DataFrame`` (hits as a ``DataFrame``) or a ``LazyFrame``
  (hits as a ``LazyFrame``, nothing run until it is collected), through
  ``LazyFrame.map_batches(streamable=True)``: run batch by batch by the streaming
  engine (``collect(engine="streaming")``, Polars' default from 2.0; the in-memory
  engine of 1.x runs it once on the whole frame). ``row`` is from ``with_row_index``,
  before the batches, and has its type (``UInt32``), so it joins the input's
  ``with_row_index("row")``.
- :func:`screen_dask`: ``map_partitions`` with a ``meta`` from the schema. With
  ``key=None`` the rows of every partition are counted first (one ``compute`` of
  ``map_partitions(len)``, a pass over the input) to number the rows across partitions;
  a ``key`` saves that pass. The output's index is meaningless (0.. in each partition).
- :func:`screen_spark`: ``DataFrame.mapInArrow`` with a ``StructType`` of the schema.
  With ``key=None`` the rows of every partition are counted first (one Spark job), as
  ``zipWithIndex`` does; the frame's order must then be deterministic (a file read, a
  sort, not a shuffle without one). Give ``key=`` to avoid both.

The compiled :class:`~regnotice.screening.Screener` (the bundled notice's for ``field``,
or ``screener=``) is built once on the driver and shipped to the workers by the
engine's serializer; it pickles with the standard library (it is rebuilt from its terms
on loading). Workers need regnotice installed (in local mode they have it).

A text column of another type is cast to text; a null text has no hits, as an empty
field has none in the CLI. Polars, Dask, Spark and pyarrow are imported only inside the
functions (``pip install "regnotice[scale]"``); a missing one, a missing column, a key
named like a hit column or an unknown field is an :class:`~regnotice.errors.InputError`.
"""

from __future__ import annotations

import importlib
from itertools import accumulate

from ._screen.arrow import INSTALL_HINT  # how to install pyarrow and the engines, named in the errors
from .errors import InputError

__all__ = ["INSTALL_HINT", "hit_columns", "screen_polars", "screen_dask", "screen_spark"]

#: The key column when no ``key`` is given: the row's position in the input.
ROW = "row"


# ---------------------------------------------------------------------------- shared


def _need(module: str, who: str, package: str | None = None):
    try:
        return importlib.import_module(module)
    except ImportError:
        package = package or module.partition(".")[0]
        raise InputError(f"{who} needs {package}, which is not installed: {INSTALL_HINT}") from None


def _arrow(who: str):
    pa = _need("pyarrow", who)
    from ._screen import arrow

    return pa, arrow


def _hit_schema(quotes: bool):
    """The arrow schema of the hits (``row`` first)."""
    from ._screen import arrow

    return arrow.hit_schema(quotes)


def hit_columns(quotes: bool = False, key: str | None = None) -> list[str]:
    """The columns of an adapter's output: the key (``row`` by default), then the hits'."""
    return [key or ROW] + [f.name for f in _hit_schema(quotes) if f.name != ROW]


def _check(column, key, names, quotes: bool, what: str) -> None:
    """``column`` and ``key`` are columns of the input; ``key`` is not named like a hit column."""
    names = list(names)
    for label, value in (("column", column), ("key", key)):
        if value is None and label == "key":
            continue
        if not isinstance(value, str):
            raise InputError(f"{label} must be a column name (a str), not {type(value).__name__}")
        if value not in names:
            shown = ", ".join(map(repr, names[:20])) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
            raise InputError(f"{what} has no column {value!r}; its columns: {shown or 'none'}")
    if key is not None:
        taken = set(hit_columns(quotes)) - {ROW}
        if key in taken:
            raise InputError(f"key {key!r} is the name of a column of the hits; rename it first ({', '.join(sorted(taken))} are taken)")


def _screener(screener, field: str):
    from .screening import Screener, screener as bundled

    if screener is None:
        return bundled(field)  # an unknown field is an InputError
    if not isinstance(screener, Screener):
        raise InputError(f"screener must be a regnotice Screener, not {type(screener).__name__}")
    return screener


def _texts(pa, values, column: str):
    """An arrow array of texts: a text column as it is (``screen_batch`` reads string,
    large and view strings and dictionaries of them), one of another type cast to text."""
    kind = values.type
    base = kind.value_type if pa.types.is_dictionary(kind) else kind
    if pa.types.is_string(base) or pa.types.is_large_string(base) or getattr(pa.types, "is_string_view", lambda t: False)(base):
        return values
    try:
        return values.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        raise InputError(f"column {column!r} holds {kind}, which cannot be read as text") from None


def _screen_arrow(pa, arrow, texts, column: str, field: str, screener, quotes: bool):
    """The hits of one arrow array of texts, as a record batch with ``row`` (positions in
    ``texts``)."""
    batch = pa.RecordBatch.from_arrays([_texts(pa, texts, column)], names=[column])
    return arrow.screen_batch(batch, column, field, screener=screener, quotes=quotes)


# ---------------------------------------------------------------------------- Polars


def screen_polars(frame, column: str = "name", field: str = "name", *, key: str | None = None, screener=None, quotes: bool = False):
    """The hits in ``frame[column]``: a Polars ``DataFrame`` for a ``DataFrame``, a
    ``LazyFrame`` for a ``LazyFrame`` (run batch by batch when collected; the streaming
    engine runs it in batches whatever the size of the input).

    >>> import polars as pl                                     # doctest: +SKIP
    >>> screen_polars(pl.DataFrame({"name": ["Acme Stablecoin Ltd", "Plain Co"]}))  # doctest: +SKIP
    shape: (1, 12)  # row 0, 'Stablecoin', term 'stablecoin', 5..15, yinfa-2026-42/8/1, ...
    """
    pl = _need("polars", "screen_polars")
    pa, arrow = _arrow("screen_polars")
    if isinstance(frame, pl.DataFrame):
        lazy = frame.lazy()
    elif isinstance(frame, pl.LazyFrame):
        lazy = frame
    else:
        raise InputError(f"screen_polars needs a polars DataFrame or LazyFrame, not {type(frame).__name__}")
    _check(column, key, lazy.collect_schema().names(), quotes, "the frame")
    screener = _screener(screener, field)
    hits_schema = _hit_schema(quotes)
    if key is None:
        # a name no input column has, renamed to ``row`` at the end
        index = "__regnotice_row__"
        while index in lazy.collect_schema().names():
            index += "_"
        lazy = lazy.with_row_index(index)  # its type (UInt32, or UInt64 in polars-u64-idx): joins with_row_index's
        name = ROW
    else:
        index = name = key
    picked = lazy.select([index] if index == column else [index, column])
    key_dtype = picked.collect_schema()[index]
    empty_hits = pl.from_arrow(hits_schema.empty_table()).drop(ROW)
    schema = {name: key_dtype, **empty_hits.schema}

    def batch(df):
        if df.height == 0:
            return pl.DataFrame(schema=schema)
        hits = _screen_arrow(pa, arrow, df[column].to_arrow(), column, field, screener, quotes)
        keys = df[index].gather(pl.Series(hits.column(ROW).to_numpy(zero_copy_only=False)))
        out = pl.from_arrow(pa.Table.from_batches([hits]))
        if not isinstance(out, pl.DataFrame):  # pragma: no cover (from_arrow of a table)
            out = out.to_frame()
        return out.drop(ROW).insert_column(0, keys.alias(name)).cast(schema)

    # No optimisation may cross the function: a filter or a slice of the hits is not one
    # of the input (the defaults differ between Polars versions).
    out = picked.map_batches(batch, schema=schema, streamable=True, predicate_pushdown=False, projection_pushdown=False, slice_pushdown=False)
    return out if isinstance(frame, pl.LazyFrame) else out.collect(engine="streaming")


# ---------------------------------------------------------------------------- Dask


def _dask_partition(part, column: str, field: str, key, screener, quotes: bool, offsets, partition_info=None):
    """The hits of one partition (a pandas frame): a pandas frame of the key and the
    hits. Module level, so the standard library's pickle ships it by reference."""
    import pyarrow as pa

    from ._screen import arrow

    values = part[column]
    try:
        texts = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # objects of several types: as text
        texts = pa.array(values.astype("string"), from_pandas=True)
    hits = _screen_arrow(pa, arrow, texts, column, field, screener, quotes)
    rows = hits.column(ROW).to_numpy(zero_copy_only=False)
    out = hits.to_pandas()
    if key is None:
        if partition_info is None and len(offsets) > 1:  # pragma: no cover (dask passes it)
            raise RuntimeError("dask did not pass partition_info: rows cannot be numbered across partitions")
        number = partition_info["number"] if partition_info is not None else 0
        out[ROW] = rows + offsets[number]
    else:
        out = out.drop(columns=[ROW])
        out.insert(0, key, part[key].iloc[rows].reset_index(drop=True))
    return out


def screen_dask(ddf, column: str = "name", field: str = "name", *, key: str | None = None, screener=None, quotes: bool = False):
    """The hits in ``ddf[column]``, a lazy Dask DataFrame (``map_partitions``; nothing
    runs until it is computed, except, with ``key=None``, the count of each partition's
    rows that numbers them). Runs on any scheduler: threads (the default), processes,
    or ``dask.distributed``."""
    dd = _need("dask.dataframe", "screen_dask", "dask[dataframe]")
    pa, _ = _arrow("screen_dask")
    import pandas as pd

    if not isinstance(ddf, dd.DataFrame):
        raise InputError(f"screen_dask needs a dask DataFrame, not {type(ddf).__name__}")
    _check(column, key, ddf.columns, quotes, "the frame")
    screener = _screener(screener, field)
    picked = ddf[[column] if key in (None, column) else [column, key]]
    meta = _hit_schema(quotes).empty_table().to_pandas()
    if key is None:
        sizes = picked.map_partitions(len).compute()
        offsets = tuple(accumulate([0, *map(int, sizes)][:-1]))
    else:
        offsets = ()
        meta = meta.drop(columns=[ROW])
        meta.insert(0, key, pd.Series([], dtype=ddf.dtypes[key]))
    return picked.map_partitions(
        _dask_partition, column, field, key, screener, quotes, offsets, meta=meta, clear_divisions=True
    )


# ---------------------------------------------------------------------------- Spark


class _SparkCount:
    """``mapInArrow`` function: the number of rows of each partition."""

    def __call__(self, batches):
        import pyarrow as pa
        from pyspark import TaskContext

        n = sum(b.num_rows for b in batches)
        schema = pa.schema([("partition", pa.int32()), ("rows", pa.int64())])
        yield pa.RecordBatch.from_pydict({"partition": [TaskContext.get().partitionId()], "rows": [n]}, schema=schema)


class _SparkScreen:
    """``mapInArrow`` function: the hits of the batches of one partition (columns
    ``text``, and ``key`` when ``keyed``). A module-level class, so its instances pickle
    by reference with the screener inside."""

    def __init__(self, field, keyed, screener, quotes, offsets, schema) -> None:
        self.field, self.keyed, self.screener = field, keyed, screener
        self.quotes, self.offsets, self.schema = quotes, offsets, schema

    def __call__(self, batches):
        import pyarrow as pa
        import pyarrow.compute as pc
        from pyspark import TaskContext

        from ._screen import arrow

        seen = 0 if self.keyed else self.offsets.get(TaskContext.get().partitionId(), 0)
        names = [f.name for f in self.schema]
        for batch in batches:
            hits = _screen_arrow(pa, arrow, batch.column(0), "text", self.field, self.screener, self.quotes)
            rows = hits.column(ROW)
            if self.keyed:
                keys = batch.column(1).take(rows)
            else:
                keys = pc.add(rows, pa.scalar(seen, pa.int64()))
            seen += batch.num_rows
            columns = [keys] + [hits.column(n) for n in names[1:]]
            yield pa.RecordBatch.from_arrays(columns, names=names)


def _spark_column(df, name: str):
    """The column ``name`` of ``df``, quoted: a dot in a name is not a nested field."""
    return df["`" + name.replace("`", "``") + "`"]


def screen_spark(df, column: str = "name", field: str = "name", *, key: str | None = None, screener=None, quotes: bool = False):
    """The hits in ``df[column]``, a lazy Spark DataFrame (``mapInArrow``; nothing runs
    until an action, except, with ``key=None``, the one job counting each partition's
    rows). Workers need regnotice and pyarrow installed."""
    _need("pyspark", "screen_spark")
    pa, _ = _arrow("screen_spark")
    from pyspark.sql import DataFrame
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import LongType, StructField, StructType

    if not isinstance(df, DataFrame):
        raise InputError(f"screen_spark needs a pyspark DataFrame, not {type(df).__name__}")
    _check(column, key, df.columns, quotes, "the frame")
    screener = _screener(screener, field)
    # plain names inside (mapInArrow reads its input by name, a dot in one as a nested field)
    text = _spark_column(df, column).cast("string").alias("text")
    picked = df.select(text) if key is None else df.select(text, _spark_column(df, key).alias("key"))
    hits = from_arrow_schema(_hit_schema(quotes))
    if key is None:
        head = StructField(ROW, LongType(), False)
        counts = picked.mapInArrow(_SparkCount(), "partition int, rows long").collect()
        sizes = dict((r["partition"], r["rows"]) for r in counts)
        ids = sorted(sizes)
        offsets = dict(zip(ids, accumulate([0, *(sizes[i] for i in ids)][:-1])))
    else:
        head = StructField(key, picked.schema["key"].dataType, True)
        offsets = {}
    schema = StructType([head] + [f for f in hits.fields if f.name != ROW])
    return picked.mapInArrow(_SparkScreen(field, key is not None, screener, quotes, offsets, schema), schema)
