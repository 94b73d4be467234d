"""benchmarks/tags.py runs without the real texts (CI has none), and those texts never enter the repository."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.scoring import prf  # noqa: E402
from benchmarks.tags import DEFAULT_REAL, cuishou, load_real, main, pairs  # noqa: E402
from cuishou.flows.dataset_card import TAG_ACCURACY  # noqa: E402

WINDOW = 40  # characters: longer than the stock phrases texts of the genre share by chance


def test_benchmark_says_when_the_real_texts_are_absent(tmp_path, capsys) -> None:
    main(["--real", str(tmp_path / "absent.jsonl")])
    out = capsys.readouterr().out
    assert "not found; skipped" in out
    assert "## dev site, gold as shipped (34 texts)" in out and "## dev site, gold read by the spec (34 texts)" in out
    assert "keyword table" in out and "## real texts" not in out


def test_benchmark_scores_a_real_set_file(tmp_path, capsys) -> None:
    rows = [
        {"id": "dev001", "text": "微粒贷逾期后,催收电话打个不停,可以向银保监会投诉。", "products": ["微粒贷"],
         "channels": ["电话"], "topics": ["投诉举报"]},
        {"id": "dev002", "text": "天气很好。", "products": [], "channels": [], "topics": []},
    ]
    path = tmp_path / "real.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    main(["--real", str(path), "--halves", "--errors"])
    out = capsys.readouterr().out
    assert "## real texts (2 texts)" in out and "odd half" in out and "even half" in out
    products = next(line for line in out.splitlines() if line.startswith("PRODUCTS"))
    assert products.split("|")[1].split() == ["1.000", "1.000", "1.000"]


@pytest.mark.skipif(not DEFAULT_REAL.is_file(), reason="the real texts are only on the shared machine")
def test_real_texts_are_not_in_the_repository() -> None:
    texts = [json.loads(line)["text"] for line in DEFAULT_REAL.read_text(encoding="utf-8").splitlines()]
    windows = {text[i : i + WINDOW] for text in texts for i in range(0, len(text) - WINDOW, WINDOW // 2)}
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".png", ".pdf", ".parquet"} or not path.is_file():
            continue
        content = path.read_text(encoding="utf-8", errors="ignore")
        copied = [window for window in windows if window in content]
        assert not copied, (name, copied[:3])


@pytest.mark.skipif(not DEFAULT_REAL.is_file(), reason="the real texts are only on the shared machine")
def test_dataset_card_states_the_current_tag_accuracy() -> None:
    docs = load_real(DEFAULT_REAL)
    predicted = {doc["id"]: cuishou(doc) for doc in docs}
    for facet, figures in TAG_ACCURACY.items():
        assert figures == tuple(round(x, 3) for x in prf(*pairs(docs, predicted, facet))), facet
