"""The wheel, as a user installs it: ``pip install cuishou`` then ``cuishou build`` in any folder.

What could break there and nowhere else: a module or the bundled sample left out of the wheel,
code that finds files through the checkout or the working folder, a dependency used but not
declared (the project's environment also holds the dev tools). So the wheel goes into a fresh
environment with only the locked runtime dependencies (linked from uv's cache, offline: about a
second), and the command runs from an empty folder outside the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pyarrow.dataset as ds
import pytest
from cli_process import REPO, cli_env

pytestmark = pytest.mark.flow
UV = shutil.which("uv")


def _uv(*args: str, **env: str) -> None:
    subprocess.run([UV, *args], cwd=REPO, env=cli_env(**env), check=True, capture_output=True, timeout=300)


@pytest.mark.skipif(UV is None, reason="uv is not on PATH")
def test_the_installed_wheel_builds_the_bundled_sample_from_any_folder(crawled_corpus, prefect_api_url, tmp_path):
    _uv("build", "--wheel", "--offline", "--quiet", "-o", str(tmp_path / "dist"))
    [wheel] = (tmp_path / "dist").glob("cuishou-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cuishou/data/sample/dev-site-sample.warc.gz" in names
    assert {name.split("/")[0] for name in names} == {"cuishou", wheel.name.split("-py3")[0] + ".dist-info"}

    venv = tmp_path / "venv"
    _uv("sync", "--frozen", "--offline", "--no-dev", "--no-install-project", "--quiet", UV_PROJECT_ENVIRONMENT=str(venv))
    _uv("pip", "install", "--offline", "--no-deps", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel))

    anywhere = tmp_path / "anywhere"
    anywhere.mkdir()
    for name in ("extract", "transform", "flows"):  # a user's own modules with generic names
        (anywhere / f"{name}.py").write_text("raise ImportError('not cuishou')\n")
    env = cli_env(PREFECT_API_URL=prefect_api_url, HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"),
                  PYTHONPATH=str(anywhere), VIRTUAL_ENV=None)
    run = subprocess.run([str(venv / "bin" / "cuishou"), "build"], cwd=anywhere, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    built = ds.dataset(anywhere / "corpus" / "documents", partitioning="hive").to_table(columns=["doc_id"])
    reference = ds.dataset(crawled_corpus[0] / "documents", partitioning="hive").to_table(columns=["doc_id"])
    assert sorted(built.column("doc_id").to_pylist()) == sorted(reference.column("doc_id").to_pylist())
