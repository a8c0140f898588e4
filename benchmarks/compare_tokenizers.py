"""Char, byte-level BPE and SentencePiece tokenizers on Tiny Shakespeare: the same model, the same wall-clock budget.

    python benchmarks/compare_tokenizers.py --budget 60 --json benchmarks/2026-11-30/tokenizers.json

For each tokenizer the `cpu` preset's model (4 layers, 128 wide, 64 tokens of context) is trained with the preset's
settings; a 15-step probe measures the step time first, so that `max_iters` (and with it the cosine schedule) about fills
the budget, and a callback stops the run when the budget is spent in any case (run it on a quiet machine). Reported: characters per token of the validation text, tokens/s and characters/s of training, validation bits
per byte over the whole split (`score_text`, stride = block_size), and a sample. The subword chapter quotes the table.
"""
from __future__ import annotations
import argparse, json, os, statistics, tempfile, time
from pathlib import Path
import torch
from minigpt.config import TrainConfig
from minigpt.model import GPTConfig
from minigpt.evaluate import score_text
from minigpt.sampling import generate
from minigpt.trainer import Callback, CancelFitException
from minigpt.run import train

class StopAfter(Callback):
    "End the run once `seconds` of training have passed."
    order = 90
    def __init__(self, seconds): self.seconds = seconds
    def before_fit(self, trainer): self.t0 = time.perf_counter()
    def after_step(self, trainer):
        if time.perf_counter() - self.t0 > self.seconds: raise CancelFitException()

class StepTimes(Callback):
    order = 100
    def before_fit(self, trainer): self.times, self.t = [], time.perf_counter()
    def after_step(self, trainer):
        t = time.perf_counter(); self.times.append(t - self.t); self.t = t

def run(kind: str, vocab: int | None, budget: float, out: Path) -> dict:
    base = TrainConfig.preset('cpu', tokenizer=kind, vocab_size=vocab, device='cpu', out_dir=str(out/'probe'), max_iters=15,
                              warmup_iters=2, eval_interval=10**6)
    probe = StepTimes()
    t = train(base, GPTConfig.preset('cpu'), callbacks=[probe], progress=False, sample=False)
    step = statistics.median(probe.times[3:])
    iters = max(60, int(budget / step))
    cfg = TrainConfig.preset('cpu', tokenizer=kind, vocab_size=vocab, device='cpu', out_dir=str(out/'run'), max_iters=iters,
                             eval_interval=max(50, iters // 6), eval_iters=20)  # 20 batches, as recorded
    t0 = time.perf_counter()
    tr = train(cfg, GPTConfig.preset('cpu'), callbacks=[StopAfter(budget)], progress=False, sample=False)
    wall = time.perf_counter() - t0
    ds, tok = tr.dataset, tr.dataset.tokenizer
    val_text = tok.decode(ds.val)
    score = score_text(tr.model, tok, val_text)
    chars_per_token = len(val_text) / len(ds.val)
    return dict(kind=kind, vocab_size=tok.vocab_size, iters=tr.iter_num, seconds=wall, ms_per_step=1e3 * step,
                tokens_per_sec=cfg.batch_size * tr.model.cfg.block_size / step,
                chars_per_token=chars_per_token, chars_per_sec=cfg.batch_size * tr.model.cfg.block_size * chars_per_token / step,
                val_bits_per_byte=score.bits_per_byte, val_loss=score.loss,
                sample=generate(tr.model.eval(), tok, 'ROMEO:', 40, temperature=0.8, top_k=50, seed=1)[0])

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--budget', type=float, default=60, help="seconds of training per tokenizer")
    p.add_argument('--json', default=None)
    args = p.parse_args()
    configs = [('char', None), ('bpe', 512), ('bpe', 1024), ('bpe', 2048), ('sentencepiece', 1024)]
    rows, started = [], time.strftime('%Y-%m-%d %H:%M')
    with tempfile.TemporaryDirectory() as d:
        for i, (kind, vocab) in enumerate(configs):
            rows.append(run(kind, vocab, args.budget, Path(d)/str(i)))
            r = rows[-1]
            print(f"{kind:13} {r['vocab_size']:5d} | {r['chars_per_token']:.2f} chars/token | {r['iters']:5d} steps in {r['seconds']:.0f} s | "
                  f"{r['tokens_per_sec']:,.0f} tok/s, {r['chars_per_sec']:,.0f} chars/s | val {r['val_bits_per_byte']:.3f} bits/byte | "
                  f"{r['sample']!r}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(dict(started=started, load_avg=os.getloadavg()[0], budget=args.budget,
                                                   torch=torch.__version__, rows=rows), indent=1))

if __name__ == '__main__': main()
