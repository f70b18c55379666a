"""Scale-out adapters (``regnotice.scale``): Polars ``map_batches``, Dask
``map_partitions`` and Spark ``mapInArrow`` give the same flagged rows, with the same
hits, as the CLI (``python -m regnotice screen --input FILE -o OUT``) on the same CSV
file of a few thousand names (Chinese, traditional, full-width and look-alike hits among
them). The screener reaches Dask worker processes pickled; a missing engine or column is
a clear ``InputError``; the core install stays lean.

The Spark tests start a local JVM (``local[2]``, bound to 127.0.0.1, no UI): marked
``slow``, run by default and in CI (``.ci/run``), skipped with ``REGNOTICE_SKIP_SLOW=1``.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_regnotice
from regnotice.errors import InputError, RegnoticeError
from regnotice.scale import INSTALL_HINT, hit_columns, screen_dask, screen_polars, screen_spark
from regnotice.screening import RuleRef, Screener

ROOT = Path(__file__).resolve().parent.parent
ROWS = 3000

#: Names with hits: plain, plural, hyphenated, Chinese (simplified and traditional),
#: full-width, look-alike letters (Cyrillic, Greek, accented), two hits in one name,
#: and a delimiter and quotes inside the field.
HITS = [
    "Acme Stablecoin Ltd",
    "Crypto-Assets Trading Co",
    "Real World Asset Tokenization Partners",
    "RWA-backed Holdings, Inc.",
    'The "Virtual Currencies" Exchange',
    "上海虚拟货币科技有限公司",
    "深圳穩定幣有限公司",
    "北京现实世界资产代币化咨询",
    "ＲＷＡ科技有限公司",
    "Ｓｔａｂｌｅｃｏｉｎ Ltd",
    "\u0421rypto Assets Ltd",  # a Cyrillic С
    "RW\u0391 Partners",  # a Greek Alpha
    "Stablecoín Labs",
    "Virtual Asset and Cryptocurrency Services",
    "加密资产 and stable-coins",
]
#: Names that look close and are clean (and one empty field).
CLEAN = ["Rwanda Coffee", "Constable Coins", "Drwal Logistics", "Erwang Foods", "Plain Trading Co", "", "Stable Table Ltd", "成都科技有限公司"]


@pytest.fixture(scope="module")
def names_csv(tmp_path_factory) -> Path:
    """``id,name,city``: 3,000 rows, about one in eight with a hit."""
    rng = random.Random(20260042)
    path = tmp_path_factory.mktemp("scale") / "companies.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "city"])
        for i in range(ROWS):
            if rng.random() < 0.125:
                name = rng.choice(HITS)
            elif rng.random() < 0.3:
                name = rng.choice(CLEAN)
            else:
                name = f"{rng.choice(['Golden', 'Eastern', 'Harbor', 'Summit'])} {rng.choice(['Foods', 'Textiles', 'Logistics'])} {i} Co"
            writer.writerow([f"c{i:05d}", name, rng.choice(["Beijing", "Shanghai", "Shenzhen"])])
    return path


def hit_key(hit: dict) -> tuple:
    return (hit["term"], hit["text"], hit["start"], hit["end"], hit["rule_id"], tuple(hit["also"]), bool(hit.get("lookalike")))


@pytest.fixture(scope="module")
def cli_hits(names_csv, tmp_path_factory) -> dict[int, list[tuple]]:
    """The CLI's flagged rows: 0-based data row (``line`` - 2: a header, no line breaks
    in fields) -> its hits."""
    out = tmp_path_factory.mktemp("cli") / "hits.jsonl"
    proc = run_regnotice("screen", "--input", str(names_csv), "-o", str(out))
    assert proc.returncode == 1, proc.stderr  # hits found
    flagged = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        flagged[record["line"] - 2] = sorted(hit_key(h) for h in record["hits"])
    assert 250 <= len(flagged) <= 500, len(flagged)
    assert any(h[-1] for hits in flagged.values() for h in hits)  # look-alikes among them
    return flagged


def by_row(records, key: str = "row") -> dict[int, list[tuple]]:
    """Hit records (dicts of an adapter's columns) grouped by input row: the ``row``
    column, or the row an ``id`` key names (``c00042`` is row 42)."""
    out: dict[int, list] = {}
    for r in records:
        row = int(r[key]) if key == "row" else int(r[key][1:])
        out.setdefault(row, []).append(hit_key({**r, "also": list(r["also"])}))
    return {row: sorted(hits) for row, hits in out.items()}


# --- Polars -----------------------------------------------------------------------------------


def test_polars_lazy_gives_the_cli_rows(names_csv, cli_hits):
    pl = pytest.importorskip("polars")
    lazy = screen_polars(pl.scan_csv(names_csv))
    assert isinstance(lazy, pl.LazyFrame)
    hits = lazy.collect()
    assert hits.columns == hit_columns()
    assert hits.schema["row"] == pl.get_index_type()  # with_row_index's, to join on
    assert by_row(hits.to_dicts()) == cli_hits


def test_polars_runs_batch_by_batch(names_csv, cli_hits, monkeypatch):
    """The function runs on several batches (each screened alone), and rows stay global."""
    pl = pytest.importorskip("polars")
    import regnotice._screen.arrow as arrow

    sizes = []
    real = arrow.screen_batch

    def counting(batch, *args, **kwargs):
        sizes.append(batch.num_rows)
        return real(batch, *args, **kwargs)

    monkeypatch.setattr(arrow, "screen_batch", counting)
    frame = pl.concat([pl.read_csv(names_csv)] * 40)  # 120,000 rows
    hits = screen_polars(frame.lazy()).collect(engine="streaming")
    assert len(sizes) > 1 and sum(sizes) == 40 * ROWS, sizes
    expected = {copy * ROWS + row: h for copy in range(40) for row, h in cli_hits.items()}
    assert by_row(hits.to_dicts()) == expected


def test_polars_dataframe_with_a_key(names_csv, cli_hits):
    pl = pytest.importorskip("polars")
    hits = screen_polars(pl.read_csv(names_csv), key="id")
    assert isinstance(hits, pl.DataFrame)
    assert hits.columns == hit_columns(key="id") and hits.schema["id"] == pl.String
    assert by_row(hits.to_dicts(), "id") == cli_hits


def test_polars_quotes_and_a_joined_back_column(names_csv):
    pl = pytest.importorskip("polars")
    frame = pl.read_csv(names_csv).with_row_index("row")
    hits = screen_polars(frame, quotes=True)
    assert hits.columns == hit_columns(quotes=True)
    assert set(hits["marker"]) == {"(8)"} and all(hits["quote"]) and set(hits["clause"]) == {8}
    joined = frame.join(hits, on="row")  # as the README writes it
    assert joined.height == hits.height and {"id", "city", "name", "term"} <= set(joined.columns)
    assert all(n[s:e] == t for n, s, e, t in joined.select("name", "start", "end", "text").iter_rows())


def test_polars_filters_and_slices_apply_to_the_hits():
    """No optimisation crosses the function: a filter or a slice after it is of the hits."""
    pl = pytest.importorskip("polars")
    lazy = pl.LazyFrame({"name": ["Acme Stablecoin", "x", "RWA and 稳定币", None]})
    assert screen_polars(lazy).filter(pl.col("term") == "RWA").collect()["row"].to_list() == [2]
    assert screen_polars(lazy).tail(2).collect()["term"].to_list() == ["RWA", "stablecoin"]
    assert screen_polars(lazy, key="name").collect()["name"].to_list() == ["Acme Stablecoin", "RWA and 稳定币", "RWA and 稳定币"]


def test_polars_ads_cite_clause_7():
    pl = pytest.importorskip("polars")
    hits = screen_polars(pl.DataFrame({"ad": ["buy crypto assets here", None, "nothing"]}), "ad", field="ad")
    assert hits["row"].to_list() == [0] and hits["rule_id"].to_list() == ["yinfa-2026-42/7/1"]


# --- Dask -------------------------------------------------------------------------------------


def test_dask_gives_the_cli_rows(names_csv, cli_hits):
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.read_csv(names_csv, blocksize=20_000, dtype=str, keep_default_na=False)
    assert ddf.npartitions > 3
    lazy = screen_dask(ddf)
    hits = lazy.compute()
    assert list(hits.columns) == hit_columns()
    assert by_row(hits.to_dict("records")) == cli_hits


def test_dask_with_a_key_and_nulls(names_csv, cli_hits):
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.read_csv(names_csv, blocksize=30_000)  # empty names read as NaN: no hits
    hits = screen_dask(ddf, key="id").compute()
    assert list(hits.columns) == hit_columns(key="id")
    assert by_row(hits.to_dict("records"), "id") == cli_hits


def test_dask_a_pickled_screener_runs_in_worker_processes(names_csv):
    """A screener of its own terms ships to worker processes (the local distributed
    cluster when dask.distributed is installed, else the processes scheduler) and finds
    there what it finds here."""
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    import pandas as pd

    mine = Screener(["moon token"], RuleRef("x/1/1", 1, "(1)", "No moon tokens."), spellings={})
    assert pickle.loads(pickle.dumps(mine)).screen("Moon-Tokens Ltd")[0].term == "moon token"
    names = [f"Moon-Tokens {i}" if i % 5 == 0 else f"Plain {i}" for i in range(200)]
    ddf = dd.from_pandas(pd.DataFrame({"name": names}), npartitions=4)
    lazy = screen_dask(ddf, screener=mine)
    pid = dask.delayed(os.getpid)()
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        (hits,) = dask.compute(lazy, scheduler="processes", num_workers=2)
        (worker,) = dask.compute(pid, scheduler="processes", num_workers=2)
    else:  # pragma: no cover (when dask.distributed is installed)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1") as cluster, Client(cluster):
            hits, worker = lazy.compute(), pid.compute()
    assert worker != os.getpid()
    assert hits["row"].tolist() == list(range(0, 200, 5))
    assert set(hits["term"]) == {"moon token"} and set(hits["rule_id"]) == {"x/1/1"}


# --- Spark (slow: a local JVM) ----------------------------------------------------------------


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if os.environ.get("REGNOTICE_SKIP_SLOW") == "1":
        pytest.skip("REGNOTICE_SKIP_SLOW=1")
    java = _java()
    if java is None:
        if os.environ.get("REGNOTICE_CI") == "1":
            pytest.fail("no java on PATH and no JAVA_HOME: the Spark tests must run in CI")
        pytest.skip("no java on PATH and no JAVA_HOME")
    from pyspark.sql import SparkSession

    env = {
        # Spark's launcher runs $JAVA_HOME/bin/java, else java from PATH; workers run this Python
        "JAVA_HOME": os.environ.get("JAVA_HOME") or str(Path(os.path.realpath(java)).parent.parent),
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("regnotice-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.files.maxPartitionBytes", "20000")  # several partitions of the file
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")  # several batches per partition
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def SPARK(test):
    """Slow (a JVM), and quiet about pyspark's warning on pandas 3."""
    quiet = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
    return pytest.mark.slow(quiet(test))


def _read(spark, path: Path):
    return spark.read.option("header", True).option("escape", '"').csv(str(path))


@SPARK
def test_spark_gives_the_cli_rows(spark, names_csv, cli_hits):
    df = _read(spark, names_csv)
    assert df.rdd.getNumPartitions() > 1
    hits = screen_spark(df)
    assert hits.columns == hit_columns()
    assert by_row([r.asDict() for r in hits.collect()]) == cli_hits


@SPARK
def test_spark_with_a_key_and_quotes(spark, names_csv, cli_hits):
    hits = screen_spark(_read(spark, names_csv), key="id", quotes=True)
    assert hits.columns == hit_columns(quotes=True, key="id")
    rows = [r.asDict() for r in hits.collect()]
    assert by_row(rows, "id") == cli_hits
    assert {r["marker"] for r in rows} == {"(8)"}


@SPARK
def test_spark_errors(spark):
    df = spark.createDataFrame([("a", "Acme Stablecoin Ltd")], "id string, company string")
    with pytest.raises(InputError, match="no column 'name'.*'company'"):
        screen_spark(df)
    with pytest.raises(InputError, match="key 'term'"):
        screen_spark(df.withColumnRenamed("id", "term"), "company", key="term")
    assert [r["row"] for r in screen_spark(df, "company").collect()] == [0]
    dotted = df.withColumnRenamed("company", "company.name").withColumnRenamed("id", "the id")
    assert [(r["the id"], r["term"]) for r in screen_spark(dotted, "company.name", key="the id").collect()] == [("a", "stablecoin")]


# --- errors, and the lean core ------------------------------------------------------------------


def test_a_missing_column_names_the_columns():
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError, match=r"no column 'name'; its columns: 'company', 'id'"):
        screen_polars(pl.DataFrame({"company": ["x"], "id": [1]}))
    with pytest.raises(InputError, match="no column 'nope'"):
        screen_polars(pl.DataFrame({"name": ["x"]}), key="nope")


