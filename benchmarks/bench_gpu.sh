#!/usr/bin/env bash
# Every GPU measurement of the benchmark chapter, in one go: about 5 minutes on one H100 or H200, well under 8.
# Prepared but NOT yet run: no GPU was available when the benchmark chapter was written.
#
#   bash benchmarks/bench_gpu.sh [OUT_DIR]        # JSON results land in OUT_DIR (default: ci-artifacts/bench_gpu)
#
# 1. nanoGPT's baby GPT (6 layers, 6 heads, 384 wide, block 256, batch 64, dropout 0.2), compiled, bf16:
#    tokens/s and MFU (against a bf16 matmul measured on the same card), time to val <= 1.47, generation.
# 2. The same size with the CPU winners (rotary, QK-norm, Muon): does what helps on CPU help here?
# 3. Scaling: the three presets and the context sweep on the GPU, in bfloat16.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-ci-artifacts/bench_gpu}
# Installed (pip install -e .): the console script. On a bare machine with its own CUDA torch and no network
# (the lent GPU machines), run the package from this checkout instead: it needs only torch, numpy, tqdm, safetensors.
if command -v minigpt-bench > /dev/null; then bench=(minigpt-bench)
else bench=(env PYTHONPATH="$PWD" python3 -c 'import sys; from minigpt.bench import bench_cli; sys.argv[0] = "minigpt-bench"; bench_cli()')
fi
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$out/gpu.txt"
timeout 200 "${bench[@]}" --suite gpu --json "$out/baby_gpt.json"
timeout 150 "${bench[@]}" --suite gpu --pos-emb rope --qk-norm --optimizer muon --json "$out/baby_gpt_modern.json"
timeout 100 "${bench[@]}" --suite scaling --device cuda --dtype bfloat16 --steps 30 --json "$out/scaling.json"
