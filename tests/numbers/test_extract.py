"""Every number is extracted as a number before it is shown or linked (issue 9, point 1)."""

import pytest

from companion.numbers import extract


@pytest.mark.parametrize(
    "printed, number",
    [
        ("Latest Tracking Number:\tRC000000003EE", "RC000000003EE"),  # Cainiao realMailNo, real shape
        ("package tracking number:\tCNG00839881455575", "CNG00839881455575"),
        ("Latest Tracking Number:\t36YPH337263201000935107", "36YPH337263201000935107"),
        ("운송장 번호 : 561-000-000-505", "561000000505"),
        ("LP00432912345678 Copy", "LP00432912345678"),
        ("lp00432912345678 복사", "LP00432912345678"),
        ("  rr 123 456 785 cn ", "RR123456785CN"),
        ("RC000000003EE (CJ)", "RC000000003EE"),
        ("ＬＰ００４３２９１２３４５６７８", "LP00432912345678"),  # full-width, as some pages print
    ],
)
def test_a_labelled_or_decorated_number_gives_the_number(printed, number):
    assert extract(printed) == number


@pytest.mark.parametrize(
    "printed",
    ["Latest Tracking Number:", "Latest Tracking Number:\t", "", "   ", "Economy", "123", "복사",
     "RR123456785CN / LP00432912345678", "<script>1</script>", "LP0043291234567\u200b8!", None, 12345678901],
)
def test_anything_else_is_not_a_number(printed):
    assert extract(printed) is None
