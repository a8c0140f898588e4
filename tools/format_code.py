"""Format the notebooks' code for the docs page: one statement a line, lines of at most 100 characters.

    python tools/format_code.py            # format every notebook in nbs/ (then run nbdev-export)
    python tools/format_code.py --check    # fail if too many lines of minigpt/*.py are too long

Three passes over each code cell, each checked to leave the cell's syntax tree unchanged:
1. a trailing comment that makes a line too long moves to its own line above (not the comments that
   document a parameter or a dataclass field: nbdev shows those as the parameter's description);
2. `ruff format` (settings in pyproject.toml, [tool.ruff]);
3. a string literal that still runs past the limit is cut at a space into adjacent literals, which
   Python joins back into one string; a docstring is wrapped inside triple quotes.
Between 2 and 3, two of ruff's moves are undone: a field's description stays on the field's line, and
a parameter's description stays on the parameter's line, all on one line (nbdev shows both).
What is left over the limit (a field's description, a long word, nbdev's `__all__`) is counted by
`--check`, which allows at most MAX_LONG of the package's lines.
"""
from __future__ import annotations

import argparse
import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 100  # the docs page shows this many characters of code without scrolling
STRING_TOKENS = {tokenize.STRING, getattr(tokenize, 'FSTRING_MIDDLE', tokenize.STRING)}
MAX_LONG = 0.02  # the share of minigpt/*.py lines (the generated _modidx.py aside) allowed over WIDTH


def tree(src: str) -> str | None:
    "The syntax tree of `src` as text, None if it does not parse (e.g. a cell with `%` magics)."
    try:
        return ast.dump(ast.parse(src))
    except SyntaxError:
        return None


def documented_lines(src: str) -> set[int]:
    "Lines whose trailing comment nbdev shows as documentation: parameters and class-level fields."
    lines = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.ClassDef):
            lines |= {s.lineno for s in node.body if isinstance(s, ast.AnnAssign)}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
                if arg is not None:
                    lines.add(arg.lineno)
            if node.returns is not None:
                lines.add(node.returns.lineno)
    return lines


def move_comments(src: str) -> str:
    "Pass 1: a trailing comment on a too-long line moves to its own line above."
    if tree(src) is None:
        return src
    keep = documented_lines(src)
    lines = src.split('\n')
    moves = {}  # line number -> column where its trailing comment starts
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type != tokenize.COMMENT:
            continue
        row, col = tok.start
        line = lines[row - 1]
        if len(line) > WIDTH and line[:col].strip() and row not in keep:
            moves[row] = col
    for row in sorted(moves, reverse=True):
        line = lines[row - 1]
        col = moves[row]
        indent = line[: len(line) - len(line.lstrip())]
        lines[row - 1 : row] = [indent + line[col:].strip(), line[:col].rstrip()]
    out = '\n'.join(lines)
    return out if tree(out) == tree(src) else src


def field_wraps(src: str) -> str:
    "Undo ruff's `name: T = (\\n value  # comment\\n)`: a field's description stays on its line."
    pattern = r'(?m)^( *)(\w+: [^\n=]+) = \(\n +([^\n#]+?)  (#[^\n]*)\n +\)$'
    out = re.sub(pattern, r'\1\2 = \3  \4', src)
    return out if tree(out) == tree(src) else src


def param_comments(src: str) -> str:
    "Put back on the last parameter the comment ruff leaves after `):` (nbdev reads it from there)."
    out = re.sub(r'(?m)^([^\n#]*,)\n( *)\):  (#[^\n]*)$', r'\1  \3\n\2):', src)
    return out if tree(out) == tree(src) else src


