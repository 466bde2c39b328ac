"""One training epoch of SimpleConvNet or DeepConvNet on MNIST: zeronn against PyTorch CPU.

    ZERONN_DATA=... python benchmarks/bench_epoch.py --threads 2              # ~1 minute
    ZERONN_DATA=... python benchmarks/bench_epoch.py --model deep --steps 30  # ~1.5 minutes
    # --steps 600 times whole epochs, --repeats sets the median's sample

The networks are the book's SimpleConvNet (conv 30×5×5 - ReLU - maxpool 2×2 - Affine 100 - ReLU
- Affine 10) and DeepConvNet (six 3×3 convs 16, 16, 32, 32, 64, 64 with ReLUs and three
max-pools, Affine 50 - ReLU - Dropout 0.5 - Affine 10 - Dropout 0.5), softmax cross-entropy,
float32, batch 100, Adam(lr=0.001). An epoch of the 60,000
MNIST training images is 600 steps. To keep the run short, each measurement trains ``--steps``
steps (default 100) on the first ``steps × 100`` images and is scaled by 600 / steps: every step
has the same shapes and work, so the cost is linear in the number of steps.

Three tables:

1. The epoch, the two libraries timed in turns (one pass each per round). zeronn:
   ``Trainer.fit(x, t, 1)`` (shuffle, batch gather, forward, loss, backward, Adam, the
   trainer's finite checks and accuracy count). torch: the same network, started from
   the same weights, in the loop one writes by hand (randperm, gather, zero_grad, forward,
   cross-entropy, backward, Adam, ``loss.item()`` and the correct count). The targets:
   zeronn/torch <= 1.0 for SimpleConvNet, <= 1.5 for DeepConvNet.
2. Where zeronn's epoch goes: the same ``Trainer.fit`` with every layer's forward/backward, the
   loss, the optimizer and the batch iterator wrapped in timers (here, not in the library).
   "trainer bookkeeping" is the rest: finite checks, argmax, running means.
3. Each piece alone, zeronn against torch, in ms per epoch (per-step median × 600), on the
   activations the network really sees. torch's backward is ``autograd.grad`` on a kept graph,
   over the same inputs the network differentiates: not the images for the first conv, whose
   zeronn backward is ``backward_params`` (no dx), as in the Trainer's steps.

Both libraries use the same number of threads: ``--threads N`` (default: zeronn's
``default_thread_count()``), through ``zeronn.threads.blas_threads`` and
``torch.set_num_threads``. Compare ratios within one run: absolute times drift between runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator

import numpy as np
from _data import training_images
from _machine import header, rerun_unpinned
from _timing import format_table, interleaved, measure

import zeronn.data.batches
from zeronn import data, models, optim
from zeronn.layers import Affine, Conv2D, Dropout, Flatten, MaxPool2D, ReLU
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.threads import blas_threads, default_thread_count, describe_blas
from zeronn.trainer import Trainer

try:
    import torch
    import torch.nn.functional as torch_functional
    from torch import nn
except ImportError:  # optional: benchmark-only dependency
    torch = None

BATCH_SIZE = 100
EPOCH_IMAGES = 60_000
STEPS_PER_EPOCH = EPOCH_IMAGES // BATCH_SIZE
LR = 0.001
SEED = 0


# --- data and models ------------------------------------------------------------------------


MODELS = {
    "simple": ("SimpleConvNet", models.simple_convnet),
    "deep": ("DeepConvNet", models.deep_convnet),
}


def zeronn_trainer(model_name: str) -> Trainer:
    """A fresh network (float32, seed 0) with Adam and a silent Trainer."""
    model = MODELS[model_name][1](rng=SEED, dtype=np.float32)
    return Trainer(
        model, optim.Adam(model.parameters(), lr=LR), batch_size=BATCH_SIZE, rng=SEED, verbose=0
    )


def torch_layer(layer):
    """The torch module computing what the zeronn ``layer`` computes, with its weights."""
    if isinstance(layer, Conv2D):
        module = nn.Conv2d(
            layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.pad
        )
        weights = layer.W.data
    elif isinstance(layer, Affine):
        module = nn.Linear(*layer.W.data.shape)
        weights = layer.W.data.T  # Affine's W is Linear's weightᵀ
    elif isinstance(layer, MaxPool2D):
        return nn.MaxPool2d(layer.pool_size, layer.stride, layer.pad)
    elif isinstance(layer, Dropout):
        return nn.Dropout(layer.ratio)
    else:
        return {ReLU: nn.ReLU, Flatten: nn.Flatten}[type(layer)]()
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(np.ascontiguousarray(weights)))
        module.bias.copy_(torch.from_numpy(layer.b.data))
    return module


def torch_network(model) -> nn.Sequential:
    """The zeronn ``model`` in torch, layer for layer, with the same weights."""
    return nn.Sequential(*(torch_layer(layer) for layer in model))


def torch_epoch(network: nn.Sequential, x: np.ndarray, t: np.ndarray) -> Callable[[], float]:
    """The hand-written torch training loop over (x, t); returns a function running one pass."""
    images, labels = torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))
    optimizer = torch.optim.Adam(network.parameters(), lr=LR)
    generator = torch.Generator().manual_seed(SEED)

    def epoch() -> float:
        order = torch.randperm(len(images), generator=generator)
        loss_sum, correct = 0.0, 0
        for start in range(0, len(images), BATCH_SIZE):
            chosen = order[start : start + BATCH_SIZE]
            x_batch, t_batch = images[chosen], labels[chosen]
            optimizer.zero_grad(set_to_none=True)
            logits = network(x_batch)
            loss = torch_functional.cross_entropy(logits, t_batch)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(chosen)
            correct += int((logits.argmax(dim=1) == t_batch).sum())
        return loss_sum / len(images)

    return epoch


# --- timers wrapped around zeronn's pieces --------------------------------------------------


class Stopwatch:
    """Accumulates wall time per label for functions and iterators wrapped by it.

    Only the outermost wrapped call is timed, so a wrapped method calling another (the default
    ``backward_params`` runs ``backward``) is not counted twice.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._depth = 0

    def wrap(self, function: Callable, label: str) -> Callable:
        def timed(*args, **kwargs):
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self._depth -= 1

        return timed

    def wrap_iterator(self, iterator: Iterator, label: str) -> Iterator:
        while True:
            start = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                self.seconds[label] += time.perf_counter() - start
                return
            self.seconds[label] += time.perf_counter() - start
            yield item


