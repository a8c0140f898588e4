"""minigpt and nanoGPT side by side on this machine, alternating runs so both meet the same background load.

    python benchmarks/vs_nanogpt.py --nanogpt ../ref/nanoGPT throughput --rounds 3 --iters 200
    python benchmarks/vs_nanogpt.py --nanogpt ../ref/nanoGPT time-to-loss --rounds 1

`--nanogpt` is a checkout of https://github.com/karpathy/nanoGPT whose `data/shakespeare_char` has been
prepared (train.bin, val.bin). This script contains no nanoGPT code: it runs nanoGPT's own `train.py`
with its CPU settings and reads its log, and runs minigpt's `minigpt-bench` and `minigpt-train`.

throughput: nanoGPT's CPU model (4 layers, 4 heads, 128 wide, block 64, batch 12, no dropout, no bias) for
`--iters` steps in each program; median wall time per iteration after the first 10. `--compile` compiles the
model in both programs (their first iterations, which include compilation, are not counted).
time-to-loss: nanoGPT's 2,000-iteration CPU run against `minigpt-train` with no arguments (the `cpu`
preset); wall time from process start until the validation loss first reaches `--target` (1.886,
nanoGPT's own result), and each run's final validation loss.
`--mini-args` may be given more than once: each round then runs every minigpt variant as well as nanoGPT, in
alternating order, e.g. `--mini-args='' --mini-args='--dtype float32'` (the default precision and float32).
A variant may begin with environment settings, as in a shell: `--mini-args='PYTHONPATH=/tmp/before'
--mini-args=''` runs the code of another checkout (a `git worktree` of the commit before a change) against
this one, both as `minigpt-train` with no arguments.
`--dry-run` prints the commands of the first two rounds and runs nothing (no nanoGPT checkout needed).
The benchmark chapter (nbs/30_bench.ipynb) quotes its output.
"""
from __future__ import annotations
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time
from pathlib import Path

NANO_ARGS = ['config/train_shakespeare_char.py', '--device=cpu', '--compile=False', '--eval_iters=20', '--log_interval=1',
             '--block_size=64', '--batch_size=12', '--n_layer=4', '--n_head=4', '--n_embd=128', '--lr_decay_iters=2000', '--dropout=0.0']

def nano_cmd(iters: int, out: Path, eval_interval: int = 250, compile: bool = False) -> list[str]:
    "The command line of nanoGPT's train.py (run in its checkout) with its CPU settings."
    args = [a.replace('--compile=False', f'--compile={compile}') for a in NANO_ARGS]
    return [sys.executable, '-u', 'train.py', *args, f'--max_iters={iters}', f'--eval_interval={eval_interval}', f'--out_dir={out}']

def nano_run(repo: Path, iters: int, out: Path, eval_interval: int = 250, compile: bool = False) -> dict:
    "Run nanoGPT's train.py; per-iteration ms, evaluations with their wall time since launch, total wall time."
    cmd = nano_cmd(iters, out, eval_interval, compile)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ms, evals = [], []
    for line in proc.stdout:
        if m := re.match(r'iter (\d+): loss [\d.]+, time ([\d.]+)ms', line): ms.append(float(m[2]))
        elif m := re.match(r'step (\d+): train loss ([\d.]+), val loss ([\d.]+)', line):
            evals.append(dict(iter=int(m[1]), val_loss=float(m[3]), seconds=time.perf_counter() - t0))
    if proc.wait(): raise RuntimeError(f"nanoGPT failed: {' '.join(cmd)}")
    return dict(ms=ms, evals=evals, wall=time.perf_counter() - t0)

def mini_speed_cmd(iters: int, out: Path, extra: list[str]) -> list[str]:
    "The `minigpt-bench` command line for nanoGPT's CPU model (the `nanogpt-cpu` preset): `iters` steps, the first 10 not timed."
    return ['minigpt-bench', '--preset', 'nanogpt-cpu', '--device', 'cpu', '--steps', str(iters - 10), '--warmup', '10', '--json', str(out), *extra]

