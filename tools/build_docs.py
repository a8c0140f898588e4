"""Build the documentation site offline into `_docs/`, from the notebooks and `nbs/_quarto.yml`.

Usage: python tools/build_docs.py

This does what `nbdev-docs` does, with the pure-Python renderer smalldocs in the place of Quarto
(which cannot be installed here). `nbdev-docs` keeps working unchanged wherever Quarto exists.

1. README.md is written from nbs/index.ipynb (tools/make_readme.py).
2. nbdev writes nbs/nbdev.yml; the sidebar is nbs/sidebar.yml, the book's parts (kept by hand,
   `custom_sidebar = true`; the build refuses one that leaves a notebook out). nbdev processes the
   notebooks into _proc/: `show_doc` cells are rendered, hidden cells dropped, backticked names
   linked. Only exported, import and `show_doc` cells run; every other
   cell, slow ones included, shows the output saved in the notebook.
3. Each processed page is renamed to the name nbdev links to (its `output-file`, so
   `00_tokenizer.ipynb` becomes `tokenizer.html`), and links to the published site are made
   relative so that `_docs/` also works offline.
4. smalldocs renders _proc/ (its `_quarto.yml`, `nbdev.yml` and `sidebar.yml`) into _docs/.
"""
import ast, dataclasses, importlib, inspect, json, os, re, shutil, sys, time, warnings
from pathlib import Path

import yaml

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root/'tools'))

# smalldocs notes these on every nbdev project; none of them changes the HTML site.
HARMLESS = ('unknown key format-links', 'format commonmark is not built', 'keep-md is ignored', 'output-file is not read')


class DocsError(Exception):
    "The site can't be built as it is; the message says what to change."


def say(msg: str): print(msg, flush=True)


def front_matter(nb: dict) -> dict:
    "The YAML front matter nbdev puts in the first (raw) cell of a processed notebook."
    cells = nb.get('cells') or []
    if not cells or cells[0]['cell_type'] != 'raw': return {}
    src = ''.join(cells[0]['source']).strip()
    return (yaml.safe_load(src.strip('-')) or {}) if src.startswith('---') else {}


def cells_run_by_build(nb_path: Path) -> list[str]:
    "Cells nbdev runs while processing `nb_path` (they hold an import) that do more than import and define."
    found = []
    for i, cell in enumerate(json.loads(nb_path.read_text(encoding='utf-8'))['cells']):
        src = ''.join(cell['source'])
        if cell['cell_type'] != 'code' or re.search(r'^#\|\s*(export|exports|exporti|exec_doc)\b', src, re.M): continue
        try: body = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))).body
        except SyntaxError: continue
        if not any(isinstance(n, (ast.Import, ast.ImportFrom)) for s in body for n in ast.walk(s)): continue
        # definitions only cost a moment; anything else (a training loop, a plot) really runs
        if all(isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) for s in body): continue
        slow = ' (a #| slow cell!)' if re.search(r'^#\|\s*slow\b', src, re.M) else ''
        first = next(l for l in src.splitlines() if l.strip() and not l.startswith('#|'))
        found.append(f"{nb_path.name} cell {i}{slow}: {first.strip()[:70]!r}")
    return found


def _annotation(a) -> str:
    "An annotation as written in the source (the modules use `from __future__ import annotations`)."
    return a if isinstance(a, str) else inspect.formatannotation(a)


def _exported(sym):
    "The package's own object for `sym` when `sym` was defined by running a notebook cell (in `__main__`)."
    if getattr(sym, '__module__', None) != '__main__': return sym
    from nbdev.config import get_config
    lib = get_config().lib_path.name
    found = []
    for mod in importlib.import_module(f'{lib}._modidx').d['syms']:
        obj = importlib.import_module(mod)
        for part in sym.__qualname__.split('.'):
            try: obj = getattr(obj, part, None)
            except ImportError: obj = None  # a name that moved elsewhere says so (minigpt.data's __getattr__)
        same_as = lambda f: getattr(f, '__func__', f) is getattr(obj, '__func__', obj)  # a classmethod is bound anew each time
        if obj is not None and not any(same_as(f) for f in found): found.append(obj)
    if len(found) > 1:  # one name, several objects: pick the one whose docstring the notebook's object has, never a mix
        same = [o for o in found if inspect.getdoc(o) == inspect.getdoc(sym)]
        if len(same) != 1:
            raise DocsError(f"{sym.__qualname__} names {len(found)} different objects in {lib} "
                            f"({', '.join(o.__module__ for o in found)}); give them distinct names so each page documents one.")
        found = same
    return found[0] if found else sym


