"""Ablation of the CPU speed options at equal wall time: each variant trains for the same time budget.

    python scripts/ablate_cpu.py --budget 60 --out ci-artifacts/ablation.json

For every variant we first time 20 training steps (`minigpt.bench.train_speed`), set `max_iters` so that
training fills `--budget` seconds, then run it with the standard callbacks, evaluating at the end with
nanoGPT's protocol (the mean over 20 fixed batches). The reference variant is the proposed `cpu` preset;
each other row changes one option, so the table reads "with and without".
"""
from __future__ import annotations
import argparse, json, os, time
from dataclasses import replace
from minigpt.bench import train_speed, time_to_loss, machine_info
from minigpt.data import TextDataset
from minigpt.model import GPTConfig
from minigpt.trainer import TrainConfig

BASE_MODEL = dict(n_layer=4, n_head=4, n_embd=128, block_size=64, bias=False, pos_emb='rope', qk_norm=True, mlp='relu2')
BASE_TRAIN = dict(batch_size=16, block_size=64, learning_rate=2e-3, min_lr=2e-4, optimizer='muon', muon_lr=0.02,
                  warmup_iters=100, eval_iters=20, device='cpu')
VARIANTS = {  # name: (model changes, train changes)
    'proposed': ({}, {}),
    'without Muon (AdamW only)': ({}, dict(optimizer='adamw')),
    'without QK-norm': (dict(qk_norm=False), {}),
    'without ReLU² (GELU)': (dict(mlp='gelu'), {}),
    'without rotary (learned positions)': (dict(pos_emb='learned'), {}),
    'batch 12 instead of 16': ({}, dict(batch_size=12)),
    'batch 32 instead of 16': ({}, dict(batch_size=32)),
    'muon_lr 0.04 instead of 0.02': ({}, dict(muon_lr=0.04)),
    'lr 1e-3 instead of 2e-3': ({}, dict(learning_rate=1e-3, min_lr=1e-4)),
    'nanoGPT (gpt2 preset)': (dict(pos_emb='learned', qk_norm=False, mlp='gelu'),
                              dict(batch_size=12, learning_rate=1e-3, min_lr=1e-4, optimizer='adamw')),
}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--budget', type=float, default=60.0, help='seconds of training per variant')
    p.add_argument('--only', nargs='*', default=None, help='run only these variants')
    p.add_argument('--out', default=None)
    args = p.parse_args()
    ds = TextDataset.from_file()
    rows = []
    for name, (dm, dt) in VARIANTS.items():
        if args.only and name not in args.only: continue
        m, t = GPTConfig(**{**BASE_MODEL, **dm}), TrainConfig(**{**BASE_TRAIN, **dt})
        speed = train_speed(m, t, ds, steps=20, warmup=5)
        iters = int(args.budget / (speed['ms_per_step'] / 1e3))
        t = replace(t, max_iters=iters, eval_interval=iters)
        r = time_to_loss(m, t, ds, target=0.0)  # never reached: runs to the end and reports the final evaluation
        rows.append(dict(name=name, ms_per_step=speed['ms_per_step'], iters=iters, val_loss=r['val_loss'], seconds=r['total_seconds']))
        print(f"| {name} | {speed['ms_per_step']:.1f} | {iters} | {r['total_seconds']:.0f} | {r['val_loss']:.4f} |", flush=True)
        if args.out:
            os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
            json.dump(dict(machine=machine_info(), budget=args.budget, rows=rows), open(args.out, 'w'), indent=1)

if __name__ == '__main__': main()
