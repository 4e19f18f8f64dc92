from __future__ import annotations

import itertools

from sopkit.rules._semver import Version, parse


def v(text: str) -> Version:
    version = parse(text)
    assert version is not None, text
    return version


def test_semver_precedence() -> None:
    # The order given by semver.org, section 11.
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0"]
    assert sorted(order, key=v) == order
    assert [v(a) < v(b) for a, b in itertools.pairwise(order)] == [True] * 11


def test_parse() -> None:
    assert v("1.2.3") == Version(1, 2, 3)
    assert str(v("1.2.3-rc.1+build.5")) == "1.2.3-rc.1"  # build metadata has no precedence
    assert v("1.2.3+build.5") == v("1.2.3+build.6") == v("1.2.3")
    assert v("1.2.3+a") == v("1.2.3+b")
    assert v("1.0.0-rc.1").is_prerelease and not v("1.0.0").is_prerelease
    for bad in ["1.2", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3-01", "", None, 1.2]:
        assert parse(bad) is None, bad
