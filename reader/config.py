"""Where the library lives and the user's settings. No UI imports here."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from reader.text.i18n import _

HOME_ENV = "NEWSREADER_HOME"
BIDI_ENV = "NEWSREADER_BIDI"
LANG_ENV = "NEWSREADER_LANG"
BIDI_MODES = ("auto", "app", "terminal")
HARAKAT_MODES = ("keep", "drop")
UI_LANGUAGES = ("en", "ar")
DIGITS = ("latin", "arabic-indic")
# Where the locale names the language, most specific first (POSIX); LANGUAGE, GNU's list of
# preferences, counts only when a real locale is set ("C" means untranslated).
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
# One key as Textual names it: modifiers, then a character or a key name ("ctrl+r", "R",
# "question_mark", "?", "f5"). A binding's keys are separated by commas.
_KEY = re.compile(r"^((ctrl|shift|alt|meta|super|hyper)\+)*([^\s,+]|[a-z][a-z0-9_]*)$")


class ConfigError(Exception):
    """A setting has a value we cannot use. The message is in the interface's language
    when it is known: the CLI takes up the language before it loads the settings for good
    (see `settings_language`); an error met while finding the language itself (the first,
    early load) is English, and is said again, translated, by the later load."""


@dataclass(frozen=True, slots=True)
class Settings:
    """User settings, read from `settings.toml` in the library home."""

    bidi: str = "auto"
    harakat: str = "keep"
    ui_language: str = "en"  # load_settings: the locale's language when nothing sets it
    digits: str = "latin"  # how the interface writes numbers: latin | arabic-indic
    # The article list shows one row per story (near-identical articles from several
    # sources), and reading one article of a story marks the story read.
    # Off until the list shows stories (the UI half of issue 12): when on, imports and
    # fetches cluster new articles into stories and reading one marks its story read.
    group_stories: bool = False
    # `[keymap]`: binding id -> keys, e.g. ("app.quit", "ctrl+q"). The app checks the ids
    # against its bindings (this module knows no UI); the keys are checked here.
    keymap: tuple[tuple[str, str], ...] = ()

    def validated(self) -> Settings:
        for name, value, allowed in (
            ("bidi", self.bidi, BIDI_MODES),
            ("harakat", self.harakat, HARAKAT_MODES),
            ("ui_language", self.ui_language, UI_LANGUAGES),
            ("digits", self.digits, DIGITS),
        ):
            if value not in allowed:
                raise ConfigError(
                    _("{name} must be one of {allowed}, not {value}").format(
                        name=name, allowed=", ".join(allowed), value=repr(value)
                    )
                )
        for binding_id, keys in self.keymap:
            if not all(_KEY.match(key.strip()) for key in keys.split(",")):
                raise ConfigError(
                    _(
                        "[keymap] {binding}: {keys} is not a key; write keys as Textual "
                        'names them, e.g. "x", "ctrl+r", "f5", or several: "x,ctrl+x"'
                    ).format(binding=binding_id, keys=repr(keys))
                )
        return self


@dataclass(frozen=True, slots=True)
class Library:
    """The folder holding the database, the index and the settings."""

    home: Path

    @property
    def database(self) -> Path:
        return self.home / "library.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.toml"

    @property
    def lock_file(self) -> Path:
        return self.home / "app.lock"

    @property
    def history_file(self) -> Path:
        return self.home / "search-history.txt"

    def ensure(self) -> Library:
        self.home.mkdir(parents=True, exist_ok=True)
        return self


def library_home(cli_home: str | os.PathLike[str] | None = None) -> Library:
    """`--home` wins, then $NEWSREADER_HOME, then the platform's user data folder."""
    chosen = cli_home or os.environ.get(HOME_ENV)
    if chosen:
        return Library(Path(chosen).expanduser().resolve())
    return Library(Path(platformdirs.user_data_dir("newsreader", appauthor=False)))


