#!/usr/bin/env bash
# Reproduce the shipped stance model, models/biascheck-stance (about 2.5 hours on a 2-core CPU).
#
#   bash scripts/train_shipped.sh [OUT]     # run from the repository root, with ../shared/data beside it
#
# Three teacher models, the same recipe with seeds 13, 7 and 21, go to runs/teacher-SEED; the shipped model is
# a fourth, trained on the same rows, learning half from the gold labels and half from the teachers' mean
# probabilities (distillation: one model's size and speed, trained toward the ensemble's behaviour).
# Extra arguments after OUT go to every `biascheck train` (for example --device cuda).
set -euo pipefail
out=${1:-models/biascheck-stance}
shift || true
data=(
  ../shared/data/newsmtsc/train.jsonl ../shared/data/ukraine/labelled.jsonl@4
  data/domain/news/news_labels.jsonl@2 data/domain/news/news_targeted.jsonl@2 data/domain/news/news_support.jsonl@2
  data/domain/contrast_0[1-4].jsonl data/domain/regional_0?.jsonl data/domain/state_0?.jsonl data/domain/wire_0?.jsonl
)
# contrast_05.jsonl to contrast_07.jsonl (written after this model was trained) are not in its training data
common=(--dev ../shared/data/newsmtsc/dev_mt.jsonl --dev ../shared/data/newsmtsc/dev_rw.jsonl
        --split data/splits/domain.json --epochs 2 --lr 6e-5 "$@")
# the same seed, data and thread count give the same weights: the teachers ran with 1 thread, the student with 2
teachers=()
for seed in 13 7 21; do
  biascheck train "${data[@]}" "${common[@]}" --seed "$seed" --threads 1 --out "runs/teacher-$seed"
  teachers+=(--teacher "runs/teacher-$seed")
done
biascheck train "${data[@]}" "${common[@]}" --seed 13 "${teachers[@]}" --distill 0.5 --threads 2 --out "$out"
