"""Script folding: one view of traditional, simplified, full-width and half-width text."""

from cuishou.extract.script import fold, to_simplified


def test_traditional_text_reads_as_simplified():
    assert to_simplified("花唄逾期一天會不會影響徵信") == "花呗逾期一天会不会影响征信"


def test_fold_maps_full_width_forms_and_script_together():
    assert fold("微粒貸逾期（３天）：怎麼辦？") == "微粒贷逾期(3天):怎么办?"
