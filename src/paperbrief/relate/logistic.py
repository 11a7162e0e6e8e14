"""The logistic regression of the ranking learned from marks, without scikit-learn.

It minimises exactly what scikit-learn's `LogisticRegression(solver="liblinear",
class_weight="balanced")` minimises (liblinear's L2-regularised objective: the intercept is a
weight on a constant feature of 1 and is penalised like the others; class weights are the
"balanced" ones of the sample weights; each row's loss is weighed by C x its class weight x its
sample weight). Importing scikit-learn costs about a second (sklearn.base pulls in scipy.stats),
more than the whole ranking; a ranking from marks trains on a few hundred rows only, so this
module solves the same convex problem with numpy.

The solver: the optimum's weights are a combination of the m training rows (the representer
theorem), so Newton's method runs on m coefficients with the m x m Gram matrix of the rows (plus 1
for the constant feature) instead of on tens of thousands of features. Each step solves one m x m
system; a backtracking line search keeps every step a descent; it stops when the Newton decrement
is negligible (about ten steps for a ranking's 300 rows). tests/test_logistic.py compares it with
scikit-learn's liblinear on real papers.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

MAX_STEPS = 100
TOLERANCE = 1e-12  # stop when half the Newton decrement is below this (relative to the objective)


@dataclass
class LinearModel:
    """A fitted linear model, read as scikit-learn's: `coef_` (1 x d), `intercept_` (1,)."""

    coef_: np.ndarray
    intercept_: np.ndarray
    n_iter_: int = 0

    def decision_function(self, x: sp.csr_matrix | np.ndarray) -> np.ndarray:
        """The signed distance of each row of `x` (positive: on the positives' side)."""
        return np.asarray(x @ self.coef_[0]).ravel() + float(self.intercept_[0])


def _one_thread() -> AbstractContextManager[object]:
    """BLAS on one thread: a few hundred rows solve in milliseconds, and on a busy machine
    waking BLAS's other threads took a hundred times longer than the solve."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def balanced_weights(y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
    """Each row's class weight, scikit-learn's "balanced" with sample weights: the weighted
    total over (2 x the weighted total of the row's class)."""
    total = float(sample_weight.sum())
    positive = y == 1
    per_class = {True: float(sample_weight[positive].sum()),
                 False: float(sample_weight[~positive].sum())}
    return np.where(positive, total / (2 * per_class[True]), total / (2 * per_class[False]))


def fit_logistic(x: sp.csr_matrix | np.ndarray, y: np.ndarray, c: float,
                 sample_weight: np.ndarray | None = None) -> LinearModel:
    """A class-balanced L2 logistic regression of labels `y` (1 and 0, both present) on the rows
    of `x` (sparse or dense), `c` the inverse regularisation, as liblinear fits it."""
    y = np.asarray(y)
    m = x.shape[0]
    weights = np.ones(m) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    cost = c * weights * balanced_weights(y, weights)  # each row's weight in the loss
    sign = np.where(y == 1, 1.0, -1.0)
    product = x @ x.T
    gram = np.asarray(product.toarray() if hasattr(product, "toarray") else product,
                      dtype=float) + 1.0  # + the constant feature's product

    with _one_thread():
        alpha, steps = _newton(gram, cost, sign)
    coef = np.asarray(x.T @ alpha).ravel()
    return LinearModel(coef[None, :], np.array([float(alpha.sum())]), steps)


def _newton(gram: np.ndarray, cost: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, int]:
    """The coefficients of the training rows at the optimum, and the Newton steps taken."""
    m = len(cost)

    def objective(alpha: np.ndarray, margin: np.ndarray) -> float:
        return 0.5 * float(alpha @ margin) + float(cost @ np.logaddexp(0.0, -sign * margin))

    alpha = np.zeros(m)
    margin = np.zeros(m)  # gram @ alpha: each training row's score
    value = objective(alpha, margin)
    steps = 0
    for steps in range(1, MAX_STEPS + 1):  # noqa: B007 (steps is reported)
        wrong = np.exp(-np.logaddexp(0.0, sign * margin))  # P(the other class)
        residual = alpha - cost * sign * wrong  # the gradient is gram @ residual
        curvature = cost * wrong * (1.0 - wrong)
        # Newton: (gram + gram D gram) step = gram residual, i.e. (I + D gram) step = residual
        step = np.linalg.solve(np.eye(m) + curvature[:, None] * gram, residual)
        moved = gram @ step
        decrement = float(residual @ moved)  # gradient . step
        if decrement / 2 <= TOLERANCE * max(1.0, abs(value)):
            break
        size = 1.0
        while True:
            candidate, candidate_margin = alpha - size * step, margin - size * moved
            new_value = objective(candidate, candidate_margin)
            if new_value <= value - 0.25 * size * decrement or size < 1e-10:
                break
            size /= 2
        alpha, margin, value = candidate, candidate_margin, new_value
    return alpha, steps
