"""Reading a seeds file. A light module: ``cuishou --help`` imports it, and the crawler (or Prefect) only
when a file is read."""

from __future__ import annotations

from pathlib import Path


def read_seeds_file(path: Path | str) -> list[str]:
    """Seed URLs from a UTF-8 file, one a line: blank lines and '#' comments are ignored; bad URLs raise."""
    from cuishou.extract.crawl import read_seeds

    return read_seeds(Path(path).read_text(encoding="utf-8").splitlines())