def layer_names(model) -> list[str]:
    """One short name per layer, in order: "0 Conv2D 1→30 5×5", "1 ReLU", …"""
    names = []
    for index, layer in enumerate(model):
        name = f"{index} {type(layer).__name__}"
        if isinstance(layer, Conv2D):
            f, c, kh, kw = layer.W.data.shape
            name += f" {c}→{f} {kh}×{kw}"
        elif isinstance(layer, Affine):
            name += " {}→{}".format(*layer.W.data.shape)
        elif isinstance(layer, MaxPool2D):
            name += " {}×{}".format(*layer.pool_size)
        names.append(name)
    return names


def instrumented_epoch(trainer: Trainer, x, t) -> dict[str, float]:
    """Seconds per piece of one ``trainer.fit`` pass over (x, t), plus "total"."""
    stopwatch = Stopwatch()
    model, loss_function = trainer.model, trainer.loss
    names = layer_names(model)
    for name, layer in zip(names, model, strict=True):
        # Instance attributes shadow the class methods that Sequential calls.
        layer.forward = stopwatch.wrap(layer.forward, f"{name} forward")
        layer.backward = stopwatch.wrap(layer.backward, f"{name} backward")
        # The Trainer's steps skip the first layer's dx through backward_params.
        layer.backward_params = stopwatch.wrap(layer.backward_params, f"{name} backward")
    loss_function.forward = stopwatch.wrap(loss_function.forward, "loss forward")
    loss_function.backward = stopwatch.wrap(loss_function.backward, "loss backward")
    trainer.optimizer.step = stopwatch.wrap(trainer.optimizer.step, "Adam step")
    original_iterate = zeronn.data.batches.iterate_batches
    zeronn.data.batches.iterate_batches = lambda *args, **kwargs: stopwatch.wrap_iterator(
        original_iterate(*args, **kwargs), "data pipeline"
    )
    try:
        start = time.perf_counter()
        trainer.fit(x, t, 1)
        total = time.perf_counter() - start
    finally:
        zeronn.data.batches.iterate_batches = original_iterate
        for layer in model:
            del layer.forward, layer.backward, layer.backward_params
        del loss_function.forward, loss_function.backward, trainer.optimizer.step
    seconds = dict(stopwatch.seconds)
    seconds["trainer bookkeeping"] = total - sum(seconds.values())
    seconds["total"] = total
    return seconds


