"""What an evaluation of the default run costs, with and without the train split (`eval_train`).

    python benchmarks/eval_cost.py --rounds 8 --out benchmarks/2026-12-06/eval_cost_float32.json

Builds the default run's trainer (the `cpu` preset, on all the cores a run uses) and times
`Trainer.evaluate` with `eval_train` on and off, alternating for `--rounds` rounds (medians). Both
score the same fixed validation batches, so they give the same validation loss; the difference is
the train split's `eval_iters` batches. Evaluating costs the same at any step (it doesn't depend on
what the model has learned), so the untrained model stands in. The benchmark chapter
(nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os, statistics, time
from dataclasses import replace
import torch
from minigpt.bench import machine_info
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPT, GPTConfig
from minigpt.run import choose_parallel
from minigpt.trainer import Trainer


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=8, help='alternating rounds (medians)')
    p.add_argument('--dtype', default='auto', help="'auto', 'float32' or 'bfloat16'")
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    keep_freed_memory()  # as minigpt-train does
    train = TrainConfig.preset('cpu', dtype=args.dtype)
    model = GPTConfig.preset('cpu')
    parallelism = choose_parallel(train, model)
    trainer = Trainer(GPT(model), TextDataset.from_file(), train, parallelism=parallelism)
    variants = {'train and val': True, 'val only': False}
    seconds, results = {k: [] for k in variants}, {}
    with trainer.parallelism.training(trainer):
        trainer.evaluate()  # first call: warm caches, not timed
        for r in range(args.rounds):
            for name in variants if r % 2 == 0 else list(variants)[::-1]:
                trainer.cfg = replace(train, eval_train=variants[name])
                t0 = time.perf_counter()
                results[name] = trainer.evaluate()
                seconds[name].append(time.perf_counter() - t0)
    assert results['val only']['val_loss'] == results['train and val']['val_loss']
    median = {k: statistics.median(v) for k, v in seconds.items()}
    for k, v in median.items():
        print(f"{k}: {v:.3f} s per evaluation (median of {args.rounds})")
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        dtype = str(resolve_dtype(args.dtype, torch.device('cpu')))
        out = dict(machine=machine_info(), dtype=dtype, summary=trainer.summary())
        shape = dict(eval_iters=train.eval_iters, batch_size=train.batch_size)
        out |= shape | dict(block_size=model.block_size, seconds=seconds, median=median)
        json.dump(out, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
