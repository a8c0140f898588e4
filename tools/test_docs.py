"""Test the built docs site (`_docs/`, from tools/build_docs.py) in real headless Chromium.

Usage: python tools/test_docs.py      (after `python tools/build_docs.py`)

Serves `_docs/` on 127.0.0.1 and opens every page with Playwright driving Debian's Chromium
(`CHROMIUM`, default /usr/bin/chromium). Checks: there is one page per notebook under the name nbdev
links to; every page loads with no console error, page error or failed request; every internal link
reaches an existing page and anchor; every image has loaded; the sidebar lists exactly the home page
and the chapters, in order; the home page and the model chapter show their title, the chapter list
and a rendered figure; the search index covers every page and the search box finds a chapter.
A full-page screenshot of every page goes to ci-artifacts/docs/. Prints what failed and exits 1.

A page whose notebook has no saved figure yet can't show one, and a cell that draws a plot
(`plt.subplots(...)`, `plot_metrics(...)`, ...) but was saved without its output shows nothing: both are
warnings, not failures, unless DOCS_REQUIRE_FIGURES=1.
"""
import ast, functools, http.server, json, os, re, sys, threading, time
from pathlib import Path
from urllib.parse import urlsplit, unquote

root = Path(__file__).resolve().parent.parent
site, nbs = root/'_docs', root/'nbs'
artifacts = root/'ci-artifacts'/'docs'
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync']
FIGURE_PAGES = ['index.html', 'model.html']  # must show their title, the chapter list and a figure
REQUIRE_FIGURES = os.environ.get('DOCS_REQUIRE_FIGURES') == '1'
IMAGE_MIMES = ('image/png', 'image/jpeg', 'image/svg+xml', 'image/gif')

failures, warnings = [], []
def fail(msg: str): failures.append(msg)
def warn(msg: str): warnings.append(msg)


def page_name(nb: Path) -> str:
    "The page nbdev makes for a notebook: its name without the numeric prefix (`00_tokenizer` -> `tokenizer.html`)."
    return re.sub(r'^\d+[a-zA-Z0-9]*_', '', nb.stem.lower()) + '.html'


