"""Reading the user's TOML files (targets, outlets) with one set of clear errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ConfigError


def read_toml(path: Path, kind: str) -> dict:
    """Parse a `kind` file ("targets" or "outlets"); every failure names the file and what to do."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{kind.capitalize()} file not found: {path}. Check the path given to --{kind}.") from None
    except IsADirectoryError:
        raise ConfigError(f"{kind.capitalize()} file {path} is a folder; give a .toml file.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the {kind} file as UTF-8 TOML.") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e}). See data/{kind}.toml for the format.") from None
