#!/usr/bin/env bash
# Every GPU measurement of the benchmark chapter, in five minutes at most on one H100 or H200: each section runs
# under its own time budget (seconds, below), writes its JSON as it goes, and a section that fails or runs out of
# time is recorded in status.txt while the next one runs.
#
#   bash benchmarks/bench_gpu.sh [OUT_DIR]         # results in OUT_DIR (default: ci-artifacts/bench_gpu)
#   NANOGPT=path/to/nanoGPT bash benchmarks/bench_gpu.sh   # with nanoGPT's baby GPT beside it, on the same card
#
# It runs on a bare GPU machine's own Python: torch (a CUDA build), numpy and tqdm, nothing installed from this
# project; minigpt runs from this checkout, with fastcore, wandb, ipywidgets and matplotlib blocked so that the
# benchmark can't come to need them. NANOGPT is a checkout of github.com/karpathy/nanoGPT (never committed here);
# its data is made from minigpt's embedded Tiny Shakespeare, so nothing is downloaded.
#
# Sections (budget): gpu (10), baby_gpt (100: the baby GPT compiled in bf16, tokens/s, MFU, time to val <= 1.47,
# generation), nanogpt (75: nanoGPT's baby GPT, 2,000 iterations, compiled), baby_gpt_modern (70: rotary, QK-norm,
# Muon), scaling (45: the presets and a context sweep). BENCH_BUDGET_<SECTION>=S changes a budget,
# BENCH_EXTRA_<SECTION>='--flag value' adds flags to a minigpt section. BENCH_SMOKE=1 runs the minigpt sections at
# tiny sizes on the CPU (no GPU needed; scaling is skipped): the benchmark chapter's test of this script.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$(mkdir -p "${1:-ci-artifacts/bench_gpu}" && cd "${1:-ci-artifacts/bench_gpu}" && pwd)
python=${PYTHON:-python3}
smoke=${BENCH_SMOKE:-0}
: > "$out/status.txt"

section() {  # section NAME BUDGET COMMAND...: run it under its budget, log it, record how it ended
  local name=$1 budget=$2; shift 2
  local var="BENCH_BUDGET_${name^^}"; budget=${!var:-$budget}
  local start=$SECONDS
  timeout --kill-after=10 "$budget" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  local how=ok; [ $rc -eq 124 ] || [ $rc -eq 137 ] && how="out of time (budget ${budget} s)"; [ $rc -ne 0 ] && [ "$how" = ok ] && how=failed
  echo "$name: $how, exit $rc, $((SECONDS - start)) s" | tee -a "$out/status.txt"
  [ $rc -eq 0 ] || tail -5 "$out/$name.log" | sed 's/^/    /'
}

bench() {  # bench NAME BUDGET FLAGS...: minigpt-bench from this checkout, writing NAME.json as it measures
  local name=$1 budget=$2; shift 2
  local var="BENCH_EXTRA_${name^^}"
  local smoke_flags=()
  [ "$smoke" = 1 ] && smoke_flags=(--device cpu --dtype float32 --no-compile --preset small --n-layer 1 --n-embd 32
                                   --n-head 2 --block-size 32 --batch-size 4 --steps 3 --warmup 1 --max-iters 30
                                   --eval-interval 10 --eval-iters 2 --target-loss 4.5 --repeats 1)
  # shellcheck disable=SC2086
  section "$name" "$budget" env PYTHONPATH="$repo" "$python" -c '
import sys
for name in ("fastcore", "wandb", "ipywidgets", "matplotlib"): sys.modules[name] = None  # not needed: blocked
from minigpt.bench import bench_cli
sys.argv[0] = "minigpt-bench"
bench_cli()' "$@" "${smoke_flags[@]}" ${!var:-} --json "$out/$name.json"
}

nanogpt() {  # nanoGPT's baby GPT (its config/train_shakespeare_char.py), 2,000 iterations, on the same card
  local data="$NANOGPT/data/shakespeare_char"
  cp "$repo/minigpt/data/tinyshakespeare.txt" "$data/input.txt"
  local stub; stub=$(mktemp -d)
  "$python" -c 'import requests' 2> /dev/null || touch "$stub/requests.py"  # prepare.py imports it; input.txt is there
  (cd "$data" && PYTHONPATH="$stub" "$python" prepare.py) &&
  (cd "$NANOGPT" && "$python" train.py config/train_shakespeare_char.py --max_iters=2000 --lr_decay_iters=2000 \
      --eval_interval=250 --out_dir="$out/nanogpt-out")
}

if [ "$smoke" = 1 ]; then echo "gpu: skipped, smoke run on the CPU" | tee -a "$out/status.txt"
else section gpu 10 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; fi
bench baby_gpt 100 --suite gpu
if [ -n "${NANOGPT:-}" ] && [ "$smoke" != 1 ]; then section nanogpt 75 nanogpt
else echo "nanogpt: skipped, NANOGPT is not set (or a smoke run)" | tee -a "$out/status.txt"; fi
bench baby_gpt_modern 70 --suite gpu --pos-emb rope --qk-norm --optimizer muon
if [ "$smoke" = 1 ]; then echo "scaling: skipped, smoke run on the CPU" | tee -a "$out/status.txt"
else bench scaling 45 --suite scaling --device cuda --dtype bfloat16 --steps 30; fi
echo "results: $out"