def _signature(sym, name: str) -> str:
    "`def name(a: int = 3, ...) -> T`, one parameter a line when it is long."
    kind = 'class' if inspect.isclass(sym) else 'def'
    name = name.split('.')[-1]
    if kind == 'class' and '__init__' not in vars(sym) and not dataclasses.is_dataclass(sym):
        return f"class {name}({', '.join(b.__name__ for b in sym.__bases__)})"
    try: sig = inspect.signature(sym)
    except (TypeError, ValueError): return f"{kind} {name}(...)"
    params, star_done = [], False
    for p in sig.parameters.values():
        if p.name in ('self', 'cls'): continue
        if p.kind is p.KEYWORD_ONLY and not star_done: params.append('*'); star_done = True
        text = {p.VAR_POSITIONAL: '*', p.VAR_KEYWORD: '**'}.get(p.kind, '') + p.name
        star_done |= p.kind is p.VAR_POSITIONAL
        if p.annotation is not p.empty: text += f": {_annotation(p.annotation)}"
        if p.default is not p.empty: text += f"{' = ' if p.annotation is not p.empty else '='}{p.default!r}"
        params.append(text)
    ret = '' if sig.return_annotation is sig.empty or kind == 'class' else f" -> {_annotation(sig.return_annotation)}"
    one_line = f"{kind} {name}({', '.join(params)}){ret}"
    return one_line if len(one_line) <= 80 else f"{kind} {name}(\n" + ''.join(f"    {t},\n" for t in params) + f"){ret}"


def _cell(text: str) -> str: return text.replace('|', '\\|').replace('\n', ' ')


def api_entry(r) -> str:
    "The body of a `show_doc` entry: signature, docstring, and a table of the documented parameters."
    from fastcore.docments import docments
    sym = _exported(r.sym)
    md = f"```python\n{_signature(sym, r.nm)}\n```"
    if r.docs: md += "\n\n*" + r.docs.strip().split('\n')[0] + "*" + ''.join('\n' + l for l in r.docs.strip().split('\n')[1:])
    try: params = docments(sym, full=True)
    except Exception: params = {}
    rows = []
    for name, p in params.items():
        if name in ('self', 'cls'): continue
        if name == 'return' and (inspect.isclass(sym) or (not p.docment and p.anno in (inspect.Parameter.empty, None))): continue
        anno = '' if p.anno is inspect.Parameter.empty else f"`{_cell(_annotation(p.anno))}`"
        default = '' if p.default is inspect.Parameter.empty else f"`{_cell(repr(p.default))}`"
        rows.append(f"| {'**Returns**' if name == 'return' else f'**{name}**'} | {anno} | {default} | {_cell(p.docment or '')} |")
    if any(p.docment for p in params.values()):
        md += "\n\n| | Type | Default | Details |\n|---|---|---|---|\n" + '\n'.join(rows)
    return md


def sidebar_pages(nbs: Path) -> list[str]:
    "The notebooks `nbs/sidebar.yml` lists, in order; every notebook in `nbs` must be one of them."
    def walk(items):
        for it in items:
            if isinstance(it, str): yield it
            elif isinstance(it, dict): yield from walk(it.get('contents') or [])
    sidebar = yaml.safe_load((nbs/'sidebar.yml').read_text(encoding='utf-8'))
    listed = list(walk(sidebar['website']['sidebar']['contents']))
    missing = sorted(p.name for p in nbs.glob('*.ipynb') if p.name not in listed)
    if missing:
        raise DocsError(f"nbs/sidebar.yml does not list {', '.join(missing)}: add each to its part.")
    return listed


def process_notebooks(nbs: Path) -> Path:
    "Run nbdev's docs preprocessing (what `nbdev-docs` does before Quarto) and return the `_proc` folder."
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    refresh_quarto_yml()  # writes nbs/nbdev.yml (title, site-url, output-dir) from pyproject.toml
    # The file pattern `nbdev-docs` uses: notebooks and pages only. (`nbdev-proc-nbs` passes an empty
    # pattern, and its sidebar then lists nbdev.yml and styles.css too.)
    nbdev_sidebar.__wrapped__(path=nbs, file_glob=None, file_re=r'\.(?:ipynb|qmd|html)$')
    # nbdev 3 prints parameters as comments inside the signature; the site shows nbdev's classic table
    # (type, default and the trailing comment of each parameter). The notebooks are processed in this
    # process (n_workers=0), where `show_doc` runs, so the renderer is swapped here, for the build only.
    from fastcore.docments import MarkdownRenderer
    MarkdownRenderer._repr_markdown_ = api_entry
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        proc = proc_nbs(nbs, n_workers=0, force=True)
    for w in caught:
        if 'imports and other code' in str(w.message): say(f"warning: {w.message}".rstrip())
    return proc


