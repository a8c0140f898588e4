"""Prepare a ~1 GB corpus into a token cache, and check that drawing batches from it costs no more memory than from 1 MB.

    python benchmarks/prepare_1gb.py                                  # char tokenizer, 1024 MB in 16 files
    python benchmarks/prepare_1gb.py --kind bpe --vocab-size 1024     # a byte-level BPE trained on the train split
    python benchmarks/prepare_1gb.py --size-mb 64 --compare-pools     # smaller, plus: one process, threads, processes

Writes the corpus into a temporary folder: Tiny Shakespeare's lines, shuffled with a fixed seed and repeated until each
file holds its share. Then each stage runs in a fresh Python process, so each peak memory is its own:

1. prepare: `open_corpus(folder, kind=..., cache_dir=...)` (scan and hash the files, make the tokenizer,
   encode in parallel, write the memory-mapped cache); wall time, MB/s of corpus, peak RSS of the main process and of
   the largest encoding worker;
2. reopen: the same call again, which finds the cache valid and encodes nothing;
3. batches: a trainer-like loop of `get_batch` from the 1 GB cache, and the same from a 1 MB corpus (Tiny Shakespeare,
   cached the same way); RSS split into anonymous memory (what the process owns) and file pages (the page cache
   mapped in, which the kernel can drop at any time).

Prints one JSON object (and `--json PATH` writes it).
"""
from __future__ import annotations
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def rss() -> dict:
    "This process's memory now and at its peak, in MB (Linux /proc)."
    status = dict(line.split(':', 1) for line in Path('/proc/self/status').read_text().splitlines() if ':' in line)
    mb = lambda key: int(status[key].split()[0]) / 1024 if key in status else None
    return dict(rss_mb=mb('VmRSS'), anon_mb=mb('RssAnon'), file_mb=mb('RssFile'), peak_mb=mb('VmHWM'))


def write_corpus(folder: Path, size_mb: int, n_files: int, seed: int) -> int:
    "Write `n_files` files of shuffled Tiny Shakespeare lines, `size_mb` MB in all; return the bytes written."
    import numpy as np
    from minigpt.data import default_corpus
    lines = default_corpus().read_text(encoding='utf-8').splitlines(keepends=True)
    rng, per_file, total = np.random.default_rng(seed), size_mb * 2**20 // n_files, 0
    for k in range(n_files):
        with open(folder/f'part{k:03d}.txt', 'w', encoding='utf-8') as f:
            written = 0
            while written < per_file:
                block = ''.join(lines[i] for i in rng.permutation(len(lines)))[:per_file - written]  # ASCII: characters are bytes
                f.write(block); written += len(block)
        total += written
    return total


