"""Train the default run (`minigpt-train`, no flags) and record what it writes: the loss, the time
and a sample, for the model chapter's "what a well-trained model writes".

    python benchmarks/default_sample.py --json benchmarks/2026-12-06/default_sample.json
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from minigpt.bench import machine_info
from minigpt.config import resolve_dtype
from minigpt.inference import load_for_inference
from minigpt.sampling import generate


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--json', type=Path, required=True, help='where to write the record')
    ap.add_argument('--prompt', default='ROMEO:', help='the sample starts with this text')
    args = ap.parse_args()
    info = machine_info('cpu')
    out = Path(tempfile.mkdtemp()) / 'run'
    start = time.perf_counter()
    cmd = ['minigpt-train', '--no-progress', '--out', str(out)]
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    seconds = time.perf_counter() - start
    model, tokenizer, ckpt = load_for_inference(out / 'best.pt', 'cpu')
    text = generate(model, tokenizer, args.prompt, max_new_tokens=500, temperature=0.8, seed=1)[0]
    record = dict(
        machine=info,
        dtype=str(resolve_dtype('auto', torch.device('cpu'))),
        command=' '.join(cmd[:2]),
        seconds=round(seconds, 1),
        best_val_loss=round(float(ckpt['best_val_loss']), 4),
        sample=dict(prompt=args.prompt, temperature=0.8, seed=1, text=text),
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=1, ensure_ascii=False) + '\n')
    print(json.dumps(record, indent=1, ensure_ascii=False))


if __name__ == '__main__':
    main()
