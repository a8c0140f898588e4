"""The context warm-up measured: the default run with and without half-block windows first.

    python benchmarks/context_warmup.py --seeds 4 --dtype float32 --out benchmarks/2026-12-06/context_warmup_float32.json

Each variant changes the `cpu` preset's training settings (`--context-warmup-iters`, `--max-iters`);
the first row is the default run as it was before the warm-up (whole blocks, 600 steps).
Two phases, as in `ablate_blocks.py`, so that background load can't decide the result:

1. step time: a step on whole blocks (64 characters) and on half blocks (32), each measured with
   `minigpt.bench.train_speed` on all the cores a run uses, alternating over `--rounds` rounds (medians);
2. loss: every (variant, seed) trains on one thread, two at a time, evaluating every 25 steps on the
   trainer's fixed 20 validation batches (evaluating doesn't change what a run learns).

Per variant: the step at which the validation loss first reaches 1.886 (nanoGPT's final loss; linear
between evaluations), the training time to get there (short steps times the half-block step time,
the rest times the whole-block step time; evaluations not counted), the whole run's training time
and its final validation loss, each as a mean over the seeds with a 95% t-interval, and paired
differences to the first row (same seeds: the same batches). A plot of the validation loss against
training time goes beside the JSON. The benchmark chapter (nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os, statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
import torch
from minigpt.bench import _build, train_speed, machine_info
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPTConfig
from minigpt.tracking import core_callbacks
from ablate_blocks import interval  # beside this script: mean and 95% t-interval

TARGET = 1.886  # nanoGPT's final validation loss on its 2,000-step CPU run
VARIANTS = {  # name: changes to the `cpu` preset's training settings
    'whole blocks, 600 steps (before)': dict(context_warmup_iters=0, max_iters=600),
    'half blocks for 200 steps, 600 steps': dict(context_warmup_iters=200, max_iters=600),
    'half blocks for 200 steps, 650 steps': dict(context_warmup_iters=200, max_iters=650),
    'half blocks for 300 steps, 600 steps': dict(context_warmup_iters=300, max_iters=600),
}


def configs(name: str, dtype: str, seed: int = 1337) -> tuple[GPTConfig, TrainConfig]:
    "The default run's configs with variant `name`'s changes, evaluated every 25 steps."
    train = TrainConfig.preset('cpu', device='cpu', dtype=dtype, seed=seed, **VARIANTS[name])
    # on 20 batches, as the recorded runs (the cpu preset's evaluations had 20 until 2026-12-07)
    return GPTConfig.preset('cpu'), replace(train, eval_interval=25, eval_iters=20)


def train_one(name: str, seed: int, dtype: str) -> dict:
    "Train variant `name` with `seed` on one thread; its evaluations as (step, val loss)."
    torch.set_num_threads(1)
    keep_freed_memory()  # as minigpt-train does
    model, train = configs(name, dtype, seed)
    trainer = _build(model, replace(train, cpu_cores=1), TextDataset.from_file(), core_callbacks())
    trainer.fit()
    evals = [(r['iter'], r['val_loss']) for r in trainer.history if 'val_loss' in r]
    return dict(name=name, seed=seed, evals=evals)


def crossing(evals: list[tuple[int, float]], target: float = TARGET) -> float | None:
    "The step at which the val loss first reaches `target`, linear between evaluations."
    for (i0, v0), (i1, v1) in zip(evals, evals[1:]):
        if v1 <= target < v0:
            return i0 + (v0 - target) / (v0 - v1) * (i1 - i0)
    return None


def seconds(step: float, short: int, ms_half: float, ms_whole: float) -> float:
    "Training time of the first `step` steps, of which the first `short` train on half blocks."
    return (min(step, short) * ms_half + max(step - short, 0) * ms_whole) / 1e3


def paired(per: dict, name, ref, seeds: list[int], keys) -> dict:
    """Per key of `per[name, seed]`: the values over the seeds, their mean and 95% half-width, and
    the paired difference to variant `ref` (same seeds), with its half-width."""
    row = {}
    for key in keys:
        row[key] = [per[name, s][key] for s in seeds]
        row[key + '_mean'], row[key + '_ci95'] = interval(row[key])
        diffs = [per[name, s][key] - per[ref, s][key] for s in seeds]
        row[key + '_diff'], row[key + '_diff_ci95'] = interval(diffs)
    return row


def plot(rows: list[dict], ms: dict, path: str):
    "Mean val loss over the seeds against training time, one line per variant."
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for row in rows:
        steps = [i for i, _ in row['evals'][0]]
        mean = [statistics.fmean(ev[k][1] for ev in row['evals']) for k in range(len(steps))]
        short = row['changes']['context_warmup_iters']
        ax.plot([seconds(s, short, ms['half'], ms['whole']) for s in steps], mean, label=row['name'])
    ax.axhline(TARGET, color='grey', lw=0.8, ls='--')
    ax.text(1, TARGET + 0.02, f"nanoGPT's final loss {TARGET}", color='grey', fontsize=8)
    ax.set(xlabel='training time (s, evaluations not counted)', ylabel='val loss', ylim=(1.55, 2.6))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, default=4, help='seeds per variant (1337, 1338, ...)')
    p.add_argument('--rounds', type=int, default=5, help='rounds of step-time measurement')
    p.add_argument('--steps', type=int, default=20, help='measured steps per round')
    p.add_argument('--dtype', default='auto', help="'auto', 'float32' or 'bfloat16'")
    p.add_argument('--out', default=None, help='a JSON file (and a PNG beside it)')
    args = p.parse_args()
    keep_freed_memory()
    ds, info = TextDataset.from_file(), machine_info()
    model, train = configs(next(iter(VARIANTS)), args.dtype)
    shapes = {'whole': model, 'half': replace(model, block_size=model.block_size // 2)}
    times = {k: [] for k in shapes}
    for r in range(args.rounds):  # alternate, so both meet the same background load
        for k in shapes if r % 2 == 0 else list(shapes)[::-1]:
            times[k].append(train_speed(shapes[k], train, ds, steps=args.steps)['ms_per_step'])
    ms = {k: statistics.median(v) for k, v in times.items()}
    print(f"ms per step: whole blocks {ms['whole']:.1f}, half blocks {ms['half']:.1f}", flush=True)
    seeds = [1337 + s for s in range(args.seeds)]
    jobs = [(n, s) for s in seeds for n in VARIANTS]
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(train_one, *zip(*jobs), [args.dtype] * len(jobs)))
    evals = {(r['name'], r['seed']): r['evals'] for r in runs}
    per = {}  # (name, seed): crossing step, seconds to it, whole run's seconds, final val loss
    for (n, s), ev in evals.items():
        short, iters = VARIANTS[n]['context_warmup_iters'], VARIANTS[n]['max_iters']
        step = crossing(ev)
        per[n, s] = dict(
            step=step,
            seconds=seconds(step, short, ms['half'], ms['whole']) if step else float('nan'),
            run_seconds=seconds(iters, short, ms['half'], ms['whole']),
            final=ev[-1][1],
        )
    ref, rows = next(iter(VARIANTS)), []
    for n in VARIANTS:
        row = dict(name=n, changes=VARIANTS[n], evals=[evals[n, s] for s in seeds])
        row |= paired(per, n, ref, seeds, ('step', 'seconds', 'run_seconds', 'final'))
        rows.append(row)
        print(
            f"| {n} | {row['step_mean']:.0f} | {row['seconds_mean']:.1f} "
            f"({row['seconds_diff']:+.1f} ± {row['seconds_diff_ci95']:.1f}) | "
            f"{row['run_seconds_mean']:.1f} | {row['final_mean']:.4f} "
            f"({row['final_diff']:+.4f} ± {row['final_diff_ci95']:.4f}) |",
            flush=True,
        )
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        dtype = str(resolve_dtype(args.dtype, torch.device('cpu')))
        out = dict(machine=info, dtype=dtype, seeds=seeds, target=TARGET, ms_per_step=ms)
        json.dump(out | dict(step_times=times, rows=rows), open(args.out, 'w'), indent=1)
        plot(rows, ms, os.path.splitext(args.out)[0] + '.png')


if __name__ == '__main__':
    main()
