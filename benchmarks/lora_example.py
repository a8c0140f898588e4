"""The LoRA chapter's worked example: adapt a model trained on Tiny Shakespeare to the same plays with the words of every
line in reverse order, four ways, for the same number of steps, and measure each.

    python benchmarks/lora_example.py                      # about 4 minutes on a 2-core CPU
    python benchmarks/lora_example.py --steps 100 --out /tmp/lora-quick --json /tmp/lora-quick.json

The base is the default run (`minigpt-train`: the cpu preset, 600 steps). The second text differs from the first in word
order only: the same characters (so the base's tokenizer encodes it) and the same words, but a grammar the base has never
seen, so its loss there is clearly higher. The four ways: training from scratch on the second text, full fine-tuning of
the base, and LoRA at ranks 4 and 16. Every run uses the cpu preset's training settings (Muon and AdamW, peak rates
0.02 and 2e-3; for LoRA, a probe of AdamW at 3e-3, 1e-2 and 3e-2 did no better over 150 steps).
Measured for each: trainable parameters, optimizer state bytes, median step time, checkpoint size, loss on the second
text's validation split and on the first's (what fine-tuning forgot). Writes benchmarks/2026-11-30/lora_example.json, which the LoRA
chapter (nbs/16_lora.ipynb) shows as a table and a plot.
"""
import argparse, json, os, statistics, sys, time
from pathlib import Path
import torch
from minigpt.bench import cpu_name
from minigpt.config import TrainConfig, resolve_dtype
from minigpt.model import GPTConfig
from minigpt.data import TextDataset
from minigpt.corpus import load_text
from minigpt.trainer import Callback
from minigpt.evaluate import score_text
from minigpt.tracking import read_metrics
from minigpt.checkpoint import load_model
from minigpt.run import train


class StepTimeCB(Callback):
    "Wall time of every optimizer step."
    order = 90
    def before_fit(self, trainer): self.times, self.t0 = [], None
    def before_batch(self, trainer): self.t0 = time.perf_counter()
    def after_step(self, trainer):
        if self.t0 is not None: self.times.append(time.perf_counter() - self.t0)


def reversed_words(text: str) -> str:
    "Every line with its words in reverse order."
    return '\n'.join(' '.join(reversed(line.split(' '))) for line in text.split('\n'))



def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--steps', type=int, default=300, help="steps of every adaptation run (default: 300)")
    p.add_argument('--out', default='runs/lora-example', help="folder for the runs (default: runs/lora-example)")
    p.add_argument('--json', default='benchmarks/2026-11-30/lora_example.json', help="where the measurements go")
    args = p.parse_args()
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(os.cpu_count())

    base_dir = out/'base'
    if not (base_dir/'best.pt').exists():
        train(TrainConfig.preset('cpu', out_dir=str(base_dir)), GPTConfig.preset('cpu'), progress='lines', sample=False, overwrite=True)
    base_path = base_dir/'best.pt'
    model, tokenizer, _ = load_model(base_path)
    shakespeare = TextDataset.from_file(tokenizer=tokenizer)
    first_val = tokenizer.decode(shakespeare.val)
    second = out/'reversed.txt'
    second.write_text(reversed_words(load_text()))
    second_val = tokenizer.decode(TextDataset.from_file(str(second), tokenizer=tokenizer).val)

    def losses(m) -> dict:
        m.eval()
        return {'loss_second': score_text(m, tokenizer, second_val).loss, 'loss_first': score_text(m, tokenizer, first_val).loss}

    rows, curves = [dict(name='base model (no training on the second text)', steps=0, **losses(model))], {}
    common = dict(data=str(second), max_iters=args.steps, eval_interval=max(args.steps // 6, 1), warmup_iters=max(args.steps // 10, 1))
    variants = [
        ('from scratch', {}, True),
        ('full fine-tuning', dict(init_from=str(base_path)), False),
        ('LoRA rank 4', dict(init_from=str(base_path), lora_rank=4), False),
        ('LoRA rank 16', dict(init_from=str(base_path), lora_rank=16), False),
    ]
    for name, settings, scratch in variants:
        run_dir = out/name.lower().replace(' ', '-')
        cfg = TrainConfig.preset('cpu', **common, **settings, out_dir=str(run_dir))
        timer = StepTimeCB()
        t = train(cfg, GPTConfig.preset('cpu') if scratch else None, callbacks=[timer], progress=False, sample=False, overwrite=True)
        opt_bytes = sum(v.numel() * v.element_size() for s in t.opt.state.values() for v in s.values() if torch.is_tensor(v))
        row = dict(name=name, steps=t.iter_num, trainable=sum(p.numel() for p in t.model.parameters() if p.requires_grad),
                   optimizer=cfg.optimizer, learning_rate=cfg.learning_rate, optimizer_bytes=opt_bytes,
                   step_ms=1e3 * statistics.median(timer.times[5:]), checkpoint_bytes=(run_dir/'last.pt').stat().st_size,
                   **losses(t.model))
        rows.append(row)
        curves[name] = [(r['iter'], r['val_loss']) for r in read_metrics(run_dir/'metrics.jsonl') if 'val_loss' in r]
        print(json.dumps(row), flush=True)
    rows[0].update(trainable=0, optimizer_bytes=0, checkpoint_bytes=base_path.stat().st_size, step_ms=None)
    info = dict(cpu=cpu_name(), cores=os.cpu_count(), torch=torch.__version__,
                dtype=str(resolve_dtype('auto', torch.device('cpu'))).replace('torch.', ''), base_params=model.num_params(),
                base_checkpoint_bytes=base_path.stat().st_size, command=' '.join(['python'] + sys.argv))
    Path(args.json).write_text(json.dumps(dict(info=info, rows=rows, curves=curves), indent=1))
    print(f"wrote {args.json}")


if __name__ == '__main__':
    main()
