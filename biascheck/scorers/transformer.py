"""A fine-tuned transformer classifier of the stance toward a marked target.

torch and transformers are imported on first use, the model is loaded once, inputs are
sorted by length and padded per batch, and the device is detected unless given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from ..errors import ModelError
from ..marking import mark
from ..types import LABELS, Mention, Score
from .base import Scorer

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def detect_device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def weights_hash(folder: Path) -> str:
    """Short sha256 of the weights file, so scores can be traced to the exact model."""
    for name in WEIGHT_FILES:
        path = folder / name
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            return digest.hexdigest()[:12]
    return "hub"


class TransformerScorer(Scorer):
    kind = "target stance"

    def __init__(self, model: str | Path, device: str | None = None, batch_size: int = 64, max_length: int = 256,
                 quantize: bool = False, label_bias: bool = True):
        """`quantize`: int8 dynamic quantization of the linear layers (CPU only; faster, slightly less accurate).
        `label_bias=False` ignores the per-label offsets in config.json (used to fit them)."""
        self.model_spec = str(model)
        path = Path(model).expanduser()
        self.folder = path if path.exists() else None
        looks_like_path = self.model_spec.startswith((".", "/", "~")) or self.model_spec.count("/") > 1
        if self.folder is None and looks_like_path:
            raise ModelError(
                f"No model folder at {self.model_spec}. Give the folder written by `biascheck train` "
                "(it holds config.json and model.safetensors), leave --model out for the shipped model, "
                "or use --model lexicon."
            )
        if self.folder is not None and not (self.folder / "config.json").is_file():
            raise ModelError(
                f"{self.folder} is not a model folder: config.json is missing. Give a folder written by "
                "`biascheck train` (or any Hugging Face model folder), or use --model lexicon."
            )
        self.name = self.folder.resolve().name if self.folder else self.model_spec
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        self.quantize = quantize
        self.use_label_bias = label_bias
        self._model = None
        self._tokenizer = None
        self._labels: list[str] | None = None
        self._bias: list[float] | None = None
        self._version: str | None = None

    @classmethod
    def from_loaded(cls, model, tokenizer, name: str = "in-training", batch_size: int = 64) -> "TransformerScorer":
        """Wrap a model already in memory (used to evaluate checkpoints while training)."""
        scorer = cls.__new__(cls)
        scorer.model_spec, scorer.folder, scorer.name = name, None, name
        scorer.batch_size, scorer.max_length, scorer._version, scorer.quantize = batch_size, 256, "unsaved", False
        scorer.use_label_bias = True
        scorer.device = str(next(model.parameters()).device)
        scorer._model, scorer._tokenizer = model, tokenizer
        scorer._labels = cls._label_order(model.config.id2label, name)
        scorer._bias = cls._label_bias(model.config, name)
        return scorer

    @property
    def version(self) -> str:  # type: ignore[override]
        if self._version is None:
            self._version = (weights_hash(self.folder) if self.folder else "hub") + ("-int8" if self.quantize else "")
        return self._version

    def load(self) -> None:
        """Load tokenizer and model (once). Raises ModelError saying what failed and what to do."""
        if self._model is not None:
            return
        from transformers import AutoTokenizer

        from .heads import load_classifier

        where = str(self.folder) if self.folder else self.model_spec
        from transformers.utils import logging as hf_logging

        bar = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar in the middle of a report
        try:
            tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=True)
            model = load_classifier(where)
        except (OSError, ValueError, KeyError, RuntimeError) as e:
            first = str(e).strip().splitlines()[0].rstrip(".") if str(e).strip() else type(e).__name__
            raise ModelError(
                f"Cannot load a stance model from {where!r}: {first}. It must be a local folder (or a hub id "
                "already in the local cache) holding config.json, the tokenizer files and model.safetensors, "
                "as written by `biascheck train`. Check the path, retrain, or use --model lexicon."
            ) from e
        finally:
            if bar:
                hf_logging.enable_progress_bar()
        self._labels = self._label_order(model.config.id2label, where)
        self._bias = self._label_bias(model.config, where) if self.use_label_bias else None
        self.device = self.device or detect_device()
        model.float().to(self.device)  # weights ship in fp16; compute in fp32
        model.eval()
        if self.quantize and self.device == "cpu":
            import torch

            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self._model, self._tokenizer = model, tokenizer

    @staticmethod
    def _label_bias(config, where: str) -> list[float] | None:
        """Per-class logit offsets chosen on dev when the model was trained (`label_bias` in config.json)."""
        bias = getattr(config, "label_bias", None)
        if bias is None:
            return None
        if not (isinstance(bias, (list, tuple)) and len(bias) == len(LABELS)
                and all(isinstance(b, (int, float)) for b in bias)):
            raise ModelError(f"The model at {where!r} has a malformed label_bias {bias!r} in config.json: "
                             f"expected {len(LABELS)} numbers. Remove it or retrain.")
        return [float(b) for b in bias]

    @staticmethod
    def _label_order(id2label: dict, where: str) -> list[str]:
        labels = [str(id2label[i]).lower() for i in sorted(id2label, key=int)]
        if sorted(labels) != sorted(LABELS):
            raise ModelError(
                f"The model at {where!r} predicts labels {labels}, not {list(LABELS)}. "
                "Use a model trained by `biascheck train`."
            )
        return labels

    def iter_scores(self, mentions: Iterable[Mention]) -> Iterator[Score]:
        # read several batches at a time so that sorting by length groups similar inputs
        it = iter(mentions)
        while chunk := list(islice(it, self.batch_size * 16)):
            yield from self._score_batch(chunk)

    def _score_batch(self, mentions: Sequence[Mention]) -> list[Score]:
        self.load()
        import torch

        texts = [mark(m.sentence, m.spans) for m in mentions]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        probs: list = [None] * len(texts)
        step = self.batch_size
        with torch.inference_mode():
            for start in range(0, len(order), step):
                idx = order[start : start + step]
                enc = self._tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                logits = self._model(**enc).logits.float()
                if self._bias is not None:
                    logits = logits + torch.tensor(self._bias, device=logits.device)
                p = torch.softmax(logits, dim=-1).cpu().tolist()
                for i, row in zip(idx, p):
                    probs[i] = row
        # reorder columns from the model's label order to (negative, neutral, positive)
        cols = [self._labels.index(label) for label in LABELS]
        return [Score.from_probs([row[c] for c in cols]) for row in probs]
