"""sopkit.config: the plugin options of mkdocs.yml, checked, with sopkit's defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sopkit.config import ConfigError, build_config, load_config


def test_defaults(tmp_path: Path) -> None:
    config = build_config(tmp_path, {})
    assert config.procedures == tmp_path / "procedures"
    assert config.organization == tmp_path / "organization.yml"
    assert config.templates == tmp_path / "templates"
    assert config.rules == {} and not config.strict and config.today is None
    assert config.cache_dir is None and config.language == "en"


def test_options_from_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ntheme:\n  name: material\n  language: zh\nplugins:\n  - sopkit:\n"
        "      procedures: sops\n      rules: {unused-output: off}\n      today: 2026-01-31\n"
        "      cache_dir: .sopkit-cache\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.procedures == tmp_path / "sops"
    assert config.rules == {"unused-output": "off"}  # YAML 1.1 reads a bare off as false
    assert config.today == date(2026, 1, 31) and config.language == "zh"
    assert config.cache_dir == tmp_path / ".sopkit-cache"


@pytest.mark.parametrize(("options", "words"), [
    ({"procedurs": "x"}, "unknown sopkit option 'procedurs' (did you mean 'procedures'?)"),
    ({"rules": {"unused-outptu": "off"}}, "did you mean 'unused-output'?"),
    ({"rules": {"unused-output": "loud"}}, "use error, warning or off"),
    ({"strict": "yes"}, "'strict' must be true or false"),
    ({"today": "soon"}, "'today' must be a date like 2026-01-31"),
    ({"cache_dir": ["a"]}, "'cache_dir' must be a folder name"),
    ({"cache_dir": "procedures/.cache"}, "inside procedures/, which is watched"),
    ({"cache_dir": "docs"}, "inside docs/, which is watched"),
])
def test_bad_options_say_what_to_change(options: dict[str, object], words: str,
                                        tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        build_config(tmp_path, options)
    assert words in str(raised.value)


def test_cache_dir_may_start_at_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = build_config(tmp_path / "hb", {"cache_dir": "~/.cache/sops"})
    assert config.cache_dir == tmp_path / "home" / ".cache" / "sops"


def test_organization_must_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    with pytest.raises(ConfigError) as raised:
        build_config(tmp_path, {"organization": "org"})
    assert "names the folder org/: name the organization file" in str(raised.value)
