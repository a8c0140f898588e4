"""What a GRPO step costs with and without `skip_uniform`, from a fine-tuned chat model.

    python benchmarks/rl_step_time.py --init-from W/sft/last.pt --rounds 3 \
        --out benchmarks/2026-12-07/rl_step_time_float32.json

Runs `learn_from_rewards` for `--steps` steps on `--task` (the chat path's settings: a KL penalty of
0.1, `--prompts` problems a step, groups of 8), once training only the answers of mixed groups
(`skip_uniform`, the default) and once training every answer, alternating for `--rounds` rounds.
A step's time is taken from the metrics between the first and the last log line, so start-up and
the first step are left out. `W` is a folder of `benchmarks/chat_path.py --keep`. The chapter on
learning from rewards (nbs/28_rl.ipynb) shows the result.
"""
from __future__ import annotations
import argparse, json, statistics, tempfile
from minigpt.bench import machine_info
from minigpt.config import TrainConfig
from minigpt.rl import RL_TRAIN, RLConfig, learn_from_rewards


def seconds_per_step(init_from: str, task: str, prompts: int, steps: int, skip: bool, dtype: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        cfg = TrainConfig(**{**RL_TRAIN, 'init_from': init_from, 'max_iters': steps, 'warmup_iters': 1,
                             'eval_interval': 10 * steps, 'dtype': dtype, 'out_dir': out})
        rl = RLConfig(task=task, kl=0.1, prompts=prompts, skip_uniform=skip)
        trainer = learn_from_rewards(rl, cfg, progress=False, overwrite=True)
    logs = [h for h in trainer.history if 'train_loss' in h]
    return (logs[-1]['elapsed'] - logs[0]['elapsed']) / (logs[-1]['iter'] - logs[0]['iter'])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--init-from', required=True, help='a fine-tuned chat model')
    p.add_argument('--task', default='addition')
    p.add_argument('--prompts', type=int, default=192)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--rounds', type=int, default=3, help='alternating rounds (medians)')
    p.add_argument('--dtype', default='auto')
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    machine = machine_info('cpu')
    times = {'skip_uniform': [], 'every_answer': []}
    for r in range(args.rounds):
        order = ('skip_uniform', 'every_answer') if r % 2 == 0 else ('every_answer', 'skip_uniform')
        for name in order:
            s = seconds_per_step(args.init_from, args.task, args.prompts, args.steps,
                                 name == 'skip_uniform', args.dtype)
            times[name].append(round(s, 4))
            print(f"round {r}: {name:13s} {s:.3f} s a step", flush=True)
    medians = {k: statistics.median(v) for k, v in times.items()}
    ratio = medians['every_answer'] / medians['skip_uniform']
    print(f"medians: {medians}; every answer / skip_uniform: {ratio:.2f}x")
    if args.out:
        report = dict(machine=machine, end_load_avg=machine_info('cpu')['load_avg'], task=args.task,
                      prompts=args.prompts, steps=args.steps, rounds=args.rounds, dtype=args.dtype,
                      seconds_per_step=times, medians=medians, ratio=round(ratio, 3))
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=1)
        print(f"wrote {args.out}")


if __name__ == '__main__':
    main()
