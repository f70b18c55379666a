"""The HTTP API (regnotice.server, regnotice serve), in-process through FastAPI's TestClient:
each endpoint answers what the library (and the CLI) answers, every error is a problem
(RFC 9457) declared in the OpenAPI document, every response carries the rule set's
headers, the body cap holds; and a schemathesis run against the document finds no 500
and no answer that breaks it.
"""

from __future__ import annotations

import inspect
import json
import socket
import sys
import uuid
from pathlib import Path

import pytest
import schemathesis
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection
from typer.testing import CliRunner

import regnotice
from regnotice.cli import app as cli_app
from regnotice.errors import RegnoticeError, RuleFileError
from regnotice.rules_io import dump_rules
from regnotice.server import MAX_BATCH, create_app
from regnotice._http.problems import MEDIA_TYPE as PROBLEM, PROBLEM_TYPES
from regnotice._check.checker import MAX_TERMS

ROOT = Path(__file__).resolve().parent.parent
RULE_FILE = ROOT / "rules" / "yinfa-2026-42.yaml"
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
NOTICE = regnotice.load()
RULES = regnotice.extract(NOTICE)
APP = create_app()
client = TestClient(APP)
runner = CliRunner()

BANK = {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"}
HEADERS = {
    "x-regnotice-notice": "yinfa-2026-42",
    "x-regnotice-rules-hash": regnotice.check(NOTICE, BANK).rules_hash,
    "x-regnotice-version": regnotice.__version__,
}


def cli_json(*args):
    result = runner.invoke(cli_app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def problem_of(response, status: int, slug: str) -> dict:
    """The problem of a response, checked to be one: its status, media type and members."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:regnotice:problem:{slug}", body
    assert body["status"] == status and body["title"] and body["detail"] and body["instance"].startswith("/")
    assert "Traceback" not in response.text
    return body


def verdict_data(verdict) -> dict:
    return json.loads(verdict.model_dump_json())


def without_receipt(decision: dict) -> dict:
    """A served verdict as the library's: no decision_id, no description read."""
    return {k: v for k, v in decision.items() if k not in ("decision_id", "described")}


def ndjson(*records) -> bytes:
    return b"".join(r if isinstance(r, bytes) else json.dumps(r).encode() + b"\n" for r in records)


def stream_lines(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    return [json.loads(line) for line in response.text.splitlines()]


def edited_rule_file(tmp_path, edit) -> Path:
    data = yaml.safe_load(dump_rules(RULES))
    edit(data)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- every response


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("get", "/v1/clauses", {}, 200),
        ("get", "/v1/clauses/IX", {}, 200),
        ("get", "/v1/clauses/20", {}, 404),
        ("get", "/v1/rules?kind=prohib", {}, 422),
        ("get", "/v1/vocab", {}, 200),
        ("get", "/nowhere", {}, 404),
        ("delete", "/v1/check", {}, 405),
        ("post", "/v1/check", {"json": BANK}, 200),
        ("post", "/v1/check", {"json": {"actor": 5}}, 422),
        ("post", "/v1/check", {"content": b"{", "headers": {"content-type": "application/json"}}, 400),
        ("post", "/v1/check", {"content": b" " * (2 << 20), "headers": {"content-type": "application/json"}}, 413),
        ("post", "/v1/screen", {"json": {"text": "Acme Stablecoin Ltd"}}, 200),
        ("post", "/v1/screen/batch", {"content": ndjson({"text": "RWA"})}, 200),
        ("get", "/openapi.json", {}, 200),
    ],
)
def test_every_response_carries_the_notice_the_rules_hash_and_the_version(method, path, kwargs, status):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    assert {k: response.headers.get(k) for k in HEADERS} == HEADERS
    if status >= 400:
        assert response.headers["content-type"] == PROBLEM


# ---------------------------------------------------------------------------- clauses


def test_the_clauses_are_the_clis():
    assert client.get("/v1/clauses").json() == cli_json("clauses")


@pytest.mark.parametrize("ref", ["9", "IX", "ix", "(IX)", "（九）", "(9)"])
def test_a_clause_in_any_numbering_is_the_clis(ref):
    assert client.get(f"/v1/clauses/{ref}").json() == cli_json("clause", "IX")


@pytest.mark.parametrize(
    "ref, status, slug, words",
    [
        ("20", 404, "unknown-clause", "valid clauses are 1..19"),
        ("abc", 400, "invalid-reference", "invalid clause reference 'abc'"),
        ("0", 400, "invalid-reference", "not a positive number"),
        ("9" * 40, 400, "invalid-reference", "too large"),
    ],
)
def test_a_bad_clause_reference_is_a_problem(ref, status, slug, words):
    body = problem_of(client.get(f"/v1/clauses/{ref}"), status, slug)
    assert words in body["detail"]
    assert body["instance"] == f"/v1/clauses/{ref}"


# ---------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    "query, args",
    [
        ({}, []),
        ({"clause": "XIII"}, ["--clause", "XIII"]),
        ({"clause": "（六）", "kind": "exception"}, ["--clause", "6", "--kind", "exception"]),
        ({"kind": "prohibition", "agency": "financial-institution"}, ["--kind", "prohibition", "--agency", "financial-institution"]),
        ({"agency": "CBIRC"}, ["--agency", "cbirc"]),
        ({"agency": "银保监会"}, ["--agency", "CBIRC"]),
        ({"kind": "penalty"}, ["--kind", "penalty"]),
    ],
)
def test_the_rules_filtered_are_the_clis(query, args):
    served = client.get("/v1/rules", params=query).json()
    assert served == cli_json("rules", *args)
    assert served or query == {"clause": "（六）", "kind": "exception"}


