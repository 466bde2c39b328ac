"""Lesson 10: ten training images, and their rotated copies: does augmentation help?

A blog (day 74 of a diary of learning from *Deep Learning from Scratch*) trained a
784-200-200-10 ReLU network on 10 MNIST images, once as they are and once with each also
rotated by +15° and −15°, and concluded from the loss curves that augmentation helps. This
lesson runs that experiment from the library (``zeronn.experiments.fewshot``, the code behind
``zeronn fewshot``) and measures what the blog did not: accuracy on all 10,000 test images.

1. The blog's settings (weights 0.01·N(0, 1), plain SGD at lr 0.001, 4,000 full-batch steps):
   nothing learns. The signal cannot get through three layers of such small weights, the loss
   barely leaves ln 10 = 2.30, and the network answers one class for every test image: about
   10%, with or without the rotated copies.
2. A learning rate that learns (lr 0.1), over 10 draws of 10 images, each trained with and
   without rotation from the same initial weights (a paired comparison): now the network
   learns, and the rotated copies help a little, on average, with a spread from draw to draw
   as large as the effect. ``zeronn fewshot --lr 0.1 --repeats 20`` runs 20 draws
   (docs/fewshot.md: +2.4 points, 95% CI +1.0 to +3.9).

What it shows (full mode; the ranges hold for any seed): the blog's settings give 8–13% test
accuracy in both arms (one class for every image); at lr 0.1, 25–40% without rotation and 0
to 5 points more with it, on average over the 10 draws (seed 0: +2.4 points, 95% CI +0.9 to
+3.9); per draw from about 0 to +7 points.

Full mode: about 74 s on 1 BLAS thread, 22 trainings of 4,000 steps (2-core AMD EPYC,
docs/lessons.md); ``--ci``: about 4 s, the blog's settings for 300 steps and 2 draws at lr 0.1
for 300 steps.

    python examples/lessons/10_fewshot_rotation.py [--ci] [--out DIR] [--seed N]

``--seed`` is added to the blog's seed 8 (the first draw); draws r use seed 8 + seed + r.
"""

# %%
import numpy as np
from _lesson import start
from matplotlib.figure import Figure

from zeronn.experiments.fewshot.config import FewshotConfig
from zeronn.experiments.fewshot.experiment import load_data, paired_run
from zeronn.experiments.fewshot.figures import augmented_grid, loss_curves
from zeronn.experiments.fewshot.study import repeated_paired_runs
from zeronn.stats import paired_difference

lesson = start("10_fewshot_rotation", "rotation augmentation with ten training images")
steps = lesson.pick(4_000, 300)
blog = FewshotConfig(seed=8 + lesson.seed, steps=steps, out=lesson.out)  # the blog's defaults
data = load_data(blog)

# %% [markdown]
# ## 1. The blog's settings

# %%
outcome = paired_run(data, blog, blog.seed)
for run in (outcome.without, outcome.with_rotation):
    answered = run.predicted_counts.max() / run.predicted_counts.sum()
    print(
        f"{run.name:>16} ({run.images} images): loss {run.losses[0]:.3f} -> {run.final_loss:.3f}, "
        f"test accuracy {run.test_accuracy:.2%}; {answered:.0%} of the test images get class "
        f"{run.predicted_counts.argmax()}"
    )
    lesson.expect(f"blog's settings, {run.name}", run.test_accuracy, (0.08, 0.13), percent=True)
title = "the blog's settings: lr 0.001, weights 0.01·N(0, 1)"
lesson.save(loss_curves(outcome, log_scale=False, title=title), "fewshot_blog_losses.png")
lesson.save(augmented_grid(outcome, data.class_names, literal=False), "fewshot_images.png")

# %% [markdown]
# ## 2. A learning rate that learns, over several draws

# %%
learning = FewshotConfig(
    seed=8 + lesson.seed, steps=steps, lr=0.1, repeats=lesson.pick(10, 2), out=lesson.out
)
outcomes, study = repeated_paired_runs(data, learning, progress=print)
difference = paired_difference(study.with_rotation, study.without)
print(
    f"mean test accuracy {np.mean(study.without):.2%} without rotation, "
    f"{np.mean(study.with_rotation):.2%} with; difference {difference.mean:+.2%}"
    + (
        f" (95% CI {difference.ci_low:+.2%} to {difference.ci_high:+.2%})"
        if difference.ci_low is not None
        else ""
    )
)
lesson.expect(
    "lr 0.1, without rotation",
    float(np.mean(study.without)),
    (0.25, 0.40),
    (0.15, 0.35),
    percent=True,
)
lesson.expect(
    "lr 0.1, with minus without", difference.mean, (0.0, 0.05), (-0.05, 0.08), percent=True
)

# %%
figure = Figure(figsize=(5, 4.5), layout="constrained")
axes = figure.subplots()
for without, with_rotation in zip(study.without, study.with_rotation, strict=True):
    color = "tab:green" if with_rotation > without else "tab:red"
    axes.plot([0, 1], [without, with_rotation], color=color, marker="o", alpha=0.6)
axes.plot(
    [0, 1],
    [np.mean(study.without), np.mean(study.with_rotation)],
    color="black",
    marker="o",
    linewidth=2.5,
    label=f"mean: {difference.mean:+.1%}",
)
axes.set_xticks([0, 1], ["10 images", "10 images + rotated copies"])
axes.set_xlim(-0.3, 1.3)
axes.set(
    ylabel="test accuracy (10,000 images)",
    title=f"{len(study.seeds)} draws at lr 0.1, each trained both ways",
)
axes.legend(fontsize="small")
axes.grid(alpha=0.3)
lesson.save(figure, "fewshot_paired.png")
lesson.finish()
