"""How often, and on how many batches, the default run should evaluate: what each schedule costs,
and when it first shows a validation loss at or under nanoGPT's 1.886.

    python benchmarks/eval_schedule.py --out benchmarks/2026-12-07/eval_schedule_bfloat16.json

Evaluating does not change training (its batches come from their own seeded generator), so one
training per seed serves every schedule. Each seed trains the default run (the `cpu` preset) on one
thread, two at a time, and every 25 steps scores the validation split on the first 8, 10 and 20 of
its fixed batches (the same batches `Trainer.evaluate` draws for `eval_iters` of 8, 10 or 20). Then,
on both cores as a run uses them: the seconds of one evaluation of each size (alternating, medians)
and the step times on half and whole blocks. A schedule (an interval, a number of batches) first
reports <= 1.886 at the first of its evaluations whose loss is at most that; its seconds are the
training steps up to there plus its evaluations up to there. Start-up (about 2.5 s) is left out:
it is the same for every schedule. The benchmark chapter (nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os, statistics, time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
import torch
from minigpt.bench import machine_info
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPT, GPTConfig
from minigpt.run import choose_parallel
from minigpt.trainer import Trainer
from ablate_blocks import interval  # beside this script: mean and 95% t-interval
from context_warmup import TARGET, seconds
from ns_steps import step_times, train_seed

SIZES = (8, 10, 20)  # batches per evaluation (eval_iters)
INTERVALS = (25, 50)  # steps between evaluations (eval_interval)


def scored(trainer: Trainer, sizes=SIZES) -> dict[int, float]:
    "The val loss on the first `n` fixed batches, for each `n` in `sizes`."
    base, out = trainer.cfg, {}
    for n in sizes:
        trainer.cfg = replace(base, eval_iters=n)
        out[n] = trainer.evaluate()['val_loss']
    trainer.cfg = base
    return out


def train_one(seed: int, dtype: str) -> dict:
    "The default run with `seed` on one thread; its val losses by size every 25 steps."
    evals = []

    def score_every_size(trainer):
        evaluate = trainer.evaluate

        def evaluate_every_size():
            trainer.evaluate = evaluate  # `scored` calls the real one
            losses = scored(trainer)
            trainer.evaluate = evaluate_every_size
            evals.append((trainer.iter_num, losses))
            return {'val_loss': losses[max(SIZES)]}

        trainer.evaluate = evaluate_every_size

    train_seed(seed, dtype, score_every_size)
    return dict(seed=seed, evals=evals)


def eval_seconds(train: TrainConfig, ds, rounds: int) -> dict[int, float]:
    "Seconds of one evaluation of each size on all the run's cores, alternating; medians."
    model = GPTConfig.preset('cpu')
    trainer = Trainer(GPT(model), ds, train, parallelism=choose_parallel(train, model))
    times = {n: [] for n in SIZES}
    with trainer.parallelism.training(trainer):
        scored(trainer)  # warm
        for r in range(rounds):
            for n in SIZES if r % 2 == 0 else SIZES[::-1]:
                t0 = time.perf_counter()
                scored(trainer, [n])
                times[n].append(time.perf_counter() - t0)
    return {n: statistics.median(t) for n, t in times.items()}


def schedule(evals: list, every: int, n: int, short: int, ms: dict, cost: float) -> dict:
    "When schedule (`every`, `n`) first reports <= TARGET in this run, and the seconds to it."
    seen = [(i, losses[n]) for i, losses in evals if i % every == 0]
    step = next((i for i, loss in seen if loss <= TARGET), None)
    if step is None:
        return dict(step=None, seconds=None)
    secs = seconds(step, short, ms['half/'], ms['whole/']) + step // every * cost
    return dict(step=step, seconds=secs)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, default=6, help='seeds (1337, 1338, ...)')
    p.add_argument('--rounds', type=int, default=6, help='rounds of time measurement')
    p.add_argument('--dtype', default='auto', help="'auto', 'float32' or 'bfloat16'")
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    keep_freed_memory()
    ds = TextDataset.from_file()
    train = TrainConfig.preset('cpu', device='cpu', dtype=args.dtype)
    cost = eval_seconds(train, ds, args.rounds)
    ms, _ = step_times([''], lambda v: None, train, ds, args.rounds)
    print('evaluation seconds', cost, 'ms per step', ms, flush=True)
    seeds = [1337 + s for s in range(args.seeds)]
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(train_one, seeds, [args.dtype] * len(seeds)))
    short, rows = train.context_warmup_iters, []
    for every in INTERVALS:
        for n in SIZES:
            per = [schedule(r['evals'], every, n, short, ms, cost[n]) for r in runs]
            row = dict(interval=every, batches=n, step=[x['step'] for x in per])
            row['seconds'] = [x['seconds'] for x in per]
            row['seconds_mean'], row['seconds_ci95'] = interval(row['seconds'])
            row['run_evals_seconds'] = train.max_iters // every * cost[n]
            rows.append(row)
            print(
                f"every {every} steps on {n} batches: first <= {TARGET} at steps {row['step']}, "
                f"{row['seconds_mean']:.1f} ± {row['seconds_ci95']:.1f} s; "
                f"{row['run_evals_seconds']:.1f} s of evaluations in the whole run",
                flush=True,
            )
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        dtype = str(resolve_dtype(args.dtype, torch.device('cpu')))
        out = dict(machine=machine_info(), dtype=dtype, seeds=seeds, eval_seconds=cost, ms=ms)
        out |= dict(runs=runs, rows=rows)
        json.dump(out, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
