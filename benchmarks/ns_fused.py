"""Muon's Newton–Schulz step spelled out or as two fused multiply-adds: same arithmetic, how much
faster, and does the default run learn the same?

    python benchmarks/ns_fused.py --out benchmarks/2026-12-07/ns_fused_bfloat16.json

Since 2026-12-07 `orthogonalize` (the optimizer chapter) computes each Newton–Schulz step as two
`torch.baddbmm` calls, `B = b·A + c·A·A` and `X = a·X + B·X`; before, it spelled the step out as
`X = a * X + (b * A + c * A @ A) @ X`, kept here as `spelled_out`. Three phases:
(1) the orthogonalisation alone, for stacks shaped as the sixteen matrices of the default model,
each form in float32 and (on a CPU with bf16 instructions) bfloat16, on one thread and split over
two cores (`CPUCores`), forms alternating over `--rounds`, medians; with each form's error against
float64 (relative Frobenius norm); (2) step times of the default run with each form (whole and half
blocks, alternating); (3) `--seeds` seeds of the default run with each form, one thread each, two
at a time: the step at which val reaches 1.886, the training time to it and the final loss, paired
by seed. The run computes in `--dtype` (default 'auto': bfloat16 on a CPU with bf16 instructions).
The benchmark chapter (nbs/30_bench.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, os, statistics, time
from contextlib import nullcontext
from concurrent.futures import ProcessPoolExecutor
import torch
import minigpt.cpu
from minigpt.bench import machine_info
from minigpt.config import TrainConfig, cpu_has_bf16, resolve_dtype
from minigpt.cpu import CPUCores, keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPT, GPTConfig
from minigpt.optim import NS_COEFFS, Muon, muon_groups, orthogonalize
from ns_steps import report, step_times, summarize, train_seed  # beside this script


def spelled_out(G: torch.Tensor, steps: int = 5, eps: float = 1e-7) -> torch.Tensor:
    "`orthogonalize` as it was before 2026-12-07: each step written out as one expression."
    a, b, c = NS_COEFFS
    X = G / (G.norm(dim=(-2, -1), keepdim=True) + eps)
    tall = X.size(-2) > X.size(-1)
    if tall:
        X = X.mT
    for _ in range(steps):
        A = X @ X.mT
        X = a * X + (b * A + c * A @ A) @ X
    return X.mT if tall else X


FORMS = {'spelled out': spelled_out, 'fused': orthogonalize}


def use(form: str):
    "Make every Muon (and the CPU's split of its orthogonalisation) in this process use `form`."
    Muon.orthogonalize = staticmethod(FORMS[form])
    minigpt.cpu.orthogonalize = FORMS[form]


def stacks() -> list[torch.Tensor]:
    "Random stacks shaped as the default model's Muon matrices, one stack per shape."
    torch.manual_seed(0)
    by_shape = {}
    for p in muon_groups(GPT(GPTConfig.preset('cpu')), 0.1, 1.0)[0]['params']:
        by_shape.setdefault(tuple(p.shape), []).append(torch.randn(p.shape))
    return [torch.stack(ms) for ms in by_shape.values()]


def alone(rounds: int) -> dict:
    """Milliseconds of one orthogonalisation of all the stacks per (dtype, cores, form), medians
    of `rounds` alternating rounds; and each form's error against float64 per dtype."""
    dtypes = [torch.float32] + [torch.bfloat16] * cpu_has_bf16()
    data, out = stacks(), {}
    for dtype in dtypes:
        exact = [spelled_out(s.double()) for s in data]
        for form, f in FORMS.items():
            errs = [(f(s.to(dtype)).double() - e).norm() / e.norm() for s, e in zip(data, exact)]
            out[f'error/{dtype}/{form}'] = max(errs).item()
        for n in (1, 2):
            cores, times = CPUCores(n), {form: [] for form in FORMS}
            torch.set_num_threads(1)
            with cores.split.limit_threads() if cores.split else nullcontext():
                for r in range(rounds):
                    for form in FORMS if r % 2 == 0 else list(FORMS)[::-1]:
                        use(form)
                        for _ in range(3):  # warm
                            [cores.orthogonalize(s, 5, dtype) for s in data]
                        t0 = time.perf_counter()
                        for _ in range(10):
                            [cores.orthogonalize(s, 5, dtype) for s in data]
                        times[form].append((time.perf_counter() - t0) / 10 * 1e3)
            for form, t in times.items():
                out[f'ms/{dtype}/{n} cores/{form}'] = statistics.median(t)
    return out


def train_one(form: str, seed: int, dtype: str) -> dict:
    "The default run with `form` and `seed`, on one thread; its evaluations."
    use(form)
    return dict(form=form, seed=seed, evals=train_seed(seed, dtype))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', type=int, default=4, help='seeds per form (1337, 1338, ...)')
    p.add_argument('--rounds', type=int, default=4, help='rounds of time measurement')
    p.add_argument('--dtype', default='auto', help="'auto', 'float32' or 'bfloat16'")
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    keep_freed_memory()
    ns = alone(args.rounds)
    print(json.dumps(ns, indent=1), flush=True)
    torch.set_num_threads(os.cpu_count())
    ds = TextDataset.from_file()
    train = TrainConfig.preset('cpu', device='cpu', dtype=args.dtype)
    ms, times = step_times(list(FORMS), use, train, ds, args.rounds)
    print(ms, flush=True)
    seeds = [1337 + s for s in range(args.seeds)]
    jobs = [(f, s) for s in seeds for f in FORMS]
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(train_one, *zip(*jobs), [args.dtype] * len(jobs)))
    ev = {(r['form'], r['seed']): r['evals'] for r in runs}
    rows = summarize(ev, ms, seeds, train.context_warmup_iters, list(FORMS), 'form')
    report(rows, 'form', '')
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        dtype = str(resolve_dtype(args.dtype, torch.device('cpu')))
        out = dict(machine=machine_info(), dtype=dtype, seeds=seeds, alone=ns, ms=ms)
        out |= dict(times={f'{k}/{n}': v for (k, n), v in times.items()})
        out |= dict(evals={f'{n}/{s}': e for (n, s), e in ev.items()}, rows=rows)
        json.dump(out, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
