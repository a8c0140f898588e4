"""Build, train and sample a GPT from scratch: a literate PyTorch project

Modules:

- `minigpt.chat`: Special tokens for the roles and the end of a turn, a conversation rendered to ids plus a mask of the tokens the assistant learns, conversations in JSON lines, and a base model's vocabulary grown to hold the new tokens.
- `minigpt.tasks`: Problems made in code, with train and test sets that never meet and one right answer each: addition, counting letters, reversing words. Accuracy with its interval, and pass@k."""

__version__ = "0.2.0"
