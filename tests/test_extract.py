"""Rule extraction: the seed's rules, and sentences in phrasings the seed does not use."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

import regnotice
from regnotice._extract import extract_sentence, split_list
from regnotice.models import DocNumber

NOTICE = regnotice.load()
RULES = regnotice.extract(NOTICE).rules
SOURCE = NOTICE.text
OFFSET = NOTICE.span.start


def rules(ref, kind=None):
    ordinal = NOTICE.clause(ref).ordinal
    return [r for r in RULES if r.clause == ordinal and (kind is None or r.kind == kind)]


def ids(facts):
    return [f.id for f in facts]


def texts(extracts):
    return [e.text for e in extracts]


def refs(extracts):
    return [e.ref for e in extracts]


# ----------------------------------------------------------------------- the seed


def test_clause_1_definition_of_virtual_currency():
    (definition,) = rules("I", "definition")
    assert definition.term.text == "Virtual currencies"
    assert texts(definition.examples) == ["Bitcoin", "Ether", "Tether"]


def test_clause_1_six_activities_prohibited_inside_the_territory():
    prohibition = next(r for r in rules("I", "prohibition") if len(r.activities) == 6)
    assert prohibition.territory.id == "domestic"
    assert texts(prohibition.activities)[0] == "The exchange of fiat currency and virtual currency within the territory"
    assert texts(prohibition.activities)[-1] == "trading of virtual currency-related financial products"
    assert "across-the-board" in ids(prohibition.qualifiers)
    assert ids(prohibition.actions) == ["exchange", "central-counterparty", "trading", "information-intermediary", "pricing", "token-issuance-financing"]


def test_clause_1_overseas_entities_and_the_rmb_stablecoin():
    overseas, stablecoin = (r for r in rules("I", "prohibition") if r.bearers and r.bearers[0].ref)
    assert refs(overseas.bearers) == ["overseas-entity"]
    assert "domestic entities" in overseas.activities[0].text
    assert refs(stablecoin.bearers) == ["any-unit-or-individual"]
    assert ids(stablecoin.objects) == ["rmb-pegged-stablecoin"] and stablecoin.territory.id == "overseas"
    assert ids(overseas.served) == ["domestic-entity"] and ids(overseas.actions) == ["service"]
    (exception,) = [r for r in rules("I", "exception") if r.id in stablecoin.exceptions]
    assert [c.kind for c in exception.conditions] == ["consent"]
    assert exception.conditions[0].authority.ref == "relevant-departments"


def test_clause_2_definition_and_the_prohibition_excepted_by_approval_and_infrastructure():
    (definition,) = rules("II", "definition")
    assert definition.term.text == "Tokenization of Real-World Assets"
    prohibition = rules("II", "prohibition")[0]
    (exception,) = rules("II", "exception")
    assert exception.applies_to == (prohibition.id,) and prohibition.exceptions == (exception.id,)
    assert exception.mode == "all_of"
    assert [c.kind for c in exception.conditions] == ["approval", "reliance"]
    assert exception.conditions[0].authority.text == "competent authorities"
    assert "specific financial infrastructures" in exception.conditions[1].text


@pytest.mark.parametrize(("index", "lead"), [(0, "pboc"), (1, "csrc")])
def test_clause_3_two_responsibilities(index, lead):
    responsibility = rules("III", "responsibility")[index]
    assert refs(responsibility.lead) == [lead]
    assert len(responsibility.participants) == 8 and all(refs(responsibility.participants))
    assert refs(responsibility.coordinators) == ["cac", "spc", "spp"]
    assert responsibility.duties[0].text == "improve the work mechanism"


def test_clause_6_three_prohibitions():
    first, second, third = rules(6, "prohibition")
    assert refs(first.bearers) == ["financial-institution", "non-bank-payment-institution"]
    assert texts(first.activities) == [
        "providing account opening, fund transfer, and clearing services for virtual currency-related business activities",
        "issuing and selling financial products related to virtual currency",
        "including virtual currency and related financial products in the scope of collateral",
        "conducting insurance business related to virtual currency",
        "including virtual currency in the scope of insurance liability",
    ]
    assert "unauthorized" in ids(second.qualifiers) and ids(second.objects) == ["rwa-tokenization"]
    assert ids(first.actions) == ["account-opening", "fund-transfer", "clearing", "issuance", "sale", "collateral", "insurance"]
    assert ids(second.actions) == ["custody", "clearing", "settlement"]
    assert refs(third.bearers) == ["intermediary", "it-service-provider"]


def test_clause_8_registration_terms_as_data():
    (prohibition,) = rules(8, "prohibition")
    assert refs(prohibition.bearers) == ["business-registration"]
    terms = prohibition.terms
    assert terms == ("virtual currency", "virtual asset", "cryptocurrency", "crypto asset", "stablecoin", "real-world asset tokenization", "RWA")


def test_clause_9_mining():
    new_projects, machines = rules("IX", "prohibition")
    assert texts(new_projects.activities) == ["new mining projects"]
    assert refs(machines.bearers) == ["mining-machine-producer"]
    assert machines.territory.id == "domestic" and machines.territory.text == "within the country"
    assert ids(machines.actions) == ["sale", "service"] and ids(machines.objects) == ["mining-machine"]
    assert ids(new_projects.actions) == ["mining"]
    titles = [r.title.text for r in rules("IX", "reference")]
    assert titles == ["Notice on the Rectification of Virtual Currency Mining Activities", "Guidance Catalog for Industrial Structure Adjustment (2024 Edition)"]


def test_clauses_13_and_14_exceptions_and_domestic_equity():
    (exception13,) = rules("XIII", "exception")
    assert [c.kind for c in exception13.conditions] == ["approval"]
    (exception14,) = rules("XIV", "exception")
    assert [c.kind for c in exception14.conditions] == ["consent", "filing"]
    assert exception14.mode == "all_of"
    definition = next(r for r in rules("XIV", "definition"))
    assert definition.term.text == "domestic equity"
    assert definition.meaning.text.startswith("domestic ownership rights, income rights")


def test_clause_18_penalties_and_clause_19_consequence():
    penalties = rules(18, "penalty")
    assert [p.criminal for p in penalties] == [False, True, False, True]
    (consequence,) = rules(19, "consequence")
    assert texts(consequence.results) == [
        "the relevant civil legal actions shall be invalid",
        "any resulting losses shall be borne by them",
    ]


def test_closing_repeal_and_entry_into_force():
    closing = [r for r in RULES if r.clause == 0]
    (repeal,) = [r for r in closing if r.kind == "repeal"]
    assert repeal.repealed == (DocNumber(prefix="Yinfa", year=2021, seq=237),)
    (entry,) = [r for r in closing if r.kind == "entry_into_force"]
    assert entry.when.text == "upon the date of its issuance"


def test_every_rule_and_part_is_traceable():
    def check(node):
        if hasattr(node, "span") and hasattr(node, "text") and not hasattr(node, "quote"):
            assert SOURCE[node.span.start - OFFSET : node.span.end - OFFSET] == node.text, node
        for value in node.__dict__.values() if hasattr(node, "__dict__") else ():
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, BaseModel):
                    check(item)

    for rule in RULES:
        assert SOURCE[rule.span.start - OFFSET : rule.span.end - OFFSET] == rule.quote
        check(rule)


def test_no_sentence_is_dropped():
    covered = {r.span.start for r in RULES}
    for clause in NOTICE.clauses:
        for sentence in clause.sentences:
            assert sentence.span.start in covered, sentence.text


def test_rule_ids_are_stable_and_unique():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert ids[0] == "yinfa-2026-42/1/1"
    assert all(i.startswith("yinfa-2026-42/") for i in ids)


# ------------------------------------------------------------ phrasings not in the seed

# (sentence, kind of the first rule, {field: expected texts or refs})
NOVEL = [
    ("Banks are prohibited from opening accounts for crypto exchanges, issuing stablecoins, or offering custody services.",
     "prohibition", {"activities": ["opening accounts for crypto exchanges", "issuing stablecoins", "offering custody services"],
                     "bearers.ref": ["financial-institution"], "actions.id": ["account-opening", "issuance", "custody"],
                     "objects.id": ["stablecoin"], "served.id": ["virtual-currency-platform"]}),
    ("Overseas trading platforms shall not offer bitcoin trading services to mainland users through the internet.",
     "prohibition", {"actions.id": ["trading"], "objects.id": ["bitcoin"], "served.id": ["domestic-entity"]}),
    ("Mining machine makers may not sell mining rigs in China.",
     "prohibition", {"bearers.ref": ["mining-machine-producer"], "actions.id": ["sale"], "objects.id": ["mining-machine"], "territory.id": "domestic"}),
    ("No unit may knowingly help overseas exchanges solicit customers.",
     "prohibition", {"actions.id": ["assistance"], "qualifiers.id": ["knowingly"]}),
    ("Payment institutions may not provide settlement services for virtual currency trading.",
     "prohibition", {"bearers.ref": ["non-bank-payment-institution"]}),
    ("Internet platforms must not publish advertisements for virtual assets.", "prohibition", {"bearers.ref": ["internet-enterprise"]}),
    ("Overseas exchanges are not allowed to solicit domestic customers.", "prohibition", {"activities": ["solicit domestic customers"]}),
    ("No financial institution may hold virtual currency as collateral.", "prohibition", {"bearers.ref": ["financial-institution"]}),
    ("It is prohibited for any unit or individual to organize virtual currency mining.",
     "prohibition", {"bearers.ref": ["any-unit-or-individual"], "activities": ["organize virtual currency mining"]}),
    ("Intermediaries are forbidden to promote RWA tokens.", "prohibition", {"bearers.ref": ["intermediary"]}),
    ("Token issuance financing, virtual currency lending, and margin trading shall be prohibited.",
     "prohibition", {"activities": ["Token issuance financing", "virtual currency lending", "margin trading"]}),
    ("Without the approval of the People's Bank of China, no institution may issue a stablecoin.",
     "prohibition", {"exception.kinds": ["approval"], "exception.authority": ["pboc"]}),
    ("Without the consent of the competent authorities, domestic entities may not list tokens overseas.",
     "prohibition", {"bearers.ref": ["domestic-entity"], "exception.kinds": ["consent"], "territory.id": "overseas"}),
    ("Issuing asset-backed tokens shall be prohibited, except for pilot projects carried out with the approval of the CSRC.",
     "prohibition", {"exception.kinds": ["approval"], "exception.authority": ["csrc"]}),
    ("Stablecoin refers to a token that maintains a stable value against a fiat currency.",
     "definition", {"term": "Stablecoin", "meaning": "a token that maintains a stable value against a fiat currency"}),
    ("Digital collectibles such as NFTs and game items have the main characteristics of being unique tokens.",
     "definition", {"term": "Digital collectibles", "examples": ["NFTs and game items"]}),
    ("The China Securities Regulatory Commission, together with the State Administration of Foreign Exchange, will supervise overseas listings.",
     "responsibility", {"lead.ref": ["csrc"], "participants.ref": ["safe"], "duties": ["supervise overseas listings"]}),
    ("Local governments are overall responsible for the clean-up of mining farms in their regions.",
     "responsibility", {"lead.ref": ["local-governments"], "scope": "the clean-up of mining farms in their regions"}),
    ("The leading department is the People's Bank of China, with participation from the Ministry of Public Security, in coordination with courts.",
     "responsibility", {"lead.ref": ["pboc"], "participants.ref": ["mps"], "coordinators.ref": ["courts"]}),
    ("The CSRC, the SAFE, and other departments, in accordance with their respective responsibilities, supervise cross-border tokenization.",
     "responsibility", {"lead.ref": ["csrc", "safe", "relevant-departments"]}),
    ("Financial institutions should report suspicious transactions to the anti-money laundering authorities.",
     "obligation", {"bearers.ref": ["financial-institution"], "duties": ["report suspicious transactions to the anti-money laundering authorities"]}),
    ("Violations of this notice shall be punished in accordance with the Anti-Money Laundering Law.", "penalty", {"criminal": False}),
    ("If the conduct constitutes a crime, criminal liability shall be pursued in accordance with the law.", "penalty", {"criminal": True}),
    ("If any institution purchases crypto assets, the resulting contracts shall be invalid.",
     "consequence", {"results": ["the resulting contracts shall be invalid"]}),
    ("The Interim Measures on Token Offerings (Yinfa [2017] No. 99) are hereby repealed.",
     "repeal", {"repealed": [DocNumber(prefix="Yinfa", year=2017, seq=99)]}),
    ("These measures shall take effect on 1 March 2027.", "entry_into_force", {"when": "on 1 March 2027"}),
]


def _field(kind_fields: list, path: str):
    (cls, fields), *rest = kind_fields
    head, _, attr = path.partition(".")
    if head == "exception":
        exception = next(f for c, f in rest if c.__name__ == "ExceptionRule")
        if attr == "kinds":
            return [c.kind for c in exception["conditions"]]
        return [c.authority.ref for c in exception["conditions"]]
    value = fields[head]
    if attr == "ref":
        return [e.ref for e in value]
    if attr == "id":
        return value.id if hasattr(value, "id") else [f.id for f in value]
    if isinstance(value, tuple) and value and hasattr(value[0], "text"):
        return [e.text for e in value]
    return value.text if hasattr(value, "text") else (list(value) if isinstance(value, tuple) else value)


def assert_first_rule(sentence: str, kind: str, expected: dict) -> list:
    """The sentence is accepted, its first rule is of ``kind``, and each path of
    ``expected`` (see ``_field``) holds its value."""
    found = extract_sentence(sentence)
    assert found, "the grammar did not accept the sentence"
    assert found[0][0].model_fields["kind"].default == kind
    for path, value in expected.items():
        assert _field(found, path) == value, path
    return found


@pytest.mark.parametrize(("sentence", "kind", "expected"), NOVEL, ids=[s[:40] for s, _, _ in NOVEL])
def test_novel_phrasings(sentence, kind, expected):
    assert_first_rule(sentence, kind, expected)


def test_at_least_fifteen_novel_phrasings_across_the_kinds():
    assert len(NOVEL) >= 15
    assert {k for _, k, _ in NOVEL} >= {"prohibition", "definition", "responsibility", "obligation", "penalty", "consequence", "repeal", "entry_into_force"}


@pytest.mark.parametrize(
    "sentence",
    ["The weather was fine.", "Virtual currency does not possess legal status.", "Members meet twice a year."],
)
def test_sentences_without_a_pattern_are_not_classified(sentence):
    assert extract_sentence(sentence) == []


# ------------------------------------------------------------------- list splitting

LISTS = [
    ("A, B, and C", "items", ["A", "B", "C"]),
    ("A, B or C, etc.", "items", ["A", "B or C"]),
    ("A as well as B", "items", ["A", "B"]),
    ("providing custody as well as clearing services", "activities", ["providing custody as well as clearing services"]),
    ("apples, pears, etc.", "items", ["apples", "pears"]),
    ('"a," "b," or "c"', "items", ['"a," "b," or "c"']),
    ("X (including Y, Z), W", "items", ["X (including Y, Z)", "W"]),
    ("providing a, b, and c services, issuing d, or including e", "activities", ["providing a, b, and c services", "issuing d", "including e"]),
    ("providing custody, clearing, and settlement services", "activities", ["providing custody, clearing, and settlement services"]),
]


@pytest.mark.parametrize(("text", "kind", "expected"), LISTS)
def test_split_list(text, kind, expected):
    assert [t for t, _ in split_list(text, kind=kind)] == expected


def test_split_list_positions_point_into_the_text():
    text = "alpha, beta, and gamma"
    for item, start in split_list(text, 0):
        assert text[start : start + len(item)] == item


# ------------------------------------------- patterns of older notices and initiatives

# (sentence, kind of the first rule, {field: expected}); phrasings of the 2013, 2017 and
# 2021 notices and of industry initiatives, written here, not copied from them.
PATTERNS = [
    # "Not to ...": a prohibition with no subject, one series of activities
    ("Not to list tokens with equity features; not to offer matching services for collectibles, and not to accept stablecoins as payment.",
     "prohibition", {"bearers": [], "activities": ["list tokens with equity features", "offer matching services for collectibles", "accept stablecoins as payment"]}),
    # an imperative duty, owed by whom the notice addresses
    ("Ensure that customer funds are segregated, educate investors about the risks, and report suspected fraud.",
     "obligation", {"bearers": [], "duties": ["Ensure that customer funds are segregated", "educate investors about the risks", "report suspected fraud"]}),
    ("Resolutely curb speculation in digital collectibles.", "obligation", {"duties": ["Resolutely curb speculation in digital collectibles"]}),
    ("It is necessary to strictly guard against money laundering through token sales.",
     "obligation", {"duties": ["strictly guard against money laundering through token sales"]}),
    ("Prohibit new cryptocurrency mining farms.", "prohibition", {"activities": ["new cryptocurrency mining farms"]}),
    # a condition at the end of the sentence, or in the middle
    ("Payment institutions may not settle token trades without the approval of the People's Bank of China.",
     "prohibition", {"bearers.ref": ["non-bank-payment-institution"], "activities": ["settle token trades"], "exception.kinds": ["approval"], "exception.authority": ["pboc"]}),
    ("Securities firms, without the consent of the CSRC, may not underwrite token offerings.",
     "prohibition", {"bearers": ["Securities firms"], "activities": ["underwrite token offerings"], "exception.kinds": ["consent"], "exception.authority": ["csrc"]}),
    # "..., all strictly prohibited"
    ("Lending stablecoins, selling mining rigs, and promoting token sales, all strictly prohibited.",
     "prohibition", {"activities": ["Lending stablecoins", "selling mining rigs", "promoting token sales"], "actions.id": ["lending", "sale", "marketing", "token-issuance-financing"]}),
    ("Custody of crypto assets and margin trading are all strictly prohibited.", "prohibition", {"activities": ["Custody of crypto assets and margin trading"]}),
    # a reporting lead-in before the rule, with a label or an adverbial before it
    ("The circular also stipulates that insurers may not underwrite mining machines.",
     "prohibition", {"bearers.ref": ["financial-institution"], "activities": ["underwrite mining machines"]}),
    ("[Measures] It is required that, at present, banks may not price loans in Bitcoin, may not hold Ether, and may not act as a central counterparty.",
     "prohibition", {"bearers.ref": ["financial-institution"], "activities": ["price loans in Bitcoin", "hold Ether", "act as a central counterparty"]}),
    # a passive: the subject is what the rule is about, not its bearer
    ("Stablecoins shall not be accepted as payment for goods.",
     "prohibition", {"bearers": [], "activities": ["be accepted as payment for goods"], "objects.id": ["stablecoin"]}),
    ("Mining machines may not be sold to individuals.", "prohibition", {"bearers": [], "objects.id": ["mining-machine"]}),
    # "such as A, B and C" inside an activity: one list of examples
    ("Exchanges may not engage in financial crimes such as unlicensed lending, fraud, and pyramid schemes.",
     "prohibition", {"activities": ["engage in financial crimes such as unlicensed lending, fraud, and pyramid schemes"]}),
]


@pytest.mark.parametrize(("sentence", "kind", "expected"), PATTERNS, ids=[s[:40] for s, _, _ in PATTERNS])
def test_patterns_of_older_notices(sentence, kind, expected):
    assert_first_rule(sentence, kind, expected)


@pytest.mark.parametrize(
    ("sentence", "exceptions"),
    [
        ("Platforms may not run unauthorized token sales.", 1),  # on the activity itself: implies one
        ("Platforms may not commit financial crimes such as unauthorized token sales and fraud.", 0),  # among examples: a qualifier
        ("Platforms may not commit crimes (including unauthorized token sales).", 0),
    ],
)
def test_unauthorized_implies_an_exception_only_on_the_activity_itself(sentence, exceptions):
    found = extract_sentence(sentence)
    assert [q.id for q in found[0][1]["qualifiers"]] == ["unauthorized"]
    assert sum(cls.__name__ == "ExceptionRule" for cls, _ in found) == exceptions


@pytest.mark.parametrize(
    "sentence",
    [
        "Support measures for small firms shall be announced later.",  # "Support" as a noun: no imperative
        "Members are not to blame for the losses.",  # "not to" inside a sentence opens no prohibition
        "The notice stipulates that.",
    ],
)
def test_imperative_and_lead_in_cues_need_their_place(sentence):
    found = extract_sentence(sentence)
    assert not any(cls.__name__ == "Obligation" and not f["bearers"] for cls, f in found)  # no imperative
    assert not any(cls.__name__ == "Prohibition" for cls, _ in found)


# -------------------------------------------------------------------- Chinese sentences

# (sentence, kind of the first rule, {field: expected}); written here in the register of
# the Chinese notices, with no spaces between words.
PATTERNS_ZH = [
    ("金融机构不得为虚拟货币交易提供账户开立服务。", "prohibition", {"bearers.ref": ["financial-institution"], "activities": ["为虚拟货币交易提供账户开立服务"]}),
    ("严禁新建虚拟货币挖矿项目，禁止以任何名义发行代币。", "prohibition", {"bearers": [], "activities": ["新建虚拟货币挖矿项目"]}),
    ("禁止各金融机构、非银行支付机构等为虚拟货币交易提供清算服务。",
     "prohibition", {"bearers.ref": ["financial-institution", "non-bank-payment-institution"], "activities": ["为虚拟货币交易提供清算服务"]}),
    ("各地区要建立工作台账，确保整治落实到位。", "obligation", {"bearers.ref": ["local-governments"], "duties": ["建立工作台账", "确保整治落实到位"]}),
    ("加强对交易平台的监测，及时通报有关情况。", "obligation", {"bearers": [], "duties": ["加强对交易平台的监测", "及时通报有关情况"]}),
    ("对违反规定的机构，依法追究刑事责任。", "penalty", {"criminal": True}),
    ("中国人民银行会同国家发展改革委统筹推进整治工作。", "responsibility", {"lead.ref": ["pboc"]}),
    ("未经中国人民银行批准，任何单位不得发行稳定币。", "prohibition", {"bearers.ref": ["any-unit-or-individual"], "exception.kinds": ["approval"]}),
]


@pytest.mark.parametrize(("sentence", "kind", "expected"), PATTERNS_ZH, ids=[s[:12] for s, _, _ in PATTERNS_ZH])
def test_chinese_sentences(sentence, kind, expected):
    found = assert_first_rule(sentence, kind, expected)
    for cls, fields in found:  # spans point into the sentence
        for value in fields.values():
            for part in value if isinstance(value, tuple) else (value,):
                if hasattr(part, "span") and hasattr(part, "text") and part.span is not None:
                    assert sentence[part.span.start : part.span.end] == part.text


@pytest.mark.parametrize("sentence", ["这是一个重要的问题。", "主要内容如下。", "市场需求持续增长。"])
def test_chinese_words_that_hold_a_cue_character_are_no_cue(sentence):
    assert extract_sentence(sentence) == []  # 重要, 主要, 需求: no "要" or "需" of a duty
