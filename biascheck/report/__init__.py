"""Reports: a comparison, the scored mentions or the outlet registry as text."""

from .table import (
    comparison_json,
    comparison_rows,
    formats,
    check_format,
    render_comparison,
    render_mentions,
    render_outlets,
    render_records,
    skipped_lines,
    summary_lines,
)

__all__ = [
    "comparison_json",
    "comparison_rows",
    "formats",
    "check_format",
    "render_comparison",
    "render_mentions",
    "render_outlets",
    "render_records",
    "skipped_lines",
    "summary_lines",
]
