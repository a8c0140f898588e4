"""Time per generated token against context length, with and without the key/value cache, on CPU.

    python scripts/bench_generate.py                      # small and medium presets, learned and rotary positions
    python scripts/bench_generate.py --presets medium --repeats 5 --threads 1 --out ci-artifacts/bench.json

Each run starts from a one-token prompt and generates `block_size * --beyond` tokens with `generate_ids`,
timing every step. A step's time is the cost of the token at that context length. For each checkpoint length
we report the median over the steps of a small neighbourhood and over all repeats (the machine is noisy).
Weights are random: the time per token does not depend on what the model learned.
"""
from __future__ import annotations
import argparse, json, os, platform, statistics, time
import torch
from minigpt.model import GPT, GPTConfig
from minigpt.sampling import generate_ids


def step_times(model: GPT, n_tokens: int, use_cache: bool, seed: int = 0) -> list[float]:
    "Seconds spent on each of `n_tokens` generation steps from a one-token prompt."
    idx = torch.zeros(1, 1, dtype=torch.long)
    gen = torch.Generator().manual_seed(seed)
    times, t0 = [], time.perf_counter()
    for _ in generate_ids(model, idx, n_tokens, generator=gen, use_cache=use_cache):
        t1 = time.perf_counter(); times.append(t1 - t0); t0 = t1
    return times


def checkpoints(block_size: int, beyond: float) -> list[int]:
    "Context lengths to report: fractions of block_size, block_size itself, and past it."
    fracs = [0.125, 0.25, 0.5, 1.0] + [1.0 + 0.25 * i for i in range(1, int((beyond - 1) / 0.25) + 1)]
    return sorted({max(1, int(block_size * f)) for f in fracs})


def bench(preset: str, pos_emb: str, repeats: int, beyond: float, window: int = 4) -> dict:
    "Median milliseconds per token at each checkpoint length, cached and uncached, for one model."
    torch.manual_seed(0)
    model = GPT(GPTConfig.preset(preset, dropout=0.0, pos_emb=pos_emb)).eval()
    bs = model.cfg.block_size
    n = int(bs * beyond)
    runs = {True: [], False: []}
    for r in range(repeats):  # alternate cached and uncached runs, so both meet the same background load
        for c in (True, False): runs[c].append(step_times(model, n, use_cache=c, seed=r))
    rows = []
    for L in checkpoints(bs, beyond):  # step i (0-based) runs on a context of i + 1 tokens
        near = lambda ts: [t for run in ts for t in run[max(0, L - window):L]]
        rows.append(dict(length=L, cached_ms=1e3 * statistics.median(near(runs[True])),
                         uncached_ms=1e3 * statistics.median(near(runs[False]))))
    within = lambda ts: statistics.median(sum(run[:bs]) for run in ts)  # total time for the first block_size tokens
    return dict(preset=preset, pos_emb=pos_emb, block_size=bs, params=model.num_params(), rows=rows,
                speedup_within_block=within(runs[False]) / within(runs[True]))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--presets', nargs='+', default=['small', 'medium'])
    p.add_argument('--pos-emb', nargs='+', default=['learned', 'rope'])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--beyond', type=float, default=1.5, help='generate this many times block_size tokens')
    p.add_argument('--threads', type=int, default=1, help='torch threads (1 is steadiest on a shared machine)')
    p.add_argument('--out', default=None, help='also write the results as JSON here')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    meta = dict(date=time.strftime('%Y-%m-%d'), machine=f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
                torch=torch.__version__, threads=args.threads, repeats=args.repeats, load_avg=os.getloadavg()[0])
    results = []
    for preset in args.presets:
        for pos_emb in args.pos_emb:
            r = bench(preset, pos_emb, args.repeats, args.beyond)
            results.append(r)
            print(f"\n{preset} ({r['params'] / 1e6:.2f}M params, block_size {r['block_size']}, {pos_emb} positions): "
                  f"cache speed-up over the first block_size tokens {r['speedup_within_block']:.1f}x")
            print("| context length | cached ms/token | uncached ms/token | speed-up |\n|---:|---:|---:|---:|")
            for row in r['rows']:
                print(f"| {row['length']} | {row['cached_ms']:.2f} | {row['uncached_ms']:.2f} | {row['uncached_ms'] / row['cached_ms']:.1f}x |")
    meta['load_avg_end'] = os.getloadavg()[0]
    print(f"\n{meta}")
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        with open(args.out, 'w') as f: json.dump(dict(meta=meta, results=results), f, indent=1)


if __name__ == '__main__': main()
