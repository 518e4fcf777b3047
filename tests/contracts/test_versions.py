from __future__ import annotations

import pytest

from contracts.versions import VersionRange, VersionRangeError


@pytest.mark.parametrize(
    ("text", "inside", "outside", "canonical"),
    [
        ("*", [1, 7, 10_000], [0], "*"),
        ("2", [2], [1, 3], "2"),
        (">=2", [2, 9], [1], ">=2"),
        (">1", [2], [1], ">=2"),
        ("<3", [1, 2], [3], "<=2"),
        (">=2,<4", [2, 3], [1, 4], ">=2,<=3"),
        (" >= 2 , <= 2 ", [2], [1, 3], "2"),
    ],
)
def test_ranges_parse_contain_and_render(text, inside, outside, canonical):
    versions = VersionRange.parse(text)
    assert all(version in versions for version in inside)
    assert not any(version in versions for version in outside)
    assert str(versions) == canonical
    assert VersionRange.parse(str(versions)) == versions


@pytest.mark.parametrize(("text", "reason"), [("latest", "cannot read 'latest'"), (">=3,<2", "no version")])
def test_bad_ranges_say_what_is_wrong(text, reason):
    with pytest.raises(VersionRangeError, match=reason):
        VersionRange.parse(text)
