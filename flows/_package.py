"""The ``cuishou`` package: this file is installed as ``cuishou/__init__.py`` (pyproject force-include).

In the wheel, ``cuishou/extract``, ``cuishou/transform`` and ``cuishou/flows`` sit beside it. An
editable install (``uv sync`` in a checkout) installs only this file: the packages stay in the
checkout, which the install's PEP 610 record (``direct_url.json``) names, so ``__path__`` points there.
"""

import json
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname


def _editable_checkout() -> list[str]:
    if (Path(__file__).parent / "flows").is_dir():
        return []
    try:
        record = json.loads(distribution("cuishou").read_text("direct_url.json") or "{}")
    except (PackageNotFoundError, ValueError):
        return []
    if not record.get("dir_info", {}).get("editable"):
        return []
    return [url2pathname(urlsplit(record["url"]).path)]


__path__ += _editable_checkout()  # noqa: F821 - set by the import system