@pytest.mark.parametrize(
    "query, status, slug",
    [
        ({"agency": "pbcc"}, 422, "unknown-term"),
        ({"kind": "prohib"}, 422, "validation-error"),
        ({"clause": "20"}, 404, "unknown-clause"),
        ({"clause": "(X"}, 400, "invalid-reference"),
    ],
)
def test_a_bad_rule_filter_is_a_problem(query, status, slug):
    body = problem_of(client.get("/v1/rules", params=query), status, slug)
    if "agency" in query:
        assert "pboc" in body["suggestions"]
    if "kind" in query:
        assert body["errors"][0]["parameter"] == "kind"


# ---------------------------------------------------------------------------- check


def case_input(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    return case["activity"] if "activity" in case else {"text": case["text"]}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_a_served_verdict_is_the_librarys_on_every_scenario(path):
    item = case_input(path)
    response = client.post("/v1/check", json=item)
    assert response.status_code == 200, response.text
    served = response.json()
    activity = regnotice.describe(item["text"]).activity if "text" in item else item
    assert without_receipt(served) == verdict_data(regnotice.check(NOTICE, activity))
    assert uuid.UUID(served["decision_id"]).version == 4
    assert (served["described"] is None) == ("text" not in item)
    assert response.headers["x-regnotice-rules-hash"] == served["rules_hash"]


def test_every_verdict_served_has_its_own_decision_id():
    ids = {client.post("/v1/check", json=BANK).json()["decision_id"] for _ in range(5)}
    batch = client.post("/v1/check/batch", json={"items": [BANK] * 5}).json()["verdicts"]
    ids |= {v["decision_id"] for v in batch}
    assert len(ids) == 10


def test_a_description_is_checked_with_what_was_read_from_it():
    text = "A mainland bank opens accounts and moves funds for a cryptocurrency exchange"
    served = client.post("/v1/check", json={"text": text}).json()
    described = json.loads(regnotice.describe(text).model_dump_json())
    assert served["described"] == described
    assert served["outcome"] == "prohibited" and served["activity"]["actions"] == ["account-opening", "fund-transfer"]


@pytest.mark.parametrize(
    "body, status, slug, member, expected",
    [
        ({"actor": "bank", "actions": ["acount opening"]}, 422, "unknown-term", "suggestions", ["account opening", "account-opening", "account opening services"]),
        ({"actor": "bank", "object": "bitcon"}, 422, "unknown-term", "suggestions", ["Bitcoin"]),
        ({"actor": "zzzz"}, 422, "unknown-term", "suggestions", []),
        ({"actor": 5}, 422, "validation-error", "errors", [{"detail": "Input should be a valid string", "pointer": "/actor", "type": "string_type"}]),
        ({"actor": "bank", "colour": "red"}, 422, "validation-error", "errors", [{"detail": "Extra inputs are not permitted", "pointer": "/colour", "type": "extra_forbidden"}]),
        ({"actor": "bank", "actions": ["custody", 3]}, 422, "validation-error", "errors", [{"detail": "Input should be a valid string", "pointer": "/actions/1", "type": "string_type"}]),
        ({"text": "Opens accounts for crypto exchanges"}, 422, "invalid-activity", "needs", ["actor"]),
        ({"actor": "bank", "actions": ["custody"] * (MAX_TERMS + 1)}, 422, "invalid-activity", None, None),
        ({"text": "a bank " * 1000}, 422, "validation-error", None, None),
        ([BANK], 422, "validation-error", None, None),
        (None, 422, "validation-error", None, None),
    ],
)
def test_a_bad_activity_is_a_problem(body, status, slug, member, expected):
    problem = problem_of(client.post("/v1/check", json=body), status, slug)
    if member == "suggestions" and expected:
        assert set(expected) <= set(problem[member]) and all(w in problem["detail"] for w in expected)
    elif member is not None:
        assert problem[member] == expected


@pytest.mark.parametrize("content", [b"{", b"\xff\xfe", b'{"actor": "bank",}', b"[" * 100_000])
def test_a_body_that_is_not_json_is_a_malformed_body(content):
    body = problem_of(client.post("/v1/check", content=content, headers={"content-type": "application/json"}), 400, "malformed-body")
    assert body["detail"].startswith("the body is not JSON")


def test_a_batch_gives_one_verdict_per_item_in_order():
    cases = [case_input(p) for p in CASES]
    items = (cases * 4)[:100]
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200, response.text
    verdicts = response.json()["verdicts"]
    assert len(verdicts) == 100
    one_by_one = [without_receipt(client.post("/v1/check", json=item).json()) for item in items]
    assert [without_receipt(v) for v in verdicts] == one_by_one
    assert len({v["decision_id"] for v in verdicts}) == 100


@pytest.mark.parametrize(
    "items, slug, pointer",
    [
        ([BANK, BANK, {"actor": "bank", "actions": ["acount opening"]}], "unknown-term", "/items/2"),
        ([BANK, {"actor": 5}], "validation-error", "/items/1/actor"),
        ([BANK, {"text": "Opens accounts for crypto exchanges"}], "invalid-activity", "/items/1"),
        ([BANK] * (MAX_BATCH + 1), "validation-error", "/items"),
    ],
)
def test_an_item_that_cannot_be_checked_fails_the_batch_and_is_pointed_at(items, slug, pointer):
    body = problem_of(client.post("/v1/check/batch", json={"items": items}), 422, slug)
    assert body["errors"][0]["pointer"] == pointer


# ---------------------------------------------------------------------------- screen


@pytest.mark.parametrize(
    "text, field",
    [
        ("Acme Stablecoin & RWA-backed Crypto-Assets Ltd", "name"),
        ("Rwanda Forward Trading Ltd", "name"),
        ("buy crypto assets here", "ad"),
        ("技术开发；虚拟货币交易", "business_scope"),
        ("Сrypto Ltd", "name"),
    ],
)
def test_a_screen_is_the_librarys(text, field):
    served = client.post("/v1/screen", json={"text": text, "field": field}).json()
    assert served == {"text": text, "field": field, "hits": [h.to_dict() for h in regnotice.screen(text, field)]}


def test_a_bad_screen_field_is_a_problem():
    body = problem_of(client.post("/v1/screen", json={"text": "x", "field": "business-scope"}), 422, "validation-error")
    assert body["errors"][0]["pointer"] == "/field"


def test_a_streamed_screen_answers_every_line_in_order_and_a_bad_line_in_its_place():
    body = ndjson(
        {"text": "Acme Stablecoin Ltd"},
        {"text": "Acme Ltd"},
        b"\n",
        b"not json\n",
        {"name": "no text key"},
        {"text": "RWA Media", "field": "ad"},
        {"text": "x", "field": "nope"},
        b"\xff\xfe\n",
        b"[1, 2]\r\n",
        b'{"text": "stable coin"}',  # no newline at the end
    )
    lines = stream_lines(client.post("/v1/screen/batch", content=body, headers={"content-type": "application/x-ndjson"}))
    assert [line["line"] for line in lines] == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    compact = lambda text, field="name": [h.to_dict(quotes=False) for h in regnotice.screen(text, field)]  # noqa: E731
    assert lines[0]["hits"] == compact("Acme Stablecoin Ltd") and lines[0]["hits"]
    assert lines[1]["hits"] == []
    assert lines[4]["hits"] == compact("RWA Media", "ad") and lines[4]["hits"][0]["rule_id"] == "yinfa-2026-42/7/1"
    assert lines[8]["hits"] == compact("stable coin")
    errors = {line["line"]: line["error"] for line in lines if "error" in line}
    assert {n: e["type"].rsplit(":", 1)[1] for n, e in errors.items()} == {
        4: "malformed-body",
        5: "validation-error",
        7: "validation-error",
        8: "malformed-body",
        9: "malformed-body",
    }
    assert "missing key 'text'" in errors[5]["detail"] and "unknown field 'nope'" in errors[7]["detail"]


def test_a_streamed_screen_reads_the_clis_rows_and_flags_what_the_cli_flags(tmp_path):
    names = ["Acme Stablecoin Ltd", "Beta Trading", "RWA Capital", "Сrypto Ltd", "Gamma", "virtual-currency exchange"]
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(ndjson(*({"name": n} for n in names)))
    cli = runner.invoke(cli_app, ["screen", "--input", str(rows)])
    flagged = [json.loads(line) for line in cli.stdout.splitlines()]
    served = stream_lines(client.post("/v1/screen/batch?column=name", content=rows.read_bytes()))
    assert [line["line"] for line in served] == list(range(1, len(names) + 1))
    assert [{"line": s["line"], "hits": s["hits"]} for s in served if s["hits"]] == [{"line": f["line"], "hits": f["hits"]} for f in flagged]


def test_a_streamed_screen_is_the_same_whatever_the_chunks():
    body = ndjson(*({"text": f"Acme {word} Ltd"} for word in ["Stablecoin", "Farm", "RWA", "稳定币", "crypto-asset"] * 20))
    whole = client.post("/v1/screen/batch", content=body).text
    in_bytes = client.post("/v1/screen/batch", content=(body[i : i + 1] for i in range(len(body)))).text
    in_sevens = client.post("/v1/screen/batch", content=(body[i : i + 7] for i in range(0, len(body), 7))).text
    assert whole == in_bytes == in_sevens and whole.count("\n") == 100


def test_a_streamed_line_over_the_cap_is_an_error_in_its_place_and_the_stream_is_not_capped():
    small = TestClient(create_app(max_body=100))
    long_line = {"text": "Stablecoin " * 50}
    body = ndjson({"text": "RWA"}, long_line, {"text": "RWA"}) + ndjson(*([{"text": "Acme Ltd"}] * 200))
    assert len(body) > 100 * 20
    for content in (body, (body[i : i + 13] for i in range(0, len(body), 13))):
        lines = stream_lines(small.post("/v1/screen/batch", content=content))
        assert len(lines) == 203
        assert lines[1]["error"]["type"] == "urn:regnotice:problem:body-too-large"
        assert lines[0]["hits"] and lines[2]["hits"] and "error" not in lines[2]
    last = stream_lines(small.post("/v1/screen/batch", content=ndjson({"text": "ok"}) + json.dumps(long_line).encode()))
    assert last[1]["line"] == 2 and last[1]["error"]["status"] == 413


def test_an_empty_stream_has_an_empty_answer():
    assert stream_lines(client.post("/v1/screen/batch", content=b"")) == []


# ---------------------------------------------------------------------------- the body cap


@pytest.fixture(scope="module")
def capped():
    return TestClient(create_app(max_body=64))


def test_a_body_over_the_cap_is_refused_whether_it_declares_its_length_or_not(capped):
    over = json.dumps({"actor": "bank", "name": "x" * 64}).encode()
    declared = capped.post("/v1/check", content=over, headers={"content-type": "application/json"})
    chunked = capped.post("/v1/check", content=iter([over[:30], over[30:]]), headers={"content-type": "application/json"})
    for response in (declared, chunked):
        body = problem_of(response, 413, "body-too-large")
        assert body["limit"] == 64 and "64 bytes" in body["detail"]
        assert response.headers["x-regnotice-notice"] == "yinfa-2026-42"


def test_a_body_at_the_cap_is_read(capped):
    body = json.dumps({"actor": "bank", "actions": "custody", "object": "RWA"}).encode()
    body += b" " * (64 - len(body))
    assert capped.post("/v1/check", content=body, headers={"content-type": "application/json"}).status_code == 200


@pytest.mark.parametrize("max_body", [0, -1, 1.5, True, "1"])
def test_the_cap_is_a_positive_number_of_bytes(max_body):
    with pytest.raises(RegnoticeError, match="max_body"):
        create_app(max_body=max_body)


# ---------------------------------------------------------------------------- other rules


def test_a_rule_file_is_served_with_its_own_hash(tmp_path):
    path = edited_rule_file(tmp_path, lambda data: data["rules"].pop(0))
    served = TestClient(create_app(path))
    response = served.post("/v1/check", json=BANK)
    expected = regnotice.check(path, BANK)
    assert without_receipt(response.json()) == verdict_data(expected)
    assert response.headers["x-regnotice-rules-hash"] == expected.rules_hash != HEADERS["x-regnotice-rules-hash"]
    assert len(served.get("/v1/rules").json()) == len(RULES.rules) - 1
    assert served.get("/v1/clauses/IX").json() == client.get("/v1/clauses/IX").json()  # the bundled notice's clauses


def test_a_notice_is_served_with_its_own_clauses_and_rules():
    served = TestClient(create_app(NOTICE))
    assert served.get("/v1/clauses/（九）").json() == client.get("/v1/clauses/IX").json()
    assert served.get("/v1/rules?clause=XIII").json() == client.get("/v1/rules?clause=XIII").json()
    assert served.post("/v1/check", json=BANK).headers["x-regnotice-rules-hash"] == HEADERS["x-regnotice-rules-hash"]


def test_the_committed_rule_file_is_served_as_the_bundled_rules():
    served = TestClient(create_app(RULE_FILE))
    assert served.post("/v1/check", json=BANK).json()["outcome"] == "prohibited"
    assert served.get("/v1/rules").json() == client.get("/v1/rules").json()


def test_the_rules_of_another_notice_have_no_clauses_but_their_rules_are_filtered(tmp_path):
    def other(data):
        data["notice"] = "other-2030-1"
        for rule in data["rules"]:
            rule["id"] = rule["id"].replace("yinfa-2026-42", "other-2030-1")

    served = TestClient(create_app(edited_rule_file(tmp_path, other)))
    problem_of(served.get("/v1/clauses"), 404, "clauses-unavailable")
    problem_of(served.get("/v1/clauses/IX"), 404, "clauses-unavailable")
    problem_of(served.get("/v1/clauses/abc"), 400, "invalid-reference")
    assert [r["clause"] for r in served.get("/v1/rules?clause=XIII").json()] == [13, 13]
    problem_of(served.get("/v1/rules?clause=99"), 404, "unknown-clause")
    assert served.get("/v1/vocab").headers["x-regnotice-notice"] == "other-2030-1"


def test_rules_that_list_no_terms_cannot_screen(tmp_path):
    def drop_terms(data):
        data["rules"] = [r for r in data["rules"] if not r.get("terms")]

    served = TestClient(create_app(edited_rule_file(tmp_path, drop_terms)))
    problem_of(served.post("/v1/screen", json={"text": "RWA"}), 501, "not-available")
    problem_of(served.post("/v1/screen/batch", content=ndjson({"text": "RWA"})), 501, "not-available")
    assert served.post("/v1/check", json=BANK).status_code == 200


def test_a_rule_file_that_cannot_be_read_fails_when_the_app_is_built(tmp_path):
    with pytest.raises(RuleFileError):
        create_app(tmp_path / "missing.yaml")


def test_a_failure_inside_is_a_problem_with_the_headers_and_no_traceback(monkeypatch):
    app = create_app()

    def broken(item):
        raise RuntimeError("a bug")

    monkeypatch.setattr(app.state.service, "decide", broken)
    response = TestClient(app, raise_server_exceptions=False).post("/v1/check", json=BANK)
    body = problem_of(response, 500, "internal-error")
    assert "a bug" not in response.text
    assert response.headers["x-regnotice-rules-hash"] == HEADERS["x-regnotice-rules-hash"]
    assert body["detail"].startswith("the server failed")


# ---------------------------------------------------------------------------- the OpenAPI document

DOCUMENT = client.get("/openapi.json").json()
OPERATIONS = [(path, method, op) for path, ops in DOCUMENT["paths"].items() for method, op in ops.items()]


def test_the_document_declares_the_error_model_for_400_404_413_and_422():
    declared = {status for _, _, op in OPERATIONS for status in op["responses"] if status.startswith("4")}
    assert {"400", "404", "413", "422"} <= declared
    for path, method, op in OPERATIONS:
        for status, response in op["responses"].items():
            if status[0] in "45":
                assert response["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}, (path, method, status)
    problem = DOCUMENT["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem["required"])
    assert {"errors", "suggestions", "needs", "limit"} <= set(problem["properties"])
    assert all(f"urn:regnotice:problem:{slug}" in DOCUMENT["info"]["description"] for slug in PROBLEM_TYPES)
    assert "1,048,576 bytes" in DOCUMENT["info"]["description"]


def test_the_document_declares_the_headers_of_every_response_and_the_decision_id():
    for path, method, op in OPERATIONS:
        for response in op["responses"].values():
            assert set(response["headers"]) == {"X-Regnotice-Notice", "X-Regnotice-Rules-Hash", "X-Regnotice-Version"}, (path, method)
    decision = DOCUMENT["components"]["schemas"]["Decision"]
    assert decision["properties"]["decision_id"]["format"] == "uuid" and "decision_id" in decision["required"]


def test_the_document_lists_every_endpoint():
    assert {(path, method) for path, method, _ in OPERATIONS} == {
        ("/v1/clauses", "get"),
        ("/v1/clauses/{ref}", "get"),
        ("/v1/rules", "get"),
        ("/v1/check", "post"),
        ("/v1/check/batch", "post"),
        ("/v1/screen", "post"),
        ("/v1/screen/batch", "post"),
        ("/v1/vocab", "get"),
    }


@schemathesis.serializer("application/x-ndjson")
def _ndjson_lines(ctx, value):
    return ndjson(value)


# Schema-valid requests the API refuses on purpose: an unknown word (422: the vocabulary is
# open, synonyms and inflections included, so no schema lists it), a clause reference in no
# numbering (400). A body over the cap is refused with 413 whatever the schema says. The
# streamed screen answers a bad line in the stream, so it is not held to refuse one.
CONTRACT = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 25},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "422"]},
            "negative_data_rejection": {"expected-statuses": ["400", "404", "405", "413", "415", "422"]},
        },
    }
)
contract = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONTRACT)


