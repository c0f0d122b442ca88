"""The classifier heads a stance model can have, and loading a model folder with the right one.

- "cls" (the default, and every model trained before "target" existed): transformers'
  `AutoModelForSequenceClassification`, a linear layer on the pooled first token.
- "target": a linear layer on the pooled first token next to the mean of the encoder's output at the
  target's opening markers (`<t>`), so the head reads the target's own representation, not only the
  sentence's. BERT-family encoders only (all-MiniLM-L6-v2 is one). Loading it needs biascheck;
  config.json says which head a folder holds (`biascheck_pooling`).

torch and transformers are imported on first use.
"""

from __future__ import annotations

from functools import cache

POOLINGS = ("cls", "target")


def pooling_of(config) -> str:
    return getattr(config, "biascheck_pooling", None) or "cls"


@cache
def _target_pooled_class():
    """Built on first use so that importing biascheck does not import torch."""
    import torch
    from transformers import BertForSequenceClassification
    from transformers.modeling_outputs import SequenceClassifierOutput

    class TargetPooledBertForSequenceClassification(BertForSequenceClassification):
        def __init__(self, config):
            super().__init__(config)
            self.classifier = torch.nn.Linear(2 * config.hidden_size, config.num_labels)
            self.post_init()

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, **kwargs):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            states = out.last_hidden_state
            at = (input_ids == self.config.biascheck_marker_id).unsqueeze(-1).to(states.dtype)
            # a row cut before its first marker falls back to the first token
            target = torch.where(at.sum(1) > 0, (at * states).sum(1) / at.sum(1).clamp(min=1), states[:, 0])
            features = torch.cat([out.pooler_output, target], dim=-1)
            return SequenceClassifierOutput(logits=self.classifier(self.dropout(features)))

    return TargetPooledBertForSequenceClassification


def new_classifier(base: str, pooling: str, **kwargs):
    """A classifier with a fresh head on the encoder at `base` (kwargs go to from_pretrained)."""
    from transformers import AutoModelForSequenceClassification

    if pooling == "cls":
        return AutoModelForSequenceClassification.from_pretrained(base, **kwargs)
    if pooling != "target":
        raise ValueError(f"unknown pooling {pooling!r}: expected one of {POOLINGS}")
    from transformers import AutoConfig

    from ..errors import ModelError

    if AutoConfig.from_pretrained(base, local_files_only=True).model_type != "bert":
        raise ModelError(f"The target head needs a BERT-family base model; {base!r} is not one. "
                         "Use the default head (--pooling cls) or a BERT-family --base.")
    model = _target_pooled_class().from_pretrained(base, **kwargs)
    model.config.biascheck_pooling = "target"
    return model


def load_classifier(where: str):
    """A trained stance model from a local folder (or cached hub id), with the head its config names."""
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = AutoConfig.from_pretrained(where, local_files_only=True)
    model_class = _target_pooled_class() if pooling_of(config) == "target" else AutoModelForSequenceClassification
    return model_class.from_pretrained(where, config=config, local_files_only=True)


def set_marker(model, tokenizer, marker: str) -> None:
    """Tell a target-pooled model which token id opens a mention (after the markers join the vocabulary)."""
    if pooling_of(model.config) == "target":
        model.config.biascheck_marker_id = tokenizer.convert_tokens_to_ids(marker)
