"""Image-folder streaming: decode + resize + augment, zeronn's batches against a per-image loop.

    python benchmarks/bench_image_folder.py            # about a minute
    python benchmarks/bench_image_folder.py --quick    # fewer images and repeats

The script draws its own folder of JPEG "photos" (two classes, 256 images of 400×300 to
500×375 pixels, shapes over gradients and noise) in a temporary folder, then times one epoch
of batches of 32, augmented as in the cats-and-dogs lesson (rotation 40°, shifts 0.2,
shear 0.2, zoom 0.2, horizontal flips), at two image sizes:

- **zeronn**: ``ImageFolderDataset(...).batches(32, augment=ImageDataGenerator(...))``,
  decoding in a pool of 2 threads (JPEG draft decoding, one batched warp per batch, split
  over 2 threads);
- **zeronn 1 thread**: the same with ``workers=1`` for decoding and warping, to separate
  the threads' share from that of draft decoding and batching;
- **loop**: what Keras' ``flow_from_directory`` does, one image at a time: ``Image.open``,
  ``convert("RGB")``, ``resize`` (bilinear), to float, ``random_transform``, then stack.

Speed-ups from threads need free cores: the script prints the "parallel headroom" (how many
cores two threads of GIL-free NumPy work get) before and after the timings.

Then peak memory: child processes stream one epoch over a folder of N and of 10·N small
JPEGs and report their peak resident set size (Linux's VmHWM, reset after the imports),
against ``load_image_folder`` of the same folders, whose peak grows with N.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from _timing import format_table, measure
from PIL import Image

from zeronn.augment import ImageDataGenerator
from zeronn.data import ImageFolderDataset, load_image_folder

BATCH = 32


def lesson_augmentation(workers: int = 2) -> ImageDataGenerator:
    """The cats-and-dogs lesson's augmentation; the warp of a batch of 32 RGB images (96
    planes) is split into chunks of 48 planes, so that 2 ``workers`` can share it."""
    return ImageDataGenerator(
        rotation_range=40,
        width_shift_range=0.2,
        height_shift_range=0.2,
        shear_range=0.2,
        zoom_range=0.2,
        horizontal_flip=True,
        chunk_size=48,
        workers=workers,
    )


def parallel_headroom() -> float:
    """How many cores 2 threads get now: (2 x the work of 1 thread) / (their wall time)
    for a GIL-free NumPy workload. 2.0 on an idle 2-core machine, 1.0 when others take one."""
    work = np.random.default_rng(0).random((1500, 1500))

    def burn(_: int = 0) -> float:
        return float(sum(np.sin(work).sum() for _ in range(10)))

    one = measure(burn, repeats=3)
    with ThreadPoolExecutor(max_workers=2) as pool:
        two = measure(lambda: list(pool.map(burn, range(2))), repeats=3)
    return 2 * one / two


def write_photos(root: Path, per_class: int, size_range: tuple[int, int], seed: int) -> Path:
    """JPEGs of random sizes in ``size_range`` (widths; heights 3/4 of them) in 2 classes."""
    rng = np.random.default_rng(seed)
    for label, name in enumerate(("cats", "dogs")):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            width = int(rng.integers(*size_range))
            height = width * 3 // 4
            rows, cols = np.mgrid[:height, :width] / max(height, width)
            picture = np.stack([rows, cols, 1 - rows * cols], axis=-1) * rng.uniform(0.3, 1, 3)
            centre = rng.uniform(0.3, 0.7, 2) * (height, width)
            radius = rng.uniform(0.1, 0.3) * height
            inside = (rows * max(height, width) - centre[0]) ** 2 + (
                cols * max(height, width) - centre[1]
            ) ** 2 <= radius**2
            picture[inside if label else ~inside] *= 0.5
            picture += rng.normal(0, 0.05, picture.shape)
            pixels = (np.clip(picture, 0, 1) * 255).astype(np.uint8)
            Image.fromarray(pixels).save(folder / f"{index:05d}.jpg", quality=90)
    return root


def loop_epoch(paths, order, size, augment, rng) -> int:
    """Keras' per-image way: open, convert, resize, to float, augment, then stack a batch."""
    seen = 0
    for start in range(0, len(order), BATCH):
        batch = []
        for index in order[start : start + BATCH]:
            with Image.open(paths[index]) as image:
                resized = image.convert("RGB").resize(size[::-1], Image.Resampling.BILINEAR)
            x = np.asarray(resized, dtype=np.float32).transpose(2, 0, 1) / np.float32(255)
            batch.append(augment.random_transform(x, rng))
        seen += len(np.stack(batch))
    return seen


