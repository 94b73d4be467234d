import pytest

from flows.cli import main


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"]])
def test_help_explains_with_examples(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "cuishou" in text and ("example" in text or "COMMAND" in text)


def test_build_help_lists_the_sources_and_output(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    for option in ("--seeds", "--warc", "--out", "--proxy", "documents/", "pages/"):
        assert option in text


def test_seeds_and_warc_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--seeds", "a.txt", "--warc", "b.warc"])
    assert exit_info.value.code == 2


def test_bad_seed_file_is_a_clear_error(tmp_path, capsys):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("not a url\n")
    assert main(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 1
    assert "seed line 1" in capsys.readouterr().err