def draws_plot(src: str) -> bool:
    "True if a cell's own statements (not the functions it defines) call `subplots`, `figure` or a `plot...` function."
    try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))))
    except SyntaxError: return False
    todo = [s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    for node in (n for s in todo for n in ast.walk(s)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ''
            if name in ('subplots', 'figure') or name.startswith('plot'): return True
    return False


def notebook_info(nb: Path) -> dict:
    "Title, number of shown saved figures, and the plotting cells saved without a figure, of a notebook."
    cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
    title = next((m.group(1).strip() for c in cells if c['cell_type'] == 'markdown'
                  for m in [re.match(r'#\s+(.+)', ''.join(c['source']).strip())] if m), nb.stem)
    hidden = re.compile(r'^#\|\s*(hide|include:\s*false|output:\s*false)\b', re.M)
    not_run = re.compile(r'^#\|\s*(export\w*|eval:\s*false)\b', re.M)  # definitions, or cells nobody runs
    shown = [(i, c) for i, c in enumerate(cells) if c['cell_type'] == 'code' and not hidden.search(''.join(c['source']))]
    images = lambda c: sum(1 for o in c.get('outputs', []) if any(m in o.get('data', {}) for m in IMAGE_MIMES))
    figures = sum(images(c) for _, c in shown)
    unsaved = [f"cell {i} (id {c.get('id')}): {next(l for l in ''.join(c['source']).splitlines() if l.strip())[:60]!r}"
               for i, c in shown if not not_run.search(''.join(c['source'])) and draws_plot(''.join(c['source'])) and not images(c)]
    return dict(nb=nb, title=title, figures=figures, unsaved=unsaved)


def expected_pages() -> dict:
    "{page: info} for the home page then every chapter, in the order of the sidebar (nbs/sidebar.yml)."
    sys.path.insert(0, str(root/'tools'))
    from build_docs import sidebar_pages
    return {page_name(nbs/name): notebook_info(nbs/name) for name in sidebar_pages(nbs)}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


def serve(folder: Path):
    "Serve `folder` on a free port of 127.0.0.1 in a background thread; return the server."
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


COLLECT = """() => ({
  h1: (document.querySelector('main h1, #title-block-header h1, h1.title') || {}).textContent || '',
  sidebar: [...document.querySelectorAll('#quarto-sidebar a.sidebar-link')].map(a => [a.getAttribute('href'), a.textContent.trim()]),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  textLinks: [...document.querySelectorAll('main a[href]')].map(a => a.href),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  images: [...document.querySelectorAll('img')].map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0})),
  figures: [...document.querySelectorAll('.cell-output img, .cell-output svg')]
             .filter(e => e.tagName.toLowerCase() === 'svg' ? e.getBoundingClientRect().width > 0 : e.complete && e.naturalWidth > 0).length,
})"""


def visit(browser, base: str, page: str) -> dict:
    "Open one page, record its errors and contents, and screenshot it."
    tab = browser.new_page(viewport={'width': 1280, 'height': 900})
    errors = []
    tab.on('console', lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == 'error' else None)
    tab.on('pageerror', lambda e: errors.append(f"page error: {e}"))
    tab.on('requestfailed', lambda r: errors.append(f"request failed: {r.url} ({r.failure})"))
    tab.on('response', lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    response = tab.goto(base + page, wait_until='load')
    tab.wait_for_load_state('networkidle')
    if response is None or response.status != 200: errors.append(f"HTTP {response and response.status}: {page}")
    info = tab.evaluate(COLLECT)
    tab.screenshot(path=str(artifacts/(Path(page).stem + '.png')), full_page=True)
    info['errors'] = errors
    info['tab'] = tab
    return info


def check_search(tab, pages: dict):
    "Type a chapter's title in the search box: a result must link to that chapter."
    page, info = next((p, i) for p, i in pages.items() if p != 'index.html')
    box = tab.locator('#quarto-search input')
    if not box.count(): return fail("search: no search box in the navbar")
    box.first.fill(info['title'])
    try: tab.wait_for_selector('.search-result', timeout=5000)
    except Exception: return fail(f"search: typing {info['title']!r} showed no result")
    hrefs = tab.eval_on_selector_all('.search-result', 'rs => rs.map(r => r.getAttribute("href"))')
    if not any(h.split('#')[0].endswith(page) for h in hrefs): fail(f"search: no result for {info['title']!r} links to {page}: {hrefs[:5]}")
    tab.screenshot(path=str(artifacts/'search.png'))


def main() -> int:
    from playwright.sync_api import sync_playwright
    t0 = time.time()
    if not (site/'index.html').exists(): sys.exit("No site in _docs/: run `python tools/build_docs.py` first.")
    artifacts.mkdir(parents=True, exist_ok=True)
    pages = expected_pages()
    for p in pages:
        if not (site/p).exists(): fail(f"{p}: missing (expected from nbs/{pages[p]['nb'].name})")
        for cell in pages[p]['unsaved']:
            msg = f"{p}: nbs/{pages[p]['nb'].name} {cell} draws a plot but was saved without it: run the cell and save the notebook"
            fail(msg) if REQUIRE_FIGURES else warn(msg)

    index_path = site/'search.json'
    if not index_path.exists(): fail("search.json: the search index is missing")
    else:
        entries = json.loads(index_path.read_text(encoding='utf-8'))
        covered = {e.get('href', '').split('#')[0] for e in entries}
        for p in pages:
            if p not in covered: fail(f"search.json: no entry for {p}")

    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    seen, n_links, n_images = {}, 0, 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for p in (p for p in pages if (site/p).exists()):
                seen[p] = info = visit(browser, base, p)
                for e in info['errors']: fail(f"{p}: {e}")
                for img in info['images']:
                    n_images += 1
                    if not img['ok']: fail(f"{p}: image did not load: {img['src']}")
                got = [h.split('#')[0] for h, _ in info['sidebar'] if h]  # a part's heading links nowhere
                if got != list(pages): fail(f"{p}: the sidebar lists {got}, expected the home page and chapters {list(pages)}")
                if pages[p]['figures'] and not info['figures']:
                    fail(f"{p}: nbs/{pages[p]['nb'].name} saves {pages[p]['figures']} figure(s) but the page shows none")
            for p in FIGURE_PAGES:
                if p not in seen: continue
                info, want = seen[p], pages[p]
                if info['h1'].strip() != want['title']: fail(f"{p}: title {info['h1'].strip()!r}, expected {want['title']!r}")
                titles = [t for h, t in info['sidebar'] if h]
                missing = [pages[c]['title'] for c in pages if c != 'index.html' and pages[c]['title'] not in titles]
                if missing: fail(f"{p}: the chapter list misses {missing}")
                if not info['figures']:
                    msg = f"{p}: shows no rendered figure (nbs/{want['nb'].name} has no saved figure output)"
                    fail(msg) if REQUIRE_FIGURES or want['figures'] else warn(msg)
            if 'index.html' in seen: check_search(seen['index.html']['tab'], pages)
            browser.close()
    finally:
        server.shutdown()

    # internal links: same server, or the published site's address; checked against the pages' ids
    site_url = ''
    nbdev_yml = nbs/'nbdev.yml'
    if nbdev_yml.exists():
        m = re.search(r'site-url:\s*"?([^"\s]+)', nbdev_yml.read_text(encoding='utf-8'))
        site_url = m.group(1).rstrip('/') + '/' if m else ''
    ids = {p: set(i['ids']) for p, i in seen.items()}
    external = set()
    for p, info in seen.items():
        for href in info['links']:
            if href.startswith(base): rel = href[len(base):]
            elif site_url and href.startswith(site_url): rel = href[len(site_url):]
            else:
                if href.startswith('http'): external.add(href)
                continue
            n_links += 1
            parts = urlsplit(rel)
            target = unquote(parts.path) or 'index.html'
            if not (site/target).exists(): fail(f"{p}: link to a missing page: {href}"); continue
            if parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                fail(f"{p}: link to a missing anchor: {href}")

    # the home page's own map of the chapters (its table) is prose: a stale one is worth a note
    if 'index.html' in seen:
        linked = {urlsplit(h).path.rsplit('/', 1)[-1] for h in seen['index.html']['textLinks'] if h.startswith(base)}
        in_text = [c for c in pages if c != 'index.html' and c in linked]
        missing = [c for c in pages if c != 'index.html' and c not in in_text]
        if missing: warn(f"index.html: the chapter table in nbs/index.ipynb does not link to {missing}")

    for w in warnings: print(f"warning: {w}")
    for f in failures: print(f"FAIL {f}")
    print(f"docs site: {len(seen)} pages, {n_links} internal links, {len(external)} external links (not fetched, offline), "
          f"{n_images} images, screenshots in {artifacts.relative_to(root)}/, {time.time() - t0:.1f} s")
    if failures: print(f"docs site test failed: {len(failures)} problem(s)"); return 1
    print("docs site test passed")
    return 0


if __name__ == '__main__':
    sys.exit(main())
