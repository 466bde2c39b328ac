"""Color through the stack: a folder of RGB images, a convnet on 3 channels, and the figures
(confusion matrix, misclassified samples, Grad-CAM) labelled with the folder's class names."""

import numpy as np
from image_folders import SHAPES, make_class_folders

from zeronn import plots
from zeronn.data import load_image_folder
from zeronn.explain import grad_cam
from zeronn.losses import SoftmaxCrossEntropy
from zeronn.metrics import confusion_matrix
from zeronn.models import simple_convnet
from zeronn.optim import Adam


def test_figures_of_a_color_folder_carry_its_class_names(tmp_path):
    data = load_image_folder(make_class_folders(tmp_path / "shapes", 6, size=(16, 16)), 16)
    model = simple_convnet((3, 16, 16), filters=4, hidden=8, classes=3, rng=0, dtype=np.float32)
    optimizer = Adam(model.parameters(), lr=0.01)
    loss_fn = SoftmaxCrossEntropy()
    for _ in range(3):
        loss_fn.forward(model.forward(data.images), data.labels)
        model.backward(loss_fn.backward())
        optimizer.step()
    probabilities = model.predict_proba(data.images)
    predicted = probabilities.argmax(axis=1)

    cm = confusion_matrix(data.labels, predicted, num_classes=len(data.class_names))
    matrix = plots.plot_confusion_matrix(cm, data.class_names, path=tmp_path / "cm.png")
    assert [label.get_text() for label in matrix.axes[0].get_yticklabels()] == list(SHAPES)

    # force some mistakes so that the grid is not the "no misclassified images" note
    wrong = np.roll(probabilities, 1, axis=1)
    grid = plots.plot_misclassified(data.images, wrong, data.labels, class_names=data.class_names)
    assert grid.axes[0].images[0].get_array().shape == (16, 16, 3)
    assert grid.axes[0].title.get_text().split("\ntrue: ")[1] in SHAPES

    cams = grad_cam(model, data.images[:4], predicted[:4])
    figure = plots.plot_gradcam(
        data.images[:4],
        cams,
        probabilities[:4],
        data.labels[:4],
        class_names=data.class_names,
        path=tmp_path / "gradcam.png",
    )
    assert figure.axes[0].images[0].get_array().shape == (16, 16, 3)
    assert figure.axes[0].title.get_text().endswith("true: disk")
    assert (tmp_path / "gradcam.png").stat().st_size > 0
