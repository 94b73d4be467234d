"""Tag accuracy on real texts and on the dev site, beside two keyword baselines from the same run.

Sets (each scored when present):

- ``real``: ``../shared/tags/real_texts_dev.jsonl``, 51 real advice texts labelled by hand to the spec
  in ``../shared/tags/README.md``. Third-party text, not redistributed: it is read from the shared
  folder and never copied into the repository; the script says so and skips it when it is absent.
  ``--halves`` adds its two halves (odd / even ids): figures that differ much between the halves
  point to rules keyed to single texts.
- ``dev site``: the articles of ``tests/fixtures/dev_site/gold.jsonl`` (gold title + main text), scored
  against the gold as shipped and against the gold read by the spec: the site's labels predate the
  spec and disagree with it on 13 (page, label) pairs, each listed with the sentence and the spec rule
  in ``tests/fixtures/tags/dev_site_by_spec.jsonl`` (the borrower calling customer service labelled
  电话, a threatened visit or an SMS kept as evidence not labelled ...).

Systems, all on the same texts:

- ``cuishou``: ``transform.tags.tag_document``.
- ``word match``: a label is given when its label word or a synonym occurs (``WORD_MATCH``).
- ``keyword table``: a table of the spec's cue words per label (``KEYWORD_TABLE``, the same
  vocabulary); a label is given when its keywords occur at least k times, k chosen per facet as
  the best on the very set being scored (an optimistic, tuned peer).

Printed: P/R/F1 per facet and per label for the three systems, then cuishou's errors, each with the
cue words behind it (``tag_evidence``) and, for misses, the words of the keyword table that occur.

    uv run python benchmarks/tags.py [--real ../shared/tags/real_texts_dev.jsonl] [--halves] [--errors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scoring import prf  # noqa: E402
from cuishou.extract.script import fold  # noqa: E402
from cuishou.transform.tags import FACETS, tag_document  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REAL = ROOT.parent / "shared" / "tags" / "real_texts_dev.jsonl"
DEV_SITE_GOLD = ROOT / "tests" / "fixtures" / "dev_site" / "gold.jsonl"
DEV_SITE_BY_SPEC = ROOT / "tests" / "fixtures" / "tags" / "dev_site_by_spec.jsonl"
LABELS = {facet: [rule.label for rule in rules] for facet, rules in FACETS.items()}

# "The label word or a synonym occurs": the baseline the issue measured against.
WORD_MATCH: dict[str, str] = {
    "微粒贷": "微粒贷", "借呗": "借呗", "花呗": "花呗", "信用卡": "信用卡", "网贷": "网贷|网络贷款|网络借贷",
    "上门": "上门|外访|走访", "电话": "电话|来电|致电", "短信": "短信",
    "法律权益": "法律|权益", "协商还款": "协商|分期", "投诉举报": "投诉|举报", "征信影响": "征信",
    "催收合规": "合规|违规|违法", "核实身份": "身份", "保留证据": "证据|录音|截图", "报警": "报警|110|报案",
}

# The spec's cue words per label (shared/tags/README.md), as a peer would write them down.
KEYWORD_TABLE: dict[str, str] = {
    "微粒贷": "微粒贷", "借呗": "借呗", "花呗": "花呗", "信用卡": "信用卡",
    "网贷": "网贷|网络贷款|网络借贷|网贷平台|校园网贷",
    "上门": "上门|外访|走访|家访|登门", "电话": "电话|来电|通话|拨打|致电|电联", "短信": "短信|信息轰炸",
    "法律权益": "法律|法规|民法典|刑法|律师|法院|起诉|诉讼|合法权益|违法|犯罪|法律援助|刑事|民事",
    "协商还款": "协商|分期|延期|停息挂账|个性化分期|还款计划|还款方案|减免|展期",
    "投诉举报": "投诉|举报|12378|银保监|金融监管|互联网金融协会|12321|黑猫",
    "征信影响": "征信|逾期记录|信用报告|信用记录|不良记录",
    "催收合规": "合规|违规|不得|禁止|暴力催收|骚扰|威胁|恐吓|第三方|隐私|紧急联系人",
    "核实身份": "核实|工作证|工号|委托书|授权书|真伪|真假|真实性|身份",
    "保留证据": "证据|录音|截图|保存|留存",
    "报警": "报警|110|报案|公安|警方|派出所",
}
KEYWORD_MAX_K = 5


def load_real(path: Path) -> list[dict] | None:
    """The real texts as ``{id, title, text, products, channels, topics}``, or None when absent."""
    if not path.is_file():
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": r["id"], "title": None, "text": r["text"], **{f: r[f] for f in FACETS}} for r in rows]


def load_dev_site(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        {"id": r["url"], "title": r["title"], "text": r["main_text"], **r["expected_tags"]}
        for r in rows if r["kind"] == "article"
    ]


def read_by_spec(docs: list[dict], corrections: Path = DEV_SITE_BY_SPEC) -> list[dict]:
    """``docs`` with each listed (page, facet, label) set to what the spec says."""
    fixed = {doc["id"]: {facet: list(doc[facet]) for facet in FACETS} for doc in docs}
    for line in corrections.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels = fixed[row["url"]][row["facet"]]
        if row["spec"] and row["label"] not in labels:
            labels.append(row["label"])
        elif not row["spec"] and row["label"] in labels:
            labels.remove(row["label"])
    return [doc | fixed[doc["id"]] for doc in docs]


def word_match(doc: dict) -> dict[str, list[str]]:
    text = fold(f"{doc['title'] or ''}\n{doc['text']}")
    return {
        facet: [label for label in labels if re.search(WORD_MATCH[label], text)] for facet, labels in LABELS.items()
    }


def keyword_counts(doc: dict) -> dict[str, int]:
    text = fold(f"{doc['title'] or ''}\n{doc['text']}")
    return {label: len(re.findall(pattern, text)) for label, pattern in KEYWORD_TABLE.items()}


def keyword_table(docs: list[dict]) -> tuple[dict[str, dict[str, list[str]]], dict[str, int]]:
    """Predictions of the keyword table with its best k per facet on ``docs``, and those k."""
    counts = {doc["id"]: keyword_counts(doc) for doc in docs}
    best: dict[str, int] = {}
    for facet, labels in LABELS.items():
        def f1(k: int, labels=labels, facet=facet) -> float:
            got = {(d["id"], label) for d in docs for label in labels if counts[d["id"]][label] >= k}
            return prf(got, {(d["id"], label) for d in docs for label in d[facet]})[2]
        best[facet] = max(range(1, KEYWORD_MAX_K + 1), key=f1)
    predicted = {
        doc_id: {facet: [label for label in labels if c[label] >= best[facet]] for facet, labels in LABELS.items()}
        for doc_id, c in counts.items()
    }
    return predicted, best


def cuishou(doc: dict) -> dict:
    tags = tag_document(doc["text"], doc["title"])
    return {facet: getattr(tags, facet) for facet in FACETS} | {"evidence": tags.evidence}


def pairs(docs: list[dict], predicted: dict[str, dict], facet: str, label: str | None = None) -> tuple[set, set]:
    keep = (lambda lab: lab == label) if label else (lambda lab: True)
    got = {(d["id"], lab) for d in docs for lab in predicted[d["id"]][facet] if keep(lab)}
    gold = {(d["id"], lab) for d in docs for lab in d[facet] if keep(lab)}
    return got, gold


def score_rows(docs: list[dict], systems: dict[str, dict[str, dict]]) -> list[tuple[str, str, list[tuple]]]:
    """(facet, label or '', [(P, R, F1) per system]) for each facet, then each label."""
    rows = []
    for facet, labels in LABELS.items():
        rows.append((facet, "", [prf(*pairs(docs, pred, facet)) for pred in systems.values()]))
        for label in labels:
            rows.append((facet, label, [prf(*pairs(docs, pred, facet, label)) for pred in systems.values()]))
    return rows


def print_table(name: str, docs: list[dict], systems: dict[str, dict[str, dict]], per_label: bool = True) -> None:
    print(f"\n## {name} ({len(docs)} texts)\n")
    head = "".join(f" | {system:^20}" for system in systems)
    print(f"{'facet / label':18}{head}")
    print(f"{'':18}" + " | P     R     F1   " * len(systems))
    for facet, label, figures in score_rows(docs, systems):
        if label and not per_label:
            continue
        cells = "".join(f" | {p:.3f} {r:.3f} {f:.3f}" for p, r, f in figures)
        print(f"{('  ' + label) if label else facet.upper():18}{cells}")


def print_errors(docs: list[dict], predicted: dict[str, dict]) -> None:
    print("\ncuishou errors (FP: the cues that assigned it; FN: keyword-table words present)")
    for doc in docs:
        got, counts = predicted[doc["id"]], keyword_counts(doc)
        text = fold(f"{doc['title'] or ''}\n{doc['text']}")
        for facet in FACETS:
            for label in sorted(set(got[facet]) - set(doc[facet])):
                print(f"  {doc['id']:10} FP {facet}:{label}  cues {got['evidence'][f'{facet}:{label}']}")
            for label in sorted(set(doc[facet]) - set(got[facet])):
                words = sorted(set(re.findall(KEYWORD_TABLE[label], text))) if counts[label] else []
                print(f"  {doc['id']:10} FN {facet}:{label}  words {words}")


def evaluate(name: str, docs: list[dict], show_errors: bool, per_label: bool = True) -> None:
    ours = {d["id"]: cuishou(d) for d in docs}
    table, best_k = keyword_table(docs)
    systems: dict[str, dict[str, dict]] = {
        "cuishou": ours,
        "word match": {d["id"]: word_match(d) for d in docs},
        "keyword table": table,
    }
    print_table(name, docs, systems, per_label)
    print(f"(keyword table: best k per facet on this set: {best_k})")
    if show_errors:
        print_errors(docs, ours)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL, help="the real labelled texts (jsonl)")
    parser.add_argument("--dev-site", type=Path, default=DEV_SITE_GOLD, help="the dev site's gold.jsonl")
    parser.add_argument("--halves", action="store_true", help="also score the odd and even halves of the real set")
    parser.add_argument("--errors", action="store_true", help="list cuishou's errors with their cue words")
    args = parser.parse_args(argv)
    real = load_real(args.real)
    if real is None:
        print(f"real texts: {args.real} not found; skipped (the set is not redistributed with the project)")
    else:
        print(f"real texts: {args.real}")
        evaluate("real texts", real, args.errors)
        if args.halves:
            odd = [d for d in real if int(re.sub(r"\D", "", d["id"])) % 2]
            even = [d for d in real if not int(re.sub(r"\D", "", d["id"])) % 2]
            evaluate("real texts, odd half", odd, False, per_label=False)
            evaluate("real texts, even half", even, False, per_label=False)
    dev_site = load_dev_site(args.dev_site)
    evaluate("dev site, gold as shipped", dev_site, False, per_label=False)
    evaluate("dev site, gold read by the spec", read_by_spec(dev_site), args.errors)


if __name__ == "__main__":
    main()
