from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import (
    ConfigError,
    Library,
    library_home,
    load_settings,
    resolve_bidi_mode,
    vte_explicit_mode,
)


def test_home_comes_from_flag_then_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSREADER_HOME", str(tmp_path / "env"))
    assert library_home().home == tmp_path / "env"
    assert library_home(tmp_path / "flag").home == tmp_path / "flag"
    monkeypatch.delenv("NEWSREADER_HOME")
    assert library_home().home.name == "newsreader"


def test_bidi_setting_file_then_environment_then_flag(monkeypatch, tmp_path: Path) -> None:
    library = Library(tmp_path).ensure()
    assert load_settings(library).bidi == "auto"
    library.settings_file.write_text('bidi = "terminal"\nharakat = "drop"\n')
    assert load_settings(library).bidi == "terminal"
    assert load_settings(library).harakat == "drop"
    monkeypatch.setenv("NEWSREADER_BIDI", "app")
    assert load_settings(library).bidi == "app"
    assert load_settings(library, "terminal").bidi == "terminal"


def test_bad_settings_are_clear_errors(monkeypatch, tmp_path: Path) -> None:
    library = Library(tmp_path).ensure()
    monkeypatch.setenv("NEWSREADER_BIDI", "sideways")
    with pytest.raises(ConfigError, match="bidi must be one of auto, app, terminal"):
        load_settings(library)
    monkeypatch.delenv("NEWSREADER_BIDI")
    library.settings_file.write_text("bidi = [unclosed")
    with pytest.raises(ConfigError, match="settings.toml"):
        load_settings(library)


def test_auto_picks_from_the_terminal() -> None:
    assert resolve_bidi_mode("auto", {}) == "app"
    assert resolve_bidi_mode("auto", {"MLTERM": "3.9"}) == "terminal"
    assert resolve_bidi_mode("terminal", {}) == "terminal"
    assert resolve_bidi_mode("app", {"MLTERM": "3.9"}) == "app"
    assert vte_explicit_mode("auto", {"VTE_VERSION": "7600"})
    assert vte_explicit_mode("app", {"VTE_VERSION": "7600"})
    assert not vte_explicit_mode("terminal", {"VTE_VERSION": "7600"})
    assert not vte_explicit_mode("auto", {})


def test_keymap_table_and_bad_keys(tmp_path: Path) -> None:
    library = Library(tmp_path).ensure()
    library.settings_file.write_text(
        '[keymap]\n"app.read" = "x"\napp.quit = "ctrl+q"\n"list.down" = "j, down"\n'
    )
    assert dict(load_settings(library).keymap) == {
        "app.read": "x",
        "app.quit": "ctrl+q",
        "list.down": "j, down",
    }
    library.settings_file.write_text('[keymap]\n"app.read" = "two words"\n')
    with pytest.raises(ConfigError, match=r"\[keymap\] app.read: 'two words' is not a key"):
        load_settings(library)
    library.settings_file.write_text('[keymap]\n"app.read" = 3\n')
    with pytest.raises(ConfigError, match="app.read: keys must be a string"):
        load_settings(library)
