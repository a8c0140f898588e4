"""Fewer Newton–Schulz iterations in Muon: cheaper steps; does the default run learn as fast?

    python benchmarks/ns_steps.py --out benchmarks/2026-12-06/ns_steps_float32.json

Muon orthogonalises every update of the blocks' matrices with `ns_steps` Newton–Schulz iterations
(5, Keller Jordan's choice); on the default CPU model that is about a seventh of a float32 step.
The variants run the default run (the `cpu` preset) with 5, 4 and 3 iterations. Two phases, as in
`context_warmup.py`: step times on whole and half blocks (`minigpt.bench.train_speed`, variants
alternating), then every (variant, seed) trains on one thread, two at a time, evaluating every 25
steps. Printed per variant: the mean step at which the validation loss reaches 1.886, the training
time to it, and the final loss, with paired differences to 5 iterations (mean, 95% half-width).
The benchmark chapter (nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os, statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
import torch
from minigpt.bench import _build, train_speed, machine_info
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPTConfig
from minigpt.optim import Muon
from minigpt.tracking import core_callbacks
from context_warmup import crossing, paired, seconds  # beside this script

NS = [5, 4, 3]


def set_ns(n: int):
    "Make `n` the default `ns_steps` of every Muon built from now on in this process."
    defaults = list(Muon.__init__.__defaults__)
    defaults[3] = n  # (lr, momentum, nesterov, ns_steps, ...)
    Muon.__init__.__defaults__ = tuple(defaults)


def train_seed(seed: int, dtype: str, prepare=None) -> list[tuple[int, float]]:
    """The default run with `seed` on one thread, evaluated every 25 steps, after `prepare(trainer)`
    (a check or a change before training); its (step, val loss) evaluations."""
    torch.set_num_threads(1)
    keep_freed_memory()
    train = TrainConfig.preset('cpu', device='cpu', dtype=dtype, seed=seed)
    # on 20 batches, as the recorded runs (the cpu preset's evaluations had 20 until 2026-12-07)
    train = replace(train, eval_interval=25, eval_iters=20, cpu_cores=1)
    trainer = _build(GPTConfig.preset('cpu'), train, TextDataset.from_file(), core_callbacks())
    if prepare:
        prepare(trainer)
    trainer.fit()
    return [(r['iter'], r['val_loss']) for r in trainer.history if 'val_loss' in r]


def check_ns(trainer, ns: int):
    assert trainer.opt.param_groups[0]['ns_steps'] == ns


def train_one(ns: int, seed: int, dtype: str) -> dict:
    "The default run with `ns` iterations and `seed`, on one thread; its evaluations."
    set_ns(ns)
    return dict(ns=ns, seed=seed, evals=train_seed(seed, dtype, partial(check_ns, ns=ns)))


def step_times(variants: list, use, train: TrainConfig, ds, rounds: int) -> tuple[dict, dict]:
    """Step times of the default model on whole and half blocks for each variant (`use(v)` before
    measuring it), the variants alternating over `rounds`; the medians by 'whole/v' and 'half/v',
    and every round's times by (shape, v)."""
    model = GPTConfig.preset('cpu')
    shapes = {'whole': model, 'half': replace(model, block_size=model.block_size // 2)}
    times = {(k, v): [] for k in shapes for v in variants}
    for r in range(rounds):  # alternate, so all meet the same background load
        for v in variants if r % 2 == 0 else variants[::-1]:
            use(v)
            for k in shapes:
                times[k, v].append(train_speed(shapes[k], train, ds, steps=20)['ms_per_step'])
    return {f'{k}/{v}': statistics.median(t) for (k, v), t in times.items()}, times


def summarize(ev: dict, ms: dict, seeds: list[int], short: int, names=NS, key='ns') -> list[dict]:
    """Per variant (`names`, the first the reference): the step at 1.886, the training seconds to it
    and the final val loss per seed, each with its mean and 95% half-width, and the paired
    differences to the reference; each row names its variant under `key`."""
    per = {}
    for (n, s), evals in ev.items():
        step = crossing(evals)
        secs = seconds(step, short, ms[f'half/{n}'], ms[f'whole/{n}'])
        per[n, s] = dict(step=step, seconds=secs, final=evals[-1][1])
    keys = ('step', 'seconds', 'final')
    return [{key: n} | paired(per, n, names[0], seeds, keys) for n in names]


def report(rows: list[dict], key='ns', label='ns '):
    "Print `summarize`'s rows, one line per variant."
    for row in rows:
        secs = f"{row['seconds_diff']:+.1f} ± {row['seconds_diff_ci95']:.1f}"
        final = f"{row['final_diff']:+.4f} ± {row['final_diff_ci95']:.4f}"
        print(
            f"{label}{row[key]}: step {row['step_mean']:.0f}, seconds to 1.886 "
            f"{row['seconds_mean']:.1f} ({secs}), final {row['final_mean']:.4f} ({final})",
            flush=True,
        )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, default=4, help='seeds per variant (1337, 1338, ...)')
    p.add_argument('--rounds', type=int, default=4, help='rounds of step-time measurement')
    p.add_argument('--dtype', default='float32', help="'auto', 'float32' or 'bfloat16'")
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    keep_freed_memory()
    ds = TextDataset.from_file()
    train = TrainConfig.preset('cpu', device='cpu', dtype=args.dtype)
    ms, times = step_times(NS, set_ns, train, ds, args.rounds)
    print(ms, flush=True)
    seeds = [1337 + s for s in range(args.seeds)]
    jobs = [(n, s) for s in seeds for n in NS]
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(train_one, *zip(*jobs), [args.dtype] * len(jobs)))
    ev = {(r['ns'], r['seed']): r['evals'] for r in runs}
    rows = summarize(ev, ms, seeds, train.context_warmup_iters)
    report(rows)
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        dtype = str(resolve_dtype(args.dtype, torch.device('cpu')))
        out = dict(machine=machine_info(), dtype=dtype, seeds=seeds, ms=ms)
        out |= dict(times={f'{k}/{n}': v for (k, n), v in times.items()})
        out |= dict(evals={f'{n}/{s}': e for (n, s), e in ev.items()}, rows=rows)
        json.dump(out, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
