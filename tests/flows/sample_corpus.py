"""The bundled sample corpus, built with the flow's plain functions (no Prefect server: ~1 s), and offline readers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from types import ModuleType

import pytest

from cuishou.extract.visits import WarcLedger
from cuishou.flows.cli import SAMPLE_DIR
from cuishou.flows.corpus import write_run
from cuishou.flows.pages import Batch, process_batch
from cuishou.flows.report import build_report
from cuishou.flows.stage import RunStage

SAMPLE_WARC = SAMPLE_DIR / "dev-site-sample.warc.gz"
RUN_ID = "20260101T000000Z"


def build_sample_corpus(out: Path, articles: bool = True, run_id: str = RUN_ID) -> dict:
    """Write ``out/documents``, ``out/pages`` and ``out/runs/RUN.json`` as ``build_corpus`` does; returns the report.

    ``articles=False`` leaves the HTML pages out: a run that wrote no documents.
    """
    ledger = WarcLedger([SAMPLE_WARC])
    visits = list(ledger)
    stage = RunStage(out, run_id).reset()
    stage.write_visits("settled", [v for v in visits if v.outcome != "fetched"])
    process_batch(Batch("fetched", [v for v in visits if v.outcome == "fetched" and articles], stage))
    output = write_run(out, run_id, stage, ledger.corrected)
    report = build_report(run_id, out, output.ledger, output.documents, output.clusters, output.written, seconds=1.0,
                          changes=output.changes)
    stage.remove()  # as the flow does once the run is committed: a later run would read no leftovers
    report.save()
    return json.loads(json.dumps(asdict(report)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    """The sample corpus folder and its run report, built once per test module."""
    out = tmp_path_factory.mktemp("corpus")
    return out, build_sample_corpus(out)


@contextmanager
def offline_datasets(home: Path) -> Iterator[ModuleType]:
    """Hugging Face ``datasets`` with no network and its caches under ``home`` (skips if not installed)."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"):
            patch.setenv(variable, "1")
        patch.setenv("HF_HOME", str(home))
        patch.setenv("HF_DATASETS_CACHE", str(home / "datasets"))
        yield pytest.importorskip("datasets")
