#!/usr/bin/env bash
# Install minigpt into a fresh venv of another Python and run the import and a 20-step run there.
# Usage: tools/check_python.sh PYTHON [VENV]      e.g. tools/check_python.sh ~/.pyenv/versions/3.10.13/bin/python
# Not part of CI: only Python 3.11 has PyTorch's CPU wheel on this machine's disk, and any other Python downloads
# PyPI's CUDA build (several GB). Run it before a push that touches imports or packaging (see the changelog).
set -euo pipefail
python=${1:?usage: tools/check_python.sh PYTHON [VENV]}
venv=${2:-$(mktemp -d)/venv}
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
. "$venv/bin/activate"
python -c "import torch" 2>/dev/null || pip install -q torch==2.13.0
pip install -q "$repo"
run=$(mktemp -d)
cd "$run"
python -c "import sys, minigpt, minigpt.inference, minigpt.web; print('python', sys.version.split()[0], '| minigpt', minigpt.__version__)"
minigpt-train --help > /dev/null
printf '[train]\nmax_iters = 20\nwarmup_iters = 2\neval_interval = 10\neval_iters = 2\n' > run.toml
minigpt-train --preset small --config run.toml --device cpu --no-progress --out run | tail -3
minigpt-sample --checkpoint run/best.pt --max-new-tokens 40 --seed 1 > /dev/null
echo "check_python: OK ($python)"
