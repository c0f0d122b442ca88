"""Errors raised by the library. The CLI turns each into a message and an exit code."""


class BiascheckError(Exception):
    """Base class: the message says what was found and what to do."""


class InputError(BiascheckError):
    """An input path, file or row cannot be used."""


class ConfigError(BiascheckError):
    """A targets or outlets file is malformed."""


class ModelError(BiascheckError):
    """A model cannot be loaded or used."""


class StoreError(BiascheckError):
    """A score store cannot be opened, migrated or written."""
