"""From a base model to an assistant on a CPU: pretraining, fine-tuning on conversations (SFT), and
SFT from scratch beside it, each stage timed, each model asked the tasks' held-out problems.

Usage: python benchmarks/chat_path.py [--dtype auto] [--sft-steps 600] [--out benchmarks/DATE/chat_path_DTYPE.json]

1. The default run (`minigpt-train`: the `cpu` preset, 600 steps) on Tiny Shakespeare: the base model.
2. Conversations: every task's train problems (`minigpt-tasks`), shuffled into one JSON-lines file.
3. SFT: `minigpt-train --init-from base --data mix.jsonl` with the preset's settings.
4. The same SFT from a fresh model (no pretraining), the same steps.
5. Greedy accuracy with its 95% interval on each task's first `--n-test` test problems.
The base model gets no row of its own: its character vocabulary has no digit but 3, so it can't read
or write the answers (accuracy 0 by construction). The results are written as JSON, with each
model's per-problem results (for paired comparisons), the machine and the precision.
"""
from __future__ import annotations
import argparse, json, random, resource, tempfile, time
from pathlib import Path
import torch
from minigpt.bench import machine_info
from minigpt.chat import write_conversations
from minigpt.checkpoint import load_model
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.cpu import keep_freed_memory
from minigpt.run import train
from minigpt.tasks import TASKS, evaluate_task, task_conversation

TRAIN_PROBLEMS = {'addition': 40_000, 'count': 10_000, 'reverse': 8_000}  # reverse: ~8,900 words in all


def stage(name: str, fn, log: dict):
    "Run `fn`, recording its wall time and the process's peak memory so far."
    t0 = time.perf_counter()
    out = fn()
    log[name] = dict(
        seconds=round(time.perf_counter() - t0, 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    print(f"{name}: {log[name]['seconds']} s, peak memory {log[name]['peak_rss_mb']} MB", flush=True)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dtype', default='auto')
    p.add_argument('--sft-steps', type=int, default=600)
    p.add_argument('--n-test', type=int, default=500)
    p.add_argument('--out', default=None)
    args = p.parse_args()
    keep_freed_memory()
    dtype = str(resolve_dtype(args.dtype, torch.device('cpu'))).removeprefix('torch.')
    out = Path(args.out or f"benchmarks/{time.strftime('%Y-%m-%d')}/chat_path_{dtype}.json")
    work, stages = Path(tempfile.mkdtemp(prefix='chat_path_')), {}
    base_cfg = TrainConfig.preset('cpu', device='cpu', dtype=args.dtype, out_dir=str(work / 'base'))
    stage('pretrain', lambda: train(base_cfg, progress=False, sample=False), stages)
    convs = [
        task_conversation(q, a)
        for name, n in TRAIN_PROBLEMS.items()
        for q, a in TASKS[name].problems('train', n)
    ]
    random.Random(0).shuffle(convs)
    data = write_conversations(convs, work / 'mix.jsonl')
    sft = dict(device='cpu', dtype=args.dtype, data=str(data), max_iters=args.sft_steps)
    sft['warmup_iters'] = args.sft_steps // 10
    runs = {
        'sft': TrainConfig.preset(
            'cpu', **sft, init_from=str(work / 'base' / 'best.pt'), out_dir=str(work / 'sft')
        ),
        'sft_from_scratch': TrainConfig.preset('cpu', **sft, out_dir=str(work / 'scratch')),
    }
    results = {}
    for name, cfg in runs.items():
        stage(name, lambda: train(cfg, progress=False, sample=False), stages)
        model, tok, _ = load_model(Path(cfg.out_dir) / 'best.pt')
        results[name] = {}
        for task in TASKS:
            r = stage(f'{name}/{task} eval', lambda: evaluate_task(model, tok, task, args.n_test), stages)
            results[name][task] = {k: r[k] for k in ('n', 'correct', 'accuracy', 'interval', 'right')}
            lo, hi = r['interval']
            print(f"  {name} {task}: {r['accuracy']:.1%} ({lo:.1%} to {hi:.1%})", flush=True)
    report = dict(
        machine=machine_info('cpu'),
        dtype=dtype,
        train_problems=TRAIN_PROBLEMS,
        sft_steps=args.sft_steps,
        n_test=args.n_test,
        stages=stages,
        results=results,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out}")


if __name__ == '__main__':
    main()