def breakdown_table(runs: list[dict[str, float]], names: list[str], scale: float) -> str:
    """Markdown: per layer the forward and backward ms per epoch, then the other pieces."""
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    total = median["total"]

    def cells(*keys: str) -> list[str]:
        parts = [median[key] * scale * 1e3 if key in median else None for key in keys]
        spent = sum(p for p in parts if p is not None)
        text = ["—" if p is None else f"{p:.0f}" for p in parts]
        return [*text, f"{spent:.0f}", f"{100 * spent / (total * scale * 1e3):.1f}%"]

    lines = ["| piece | forward ms | backward ms | ms per epoch | share |", "|---|---|---|---|---|"]
    for name in [*names, "loss"]:
        lines.append(
            "| " + " | ".join([name, *cells(f"{name} forward", f"{name} backward")]) + " |"
        )
    for piece in ("Adam step", "data pipeline", "trainer bookkeeping"):
        lines.append("| " + " | ".join([piece, "", "", *cells(piece)[1:]]) + " |")
    lines.append(f"| **epoch** | | | **{total * scale * 1e3:.0f}** | 100% |")
    return "\n".join(lines)


# --- each piece alone -------------------------------------------------------------------------


def piece_timings(trainer: Trainer, x_batch, t_batch, x_all, t_all) -> dict[str, dict]:
    """Per-epoch seconds of each layer's forward and backward alone, zeronn and torch."""
    model = trainer.model
    rng = np.random.default_rng(SEED)
    network = torch_network(model) if torch is not None else None
    results: dict[str, dict[str, float | None]] = {}
    inputs, x = [], x_batch
    for layer in model:
        inputs.append(x)
        x = layer.forward(x)
    logits = x
    for index, (name, layer) in enumerate(zip(layer_names(model), model, strict=True)):
        if not isinstance(layer, Conv2D | ReLU | MaxPool2D | Affine):
            continue  # Flatten is a reshape
        x = inputs[index]
        dout = rng.standard_normal(layer.forward(x).shape).astype(np.float32)
        ours_forward = measure(lambda layer=layer, x=x: layer.forward(x))
        layer.forward(x)
        backward = layer.backward_params if index == 0 else layer.backward
        ours_backward = measure(lambda backward=backward, dout=dout: backward(dout))
        theirs_forward = theirs_backward = None
        if network is not None:
            theirs_forward, theirs_backward = torch_piece(network[index], x, dout, first=index == 0)
        results[f"{name} forward"] = {"zeronn": ours_forward, "torch": theirs_forward}
        results[f"{name} backward"] = {"zeronn": ours_backward, "torch": theirs_backward}

    loss_function = SoftmaxCrossEntropy()
    results["loss forward + backward"] = {
        "zeronn": measure(
            lambda: (loss_function.forward(logits, t_batch), loss_function.backward())
        )
    }
    loss_function.forward(model.forward(x_batch), t_batch)
    model.backward(loss_function.backward())
    results["Adam step"] = {"zeronn": measure(trainer.optimizer.step)}
    results["data pipeline (one batch of 100)"] = {
        "zeronn": measure(
            lambda: sum(1 for _ in data.iterate_batches(x_all, t_all, BATCH_SIZE, rng))
        )
        / (len(x_all) / BATCH_SIZE)
    }
    if network is not None:
        results["loss forward + backward"]["torch"] = torch_loss(logits, t_batch)
        results["Adam step"]["torch"] = torch_adam(network, inputs[0], t_batch)
        results["data pipeline (one batch of 100)"]["torch"] = torch_batches(x_all, t_all)
    return {
        case: {name: s and s * STEPS_PER_EPOCH for name, s in row.items()}
        for case, row in results.items()
    }


def torch_piece(module, x: np.ndarray, dout: np.ndarray, *, first: bool) -> tuple[float, float]:
    """torch forward (building the graph) and backward of ``module`` on the same arrays."""
    inputs = torch.from_numpy(x).requires_grad_(not first)
    upstream = torch.from_numpy(dout)
    wrt = list(module.parameters()) + ([] if first else [inputs])
    forward = measure(lambda: module(inputs))
    output = module(inputs)
    backward = measure(lambda: torch.autograd.grad(output, wrt, upstream, retain_graph=True))
    return forward, backward


