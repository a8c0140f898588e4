"""A minigpt GGUF export run by llama.cpp itself: the same token ids, logits and greedy text as minigpt.

    python -m venv /tmp/llvenv && /tmp/llvenv/bin/pip install llama-cpp-python   # compiles llama.cpp
    python benchmarks/llama_cpp_check.py --llama-python /tmp/llvenv/bin/python \\
        --out benchmarks/2026-12-06/llama_cpp.json

Not in CI: llama-cpp-python builds llama.cpp from source (about an hour on 2 busy cores here). For each
tokenizer kind (char, bpe) it trains a small Llama-shaped model with `minigpt-train` (rotary, RMSNorm,
SwiGLU, 2 key/value heads, no biases, no QK-norm, an untied head for the BPE one), and a third, the
character one with QK-norm (llama.cpp's `qwen3`), exports each with `minigpt-export --format gguf`, and
compares, within the block size:
- the ids of a text, tokenized by minigpt and by llama.cpp;
- the logits of every position of that text (llama.cpp computes in float32 too, with its own kernels);
- the greedy continuation of a prompt.
The deployment chapter quotes the JSON it writes.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

LLAMA = ['--pos-emb', 'rope', '--no-bias', '--norm', 'rmsnorm', '--mlp', 'swiglu', '--n-kv-head', '2']
LLAMA += ['--block-size', '128', '--n-layer', '2', '--n-embd', '64', '--n-head', '4']
PROMPT, NEW = 'ROMEO:', 60

# runs in the llama-cpp-python environment: ids, logits and greedy text of a GGUF file
LLAMA_CPP = r'''
import json, sys
import numpy as np
from llama_cpp import Llama
path, text, prompt, new = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
llm = Llama(model_path=path, n_ctx=128, logits_all=True, verbose=False, n_threads=2)
ids = llm.tokenize(text.encode(), add_bos=False, special=False)
llm.reset()
llm.eval(ids)
logits = np.array(llm.scores[: len(ids)], dtype=np.float32)
out = llm.create_completion(prompt, max_tokens=new, temperature=0.0, top_k=1, top_p=1.0,
                            repeat_penalty=1.0)
print(json.dumps(dict(ids=ids, logits=logits.tolist(), greedy=out['choices'][0]['text'])))
'''


def run(*argv, **kw) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kw)
    if r.returncode:
        sys.exit(f"{argv[0]} failed:\n{r.stderr[-3000:]}")
    return r


def check(kind: str, llama_python: str, work: Path, qk_norm: bool = False) -> dict:
    import torch
    from minigpt.inference import load_for_inference
    from minigpt.sampling import generate

    out = work / f"{kind}{'-qk-norm' if qk_norm else ''}"
    extra = ['--tokenizer', 'bpe', '--vocab-size', '512', '--no-tie-head'] if kind == 'bpe' else []
    extra += ['--qk-norm' if qk_norm else '--no-qk-norm']
    run('minigpt-train', *LLAMA, *extra, '--max-iters', '300', '--no-progress', '--out', out)
    run('minigpt-export', out / 'best.pt', '--format', 'gguf', '--out', out / 'model.gguf')
    model, tok, _ = load_for_inference(out / 'best.pt', 'cpu')
    text = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak."
    ids = tok.encode(text)[:128]
    theirs = json.loads(
        run(llama_python, '-c', LLAMA_CPP, out / 'model.gguf', tok.decode(ids), PROMPT, NEW).stdout
    )
    with torch.no_grad():
        ours = model(torch.tensor([ids]))[0][0]
    diff = (ours - torch.tensor(theirs['logits'])).abs().max().item()
    greedy = generate(model, tok, PROMPT, NEW, temperature=0)[0]
    return dict(
        tokenizer=kind,
        architecture='qwen3' if qk_norm else 'llama',
        same_ids=theirs['ids'] == ids,
        positions=len(ids),
        max_logit_diff=diff,
        same_greedy=theirs['greedy'] == greedy,
        minigpt=greedy,
        llama_cpp=theirs['greedy'],
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--llama-python', required=True, help='a Python with llama-cpp-python installed')
    p.add_argument('--out', default=None)
    args = p.parse_args()
    version = run(args.llama_python, '-c', 'import llama_cpp; print(llama_cpp.__version__)').stdout
    with tempfile.TemporaryDirectory() as d:
        rows = [check(kind, args.llama_python, Path(d)) for kind in ('char', 'bpe')]
        rows.append(check('char', args.llama_python, Path(d), qk_norm=True))
    from minigpt.bench import machine_info

    result = dict(machine=machine_info(), llama_cpp_python=version.strip(), rows=rows)
    print(json.dumps(result, indent=1))
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        json.dump(result, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