def stage_prepare(args) -> dict:
    from minigpt.corpus import open_corpus
    t0 = time.perf_counter()
    ds = open_corpus(args.data, kind=args.kind, vocab_size=args.vocab_size, cache_dir=args.cache_dir, progress=args.progress)
    seconds = time.perf_counter() - t0
    return dict(seconds=seconds, train_tokens=len(ds.train), val_tokens=len(ds.val), dtype=str(ds.train.dtype),
                vocab_size=ds.tokenizer.vocab_size, bytes_per_token=ds.bytes_per_token('train'),
                main_peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                worker_peak_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def stage_batches(args) -> dict:
    from minigpt.corpus import open_corpus
    ds = open_corpus(args.data, kind=args.kind, vocab_size=args.vocab_size, cache_dir=args.cache_dir)
    after_open, warm, total = rss(), None, 0
    for step in range(args.steps):
        x, y = ds.get_batch('train', args.batch_size, args.block_size, generator=step)
        total += int(x[:, 0].sum() + y[:, -1].sum())  # use the batch, as a model would
        if step == 100: warm = rss()
    return dict(train_tokens=len(ds.train), after_open=after_open, after_100_steps=warm, after_all_steps=rss(), steps=args.steps)


def stage_pools(args) -> dict:
    "Encode the first `pool_mb` MB of the corpus in this process, with a thread pool and with a process pool."
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
    from minigpt.corpus import corpus_files
    from minigpt.data import encode_spans, read_document
    from minigpt.tokenizer import CharTokenizer
    text, want = '', args.pool_mb * 2**20
    for path in corpus_files(args.data):
        if len(text) < want: text += read_document(path)[:want - len(text)]
    if args.kind == 'char': tokenizer = CharTokenizer.from_text(text)
    else:
        from minigpt.subwords import train_tokenizer
        tokenizer = train_tokenizer(args.kind, text[:2**20], args.vocab_size)
    workers = len(os.sched_getaffinity(0))
    pools = {'one process': None, 'threads': ThreadPoolExecutor(workers), 'processes': ProcessPoolExecutor(workers)}
    for pool in pools.values():
        if pool: list(pool.map(abs, range(workers)))  # start the workers before the clock
    rates = {name: [] for name in pools}
    for _ in range(args.rounds):  # alternate, so that other jobs on the machine slow every contender alike
        for name, pool in pools.items():
            t0 = time.perf_counter()
            encode_spans(tokenizer, [text].__getitem__, [(0, 0, len(text))], lambda ids: None, pool)
            rates[name].append(len(text) / 2**20 / (time.perf_counter() - t0))
    for pool in pools.values():
        if pool: pool.shutdown()
    return dict(mb=len(text) / 2**20, workers=workers, kind=args.kind, rounds=args.rounds,
                median_mb_per_s={name: statistics.median(r) for name, r in rates.items()}, mb_per_s=rates)


def run_stage(name: str, args, **overrides) -> dict:
    "Run one stage in a fresh Python process; return its JSON."
    opts = {**vars(args), **overrides}
    cmd = [sys.executable, __file__, '--stage', name] + [a for k, v in opts.items() if v not in (None, False) and k not in ('stage', 'json')
                                                         for a in ([f"--{k.replace('_', '-')}"] + ([] if v is True else [str(v)]))]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--kind', default='char', help="tokenizer kind: char, bpe, sentencepiece")
    p.add_argument('--vocab-size', type=int, default=None, help="for bpe and sentencepiece")
    p.add_argument('--size-mb', type=int, default=1024, help="corpus size")
    p.add_argument('--files', type=int, default=16, help="number of corpus files")
    p.add_argument('--seed', type=int, default=0, help="shuffling seed")
    p.add_argument('--steps', type=int, default=2000, help="batches drawn in the memory check")
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--block-size', type=int, default=256)
    p.add_argument('--compare-pools', action='store_true', help="also time one process, threads and processes")
    p.add_argument('--pool-mb', type=int, default=16, help="text encoded by --compare-pools")
    p.add_argument('--rounds', type=int, default=5, help="alternating rounds of --compare-pools")
    p.add_argument('--progress', action='store_true', help="progress bar while preparing")
    p.add_argument('--json', default=None, help="also write the results here")
    p.add_argument('--stage', default=None, help=argparse.SUPPRESS)
    p.add_argument('--data', default=None, help=argparse.SUPPRESS)
    p.add_argument('--cache-dir', default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.stage:
        print(json.dumps(dict(prepare=stage_prepare, batches=stage_batches, pools=stage_pools)[args.stage](args)))
        return
    with tempfile.TemporaryDirectory(prefix='minigpt-1gb-') as tmp:
        corpus, cache = Path(tmp)/'corpus', Path(tmp)/'cache'
        corpus.mkdir()
        t0 = time.perf_counter()
        n_bytes = write_corpus(corpus, args.size_mb, args.files, args.seed)
        from minigpt.bench import cpu_name  # here, not at the top: the stages measure memory from a bare start
        result = dict(cpu=cpu_name(), cores=len(os.sched_getaffinity(0)), kind=args.kind, vocab_size=args.vocab_size,
                      corpus_mb=n_bytes / 2**20, files=args.files, write_corpus_s=time.perf_counter() - t0,
                      load_at_start=os.getloadavg()[0])
        prep = run_stage('prepare', args, data=str(corpus), cache_dir=str(cache))
        result['prepare'] = {**prep, 'mb_per_s': result['corpus_mb'] / prep['seconds']}
        result['reopen_s'] = run_stage('prepare', args, data=str(corpus), cache_dir=str(cache), progress=False)['seconds']
        result['batches_1gb'] = run_stage('batches', args, data=str(corpus), cache_dir=str(cache))
        small = Path(tmp)/'small'
        small.mkdir()
        result['batches_1mb'] = run_stage('batches', args, data=None, cache_dir=str(small))  # Tiny Shakespeare, the same tokenizer recipe
        big, small = (result[k]['after_all_steps'] for k in ('batches_1gb', 'batches_1mb'))
        result['anon_growth_mb'] = big['anon_mb'] - small['anon_mb']  # the process's own memory, 1 GB corpus against 1 MB
        if args.compare_pools: result['pools'] = run_stage('pools', args, data=str(corpus))
        result['load_at_end'] = os.getloadavg()[0]
    print(json.dumps(result, indent=1))
    if args.json: Path(args.json).write_text(json.dumps(result, indent=1))



if __name__ == '__main__':
    main()
