"""Outlet registry (data/outlets.toml) and outlet detection, syndication included.

Detection order: an explicit outlet (a manifest entry or a JSONL/CSV field), then the URL's
domain, then the text: signatures first ("(Reuters) -", "Copyright 2019 The Associated
Press"), then weaker credits ("via AP)", "© Sputnik", "told Sputnik").
A wire story found on another site is attributed to the wire service, with the site kept as
the publisher, so that reprints do not pose as local journalism: a wire signature is enough on
any site, a wire credit only on a regional or unknown one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError
from .tomlfile import read_toml
from .types import OUTLET_TYPES

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Outlet:
    name: str
    outlet_type: str
    country: str | None = None
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str | None = None
    signatures: tuple[str, ...] = ()  # regular expressions that mark the outlet's own copy
    credits: tuple[str, ...] = ()  # weaker signs: photo credits, "told Sputnik"


@dataclass(frozen=True)
class Attribution:
    outlet: str  # who wrote the story
    outlet_type: str
    publisher: str | None  # where it was found, when known
    detected_by: str  # manifest | field | url | signature | none


def hostname(url: str) -> str:
    """'https://www.wsls.com/news/...' -> 'wsls.com'; a bare 'wsls.com' works too."""
    url = url.strip()
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.lower().removeprefix("www.")


class OutletRegistry:
    """Outlets by name, alias and domain, with text signatures compiled once."""

    def __init__(self, outlets: Iterable[Outlet]):
        self._outlets: dict[str, Outlet] = {}
        for outlet in outlets:
            self._outlets[outlet.name.casefold()] = outlet
        self._names: dict[str, Outlet] = {}
        self._domains: dict[str, Outlet] = {}
        self._signatures: list[tuple[re.Pattern[str], Outlet]] = []
        self._credits: list[tuple[re.Pattern[str], Outlet]] = []
        for outlet in self._outlets.values():
            for key in (*outlet.aliases, outlet.name):  # a name beats another entry's alias
                self._names[key.casefold()] = outlet
            for domain in outlet.domains:
                self._domains[hostname(domain)] = outlet
            self._signatures += [(re.compile(s, re.MULTILINE), outlet) for s in outlet.signatures]
            self._credits += [(re.compile(s, re.MULTILINE), outlet) for s in outlet.credits]

    def __len__(self) -> int:
        return len(self._outlets)

    def all(self) -> list[Outlet]:
        return list(self._outlets.values())

    def get(self, name: str) -> Outlet | None:
        """Look an outlet up by name or alias, ignoring case."""
        return self._names.get(name.strip().casefold())

    def by_domain(self, url: str) -> Outlet | None:
        """The outlet whose domain matches the URL's host or one of its parent domains."""
        host = hostname(url)
        while host:
            if host in self._domains:
                return self._domains[host]
            host = host.partition(".")[2]
        return None

    def by_signature(self, text: str, *, credits: bool = True) -> Outlet | None:
        """The outlet whose signature appears first in the text; failing that (and when
        `credits` is true), the outlet whose credit appears first."""
        for patterns in (self._signatures, self._credits if credits else []):
            found = [(m.start(), o) for p, o in patterns if (m := p.search(text))]
            if found:
                return min(found, key=lambda f: f[0])[1]
        return None

    def attribute(
        self,
        *,
        url: str | None = None,
        text: str = "",
        outlet: str | None = None,
        publisher: str | None = None,
        explicit_by: str = "manifest",
    ) -> Attribution:
        """Decide who wrote an article and where it was published. Never raises.

        `outlet` is an explicit outlet (from a manifest or a data field, named by
        `explicit_by`); it wins over detection. `publisher`, when given, is kept as is.
        """
        site = self.by_domain(url) if url else None
        site_name = site.name if site else (hostname(url) if url else "") or None
        if outlet and outlet.strip():
            known = self.get(outlet)
            name = known.name if known else outlet.strip()
            kind = known.outlet_type if known else UNKNOWN
            return Attribution(name, kind, publisher or site_name, explicit_by)
        strong = self.by_signature(text, credits=False) if text else None
        signed = strong or (self.by_signature(text) if text else None)
        if url and site_name:
            host = site.outlet_type if site else UNKNOWN
            # On another site, wire copy is a reprint: a signature always says so, a credit
            # only on a regional or unknown site. Other outlets' copy needs a signature.
            reprint = strong if host != "wire" else None
            if reprint is None and signed and signed.outlet_type == "wire" and host in ("regional", UNKNOWN):
                reprint = signed
            if reprint is not None and (reprint.outlet_type == "wire" or site is None):
                return Attribution(reprint.name, reprint.outlet_type, publisher or site_name, "signature")
            if site is not None:
                return Attribution(site.name, site.outlet_type, publisher or site.name, "url")
            return Attribution(site_name, UNKNOWN, publisher or site_name, "url")  # named, type unknown
        if signed is not None:
            return Attribution(signed.name, signed.outlet_type, publisher, "signature")
        return Attribution(UNKNOWN, UNKNOWN, publisher, "none")


def load_registry(extra: Path | str | None = None) -> OutletRegistry:
    """The shipped registry, with the entries of `extra` (a TOML file) added or overriding."""
    source = resources.files("biascheck").joinpath("data/outlets.toml")
    outlets = _parse(tomllib.loads(source.read_text(encoding="utf-8")), "biascheck/data/outlets.toml")
    if extra is not None:
        path = Path(extra)
        added = _parse(read_toml(path, "outlets"), str(path))
        registry = OutletRegistry(outlets)
        for outlet in added:  # an added entry replaces the entry its name or aliases name
            for key in (outlet.name, *outlet.aliases):
                if (old := registry.get(key)) is not None:
                    outlets = [o for o in outlets if o is not old]
        outlets += added
    return OutletRegistry(outlets)


def _parse(data: dict, where: str) -> list[Outlet]:
    entries = data.get("outlet", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{where}: expected [[outlet]] tables, found {type(entries).__name__}.")
    return [_outlet(entry, f"{where}: outlet #{i}") for i, entry in enumerate(entries, 1)]


def _outlet(entry: dict, where: str) -> Outlet:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} has no 'name'; every [[outlet]] needs name = \"...\".")
    where = f"{where} ({name})"
    kind = entry.get("type", UNKNOWN)
    if kind not in OUTLET_TYPES:
        raise ConfigError(f"{where}: type {kind!r} is not one of {', '.join(OUTLET_TYPES)}.")
    lists = {}
    for key in ("domains", "aliases", "signatures", "credits"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{key}' must be a list of strings, found {value!r}.")
        lists[key] = tuple(value)
    for pattern in lists["signatures"] + lists["credits"]:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ConfigError(f"{where}: {pattern!r} is not a valid regular expression ({e}).") from None
    for key in ("country", "note"):
        if key in entry and not isinstance(entry[key], str):
            raise ConfigError(f"{where}: '{key}' must be a string, found {entry[key]!r}.")
    unknown = set(entry) - {"name", "type", "country", "note", "domains", "aliases", "signatures", "credits"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    return Outlet(
        name=name.strip(),
        outlet_type=kind,
        country=entry.get("country") or None,
        domains=lists["domains"],
        aliases=lists["aliases"],
        note=entry.get("note") or None,
        signatures=lists["signatures"],
        credits=lists["credits"],
    )