def zeronn_epoch(dataset: ImageFolderDataset, augment, rng) -> int:
    return sum(len(x) for x, _ in dataset.batches(BATCH, rng=rng, augment=augment))


def interleaved_medians(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each run, timed in turn (a, b, c, a, b, c, ...) after one warmup
    each, so that all of them see the same drift of the machine's speed."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def time_case(root: Path, size: tuple[int, int], repeats: int) -> dict[str, float]:
    """Median seconds per epoch of each implementation at one image size."""
    threaded = ImageFolderDataset(root, size, workers=2)
    single = ImageFolderDataset(root, size, workers=1)
    augment, augment_alone = lesson_augmentation(workers=2), lesson_augmentation(workers=1)
    order = np.random.default_rng(0).permutation(len(threaded))
    rng = np.random.default_rng(1)
    runs = {
        "zeronn": lambda: zeronn_epoch(threaded, augment, rng),
        "zeronn 1 thread": lambda: zeronn_epoch(single, augment_alone, rng),
        "loop": lambda: loop_epoch(threaded.paths, order, size, augment_alone, rng),
    }
    return interleaved_medians(runs, repeats)


def time_decoding(root: Path, count: int, sizes, repeats: int) -> None:
    results = {
        f"{count} JPEGs → {size[0]}×{size[1]} RGB, batches of {BATCH}": time_case(
            root, size, repeats
        )
        for size in sizes
    }
    print("One epoch (decode + resize + augment), median wall time, timed in turn:\n")
    print(format_table(results, subject="zeronn"))
    print("\nImages per second:\n")
    names = list(next(iter(results.values())))
    print("| case | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for case, timings in results.items():
        rates = " | ".join(f"{count / timings[name]:.0f}" for name in names)
        print(f"| {case} | {rates} |")


def child_peak(mode: str, root: Path) -> tuple[float, float]:
    """(resident MB after imports, peak resident MB during the epoch or load) of a child."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    before, peak = result.stdout.split()
    return float(before), float(peak)


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status (VmRSS: now, VmHWM: peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def run_child(mode: str, root: str) -> None:
    """In a child process: print the resident MB after imports and the peak MB afterwards.

    The imports' own peak is forgotten first (writing 5 to /proc/self/clear_refs resets
    VmHWM, Linux >= 4.0), so the second number is the peak of the epoch or the load.
    """
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_mb("VmRSS")
    if mode == "stream":
        dataset = ImageFolderDataset(root, 64, workers=2)
        zeronn_epoch(dataset, lesson_augmentation(), np.random.default_rng(0))
    else:
        load_image_folder(root, 64)
    print(f"{before:.1f} {_status_mb('VmHWM'):.1f}")


def measure_memory(base: Path, per_class: int) -> None:
    small = write_photos(base / "small", per_class, (120, 160), seed=2)
    large = write_photos(base / "large", 10 * per_class, (120, 160), seed=3)
    counts = {"small": 2 * per_class, "large": 20 * per_class}
    print("\nPeak resident memory (MB) of a child process, 64×64 RGB, batches of 32:\n")
    print("| mode | images | after imports | peak | peak − imports |")
    print("|---|---|---|---|---|")
    for mode in ("stream", "load"):
        for name, root in (("small", small), ("large", large)):
            before, after = child_peak(mode, root)
            growth = after - before
            print(f"| {mode} | {counts[name]} | {before:.1f} | {after:.1f} | {growth:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer images and repeats")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(*args.child)
        return
    per_class = 32 if args.quick else 128
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        start = time.perf_counter()
        root = write_photos(base / "photos", per_class, (400, 500), seed=0)
        print(f"wrote {2 * per_class} JPEGs in {time.perf_counter() - start:.1f} s\n")
        sizes = [(64, 64), (150, 150)]
        print(f"parallel headroom before: {parallel_headroom():.2f} cores of 2\n")
        time_decoding(root, 2 * per_class, sizes, repeats=3 if args.quick else 7)
        print(f"\nparallel headroom after: {parallel_headroom():.2f} cores of 2")
        measure_memory(base, 30 if args.quick else 150)


if __name__ == "__main__":
    main()
