"""Plot helpers shared by the examples (matplotlib with the Agg backend: files, no windows)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402

COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def covariance_ellipse(ax, mean, cov, color, n_std=2.0):
    """The n_std contour of N(mean, cov) (first two coordinates) as an ellipse on ax."""
    values, vectors = np.linalg.eigh(cov[:2, :2])
    angle = np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1]))
    width, height = 2 * n_std * np.sqrt(values[::-1])
    ax.add_patch(Ellipse(mean[:2], width, height, angle=angle, fill=False, color=color, lw=2))


def loss_curve(ax, history, title="loss (negative log posterior)"):
    ax.plot(np.arange(len(history)), history, color="k")
    ax.set_xlabel("iteration")
    ax.set_title(title)
    ax.set_yscale("symlog")


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    print(f"wrote {path}")