def test_a_missing_column_in_dask():
    dd = pytest.importorskip("dask.dataframe")
    import pandas as pd

    with pytest.raises(InputError, match="no column 'name'"):
        screen_dask(dd.from_pandas(pd.DataFrame({"company": ["x"]}), npartitions=1))


def test_wrong_arguments_are_input_errors():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"name": ["x"]})
    for call in (
        lambda: screen_polars({"name": ["x"]}),
        lambda: screen_polars(frame, field="title"),
        lambda: screen_polars(frame, screener="stablecoin"),
        lambda: screen_polars(frame, key="text"),
        lambda: screen_dask(frame),
        lambda: screen_spark(frame),
    ):
        with pytest.raises(InputError):
            call()


@pytest.mark.parametrize(
    "fn, module",
    [(screen_polars, "polars"), (screen_dask, "dask.dataframe"), (screen_spark, "pyspark"), (screen_polars, "pyarrow")],
)
def test_a_missing_engine_names_the_extra(fn, module, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    with pytest.raises(InputError) as info:
        fn(object())
    assert INSTALL_HINT in str(info.value) and module.partition(".")[0] in str(info.value)
    assert isinstance(info.value, RegnoticeError)


def test_the_core_imports_no_engine():
    code = (
        "import sys, regnotice, regnotice.scale, regnotice.screening; "
        "regnotice.screen('Acme Stablecoin Ltd'); "
        "print(sorted({'pyarrow', 'polars', 'dask', 'pyspark', 'pandas', 'numpy'} & set(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_engines_are_an_extra_and_the_tests_install_them():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    engines = ("pyarrow", "polars", "dask", "pyspark")
    assert not any(e in core for e in engines), core
    extras = project["optional-dependencies"]
    scale = " ".join(extras["scale"]).lower()
    assert all(e in scale for e in engines), scale
    assert "regnotice[scale]" in extras["test"]
