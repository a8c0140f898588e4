"""The deployment chapter's table (nbs/27_deploy.ipynb): the default and medium models in float32, bfloat16 and int8.

    python benchmarks/deploy_table.py     # about 10 minutes on a 2-core CPU, training included

Trains what is missing under runs/deploy: the default run (`minigpt-train`: the cpu preset, 600 steps) and a medium-preset
model trained for 200 steps at batch 16 (partly trained: enough to measure what int8 costs). Then, for each model and
format, in a fresh process (so that its peak memory is its own): the bytes of the weights; the process's peak resident
memory (and how much of it the model and its work add to the imports); tokens per second (median of 5, and the median
of three such processes, the formats alternating) generating 128 new tokens for 1 sequence and for 16 (sampling with the key/value cache); and
bits per byte on the whole validation text. float32 and int8 compute in float32; bfloat16 stores and computes in bfloat16.
int8 is loaded from the file `minigpt-export --format int8` writes; bfloat16 is converted after loading the float32 file.
Writes benchmarks/2026-11-30/deployment.json.
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path
import torch
from minigpt.bench import cpu_name

FORMATS = ('float32', 'bfloat16', 'int8')


def status_bytes(field: str) -> int:
    "A memory figure of this process from /proc/self/status (VmRSS: resident now; VmHWM: peak resident)."
    line = next(l for l in open('/proc/self/status') if l.startswith(field + ':'))
    return int(line.split()[1]) * 1024


def measure(checkpoint: str, fmt: str, what: str) -> dict:
    "Run in a fresh process: load `checkpoint` in format `fmt`; measure its 'speed' (and memory) or its 'quality'."
    from minigpt.inference import load_for_inference
    from minigpt.quantize import weight_bytes
    from minigpt.sampling import generate
    from minigpt.evaluate import score_text
    from minigpt.data import TextDataset
    baseline = status_bytes('VmRSS')  # resident now: Python, torch and minigpt imported
    model, tokenizer, _ = load_for_inference(checkpoint)  # an int8 checkpoint loads as int8
    if fmt == 'bfloat16': model = model.to(torch.bfloat16)
    if what == 'quality':
        val = TextDataset.from_file(tokenizer=tokenizer)
        return dict(bits_per_byte=score_text(model, tokenizer, tokenizer.decode(val.val)).bits_per_byte)
    row = dict(weight_bytes=weight_bytes(model))
    for batch in (1, 16):
        generate(model, tokenizer, '\n', 8, temperature=0.8, seed=0, num_samples=batch)  # warm-up
        times = []
        for seed in range(5):
            t = time.perf_counter(); generate(model, tokenizer, '\n', 128, temperature=0.8, seed=seed, num_samples=batch)
            times.append(time.perf_counter() - t)
        row[f'tokens_per_s_batch{batch}'] = batch * 128 / statistics.median(times)
    row.update(peak_rss=status_bytes('VmHWM'), baseline_rss=baseline)  # peak resident memory of the whole process
    return row



def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--runs', default='runs/deploy', help="where the two models are trained (default: runs/deploy)")
    p.add_argument('--json', default='benchmarks/2026-11-30/deployment.json')
    p.add_argument('--measure', nargs=3, metavar=('CHECKPOINT', 'FORMAT', 'WHAT'), help=argparse.SUPPRESS)  # the child process
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure))); return
    from minigpt.config import TrainConfig
    from minigpt.model import GPTConfig
    from minigpt.run import train
    runs = Path(args.runs)
    settings = {'default': (TrainConfig.preset('cpu'), GPTConfig.preset('cpu')),
                'medium': (TrainConfig.preset('medium', max_iters=200, batch_size=16, warmup_iters=20, eval_interval=100, eval_iters=20),
                           GPTConfig.preset('medium'))}
    trained, files = {}, {}
    for name, (tc, mc) in settings.items():
        out = runs/name
        if not (out/'best.pt').exists():
            t0 = time.time()
            train(TrainConfig(**{**tc.to_dict(), 'out_dir': str(out)}), mc, progress='lines', sample=False, overwrite=True)
            trained[name] = time.time() - t0
        int8 = out/'best-int8.pt'  # what minigpt-export --format int8 writes
        subprocess.run(['minigpt-export', str(out/'best.pt'), '--format', 'int8', '--out', str(int8), '--force'], check=True, capture_output=True)
        files[name] = {'float32': out/'best.pt', 'bfloat16': out/'best.pt', 'int8': int8}

    def child(path, fmt, what):
        r = subprocess.run([sys.executable, __file__, '--measure', str(path), fmt, what], capture_output=True, text=True, check=True)
        return json.loads(r.stdout.strip().splitlines()[-1])
    speed = {}
    for _ in range(3):  # rounds, alternating the formats: the machine is shared, and a slow minute should hit all of them
        for name in settings:
            for fmt in FORMATS: speed.setdefault((name, fmt), []).append(child(files[name][fmt], fmt, 'speed'))
    rows = []
    for (name, fmt), runs_ in speed.items():
        row = dict(model=name, format=fmt, **runs_[0], **child(files[name][fmt], fmt, 'quality'))
        for key in ('tokens_per_s_batch1', 'tokens_per_s_batch16', 'peak_rss', 'baseline_rss'):
            row[key] = statistics.median(r[key] for r in runs_)
        row['rounds'] = {key: [r[key] for r in runs_] for key in ('tokens_per_s_batch1', 'tokens_per_s_batch16')}
        rows.append(row); print(json.dumps(row), flush=True)
    info = dict(cpu=cpu_name(), cores=os.cpu_count(), torch=torch.__version__, training_seconds=trained,
                medium_training='medium preset, 200 steps at batch 16 (partly trained)', default_training='cpu preset, 600 steps')
    Path(args.json).write_text(json.dumps(dict(info=info, rows=rows), indent=1))
    print('wrote', args.json)


if __name__ == '__main__':
    main()