@contract.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_openapi_contract(case):
    """No 500, and every answer (status, media type, headers, body) as the document says."""
    excluded = [negative_data_rejection] if case.operation.path == "/v1/screen/batch" else []
    case.call_and_validate(excluded_checks=excluded)


# ---------------------------------------------------------------------------- the CLI


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi now fails
    result = runner.invoke(cli_app, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert 'pip install "regnotice[web]"' in result.output and "Traceback" not in result.output


def test_serve_caps_bodies_as_the_app_does_by_default():
    from regnotice.cli import serve_command
    from regnotice.server import DEFAULT_MAX_BODY

    assert inspect.signature(serve_command).parameters["max_body"].default == DEFAULT_MAX_BODY


def test_serve_on_an_address_in_use_fails_at_once_with_exit_3():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli_app, ["serve", "--port", str(port)])
    assert result.exit_code == 3
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


@pytest.mark.parametrize("args, words", [(["--rules", "/nonexistent/rules.yaml"], "rules.yaml"), (["--host", "no such host."], "cannot listen")])
def test_serve_with_bad_input_exits_2(args, words):
    result = runner.invoke(cli_app, ["serve", "--port", "0", *args])
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_serve_listens_on_a_tcp_socket_that_asyncio_sets_nodelay_on(monkeypatch):
    """A socket made with proto 0 gets no TCP_NODELAY from asyncio, and every response
    after the first on a connection then waits 40 ms for the client's delayed ACK."""
    import uvicorn

    from regnotice.server import serve

    seen = {}

    def run(self, sockets=None):
        seen["sockets"] = [(s.family, s.type, s.proto, s.getsockname()[0]) for s in sockets]
        seen["app"] = self.config.app

    monkeypatch.setattr(uvicorn.Server, "run", run)
    serve("127.0.0.1", 0)
    assert seen["sockets"] == [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "127.0.0.1")]
    assert TestClient(seen["app"]).get("/v1/clauses/IX").status_code == 200
