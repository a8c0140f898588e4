"""Ablation of the CPU speed options at equal wall time: each variant trains for the same time budget.

    python benchmarks/ablate_cpu.py --budget 60 --out ci-artifacts/ablation.json

Two phases, so that background load can't decide the result. First the step time of every variant is
measured with `minigpt.bench.train_speed`, the variants alternating over `--rounds` rounds (medians).
Then each variant trains for `budget / its step time` iterations with the standard callbacks and is
evaluated at the end with nanoGPT's protocol (the mean over 20 fixed batches): the loss after a given
number of steps doesn't depend on the machine's load, so this phase runs two variants at a time, one
thread each. The reference variant is the recipe first proposed for the `cpu` preset (rotary, QK-norm, ReLU², Muon,
batch 16); each other row changes one option, so the table reads "with and without". The benchmark chapter
(nbs/30_bench.ipynb) quotes its output; the `cpu` preset itself (nbs/04_config.ipynb) took what the ablation
showed (GELU, batch 32).
"""
from __future__ import annotations
import argparse, json, os, statistics
from concurrent.futures import ProcessPoolExecutor
import torch
from dataclasses import replace
from minigpt.bench import train_speed, time_to_loss, machine_info
from minigpt.config import TrainConfig
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPTConfig

BASE_MODEL = dict(n_layer=4, n_head=4, n_embd=128, block_size=64, bias=False, pos_emb='rope', qk_norm=True, mlp='relu2')
BASE_TRAIN = dict(batch_size=16, learning_rate=2e-3, min_lr=2e-4, optimizer='muon', muon_lr=0.02,
                  warmup_iters=100, eval_iters=20, device='cpu')
VARIANTS = {  # name: (model changes, train changes)
    'proposed': ({}, {}),
    'without Muon (AdamW only)': ({}, dict(optimizer='adamw')),
    'without QK-norm': (dict(qk_norm=False), {}),
    'without ReLU² (GELU)': (dict(mlp='gelu'), {}),
    'without rotary (learned positions)': (dict(pos_emb='learned'), {}),
    'batch 32 instead of 16': ({}, dict(batch_size=32)),
    'muon_lr 0.04 instead of 0.02': ({}, dict(muon_lr=0.04)),
    'nanoGPT (nanogpt-cpu preset)': (dict(pos_emb='learned', qk_norm=False, mlp='gelu'),
                                     dict(batch_size=12, learning_rate=1e-3, min_lr=1e-4, optimizer='adamw')),
}

def configs(name):
    dm, dt = VARIANTS[name]
    return GPTConfig(**{**BASE_MODEL, **dm}), TrainConfig(**{**BASE_TRAIN, **dt})

def train_for(name: str, iters: int) -> dict:
    "Train variant `name` for `iters` steps on one thread; its final val loss (mean over 20 fixed batches)."
    torch.set_num_threads(1)
    keep_freed_memory()  # as minigpt-train and minigpt-bench do
    m, t = configs(name)
    t = replace(t, max_iters=iters, eval_interval=iters, warmup_iters=min(t.warmup_iters, iters - 1))  # short budgets: a shorter warm-up
    r = time_to_loss(m, t, TextDataset.from_file(), target=0.0)  # never reached: reports the final evaluation
    return dict(name=name, iters=iters, val_loss=r['val_loss'])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--budget', type=float, default=60.0, help='seconds of training per variant')
    p.add_argument('--rounds', type=int, default=3, help='rounds of step-time measurement')
    p.add_argument('--only', nargs='*', default=None, help='run only these variants')
    p.add_argument('--out', default=None)
    args = p.parse_args()
    keep_freed_memory()  # as minigpt-train and minigpt-bench do
    if unknown := set(args.only or ()) - set(VARIANTS): p.error(f"unknown variant(s) {sorted(unknown)}; choose from {list(VARIANTS)}")
    names = [n for n in VARIANTS if not args.only or n in args.only]
    ds, info = TextDataset.from_file(), machine_info()
    times = {n: [] for n in names}
    for r in range(args.rounds):  # alternate the variants, so all meet the same background load
        for n in (names if r % 2 == 0 else names[::-1]):
            times[n].append(train_speed(*configs(n), ds, steps=15, warmup=3)['ms_per_step'])
    ms = {n: statistics.median(v) for n, v in times.items()}
    print({n: round(v, 1) for n, v in ms.items()}, flush=True)
    with ProcessPoolExecutor(2) as pool:
        rows = list(pool.map(train_for, names, [max(2, int(args.budget * 1e3 / ms[n])) for n in names]))
    for row in rows:
        row['ms_per_step'] = ms[row['name']]
        print(f"| {row['name']} | {row['ms_per_step']:.1f} | {row['iters']} | {row['val_loss']:.4f} |", flush=True)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        json.dump(dict(machine=info, budget=args.budget, rows=rows), open(args.out, 'w'), indent=1)

if __name__ == '__main__': main()
