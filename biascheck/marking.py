"""Mark a target's mentions in a sentence: the one input format of the stance model.

Training and inference both call `mark`, so the model always sees the same thing:
every span of the target wrapped in marker tokens, e.g. "the <t>NATO</t> bloc is ...".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

OPEN = "<t>"
CLOSE = "</t>"
MARKERS: tuple[str, str] = (OPEN, CLOSE)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the ones that overlap or touch."""
    merged: list[list[int]] = []
    for a, b in sorted((int(a), int(b)) for a, b in spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def mark(sentence: str, spans: Sequence[tuple[int, int]]) -> str:
    """Wrap every span of `sentence` in the marker tokens (spans are character offsets, end exclusive)."""
    parts: list[str] = []
    last = 0
    for a, b in merge_spans(spans):
        if not (0 <= a < b <= len(sentence)):
            raise ValueError(f"span ({a}, {b}) is outside a sentence of {len(sentence)} characters: {sentence!r}")
        parts += [sentence[last:a], OPEN, sentence[a:b], CLOSE]
        last = b
    parts.append(sentence[last:])
    return "".join(parts)


def find_spans(sentence: str, surfaces: Iterable[str]) -> list[tuple[int, int]]:
    """Every word-bounded occurrence of each surface string (exact case first, else any case)."""
    spans: list[tuple[int, int]] = []
    for surface in surfaces:
        surface = surface.strip()
        if not surface:
            continue
        pattern = r"(?<!\w)" + re.escape(surface) + r"(?!\w)"
        found = [m.span() for m in re.finditer(pattern, sentence)]
        if not found:
            found = [m.span() for m in re.finditer(pattern, sentence, flags=re.IGNORECASE)]
        spans += found
    return merge_spans(spans)
