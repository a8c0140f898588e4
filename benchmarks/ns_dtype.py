"""Muon's orthogonalisation in bfloat16 in a bfloat16 run: cheaper steps; does it learn as fast?

    python benchmarks/ns_dtype.py --out benchmarks/2026-12-07/ns_dtype_bfloat16.json

In a run whose matrix products are bfloat16 (`dtype='auto'` on a CPU with bf16 instructions), the
CPU's `parallelism` (`CPUCores`, the CPU chapter) runs Muon's Newton–Schulz iterations in bfloat16
too (`ns_bf16=True`); before, they ran in float32. The two variants are the default run (the `cpu`
preset) with each. Two phases, as in `ns_steps.py`: step times on whole and half blocks
(`minigpt.bench.train_speed`, variants alternating, both cores), then every (variant, seed) trains
on one thread, two at a time, evaluating every 25 steps. Printed per variant: the mean step at
which the validation loss reaches 1.886, the training time to it (steps times step times) and the
final loss, with paired differences to float32 (mean, 95% half-width). Needs a CPU with bf16
instructions: elsewhere PyTorch emulates bfloat16 and the step times mean nothing.
The benchmark chapter (nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
import torch
from minigpt.bench import machine_info
from minigpt.config import TrainConfig, cpu_has_bf16
from minigpt.cpu import CPUCores, keep_freed_memory
from minigpt.data import TextDataset
from ns_steps import report, step_times, summarize, train_seed  # beside this script

VARIANTS = {'float32': False, 'bfloat16': True}  # the orthogonalisation's dtype: ns_bf16


def set_ns_bf16(on: bool):
    "Make `on` the default `ns_bf16` of every `CPUCores` built from now on in this process."
    CPUCores.__init__.__defaults__ = (1, 1, on)  # (n, threads, ns_bf16)


def check_ns_bf16(trainer, name: str):
    assert trainer.parallelism.ns_bf16 == VARIANTS[name]


def train_one(name: str, seed: int) -> dict:
    "The default run in bfloat16 with the orthogonalisation in `name`, one thread; its evaluations."
    set_ns_bf16(VARIANTS[name])
    evals = train_seed(seed, 'bfloat16', partial(check_ns_bf16, name=name))
    return dict(name=name, seed=seed, evals=evals)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, default=4, help='seeds per variant (1337, 1338, ...)')
    p.add_argument('--rounds', type=int, default=4, help='rounds of step-time measurement')
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    if not cpu_has_bf16():
        p.error("this CPU has no bf16 instructions (bfloat16 would be emulated): use one that has")
    keep_freed_memory()
    ds = TextDataset.from_file()
    train = TrainConfig.preset('cpu', device='cpu', dtype='bfloat16')
    use = lambda n: set_ns_bf16(VARIANTS[n])
    ms, times = step_times(list(VARIANTS), use, train, ds, args.rounds)
    print(ms, flush=True)
    seeds = [1337 + s for s in range(args.seeds)]
    jobs = [(n, s) for s in seeds for n in VARIANTS]
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(train_one, *zip(*jobs)))
    ev = {(r['name'], r['seed']): r['evals'] for r in runs}
    rows = summarize(ev, ms, seeds, train.context_warmup_iters, list(VARIANTS), 'name')
    report(rows, 'name', '')
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        out = dict(machine=machine_info(), dtype='torch.bfloat16', seeds=seeds, ms=ms)
        out |= dict(times={f'{k}/{n}': v for (k, n), v in times.items()})
        out |= dict(evals={f'{n}/{s}': e for (n, s), e in ev.items()}, rows=rows)
        json.dump(out, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
