"""Targets (Russia, NATO, the EU, or your own) and finding their mentions in a sentence.

The defaults live in data/targets.toml, which also documents the matching rules: whole words,
possessives, hyphenated compounds ("anti-Russian" is Russia), longest alias wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .tomlfile import read_toml
from .types import Mention, Sentence

__all__ = ["Target", "load_targets", "find_mentions", "default_targets_path"]


@dataclass(frozen=True)
class Target:
    """A target and the words that name it.

    `aliases` match ignoring case; `case_sensitive` aliases match exactly as written. `not_mentions` are
    phrases, matched exactly as written, that contain an alias but name something else ("the Alliance for
    Securing Democracy" is not NATO): an alias found inside one of them is not a mention.
    """

    name: str
    aliases: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    not_mentions: tuple[str, ...] = ()
    pattern: re.Pattern = field(init=False, repr=False, compare=False)
    exclude: re.Pattern | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "aliases", tuple(self.aliases))
        object.__setattr__(self, "case_sensitive", tuple(self.case_sensitive))
        object.__setattr__(self, "not_mentions", tuple(self.not_mentions))
        if not self.aliases and not self.case_sensitive:
            raise ValueError(f"target {self.name!r} has no aliases")
        object.__setattr__(self, "pattern", _compile(self.aliases, self.case_sensitive))
        object.__setattr__(self, "exclude", _compile((), self.not_mentions) if self.not_mentions else None)

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Spans of the aliases in `text`, less those inside a `not_mentions` phrase."""
        spans = [(m.start(), m.end()) for m in self.pattern.finditer(text)]
        if self.exclude is None:
            return spans
        outside = [(m.start(), m.end()) for m in self.exclude.finditer(text)]
        return [(a, b) for a, b in spans if not any(x <= a and b <= y for x, y in outside)]


def _alias_regex(alias: str) -> str:
    words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in alias.split()]
    return r"\s+".join(words)


def _compile(aliases: Sequence[str], case_sensitive: Sequence[str]) -> re.Pattern:
    """One regex per target: longest alias first, whole words, hyphens count as boundaries."""
    alts = [(a, f"(?i:{_alias_regex(a)})") for a in aliases]
    alts += [(a, _alias_regex(a)) for a in case_sensitive]
    alts.sort(key=lambda pair: -len(pair[0]))
    return re.compile(r"(?<!\w)(?:" + "|".join(rx for _, rx in alts) + r")(?!\w)")


def find_mentions(sentence: Sentence, targets: Sequence[Target]) -> list[Mention]:
    """One Mention per target named in the sentence, with all of that target's spans.

    Where matches overlap (within or across targets) the longest wins, then the earliest.
    """
    text = sentence.text
    found = [(a, b, i) for i, t in enumerate(targets) for a, b in t.matches(text)]
    kept: list[tuple[int, int, int]] = []
    for start, end, i in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0], f[2])):
        if all(end <= a or start >= b for a, b, _ in kept):
            kept.append((start, end, i))
    spans: dict[int, list[tuple[int, int]]] = {}
    for start, end, i in sorted(kept):
        spans.setdefault(i, []).append((start, end))
    return [
        Mention(sentence.article_id, sentence.index, text, targets[i].name, tuple(spans[i]))
        for i in sorted(spans)
    ]


def default_targets_path() -> Path:
    return Path(str(resources.files("biascheck") / "data" / "targets.toml"))


def load_targets(path: Path | str | None = None) -> tuple[Target, ...]:
    """The default targets, plus (or, with `replace = true`, instead of) those in a user TOML file.

    A user target with a default's name replaces that default. Malformed files raise ConfigError.
    """
    defaults = _parse(default_targets_path())
    if path is None:
        return tuple(defaults.values())
    path = Path(path)
    data = read_toml(path, "targets")
    replace = data.pop("replace", False)
    if not isinstance(replace, bool):
        raise ConfigError(f"{path}: 'replace' must be true or false, found {replace!r}.")
    user = _targets_from(data, path)
    merged = dict(user) if replace else {**defaults, **user}
    return tuple(merged.values())


def _parse(path: Path) -> dict[str, Target]:
    return _targets_from(read_toml(path, "targets"), path)


def _targets_from(data: dict, path: Path) -> dict[str, Target]:
    example = 'expected tables like [targets.China] with aliases = ["China", "Beijing"]'
    unknown = sorted(set(data) - {"targets"})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; {example}.")
    tables = data.get("targets")
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(f"{path}: no targets found; {example}.")
    out: dict[str, Target] = {}
    for name, spec in tables.items():
        where = f"{path}: target {name!r}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: {example}.")
        extra = sorted(set(spec) - {"aliases", "case_sensitive", "not_mentions"})
        if extra:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(extra)}; use aliases, case_sensitive and not_mentions."
            )
        lists = {}
        for key in ("aliases", "case_sensitive", "not_mentions"):
            value = spec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where}: {key} must be a list of non-empty strings, found {value!r}.")
            lists[key] = tuple(v.strip() for v in value)
        if not lists["aliases"] and not lists["case_sensitive"]:
            raise ConfigError(f"{where}: give at least one alias; {example}.")
        out[name] = Target(name, lists["aliases"], lists["case_sensitive"], lists["not_mentions"])
    return out
