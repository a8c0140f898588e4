"""Which int8 implementation minigpt uses, by measurement (the int8 chapter, nbs/17_quantize.ipynb, shows the result).

    python benchmarks/bench_int8.py        # about a minute on a 2-core CPU; writes benchmarks/2026-11-30/int8_implementations.json

For the default (cpu preset) and medium model shapes, randomly initialised: the float32 model, the same under bfloat16
autocast, minigpt's Int8Linear (weight-only, per-row scales), torchao's Int8WeightOnlyConfig and
Int8DynamicActivationInt8WeightConfig, and the deprecated torch.ao.quantization.quantize_dynamic. Measured: tokens/s of a
batch-16 forward pass over full contexts, tokens/s of batch-1 greedy decoding with the key/value cache (32 tokens), weight
bytes, and the largest logit difference from float32. Medians of 7 timings after a warm-up.
"""
import argparse, copy, json, os, statistics, time, warnings
import torch, torch.nn as nn
from minigpt.bench import cpu_name
from minigpt.model import GPT, GPTConfig
from minigpt.quantize import quantize_int8, weight_bytes
warnings.filterwarnings('ignore')


def with_torchao(model, config):
    from torchao.quantization import quantize_, Int8WeightOnlyConfig, Int8DynamicActivationInt8WeightConfig
    quantize_(model.transformer.h, {'wo': Int8WeightOnlyConfig, 'dyn': Int8DynamicActivationInt8WeightConfig}[config]())
    return model


def quantize_dynamic(model):
    model.transformer.h = torch.ao.quantization.quantize_dynamic(model.transformer.h, {nn.Linear}, dtype=torch.qint8)
    return model


def any_weight_bytes(model):
    "`weight_bytes`, also for torchao's tensor subclasses (their int8 data and scales); None for quantize_dynamic's packed weights."
    if any('quantized' in type(m).__module__ for m in model.modules()): return None
    if not any(hasattr(p, 'qdata') for p in model.parameters()): return weight_bytes(model)
    seen, total = set(), 0
    for p in model.parameters():
        parts = [p.qdata, p.scale] if hasattr(p, 'qdata') else [p]
        for t in parts:
            if t.data_ptr() not in seen: seen.add(t.data_ptr()); total += t.numel() * t.element_size()
    return total


def median_seconds(f, n=7):
    f()
    times = []
    for _ in range(n):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return statistics.median(times)


@torch.no_grad()
def measure(model, bf16: bool):
    cfg = model.cfg
    ctx = (lambda: torch.autocast('cpu', dtype=torch.bfloat16)) if bf16 else (lambda: torch.autocast('cpu', enabled=False))
    batch = torch.randint(0, cfg.vocab_size, (16, cfg.block_size), generator=torch.Generator().manual_seed(0))
    def forward():
        with ctx(): model(batch)
    def decode():
        cache, idx = model.make_cache(), torch.zeros(1, 1, dtype=torch.long)
        with ctx():
            for _ in range(32): idx = model(idx, cache=cache)[0][:, -1:].argmax(-1)
    return batch.numel() / median_seconds(forward), 32 / median_seconds(decode)



def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--json', default='benchmarks/2026-11-30/int8_implementations.json')
    args = p.parse_args()
    rows = []
    for preset in ('cpu', 'medium'):
        torch.manual_seed(0)
        model = GPT(GPTConfig.preset(preset, vocab_size=65, dropout=0.0)).eval()
        probe = torch.randint(0, 65, (4, model.cfg.block_size), generator=torch.Generator().manual_seed(1))
        with torch.no_grad(): ref = model(probe)[0]
        for name, make, bf16 in [('float32', lambda m: m, False), ('bfloat16 (autocast)', lambda m: m, True),
                                 ('minigpt Int8Linear', quantize_int8, False),
                                 ('torchao Int8WeightOnlyConfig', lambda m: with_torchao(m, 'wo'), False),
                                 ('torchao Int8DynamicActivationInt8WeightConfig', lambda m: with_torchao(m, 'dyn'), False),
                                 ('quantize_dynamic (deprecated)', quantize_dynamic, False)]:
            m = make(copy.deepcopy(model))
            with torch.no_grad(): err = (m(probe)[0] - ref).abs().max().item()
            batch16, decode1 = measure(m, bf16)
            row = dict(preset=preset, implementation=name, batch16_tokens_per_s=batch16, decode_tokens_per_s=decode1,
                       weight_bytes=any_weight_bytes(m), max_logit_diff=err)
            rows.append(row); print(json.dumps(row), flush=True)
    info = dict(cpu=cpu_name(), cores=os.cpu_count(), torch=torch.__version__, threads=torch.get_num_threads())
    try: import torchao; info['torchao'] = torchao.__version__
    except ImportError: pass
    json.dump(dict(info=info, rows=rows), open(args.json, 'w'), indent=1)
    print('wrote', args.json)


if __name__ == '__main__':
    main()
