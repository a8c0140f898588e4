"""From a base model to an assistant on a CPU: pretraining, fine-tuning on conversations (SFT),
learning from rewards (GRPO, and DPO beside it at equal wall time), each stage timed in a process of
its own (its peak memory too), each model asked every task's held-out test problems.

Usage: python benchmarks/chat_path.py [--dtype auto] [--sft-steps 3000] [--rl-steps 300] [--rl-kl 0.1]
                                      [--rl-task addition] [--rl-prompts N] [--rl-keep-uniform]
                                      [--quick] [--out benchmarks/DATE/chat_path_DTYPE.json]

Stages (the book's tables and `--quick`, CI's reduced run, come from this one script):
1. pretrain: the default run (`minigpt-train`: the `cpu` preset and its steps) on Tiny Shakespeare.
2. sft: `minigpt-train --init-from base --data mix.jsonl`, every task's train problems shuffled into
   one conversation file (`minigpt-tasks`), the preset's settings, `--sft-steps` steps.
3. rl: `minigpt-rl --init-from sft --task addition --kl 0.1` (GRPO, `--rl-steps` steps,
   a KL penalty to the fine-tuned model that keeps the other tasks' answers where they were).
4. dpo: the same with `--method dpo`, stopped when it has run as long as the rl stage did.
5. sft_from_scratch: stage 2 from a fresh model: does pretraining on Shakespeare help?
6. plain_lines: the issue's baseline, no chat format: the default preset trained from scratch on
   `a+b=c` lines (the addition train problems) for 1,500 steps, asked `a+b=` and read to the newline.
Greedy accuracy with its 95% interval on each task's first `--n-test` test problems (addition's first
`--n-test-addition`), paired
differences against the SFT model, and the chat's time to its first reply token. The base model
gets no row: its characters include no digit but 3, so it can't read the problems.
"""
from __future__ import annotations
import argparse, json, multiprocessing as mp, random, resource, shutil, statistics, tempfile, time
from pathlib import Path

STAGES = ('pretrain', 'sft', 'rl', 'dpo', 'sft_from_scratch', 'plain_lines')
PATH = ('pretrain', 'sft', 'rl')  # the path a user takes; the other stages are comparisons
TRAIN_PROBLEMS = {'addition': 60_000, 'count': 10_000, 'reverse': 8_000}  # reverse: ~8,900 words
RL_TASK = 'addition'  # the task with room to learn: after fine-tuning, the others are near 100%


