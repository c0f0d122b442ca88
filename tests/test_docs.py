"""Every command has help text and is documented in README.md."""

import re
from pathlib import Path

import pytest
from typer.main import get_command

from biascheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI = get_command(app)
COMMANDS = sorted(CLI.commands)


def test_there_are_commands():
    assert {"compare", "sentences", "outlets"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    command = CLI.commands[name]
    assert command.help and command.help.strip()
    for param in command.params:
        assert getattr(param, "help", None), f"{name} {param.name} has no help text"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name):
    assert re.search(rf"biascheck {name}\b", README), f"README.md does not mention `biascheck {name}`"


def test_readme_states_the_two_commands():
    assert "pip install -e '.[test]' && biascheck compare samples/" in README
    assert re.search(r"^pytest$", README, re.M)