def join_params(src: str) -> str:
    """A documented parameter that ruff cut over several lines goes back on one line with its
    description (nbdev reads the comment on the parameter's line)."""
    if tree(src) is None:
        return src
    comments = {}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string
    lines = src.split('\n')
    spans = []
    for node in ast.walk(ast.parse(src)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        a = node.args
        args = a.posonlyargs + a.args
        defaults = [None] * (len(args) - len(a.defaults)) + list(a.defaults)
        pairs = list(zip(args, defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
        for arg, default in pairs:
            parts = [n for n in (arg, arg.annotation, default) if n is not None]
            first, last = arg.lineno, max(n.end_lineno for n in parts)
            notes = [comments[r] for r in range(first, last + 1) if r in comments]
            if last > first and notes and lines[first - 1].strip().startswith(arg.arg):
                text = arg.arg
                if arg.annotation is not None:
                    text += ': ' + ast.unparse(arg.annotation)
                if default is not None:
                    text += (' = ' if arg.annotation is not None else '=') + ast.unparse(default)
                spans.append((first, last, text, ' '.join(notes)))
    for first, last, text, note in sorted(spans, reverse=True):
        end = lines[last - 1].split('#')[0].rstrip()
        if not end.endswith(','):
            continue  # the signature's last line also closes it: leave it to ruff
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        lines[first - 1 : last] = [f"{indent}{text},  {note}"]
    out = '\n'.join(lines)
    return out if tree(out) == tree(src) else src


def literal_span(line: str) -> tuple[int, int, str] | None:
    "The single-line string literal that crosses column WIDTH: (start, end, prefix), or None."
    i = 0
    while i < len(line):
        c = line[i]
        if c == '#':
            return None
        m = re.match(r'([rRbBuUfF]{0,2})(["\'])', line[i:])
        starts_word = i == 0 or not (line[i - 1].isalnum() or line[i - 1] == '_')
        if m and starts_word:
            prefix, quote = m.groups()
            if line[i + len(prefix) : i + len(prefix) + 3] == quote * 3:
                return None  # triple-quoted: leave it
            j = i + len(prefix) + 1
            while j < len(line) and line[j] != quote:
                j += 2 if line[j] == '\\' and 'r' not in prefix.lower() else 1
            if j >= len(line):
                return None
            if i < WIDTH < j + 1:
                return i, j + 1, prefix
            i = j + 1
            continue
        i += 1
    return None


def cut_point(body: str, room: int, fstring: bool) -> int | None:
    "Where to cut a literal's body so the first piece fits in `room`: after a space, outside `{}`."
    depth = 0
    best = None
    k = 0
    while k < len(body):
        c = body[k]
        if fstring and body[k : k + 2] in ('{{', '}}'):
            k += 2
            continue
        if fstring and c == '{':
            depth += 1
        elif fstring and c == '}':
            depth -= 1
        elif c == '\\':
            k += 2
            continue
        elif c == ' ' and depth == 0 and 20 <= k + 1 <= room:
            best = k + 1
        k += 1
    return best


def cut_pieces(body: str, room: int, last_room: int, fstring: bool) -> list[str]:
    "`body` cut into pieces of at most `room` characters (the last `last_room`); [] if it can't be."
    pieces = []
    while len(body) > last_room:
        cut = cut_point(body, room, fstring)
        if cut is None:
            return []
        pieces.append(body[:cut])
        body = body[cut:]
    return pieces + [body] if pieces else []


def split_literal(line: str) -> list[list[str]]:
    "Pass 3 on one line: ways to write the literal crossing the limit as adjacent literals."
    span = literal_span(line)
    if span is None:
        return []
    start, end, prefix = span
    quote = line[start + len(prefix)]
    body = line[start + len(prefix) + 1 : end - 1]
    before = line[:start]
    after = line[end:]
    indent = line[: len(line) - len(line.lstrip())]
    fstring = 'f' in prefix.lower()

    def literal(text):
        keep_f = fstring and ('{' in text or '}' in text)
        plain = prefix.replace('f', '').replace('F', '')
        return plain + ('f' if keep_f else '') + quote + text + quote

    ways = []
    # a) inside brackets already: the pieces line up under the first one
    inner = ' ' * start if start <= 40 else indent + '    '
    pad = len(prefix) + 2
    pieces = cut_pieces(body, WIDTH - len(inner) - pad, WIDTH - len(inner) - pad - len(after), fstring)
    if pieces and len(before) + pad + len(pieces[0]) <= WIDTH:
        out = [before + literal(pieces[0])] + [inner + literal(p) for p in pieces[1:]]
        out[-1] += after
        ways.append(out)
    # b) wrapped in parentheses of its own
    inner = indent + '    '
    pieces = cut_pieces(body, WIDTH - len(inner) - pad, WIDTH - len(inner) - pad, fstring)
    if pieces:
        ways.append([before + '('] + [inner + literal(p) for p in pieces] + [indent + ')' + after])
    return ways


def docstring_lines(src: str) -> dict[int, ast.Constant]:
    "Single-line docstrings of functions and classes, by line number."
    found = {}
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str) and first.lineno == first.end_lineno):
                found[first.lineno] = first.value
    return found


def wrap_docstring(line: str, text: str) -> list[str] | None:
    "A too-long one-line docstring as a triple-quoted one wrapped at the limit (nbdev joins it)."
    if '"""' in text or text.endswith('"') or '\\' in text or not line.strip().startswith(('"', "'")):
        return None
    indent = line[: len(line) - len(line.lstrip())]
    words = text.split(' ')
    out = []
    cur = indent + '"""'
    for w in words:
        if len(cur) + 1 + len(w) > WIDTH and cur.strip('"').strip():
            out.append(cur)
            cur = indent + w
        else:
            cur = cur + (' ' if cur.strip('"').strip() else '') + w
    out.append(cur + '"""')
    return out if all(len(x) <= WIDTH for x in out) else None


def wrap_comment(line: str) -> list[str]:
    "A comment line over the limit as several, cut at spaces."
    indent = line[: len(line) - len(line.lstrip())]
    out = []
    cur = indent + '#'
    for w in line.lstrip()[1:].split():
        if len(cur) + 1 + len(w) > WIDTH and cur.strip() != '#':
            out.append(cur)
            cur = indent + '#'
        cur += ' ' + w
    return out + [cur]


def split_strings(src: str) -> str:
    "Pass 3: cut every string literal that runs past the limit, where the tree stays the same."
    before = tree(src)
    if before is None:
        return src
    multiline = set()  # lines inside a triple-quoted string
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type in STRING_TOKENS and tok.end[0] > tok.start[0]:
            multiline |= set(range(tok.start[0], tok.end[0] + 1))
    docs = docstring_lines(src)
    lines = src.split('\n')
    for row in range(len(lines), 0, -1):
        line = lines[row - 1]
        if len(line) <= WIDTH or row in multiline:
            continue
        if line.lstrip().startswith('#') and not line.lstrip().startswith('#|'):
            lines[row - 1 : row] = wrap_comment(line)
            continue
        if row in docs:
            new = wrap_docstring(line, docs[row].value)
            if new is not None:
                lines[row - 1 : row] = new  # its text changes (a newline for a space): new tree
                before = tree('\n'.join(lines))
            continue
        for new in split_literal(line):
            trial = lines[: row - 1] + new + lines[row:]
            if tree('\n'.join(trial)) == before:
                lines = trial
                break
    return '\n'.join(lines)


def code_cells(nb: dict):
    for cell in nb['cells']:
        if cell['cell_type'] == 'code':
            yield cell


def cell_pass(path: Path, fn) -> None:
    nb = json.loads(path.read_text())
    for cell in code_cells(nb):
        src = ''.join(cell['source'])
        new = fn(src)
        if new != src:
            cell['source'] = new.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')


def format_notebooks(paths: list[Path]) -> None:
    for p in paths:
        cell_pass(p, move_comments)
    subprocess.run(['ruff', 'format', '--quiet', *map(str, paths)], check=True, cwd=ROOT)
    for p in paths:
        cell_pass(p, lambda s: split_strings(join_params(param_comments(field_wraps(s)))))


def long_lines() -> tuple[int, int]:
    "Lines in minigpt/*.py (the generated _modidx.py aside): (all, over WIDTH)."
    total = long = 0
    for f in sorted((ROOT / 'minigpt').glob('*.py')):
        if f.name == '_modidx.py':
            continue
        for line in f.read_text().splitlines():
            total += 1
            long += len(line) > WIDTH
    return total, long


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='only count the long lines of minigpt/*.py')
    ap.add_argument('notebooks', nargs='*', type=Path, help='default: every notebook in nbs/')
    args = ap.parse_args()
    if not args.check:
        format_notebooks(args.notebooks or sorted((ROOT / 'nbs').glob('*.ipynb')))
        return 0
    total, long = long_lines()
    share = long / max(total, 1)
    verdict = 'ok' if share <= MAX_LONG else 'FAIL'
    print(f"{verdict}: {long} of {total} lines in minigpt/*.py are over {WIDTH} characters "
          f"({share:.1%}; at most {MAX_LONG:.0%}). Fix: python tools/format_code.py && nbdev-export")
    return 0 if share <= MAX_LONG else 1


if __name__ == '__main__':
    sys.exit(main())
