#!/usr/bin/env bash
# Training tokens/s of the default model on 1 process vs 2 torchrun processes (gloo on CPU; NCCL where GPUs exist).
# Usage: [DTYPE=float32] bash benchmarks/bench_distributed.sh [ITERS] [DEVICE]   -> prints a markdown table (median tokens/s after warm-up)
# The distributed chapter (nbs/20_distributed.ipynb) quotes its table.
set -euo pipefail
ITERS=${1:-200}; DEVICE=${2:-cpu}
out=$(mktemp -d)
common=(--max-iters "$ITERS" --warmup-iters 10 --eval-interval 100000 --log-interval 10 --device "$DEVICE" --dtype "${DTYPE:-auto}" --no-progress)
median() { python3 - "$1" <<'PY'
import json, statistics, sys
rs = [json.loads(l) for l in open(sys.argv[1] + '/metrics.jsonl') if 'tokens_per_sec' in l]
print(f"{statistics.median(r['tokens_per_sec'] for r in rs[2:]):,.0f}")
PY
}
B=$(python3 -c "from minigpt.config import TrainConfig; print(TrainConfig.preset('cpu').batch_size)")  # the default run's batch
OMP_NUM_THREADS=1 minigpt-train "${common[@]}" --out "$out/p1t1" >/dev/null
OMP_NUM_THREADS=2 minigpt-train "${common[@]}" --cpu-cores 1 --out "$out/p1t2" >/dev/null
OMP_NUM_THREADS=2 minigpt-train "${common[@]}" --cpu-cores 2 --out "$out/p1s2" >/dev/null
OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node=2 --no-python minigpt-train "${common[@]}" --out "$out/p2" >/dev/null 2>&1
OMP_NUM_THREADS=1 torchrun --standalone --nproc_per_node=2 --no-python minigpt-train "${common[@]}" --batch-size $((B/2)) --out "$out/p2half" >/dev/null 2>&1
echo "| processes × threads | batch per process | global batch | tokens/s (median) |"
echo "|---|---|---|---|"
echo "| 1 × 1 | $B | $B | $(median "$out/p1t1") |"
echo "| 1 × 2 (threads share each operation) | $B | $B | $(median "$out/p1t2") |"
echo "| 1 × 2 (one slice of the batch per thread) | $B | $B | $(median "$out/p1s2") |"
echo "| 2 × 1 | $B | $((2*B)) | $(median "$out/p2") |"
echo "| 2 × 1 | $((B/2)) | $B | $(median "$out/p2half") |"
rm -rf "$out"
