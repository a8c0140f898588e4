"""The default run of the code before and after a change, over several seeds, on all the cores:
does the change train to the same loss?

    git worktree add /tmp/before HEAD~1
    python benchmarks/ab_seeds.py --before /tmp/before --seeds 1338 1339 1340 1341

Each seed runs `minigpt-train --seed S` (the `cpu` preset) twice, once with the checkout at
`--before` first on PYTHONPATH and once with this one, the two alternating which goes first. Per
run: the whole validation text's loss after the last step (what the run prints at the end), the
final training loss and the wall time; then the paired differences, after minus before (mean and
95% half-width). A run uses every core, as a user's does, so the slices and their rounding are the
default run's.
"""
from __future__ import annotations
import argparse, json, os, re, subprocess, tempfile, time
from pathlib import Path
from ablate_blocks import interval  # beside this script: mean and 95% t-interval

WHOLE = re.compile(r'Whole validation text, [\d,]+ tokens: ([\d.]+) nats/token')


def run(seed: int, env: dict, out: Path) -> dict:
    "One default run with `seed` under `env`; its whole-text loss, last train loss and wall time."
    cmd = ['minigpt-train', '--no-progress', '--seed', str(seed), '--out', str(out)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | env)
    if res.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stderr.strip()}")
    rows = [json.loads(l) for l in (out / 'metrics.jsonl').read_text().splitlines()]
    train = [r['train_loss'] for r in rows if 'train_loss' in r]
    whole = float(WHOLE.search(res.stdout + res.stderr)[1])
    return dict(whole=whole, train=train[-1], wall=time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--before', required=True, type=Path, help='a checkout of the code before')
    p.add_argument('--seeds', type=int, nargs='+', default=[1337, 1338, 1339, 1340])
    p.add_argument('--out', default=None, help='a JSON file')
    args = p.parse_args()
    if not (args.before / 'minigpt' / '__init__.py').is_file():
        p.error(f"--before {args.before} holds no minigpt package: give a checkout's root")
    tmp = Path(tempfile.mkdtemp())
    envs = {'before': {'PYTHONPATH': str(args.before.resolve())}, 'after': {}}
    runs = {}
    for k, seed in enumerate(args.seeds):
        for name in envs if k % 2 == 0 else list(envs)[::-1]:
            runs[name, seed] = r = run(seed, envs[name], tmp / f'{name}-{seed}')
            print(f"seed {seed} {name}: whole text {r['whole']:.4f}, train {r['train']:.4f}, "
                  f"{r['wall']:.0f} s", flush=True)
    rows = {}
    for key in ('whole', 'train', 'wall'):
        diffs = [runs['after', s][key] - runs['before', s][key] for s in args.seeds]
        rows[key] = dict(zip(('diff', 'diff_ci95'), interval(diffs)), diffs=diffs)
        print(f"{key}: after - before {rows[key]['diff']:+.4f} ± {rows[key]['diff_ci95']:.4f}")
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        out = dict(date=time.strftime('%Y-%m-%d %H:%M'), cpus=os.cpu_count(), seeds=args.seeds)
        out |= dict(runs={f'{n}/{s}': r for (n, s), r in runs.items()}, paired=rows)
        Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