def split_env(variant: str) -> tuple[dict, list[str]]:
    "A variant's leading NAME=VALUE words (environment settings, as in a shell) and its flags."
    words = variant.split()
    n = next((i for i, w in enumerate(words) if not re.fullmatch(r'[A-Za-z_]\w*=\S*', w)), len(words))
    return dict(w.split('=', 1) for w in words[:n]), words[n:]

def mini_speed(iters: int, out: Path, extra: list[str], env: dict | None = None) -> dict:
    "Run `minigpt-bench --preset nanogpt-cpu` (nanoGPT's CPU model) for `iters` steps; per-iteration ms."
    cmd = mini_speed_cmd(iters, out, extra)
    res = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | (env or {}))
    if res.returncode: raise RuntimeError(f"minigpt-bench failed: {' '.join(cmd)}\n{res.stderr.strip()}")
    return json.loads(out.read_text())['train'][0]

def mini_run_cmd(out: Path, extra: list[str]) -> list[str]:
    "The `minigpt-train` command line (its default preset, `cpu`, plus `extra`)."
    return ['minigpt-train', '--no-progress', '--out', str(out), *extra]

def mini_run(out: Path, extra: list[str], env: dict | None = None) -> dict:
    "Run `minigpt-train` (default preset); evaluations with their wall time since launch, total wall time."
    t0 = time.perf_counter()
    err = tempfile.TemporaryFile('w+')  # not a pipe: nobody reads it while the run goes on
    proc = subprocess.Popen(mini_run_cmd(out, extra), stdout=subprocess.DEVNULL, stderr=err, text=True,
                            env=os.environ | (env or {}))
    metrics, seen, evals = out / 'metrics.jsonl', 0, []
    while True:
        done = proc.poll() is not None
        if metrics.exists():
            lines = metrics.read_text().splitlines()
            for line in lines[seen:]:
                r = json.loads(line)
                if 'val_loss' in r: evals.append(dict(iter=r['iter'], val_loss=r['val_loss'], seconds=time.perf_counter() - t0))
            seen = len(lines)
        if done: break
        time.sleep(0.05)
    if proc.returncode:
        err.seek(0)
        raise RuntimeError(f"minigpt-train failed: {' '.join(mini_run_cmd(out, extra))}\n{err.read().strip()}")
    return dict(evals=evals, wall=time.perf_counter() - t0)

def first_at(evals: list[dict], target: float) -> dict | None:
    return next((e for e in evals if e['val_loss'] <= target), None)