def torch_loss(logits: np.ndarray, t: np.ndarray) -> float:
    scores = torch.from_numpy(logits).requires_grad_(True)
    labels = torch.from_numpy(t.astype(np.int64))
    return measure(
        lambda: torch.autograd.grad(torch_functional.cross_entropy(scores, labels), scores)
    )


def torch_adam(network, x: np.ndarray, t: np.ndarray) -> float:
    optimizer = torch.optim.Adam(network.parameters(), lr=LR)
    loss = torch_functional.cross_entropy(network(torch.from_numpy(x)), torch.from_numpy(t))
    loss.backward()
    return measure(optimizer.step)


def torch_batches(x: np.ndarray, t: np.ndarray) -> float:
    images, labels = torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))
    generator = torch.Generator().manual_seed(SEED)

    def epoch() -> None:
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images), BATCH_SIZE):
            chosen = order[start : start + BATCH_SIZE]
            images[chosen], labels[chosen]

    return measure(epoch) / (len(images) / BATCH_SIZE)


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="steps timed (600 = an epoch)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per median")
    parser.add_argument("--model", choices=sorted(MODELS), default="simple")
    parser.add_argument("--threads", type=int, default=None, help="both libraries' threads")
    args = parser.parse_args()
    if not 1 <= args.steps <= STEPS_PER_EPOCH:
        parser.error(f"--steps expected 1..{STEPS_PER_EPOCH}, got {args.steps}")
    threads = default_thread_count() if args.threads is None else args.threads
    if torch is not None:
        torch.set_num_threads(threads)
    with blas_threads(threads):
        print(header(np.float32) + "\n")
        run(args, threads)
    rerun_unpinned()


def run(args: argparse.Namespace, threads: int) -> None:
    """Time the epoch, its breakdown and the pieces, and print the three tables."""
    title = MODELS[args.model][0]
    count = args.steps * BATCH_SIZE
    x, t, source = training_images(EPOCH_IMAGES)
    x_steps, t_steps = x[:count], t[:count]
    scale = STEPS_PER_EPOCH / args.steps
    print(
        f"{title}, float32, batch {BATCH_SIZE}, Adam: {args.steps} steps on {source}, "
        f"scaled ×{scale:g} to a {STEPS_PER_EPOCH}-step epoch; {threads} thread(s) "
        f"(numpy {np.__version__}, {describe_blas()}); "
        f"torch {torch.__version__ if torch is not None else 'not installed'}\n"
    )

    trainer = zeronn_trainer(args.model)
    if torch is not None:
        # Same start, same first batch: the two networks compute the same loss (no dropout).
        network = torch_network(trainer.model)
        trainer.model.eval()
        network.eval()
        ours = trainer.loss(trainer.model.forward(x[:BATCH_SIZE]), t[:BATCH_SIZE])
        theirs = torch_functional.cross_entropy(
            network(torch.from_numpy(x[:BATCH_SIZE])), torch.from_numpy(t[:BATCH_SIZE])
        )
        assert np.isclose(ours, theirs.item(), rtol=1e-4), "zeronn and torch networks disagree"
        trainer.model.train()
        network.train()
    trainer.fit(x[: 5 * BATCH_SIZE], t[: 5 * BATCH_SIZE], 1)  # warm: buffers, caches
    runs = {"zeronn": lambda: trainer.fit(x_steps, t_steps, 1)}
    if torch is not None:
        runs["torch"] = torch_epoch(network, x_steps, t_steps)
    # in turns, one pass each per round, so that both see the same minutes
    epoch = {
        name: seconds * scale
        for name, seconds in interleaved(runs, rounds=args.repeats, repeats=1).items()
    }
    print("### The epoch (600 steps)\n")
    print(format_table({f"{title} epoch": epoch}, subject="zeronn"))

    runs = [instrumented_epoch(trainer, x_steps, t_steps) for _ in range(args.repeats)]
    print("\n### Where zeronn's epoch goes (timers around each piece, medians)\n")
    print(breakdown_table(runs, layer_names(trainer.model), scale))

    print("\n### Each piece alone, ms per epoch (per-step median × 600)\n")
    pieces = piece_timings(trainer, x[:BATCH_SIZE], t[:BATCH_SIZE], x, t)
    print(format_table(pieces, subject="zeronn"))


if __name__ == "__main__":
    main()
