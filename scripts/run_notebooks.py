"""Execute notebooks headless through the tslab kernel (nbclient), saving outputs.

usage: .venv/bin/python scripts/run_notebooks.py [--out DIR] [--timeout S] NOTEBOOK...

Each notebook runs with its own folder as working directory, as in JupyterLab. By default outputs are
written back in place; with --out the executed copies go to DIR. Exit status 1 when any cell raised,
with the failing cell's source and error on stderr. Called by `npm start` and by the notebook tests.

Saved notebooks carry no volatile metadata (execution timestamps and the like, see strip_volatile), so
re-executing notebooks over unchanged results rewrites them byte for byte and `git status` stays clean.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


# Cell metadata that changes on every run although the results do not: nbclient's and JupyterLab's
# execution timestamps, and the collapsed/scrolled view state some front ends record.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
# Notebook metadata of the same kind (papermill's run record, widget state of a live session).
VOLATILE_NOTEBOOK_METADATA = ("papermill", "widgets")


def strip_volatile(nb):
    """Removes volatile metadata in place and returns the notebook."""
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        for key in VOLATILE_CELL_METADATA:
            meta.pop(key, None)
    return nb


# The kernel saves charts as pictures (with the figure JSON under a type no front end renders), so that
# opening and hovering a saved notebook in JupyterLab never turns a picture into a live chart and marks
# the notebook modified (src/charts/show.ts).
STATIC_CHARTS_ENV = "LSTM_OPT_STATIC_CHARTS"


def run(path, out_dir, timeout):
    os.environ[STATIC_CHARTS_ENV] = "1"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="tslab",
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    started = time.time()
    try:
        client.execute()
        error = None
    except (CellExecutionError, CellTimeoutError) as e:
        error = str(e)
    target = os.path.join(out_dir, os.path.basename(path)) if out_dir else path
    write_whole(target, nbformat.writes(strip_volatile(nb)) + "\n")
    return error, time.time() - started


def write_whole(path, text):
    """Writes the notebook whole or not at all (as src/io/atomic.ts does): a temporary file beside it,
    flushed and synced, then renamed over it; on a full disk the old notebook stays as it was."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.{int(time.time() * 1000)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", help="write executed copies here instead of in place")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    failed = 0
    for path in args.notebooks:
        print(f"[notebooks] executing {path} ...", file=sys.stderr, flush=True)
        error, seconds = run(path, args.out, args.timeout)
        if error:
            failed += 1
            print(f"[notebooks] FAILED {path} after {seconds:.1f}s:\n{error}", file=sys.stderr, flush=True)
        else:
            print(f"[notebooks] ok {path} ({seconds:.1f}s)", file=sys.stderr, flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
