"""Scorers and how to pick one from a command-line `--model` value."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ModelError
from .base import Scorer

__all__ = ["Scorer", "load_scorer", "default_model_path", "DEFAULT_MODEL_NAME"]

DEFAULT_MODEL_NAME = "biascheck-stance"


def default_model_path() -> Path:
    """The shipped model folder: $BIASCHECK_MODEL, else models/biascheck-stance beside the package."""
    env = os.environ.get("BIASCHECK_MODEL")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models" / DEFAULT_MODEL_NAME


def load_scorer(spec: str | None = None, *, device: str | None = None, batch_size: int | None = None) -> Scorer:
    """Return a scorer for a `--model` value.

    None or "default": the shipped model; "lexicon": the VADER sentence-tone baseline;
    anything else: a local model folder or a hub id (loaded from the local cache only).
    """
    if spec in (None, "", "default"):
        path = default_model_path()
        if not (path / "config.json").exists():
            raise ModelError(
                f"The shipped model is missing at {path}. Reinstall biascheck from its repository "
                "(the model lives in models/), set BIASCHECK_MODEL to a model folder, or use --model lexicon."
            )
        spec = str(path)
    if spec == "lexicon":
        from .lexicon import LexiconScorer

        scorer: Scorer = LexiconScorer()
    else:
        from .transformer import TransformerScorer

        scorer = TransformerScorer(spec, device=device)
    if batch_size:
        scorer.batch_size = batch_size
    return scorer