def _stage(name: str, work: str, args: dict) -> dict:
    "Run one stage in this (child) process; return its wall time and peak memory."
    import torch
    from minigpt.callbacks import Callback, CancelFitException
    from minigpt.checkpoint import save_checkpoint
    from minigpt.config import TrainConfig
    from minigpt.cpu import keep_freed_memory
    from minigpt.data import TextDataset
    from minigpt.model import GPT, GPTConfig
    from minigpt.rl import RL_TRAIN, RLConfig, learn_from_rewards
    from minigpt.run import train
    from minigpt.tasks import TASKS
    from minigpt.tracking import core_callbacks
    from minigpt.trainer import Trainer

    keep_freed_memory()
    work, t0 = Path(work), time.perf_counter()
    common = dict(device='cpu', dtype=args['dtype'])
    if name == 'pretrain':
        steps = args['pretrain_steps']
        cfg = TrainConfig.preset('cpu', **common, max_iters=steps, out_dir=str(work / 'base'))
        train(cfg, GPTConfig.preset('cpu'), progress=False, sample=False, overwrite=True)
    elif name in ('sft', 'sft_from_scratch'):
        steps = args['sft_steps']
        cfg = TrainConfig.preset(
            'cpu', **common, data=str(work / 'mix.jsonl'), max_iters=steps, warmup_iters=steps // 10,
            eval_interval=max(50, steps // 10), out_dir=str(work / name),
            init_from=str(work / 'base' / 'best.pt') if name == 'sft' else None,
        )
        # from scratch: the default model (minigpt-train's); from the base: the base's model
        model_cfg = GPTConfig.preset('cpu') if name == 'sft_from_scratch' else None
        train(cfg, model_cfg, progress=False, sample=False, overwrite=True)
    elif name in ('rl', 'dpo'):
        steps = args['rl_steps']  # DPO: as many as fit in GRPO's wall time (the lr is constant)
        cfg = TrainConfig(**{**RL_TRAIN, **common, 'init_from': str(work / 'sft' / 'last.pt'),
                             'max_iters': steps * (20 if name == 'dpo' else 1), 'learning_rate': args['rl_lr'],
                             'min_lr': args['rl_lr'], 'warmup_iters': max(1, steps // 20),
                             'eval_interval': steps, 'out_dir': str(work / name)})

        class TimeLimit(Callback):  # DPO stops where GRPO's wall time ends, and saves there
            order = 90

            def after_step(self, trainer):
                if time.perf_counter() - t0 > args.get('seconds', float('inf')):
                    save_checkpoint(trainer.checkpoint(), work / name / 'last.pt')
                    raise CancelFitException()

        method = name.replace('rl', 'grpo')
        rl = RLConfig(task=args['rl_task'], method=method, kl=args['rl_kl'] if method == 'grpo' else 0.0,
                      prompts=args['rl_prompts'], skip_uniform=args.get('rl_skip_uniform', True))
        learn_from_rewards(rl, cfg,
                           progress=False, overwrite=True, callbacks=[TimeLimit()])
    elif name == 'plain_lines':
        lines = ''.join(f'{q}={a}\n' for q, a in TASKS['addition'].problems('train', args['additions']))
        ds = TextDataset.from_text(lines)
        torch.manual_seed(1337)
        cfg = TrainConfig.preset('cpu', **common, max_iters=1500, warmup_iters=150, out_dir=str(work / name))
        model = GPT(GPTConfig.preset('cpu', vocab_size=ds.tokenizer.vocab_size))
        trainer = Trainer(model, ds, cfg, core_callbacks()).fit()
        save_checkpoint(trainer.checkpoint(), work / 'plain_lines.pt')
    return dict(seconds=round(time.perf_counter() - t0, 1),
                peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_stage(name: str, work: Path, args: dict) -> dict:
    with mp.get_context('spawn').Pool(1) as pool:
        out = pool.apply(_stage, (name, str(work), args))
    print(f"{name}: {out['seconds']} s, peak memory {out['peak_rss_mb']} MB", flush=True)
    return out


def plain_accuracy(path: Path, n: int) -> dict:
    "The plain-lines model, asked `a+b=` greedily, its answer read to the newline."
    import torch
    from minigpt.checkpoint import load_model
    from minigpt.sampling import generate_ids
    from minigpt.tasks import TASKS, wilson_interval

    model, tok, _ = load_model(path)
    problems, right = TASKS['addition'].problems('test', n), []
    for q, a in problems:
        idx = torch.tensor([tok.encode(f'\n{q}=')])  # a line of its own, as in training
        out = [t.item() for t in generate_ids(model, idx, 8, temperature=0.0)]
        right.append(tok.decode(out).split('\n')[0] == a)
    return dict(n=n, correct=sum(right), accuracy=sum(right) / n, interval=list(wilson_interval(sum(right), n)), right=right)


def first_token_seconds(path: Path) -> float:
    "Median time from a user's message to the chat's first reply piece (20 short messages)."
    import torch
    from minigpt.checkpoint import load_model
    from minigpt.inference import chat_stream

    model, tok, _ = load_model(path)
    times = []
    for i in range(20):
        t0 = time.perf_counter()
        next(iter(chat_stream(model, tok, [{'role': 'user', 'content': f'{i}+{i * 7}'}], 8, 0.8,
                              generator=torch.Generator().manual_seed(i))), None)
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 4)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dtype', default='auto')
    p.add_argument('--pretrain-steps', type=int, default=None, help="default: the cpu preset's")
    p.add_argument('--sft-steps', type=int, default=3000)
    p.add_argument('--rl-steps', type=int, default=300)
    p.add_argument('--rl-kl', type=float, default=0.1, help="GRPO's KL penalty to the fine-tuned model")
    p.add_argument('--rl-task', default=RL_TASK, help="the task GRPO and DPO practise")
    p.add_argument('--rl-prompts', type=int, default=None, help="problems per step of GRPO and DPO (RLConfig's)")
    p.add_argument('--rl-keep-uniform', action='store_true',
                   help="GRPO trains every answer, uniform groups too (RLConfig.skip_uniform=False)")
    p.add_argument('--rl-lr', type=float, default=None, help="learning rate of GRPO and DPO (default: RL_TRAIN's)")
    p.add_argument('--problems', default=None,
                   help="train problems per task, e.g. addition=240000,count=40000 (default: TRAIN_PROBLEMS)")
    p.add_argument('--n-test', type=int, default=500, help="test problems of each task")
    p.add_argument('--n-test-addition', type=int, default=2000,
                   help="test problems of addition, the task of the goals (the others have ~1,000)")
    p.add_argument('--work', default=None, help="a previous run's folder: rerun only --stages there")
    p.add_argument('--stages', default=','.join(STAGES), help="which stages to run (default: all)")
    p.add_argument('--keep', action='store_true', help="keep the stages' folder (printed) to rerun stages in")
    p.add_argument('--quick', action='store_true', help="CI's reduced run: few steps, 50 problems, no scratch run")
    p.add_argument('--out', default=None)
    args = p.parse_args()
    import torch
    from minigpt.bench import machine_info
    from minigpt.chat import write_conversations
    from minigpt.checkpoint import load_model
    from minigpt.config import TrainConfig, resolve_dtype
    from minigpt.rl import RL_TRAIN, RLConfig
    from minigpt.tasks import TASKS, evaluate_task, paired_difference, task_conversation

    if args.quick:
        args.pretrain_steps, args.sft_steps, args.rl_steps, args.n_test, args.n_test_addition = 60, 60, 6, 50, 50
    n_test = {t: args.n_test_addition if t == 'addition' else args.n_test for t in TASKS}
    args.pretrain_steps = args.pretrain_steps or TrainConfig.preset('cpu').max_iters
    dtype = str(resolve_dtype(args.dtype, torch.device('cpu'))).removeprefix('torch.')
    out = Path(args.out or f"benchmarks/{time.strftime('%Y-%m-%d')}/chat_path_{dtype}.json")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix='chat_path_'))
    print(f"stages in {work}", flush=True)
    wanted_problems = {**TRAIN_PROBLEMS, **{k: int(v) for k, v in (kv.split('=') for kv in (args.problems or '').split(',') if kv)}}
    problems = dict(wanted_problems) if not args.quick else {k: v // 20 for k, v in TRAIN_PROBLEMS.items()}
    if not (work / 'mix.jsonl').exists():
        convs = [task_conversation(q, a) for t, n in problems.items() for q, a in TASKS[t].problems('train', n)]
        random.Random(0).shuffle(convs)
        write_conversations(convs, work / 'mix.jsonl')
    rl_lr = args.rl_lr or RL_TRAIN['learning_rate']
    args.rl_prompts = args.rl_prompts or RLConfig().prompts
    settings = dict(dtype=args.dtype, pretrain_steps=args.pretrain_steps, sft_steps=args.sft_steps,
                    rl_steps=args.rl_steps, rl_lr=rl_lr, rl_kl=args.rl_kl, rl_task=args.rl_task,
                    rl_prompts=args.rl_prompts,
                    rl_skip_uniform=not args.rl_keep_uniform, additions=problems['addition'])
    stages = json.loads(out.read_text())['stages'] if args.work and out.exists() else {}
    wanted = args.stages.split(',')
    for name in STAGES:
        if name not in wanted or args.quick and name in ('sft_from_scratch', 'plain_lines'):
            continue
        if name == 'dpo':
            settings['seconds'] = stages['rl']['seconds']
        stages[name] = run_stage(name, work, settings)
    models = {'sft': 'sft/last.pt', 'rl': 'rl/last.pt', 'dpo': 'dpo/last.pt', 'sft_from_scratch': 'sft_from_scratch/last.pt'}
    stages = {k: stages[k] for k in STAGES if k in stages}
    results = {}
    for name, rel in models.items():
        if name not in stages:
            continue
        model, tok, _ = load_model(work / rel)
        results[name] = {}
        for task in TASKS:
            r = evaluate_task(model, tok, task, n_test[task])
            results[name][task] = {k: r[k] for k in ('n', 'correct', 'accuracy', 'interval', 'right')}
            lo, hi = r['interval']
            print(f"  {name} {task}: {r['accuracy']:.1%} ({lo:.1%} to {hi:.1%})", flush=True)
    paired = {
        name: {t: list(paired_difference(results['sft'][t]['right'], results[name][t]['right'])) for t in TASKS}
        for name in ('rl', 'dpo')
        if name in results
    }
    t = args.rl_task
    for name, d in paired.items():
        print(f"  {name} - sft on {t}: {d[t][0]:+.1%} ({d[t][1]:+.1%} to {d[t][2]:+.1%})")
    if (work / 'plain_lines.pt').exists():
        results['plain_lines'] = {'addition': plain_accuracy(work / 'plain_lines.pt', n_test['addition'])}
        print(f"  plain lines addition: {results['plain_lines']['addition']['accuracy']:.1%}")
    report = dict(
        machine=machine_info('cpu'), dtype=dtype, quick=args.quick, train_problems=problems,
        pretrain_steps=args.pretrain_steps, sft_steps=args.sft_steps, rl_steps=args.rl_steps, rl_lr=rl_lr, rl_kl=args.rl_kl, rl_task=args.rl_task, rl_prompts=args.rl_prompts,
        rl_skip_uniform=not args.rl_keep_uniform, n_test=n_test,
        stages=stages,
        path_seconds=round(sum(stages[s]['seconds'] for s in PATH), 1) if set(PATH) <= set(stages) else None,
        first_token_seconds=first_token_seconds(work / 'rl' / 'last.pt') if 'rl' in stages else None,
        results=results, paired_vs_sft=paired,
    )
    if report['path_seconds']:
        print(f"the path (pretrain, SFT, RL): {report['path_seconds']} s; first reply token "
              f"{report['first_token_seconds'] * 1000:.0f} ms")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out}")
    if not args.work and not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
