"""Ablation of Llama's blocks against the default run: one change at a time, equal steps, several seeds.

    python benchmarks/ablate_blocks.py --seeds 3 --out benchmarks/2026-12-06/blocks_float32.json
    python benchmarks/ablate_blocks.py --dtype bfloat16 --out benchmarks/2026-12-06/blocks_bfloat16.json

The reference is the default run (`minigpt-train`: the `cpu` preset, 600 steps); each other row changes
one model setting (RMSNorm, SwiGLU, grouped-query or multi-query attention) or two (Llama's block).
Two phases, so that background load can't decide the result:

1. step time: every variant runs `--steps` measured steps with `minigpt.bench.train_speed` on all the
   cores the run may use, the variants alternating over `--rounds` rounds (medians);
2. loss: every (variant, seed) trains the full 600 steps on one thread, two at a time, and is scored
   by its validation loss at the end (the trainer's evaluation, as `minigpt-train` prints it; the
   default run also evaluates every 50 steps, which this skips to save time). The loss after a given
   number of steps doesn't depend on the machine's load.

Wall time follows: steps times step time. Per variant the table gives the mean final val loss over the
seeds with a 95% t-interval, the paired difference to the reference (same seeds: the same batches),
the step time and the key/value cache per token of context (grouped-query attention's point).
The benchmark chapter (nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os, statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
import torch
from minigpt.bench import train_speed, time_to_loss, machine_info
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPTConfig

VARIANTS = {  # name: changes to the default run's model
    'default run (LayerNorm, GELU, 4 kv heads)': {},
    'RMSNorm': dict(norm='rmsnorm'),
    'SwiGLU': dict(mlp='swiglu'),
    'grouped-query, 2 kv heads': dict(n_kv_head=2),
    'multi-query, 1 kv head': dict(n_kv_head=1),
    "Llama's block (RMSNorm + SwiGLU)": dict(norm='rmsnorm', mlp='swiglu'),
    'untied head': dict(tie_head=False),
    'zero-initialised projections': dict(zero_init_proj=True),
    'residual scalars': dict(resid_scalars=True),
    'logit softcap 15': dict(logit_softcap=15.0),
    'value embeddings': dict(value_embeds=True),
}
# t quantiles (two-sided 95%) for n - 1 degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def configs(name: str, dtype: str = 'auto', seed: int = 1337) -> tuple[GPTConfig, TrainConfig]:
    "The default run's configs with variant `name`'s model changes."
    model = GPTConfig.preset('cpu', **VARIANTS[name])
    train = TrainConfig.preset('cpu', device='cpu', dtype=dtype, seed=seed)
    # one evaluation, at the end, on 20 batches (the cpu preset's evaluations had 20 until 2026-12-07)
    return model, replace(train, eval_interval=train.max_iters, eval_iters=20)


def train_one(name: str, seed: int, dtype: str) -> dict:
    "Train variant `name` with `seed` on one thread; its best validation loss."
    torch.set_num_threads(1)
    keep_freed_memory()  # as minigpt-train does
    r = time_to_loss(*configs(name, dtype, seed), TextDataset.from_file(), target=0.0)
    return dict(name=name, seed=seed, val_loss=r['val_loss'])


def interval(xs: list[float]) -> tuple[float, float]:
    "Mean and the half-width of its 95% t-interval."
    mean = statistics.fmean(xs)
    return mean, T95[len(xs) - 1] * statistics.stdev(xs) / len(xs) ** 0.5 if len(xs) > 1 else float('nan')


def kv_bytes_per_token(cfg: GPTConfig, dtype: torch.dtype) -> int:
    "Bytes of key/value cache per token of context: 2 (k and v) · layers · kv heads · head size."
    hs = cfg.n_embd // cfg.n_head
    return 2 * cfg.n_layer * (cfg.n_kv_head or cfg.n_head) * hs * torch.finfo(dtype).bits // 8


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, default=3, help='seeds per variant (1337, 1338, ...)')
    p.add_argument('--rounds', type=int, default=3, help='rounds of step-time measurement')
    p.add_argument('--steps', type=int, default=20, help='measured steps per round')
    p.add_argument('--dtype', default='auto', help="'auto', 'float32' or 'bfloat16'")
    p.add_argument('--only', nargs='*', default=None, help='run only these variants')
    p.add_argument('--out', default=None)
    p.add_argument(
        '--times-only', action='store_true', help="measure step times again into --out's rows"
    )
    args = p.parse_args()
    if unknown := set(args.only or ()) - set(VARIANTS):
        p.error(f"unknown variant(s) {sorted(unknown)}; choose from {list(VARIANTS)}")
    keep_freed_memory()
    names = [n for n in VARIANTS if not args.only or n in args.only]
    ds, info = TextDataset.from_file(), machine_info()
    dtype = resolve_dtype(args.dtype, torch.device('cpu'))
    times = {n: [] for n in names}
    for r in range(args.rounds):  # alternate, so every variant meets the same background load
        for n in names if r % 2 == 0 else names[::-1]:
            speed = train_speed(*configs(n, args.dtype), ds, steps=args.steps, warmup=5)
            times[n].append(speed['ms_per_step'])
    ms = {n: statistics.median(v) for n, v in times.items()}
    print({n: round(v, 1) for n, v in ms.items()}, flush=True)
    if args.times_only:  # a quieter machine: new step times, the same losses
        out = json.load(open(args.out))
        for row in out['rows']:
            row.update(ms_per_step=ms[row['name']], step_times=times[row['name']])
        json.dump(out | dict(machine=info, timed=args.rounds), open(args.out, 'w'), indent=1)
        return
    jobs = [(n, 1337 + s) for s in range(args.seeds) for n in names]
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(train_one, *zip(*jobs), [args.dtype] * len(jobs)))
    loss = {(r['name'], r['seed']): r['val_loss'] for r in runs}
    seeds = [1337 + s for s in range(args.seeds)]
    if args.only and args.out and os.path.exists(args.out):  # add to the rows run before
        for row in json.load(open(args.out))['rows']:
            for seed, value in zip(seeds, row['losses']):
                loss.setdefault((row['name'], seed), value)
            ms.setdefault(row['name'], row['ms_per_step'])
            times.setdefault(row['name'], row['step_times'])
    names = [n for n in VARIANTS if (n, seeds[0]) in loss]
    ref, rows = next(iter(VARIANTS)), []
    for n in names:
        mean, half = interval([loss[n, s] for s in seeds])
        dmean, dhalf = interval([loss[n, s] - loss[ref, s] for s in seeds])
        cfg = configs(n)[0]
        rows.append(
            dict(
                name=n,
                changes=VARIANTS[n],
                losses=[loss[n, s] for s in seeds],
                mean=mean,
                ci95=half,
                diff=dmean,
                diff_ci95=dhalf,
                ms_per_step=ms[n],
                step_times=times[n],
                params=sum(p.numel() for p in torch.nn.Module.parameters(_model(cfg))),
                kv_bytes_per_token=kv_bytes_per_token(cfg, dtype),
            )
        )
        print(
            f"| {n} | {mean:.4f} ± {half:.4f} | {dmean:+.4f} ± {dhalf:.4f} | {ms[n]:.1f} | "
            f"{rows[-1]['kv_bytes_per_token']} |",
            flush=True,
        )
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        out = dict(machine=info, dtype=str(dtype), seeds=args.seeds, steps=configs(ref)[1].max_iters)
        json.dump(out | dict(rows=rows), open(args.out, 'w'), indent=1)


def _model(cfg: GPTConfig):
    from minigpt.model import GPT

    with torch.device('meta'):
        return GPT(cfg)


if __name__ == '__main__':
    main()