def rename_pages(proc: Path, site_url: str) -> dict:
    "Name each page as nbdev links to it, make links to the published site relative; return {old: new}."
    renames = {}
    for nb_path in sorted(proc.glob('*.ipynb')):
        text = nb_path.read_text(encoding='utf-8')
        out = front_matter(json.loads(text)).get('output-file')
        # every page sits at the top of the site, so `https://<site>/model.html#gpt` -> `model.html#gpt`
        if site_url: text = text.replace(site_url.rstrip('/') + '/', '')
        new = nb_path.with_name(Path(out).stem + '.ipynb') if out else nb_path
        if new != nb_path and new.exists():
            raise DocsError(f"{nb_path.name} and {new.name} would both become {new.stem}.html: rename one of the notebooks.")
        new.write_text(text, encoding='utf-8')
        if new != nb_path: nb_path.unlink(); renames[nb_path.name] = new.name
    sidebar = proc/'sidebar.yml'
    text = sidebar.read_text(encoding='utf-8')
    for old, new in renames.items(): text = re.sub(rf'(?<![\w/]){re.escape(old)}\b', new, text)
    sidebar.write_text(text, encoding='utf-8')
    return renames


def render(proc: Path, doc_path: Path):
    "Render `proc` with smalldocs and move the site to `doc_path`."
    from smalldocs.site import build
    site = build(proc, quiet=True)
    notes = [w for w in site.warnings if not any(h in w for h in HARMLESS)]
    for w in notes: say(f"smalldocs: {w}")
    broken = [w for w in notes if 'broken link' in w]
    if broken: raise DocsError(f"{len(broken)} broken link(s) in the pages (listed above): fix the links in the notebooks.")
    (Path(site.out)/'nbdev.yml').unlink(missing_ok=True)  # a config file, not part of the site
    # The Bootswatch themes import their web font from Google Fonts: offline that request fails (a console
    # error on every page). Without it the pages use the system's sans-serif font.
    for css in Path(site.out).rglob('*.css'):
        text = css.read_text(encoding='utf-8')
        local = re.sub(r'@import\s+url\(\s*["\']?(?:https?:)?//[^)]*\)\s*;?', '', text)
        if local != text: css.write_text(local, encoding='utf-8')
    shutil.rmtree(doc_path, ignore_errors=True)
    shutil.move(str(site.out), str(doc_path))


def main() -> int:
    t0 = time.time()
    os.chdir(root)  # nbdev finds pyproject.toml from the working directory
    from nbdev.config import get_config
    import make_readme
    cfg = get_config()
    nbs, doc_path = Path(cfg.nbs_path), Path(cfg.doc_path)

    shutil.rmtree(doc_path, ignore_errors=True)  # a failed build leaves no stale site to test
    (root/'README.md').write_text(make_readme.render(nbs/'index.ipynb'), encoding='utf-8')
    say("README.md written from nbs/index.ipynb")

    for note in (n for nb in sorted(nbs.glob('*.ipynb')) for n in cells_run_by_build(nb)):
        say(f"warning: the docs build runs this cell because it mixes imports with other code; "
            f"put the imports in a cell of their own: {note}")

    sidebar_pages(nbs)
    proc = process_notebooks(nbs)
    site_url = (yaml.safe_load((proc/'nbdev.yml').read_text(encoding='utf-8')).get('website') or {}).get('site-url', '')
    renames = rename_pages(proc, site_url)
    say("pages: " + ', '.join(f"{a} -> {Path(b).stem}.html" for a, b in renames.items()))
    render(proc, doc_path)
    pages = sorted(p.name for p in doc_path.glob('*.html'))
    say(f"site built in {doc_path.relative_to(root)}/ in {time.time() - t0:.1f} s: {len(pages)} pages ({', '.join(pages)})")
    return 0


if __name__ == '__main__':
    try: sys.exit(main())
    except DocsError as e: sys.exit(f"docs build failed: {e}")
