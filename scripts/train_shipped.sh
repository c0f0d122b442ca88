#!/usr/bin/env bash
# Reproduce the shipped stance model, models/biascheck-stance (about 70 minutes on a 2-core CPU).
#
#   bash scripts/train_shipped.sh [OUT]     # run from the repository root, with ../shared/data beside it
#
# A teacher model is trained first (runs/teacher-13); the shipped model is a second one, trained on the same
# rows with the same seed, learning half from the gold labels and half from the teacher's probabilities
# (distillation: the student sees the teacher's graded judgement, not only the hard label).
# Extra arguments after OUT go to both `biascheck train` runs (for example --device cuda).
#
# The shipped model was trained on the domain labels as they were before the fixes logged in
# data/domain/adjudication/relabels.jsonl (guideline rules 23 to 25, 2026-11-24). The script rebuilds those labels
# in a temporary copy (`python scripts/adjudicate.py undo`), so it reproduces the shipped weights exactly.
# LABELS=current bash scripts/train_shipped.sh OUT trains the same recipe on the labels as they are now.
set -euo pipefail
out=${1:-models/biascheck-stance}
shift || true
if [[ "${LABELS:-shipped}" == current ]]; then
  domain=data/domain
  teacher=runs/teacher-13-current
else
  teacher=runs/teacher-13
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  domain=$(python scripts/adjudicate.py undo "$tmp")
fi
data=(
  ../shared/data/newsmtsc/train.jsonl ../shared/data/ukraine/labelled.jsonl@4
  "$domain"/news/news_labels.jsonl@2 "$domain"/news/news_targeted.jsonl@2 "$domain"/news/news_support.jsonl@2
  "$domain"/contrast_0[1-7].jsonl "$domain"/regional_0?.jsonl "$domain"/state_0?.jsonl "$domain"/wire_0?.jsonl
)
# the same seed, data and thread count give the same weights: both runs used 2 threads
common=(--dev ../shared/data/newsmtsc/dev_mt.jsonl --dev ../shared/data/newsmtsc/dev_rw.jsonl
        --split data/splits/domain.json --epochs 2 --lr 6e-5 --seed 13 --threads 2 "$@")
biascheck train "${data[@]}" "${common[@]}" --out "$teacher"
biascheck train "${data[@]}" "${common[@]}" --teacher "$teacher" --distill 0.5 --out "$out"
