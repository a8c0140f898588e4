"""Build, train and sample a GPT from scratch: a literate PyTorch project

Modules:

- `minigpt.chat`: Special tokens for the roles and the end of a turn, a conversation rendered to ids plus a mask of the tokens the assistant learns, conversations in JSON lines, and a base model's vocabulary grown to hold the new tokens.
- `minigpt.rl`: The model answers a task's problems, a checker scores each answer, and the model learns from the scores: group-relative policy gradients (GRPO) and, beside them, direct preference optimisation (DPO), both through the same trainer, with `minigpt-rl` on the command line.
- `minigpt.tasks`: Problems made in code, with train and test sets that never meet and one right answer each: addition, counting letters, reversing words. Accuracy with its interval, and pass@k."""

__version__ = "0.2.0"
