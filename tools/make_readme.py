"""Write README.md from nbs/index.ipynb (markdown cells as they are, code cells as Python blocks).

Usage: python tools/make_readme.py [--check]   (--check: exit 1 if README.md is out of date)
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
DOCS = 'https://minigpt-dev.github.io/minigpt/'

def render(nb_path: Path) -> str:
    parts = []
    for cell in json.loads(nb_path.read_text(encoding='utf-8'))['cells']:
        src = ''.join(cell['source']).strip()
        if not src or src.startswith('#| hide'): continue
        if cell['cell_type'] == 'markdown': parts.append(src)
        else:
            parts.append(f"```python\n{src}\n```")
            text = ''.join(''.join(o.get('text', '')) for o in cell.get('outputs', []) if o.get('output_type') == 'stream')
            if text.strip(): parts.append(f"```\n{text.rstrip()}\n```")
    body = '\n\n'.join(parts) + '\n'
    body = re.sub(r'\]\((\w+)\.html\)', rf']({DOCS}\1.html)', body)  # chapter links point at the published site
    return "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n" + body

if __name__ == '__main__':
    text = render(root/'nbs'/'index.ipynb')
    readme = root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            sys.exit("README.md is out of date with nbs/index.ipynb: run `python tools/make_readme.py`.")
    else: readme.write_text(text, encoding='utf-8')