def vkey(stem: str, i: int) -> str:
    "JSON key of minigpt variant `i`: the first keeps the plain names ('mini', 'speedup'), older files' keys; then 'mini1', ..."
    return stem if i == 0 else f'{stem}{i}'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--nanogpt', required=True, type=Path, help='path of a nanoGPT checkout with shakespeare_char prepared')
    p.add_argument('mode', choices=('throughput', 'time-to-loss'))
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--iters', type=int, default=200, help='steps per throughput run')
    p.add_argument('--target', type=float, default=1.886)
    p.add_argument('--mini-args', action='append', default=None,
                   help="extra flags for minigpt; give it twice or more to run one minigpt variant per occurrence in every "
                        "round (e.g. --mini-args='' --mini-args='--dtype float32')")
    p.add_argument('--compile', action='store_true', help='throughput: torch.compile in both programs (compilation excluded)')
    p.add_argument('--out', default=None, help='write the results as JSON here')
    p.add_argument('--dry-run', action='store_true', help='print the commands of the first two rounds; run nothing')
    args = p.parse_args()
    if args.mode == 'throughput' and args.iters <= 10: p.error(f"--iters must be more than the 10 untimed steps; got {args.iters}")
    prepared = args.nanogpt / 'data' / 'shakespeare_char' / 'train.bin'
    if not args.dry_run and not (args.nanogpt / 'train.py').is_file():
        p.error(f"--nanogpt {args.nanogpt} holds no train.py: give the path of a nanoGPT checkout")
    if not args.dry_run and not prepared.is_file():
        p.error(f"{prepared} is missing: run `python data/shakespeare_char/prepare.py` in the nanoGPT checkout first")
    tmp = Path(tempfile.mkdtemp())
    variants = args.mini_args or ['']  # one minigpt run per variant in every round
    if args.dry_run:
        for r in range(min(args.rounds, 2)):
            order = ['nano', *range(len(variants))]
            if r % 2: order.reverse()
            print(f"round {r + 1}:")
            for who in order:
                key, (env, extra) = ('nano', ({}, [])) if who == 'nano' else (vkey('mini', who), split_env(variants[who]))
                shown = ' '.join(f'{k}={v}' for k, v in env.items()) + ' ' * bool(env)
                if who == 'nano':
                    cmd = nano_cmd(args.iters, tmp / f'n{r}', 10**6, args.compile) if args.mode == 'throughput' else nano_cmd(2000, tmp / f'n{r}')
                    print(f"  (cd {args.nanogpt} && {' '.join(cmd)})")
                elif args.mode == 'throughput': print('  ' + shown + ' '.join(mini_speed_cmd(args.iters, tmp / f'{key}-{r}.json', extra + ['--compile'] * args.compile)))
                else: print('  ' + shown + ' '.join(mini_run_cmd(tmp / f'{key}-{r}', extra)))
        tmp.rmdir()
        return
    results = dict(date=time.strftime('%Y-%m-%d %H:%M'), cpus=os.cpu_count(), load_start=os.getloadavg()[0], mode=args.mode,
                   compile=args.compile, variants=variants, rounds=[])
    for r in range(args.rounds):
        order = ['nano', *range(len(variants))]
        if r % 2: order.reverse()  # alternate which goes first
        row = {}
        for who in order:
            key = 'nano' if who == 'nano' else vkey('mini', who)
            env, extra = ({}, []) if who == 'nano' else split_env(variants[who])
            if args.mode == 'throughput':
                if who == 'nano': row['nano_ms'] = statistics.median(nano_run(args.nanogpt, args.iters, tmp / f'n{r}', 10**6, args.compile)['ms'][10:])
                else: row[f'{key}_ms'] = mini_speed(args.iters, tmp / f'{key}-{r}.json', extra + ['--compile'] * args.compile, env)['ms_per_step']
            else:
                res = nano_run(args.nanogpt, 2000, tmp / f'n{r}') if who == 'nano' else mini_run(tmp / f'{key}-{r}', extra, env)
                hit = first_at(res['evals'], args.target)
                row[key] = dict(wall=res['wall'], final_val=res['evals'][-1]['val_loss'], evals=res['evals'],
                                seconds_to_target=hit and hit['seconds'], iter_at_target=hit and hit['iter'])
        if args.mode == 'throughput':
            for i in range(len(variants)): row[vkey('speedup', i)] = row['nano_ms'] / row[vkey('mini', i) + '_ms']
            print(f"round {r + 1}: nanoGPT {row['nano_ms']:.1f} ms/iter; " + '; '.join(
                f"minigpt {v or '(defaults)'} {row[vkey('mini', i) + '_ms']:.1f} ms/iter, {row[vkey('speedup', i)]:.2f}x"
                for i, v in enumerate(variants)), flush=True)
        else:
            n = row['nano']
            print(f"round {r + 1}: nanoGPT {n['wall']:.0f} s to val {n['final_val']:.3f} (first <= {args.target} after "
                  f"{n['seconds_to_target'] or float('nan'):.0f} s)", flush=True)
            for i, v in enumerate(variants):
                m = row[vkey('mini', i)]
                print(f"  minigpt {v or '(defaults)'}: first <= {args.target} after {m['seconds_to_target'] or float('nan'):.0f} s "
                      f"(step {m['iter_at_target']}), finished in {m['wall']:.0f} s at val {m['final_val']:.3f}", flush=True)
        results['rounds'].append(row)
    results['load_end'] = os.getloadavg()[0]
    if args.mode == 'throughput':
        for i, v in enumerate(variants):
            k = vkey('speedup', i)
            results['median_' + k] = statistics.median(r[k] for r in results['rounds'])
            print(f"median speed-up, minigpt {v or '(defaults)'}: {results['median_' + k]:.2f}x")
    if args.out: Path(args.out).write_text(json.dumps(results, indent=1))

if __name__ == '__main__': main()