def load_settings(
    library: Library,
    cli_bidi: str | None = None,
    cli_lang: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Settings file, then $NEWSREADER_BIDI / $NEWSREADER_LANG, then `--bidi` / `--lang`:
    later ones win. Without any of them the interface speaks the locale's language."""
    env = os.environ if environ is None else environ
    settings = Settings(ui_language=locale_language(env))
    path = library.settings_file
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(
                _("{path}: {error}; fix or delete the file").format(path=path, error=error)
            ) from error
        words = ("bidi", "harakat", "ui_language", "digits")
        known = {k: str(v) for k, v in data.items() if k in words}
        settings = replace(settings, **known, keymap=_keymap(data.get("keymap", {})))
        if "group_stories" in data:
            if not isinstance(data["group_stories"], bool):
                raise ConfigError(
                    _("{path}: group_stories must be true or false, not {value}").format(
                        path=path, value=repr(data["group_stories"])
                    )
                )
            settings = replace(settings, group_stories=data["group_stories"])
        try:
            settings.validated()
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None
    env_bidi = env.get(BIDI_ENV)
    if env_bidi:
        settings = replace(settings, bidi=env_bidi.strip().lower())
    env_lang = env.get(LANG_ENV)
    if env_lang:
        settings = replace(settings, ui_language=env_lang.strip().lower())
        try:
            settings.validated()
        except ConfigError as error:
            raise ConfigError(f"${LANG_ENV}: {error}") from None
    if cli_bidi:
        settings = replace(settings, bidi=cli_bidi)
    if cli_lang:
        settings = replace(settings, ui_language=cli_lang)
    return settings.validated()


def settings_language(
    library: Library, cli_lang: str | None = None, environ: dict[str, str] | None = None
) -> str:
    """The interface's language as far as the settings can be read, for saying in it that
    another setting is wrong: what `load_settings` would choose, skipping what cannot be
    used. Never raises."""
    env = os.environ if environ is None else environ
    chosen = [cli_lang, env.get(LANG_ENV, "").strip().lower()]
    try:
        data = tomllib.loads(library.settings_file.read_text(encoding="utf-8"))
        chosen.append(str(data.get("ui_language", "")))
    except (OSError, ValueError):  # missing, unreadable, not TOML, not UTF-8
        pass
    return next((lang for lang in chosen if lang in UI_LANGUAGES), locale_language(env))


def locale_language(environ: dict[str, str] | None = None) -> str:
    """ "ar" when the locale is Arabic (LC_ALL, LC_MESSAGES, LANG, then LANGUAGE), else "en"."""
    env = os.environ if environ is None else environ
    locale = next((env[name] for name in _LOCALE_VARIABLES if env.get(name)), "")
    if locale.split(".")[0] in ("", "C", "POSIX"):
        return "en"
    preferred = (env.get("LANGUAGE") or "").split(":")[0] or locale
    return "ar" if preferred.lower().startswith("ar") else "en"


def _keymap(table: object, prefix: str = "") -> tuple[tuple[str, str], ...]:
    """The `[keymap]` table as (binding id, keys) pairs. Ids hold dots ("app.quit"): TOML
    reads a bare `app.quit = "x"` as a table in a table, so nested tables are joined."""
    if not isinstance(table, dict):
        raise ConfigError(_('[keymap] must be a table of binding id = "keys"'))
    pairs: list[tuple[str, str]] = []
    for name, value in table.items():
        binding_id = f"{prefix}{name}"
        if isinstance(value, dict):
            pairs.extend(_keymap(value, f"{binding_id}."))
        elif isinstance(value, str) and value.strip():
            pairs.append((binding_id, value.strip()))
        else:
            raise ConfigError(
                _("[keymap] {binding}: keys must be a string, not {value}").format(
                    binding=binding_id, value=repr(value)
                )
            )
    return tuple(pairs)


def terminal_does_bidi(environ: dict[str, str] | None = None) -> bool:
    """Terminals known to reorder text themselves, always (mlterm) or when asked to."""
    env = os.environ if environ is None else environ
    return "MLTERM" in env


def resolve_bidi_mode(setting: str, environ: dict[str, str] | None = None) -> str:
    """Map the `bidi` setting to the layout mode: "app" (we shape and reorder) or "terminal".

    `auto` leaves reordering to terminals that always do it; VTE terminals are switched to
    explicit mode by the app instead (see `vte_explicit_mode`), so we reorder there.
    """
    if setting == "auto":
        return "terminal" if terminal_does_bidi(environ) else "app"
    return setting


def vte_explicit_mode(setting: str, environ: dict[str, str] | None = None) -> bool:
    """True when the app should send CSI 8 l (explicit bidi) to a VTE terminal."""
    env = os.environ if environ is None else environ
    return setting in ("auto", "app") and bool(env.get("VTE_VERSION"))
