"""Whole batches against one slice per CPU core, in one process, alternating every few steps.

    python benchmarks/bench_cores.py --rounds 30 --steps 5

Trains nanoGPT's CPU model (the `nanogpt-cpu` preset: 4 layers, 4 heads, 128 wide, block 64, batch 12, AdamW;
or another `--preset`, e.g. `cpu`, the default of minigpt-train) with two trainers that differ only in their
`parallel`: `CPUCores(1)` (whole batches, every operation on all of PyTorch's threads) and `CPUCores(N)` (default:
the number of threads; one slice of each batch per core, one thread each), what `cpu_cores` 1 and N choose. Each
round runs `--steps` timed steps of each trainer, in alternating order, after one untimed step; the medians of all
timed steps are printed. The CPU chapter (nbs/19_cpu.ipynb) quotes its output.
"""
from __future__ import annotations
import argparse, json, os, statistics, time
import torch
from minigpt.config import PRESETS, TrainConfig
from minigpt.cpu import keep_freed_memory
from minigpt.data import TextDataset
from minigpt.model import GPT, GPTConfig
from minigpt.run import choose_parallel
from minigpt.trainer import Trainer, LRScheduleCB, GradClipCB

def make_trainer(ds: TextDataset, cpu_cores: int, preset: str = 'nanogpt-cpu', dtype: str = 'auto') -> Trainer:
    "A trainer for `preset` on the CPU whose `parallel` is what `minigpt-train --cpu-cores {cpu_cores}` would choose."
    torch.manual_seed(0)
    model_cfg = GPTConfig.preset(preset, vocab_size=ds.tokenizer.vocab_size)
    cfg = TrainConfig.preset(preset, max_iters=10**6, device='cpu', dtype=dtype, cpu_cores=cpu_cores)
    return Trainer(GPT(model_cfg), ds, cfg, [LRScheduleCB(), GradClipCB()], parallelism=choose_parallel(cfg, model_cfg))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--preset', choices=list(PRESETS), default='nanogpt-cpu', help="model and training settings (nanogpt-cpu: nanoGPT's CPU model)")
    p.add_argument('--rounds', type=int, default=30)
    p.add_argument('--steps', type=int, default=5, help="timed steps of each trainer per round")
    p.add_argument('--cores', type=int, default=torch.get_num_threads(), help="slices for the split trainer")
    p.add_argument('--dtype', default='auto', help="precision of both trainers (auto: bfloat16 on CPUs with bf16 instructions, else float32)")
    p.add_argument('--json', default=None, help="write the step times here")
    args = p.parse_args()
    keep_freed_memory()  # as minigpt-train does
    ds = TextDataset.from_file()
    started, load_start = time.strftime('%Y-%m-%d %H:%M'), os.getloadavg()[0]
    trainers = {'whole': make_trainer(ds, 1, args.preset, args.dtype), f'{args.cores} slices': make_trainer(ds, args.cores, args.preset, args.dtype)}
    times = {name: [] for name in trainers}
    for r in range(args.rounds):
        for name in (list(trainers) if r % 2 == 0 else list(trainers)[::-1]):
            t = trainers[name]
            with t.parallelism.training(t):  # as in `fit`: the split trainer's thread limit and its Muon orthogonalisation
                t.one_step()  # untimed: lets the other trainer's threads settle
                for _ in range(args.steps):
                    t0 = time.perf_counter(); t.one_step(); times[name].append(time.perf_counter() - t0)
    med = {name: 1e3 * statistics.median(v) for name, v in times.items()}
    base = med['whole']
    print(f"preset {args.preset}, {trainers['whole'].dtype}, torch {torch.__version__}, {torch.get_num_threads()} threads, {args.rounds} rounds x {args.steps} steps, "
          f"{started}, load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    for name, ms in med.items(): print(f"{name:>10}: {ms:6.2f} ms/step  ({base / ms:.2f}x)")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'date': started, 'preset': args.preset, 'dtype': str(trainers['whole'].dtype), 'threads': torch.get_num_threads(), 'load_start': load_start,
                       'load_end': os.getloadavg()[0], 'ms_per_step': med, 'times': times}, f)

if __name__ == '__main__': main()
