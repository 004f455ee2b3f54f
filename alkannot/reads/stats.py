"""Binomial statistics for read counts: call threshold, detection limit, confidence interval.

A site's alt fragments are modelled as Binomial(n, p). Under the null (no mutant molecules) ``p``
is the site's error rate ``e``; the call threshold is the smallest count whose upper tail under the
null is at most ``alpha``. The detection limit is the smallest true fraction ``f`` for which a
sample of ``n`` fragments reaches that threshold with probability ``power`` (the observed alt
probability being ``f + (1 - f) e``). The interval is the exact Clopper-Pearson one.

The binomial tail is computed through the regularised incomplete beta function (continued
fraction, as in Numerical Recipes), so cost does not grow with depth (100,000x included).
"""

from __future__ import annotations

import math

_EPS = 1e-15
_TINY = 1e-300
#: Precision of the fractions solved by bisection (far below any printed digit).
_TOL = 1e-11


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function ``I_x(a, b)`` for ``a, b > 0``, ``0 <= x <= 1``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def binom_sf(k: int, n: int, p: float) -> float:
    """``P(X >= k)`` for ``X ~ Binomial(n, p)``."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return betainc(k, n - k + 1, p)


def call_threshold(n: int, error_rate: float, alpha: float, min_alt: int) -> int:
    """Smallest alt count ``k >= min_alt`` with ``P(X >= k | n, error_rate) <= alpha``.

    Returns ``n + 1`` when no count up to ``n`` is significant (too few fragments).
    """
    if n <= 0:
        return 1
    # The tail falls monotonically in k: bisect over [min_alt, n + 1].
    lo, hi = max(min_alt, 1), n + 1
    if lo > n:
        return n + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if binom_sf(mid, n, error_rate) <= alpha:
            hi = mid
        else:
            lo = mid + 1
    return lo


def detection_limit(n: int, threshold: int, error_rate: float, power: float) -> float | None:
    """Smallest mutant fraction detected with probability ``power`` at ``n`` fragments.

    ``None`` when even a fraction of 1 cannot reach the threshold (``threshold > n``).
    """
    if n <= 0 or threshold > n:
        return None

    def reached(f: float) -> bool:
        return binom_sf(threshold, n, f + (1.0 - f) * error_rate) >= power

    lo, hi = 0.0, 1.0
    if reached(0.0):
        return 0.0
    while hi - lo > _TOL:
        mid = (lo + hi) / 2
        if reached(mid):
            hi = mid
        else:
            lo = mid
    return hi


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) two-sided interval of a binomial proportion ``k / n``."""
    if n <= 0:
        return (0.0, 1.0)
    a = (1.0 - level) / 2

    def solve(target: float, f) -> float:
        lo, hi = 0.0, 1.0
        while hi - lo > _TOL:
            mid = (lo + hi) / 2
            if f(mid) < target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = 0.0 if k == 0 else solve(a, lambda p: binom_sf(k, n, p))
    # upper: P(X <= k | p) = a  <=>  1 - P(X >= k + 1 | p) = a; P(X >= k+1) rises with p
    high = 1.0 if k == n else solve(1.0 - a, lambda p: binom_sf(k + 1, n, p))
    return low, high
