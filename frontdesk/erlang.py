"""Erlang C in plain Python: how many people a desk needs to answer a share of calls in time.

With calls arriving at random (Poisson) at `calls` per `period_seconds`, each taking
`handle_seconds` on average, the traffic is A = calls * handle / period (in Erlangs). With N
people (N > A), the chance that a caller waits at all is Erlang C:

    C(N, A) = (A^N / N!) * N / (N - A)  /  (sum_{k<N} A^k / k!  +  (A^N / N!) * N / (N - A))

and the share answered within t seconds (the service level) is

    SL = 1 - C(N, A) * exp(-(N - A) * t / handle)

C is computed from the Erlang B recursion (B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)),
C = N B / (N - A (1 - B))), which never forms A^N or N! and so stays exact for any desk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 1000


def traffic(calls: float, period_seconds: float, handle_seconds: float) -> float:
    """The offered load in Erlangs."""
    if period_seconds <= 0 or handle_seconds <= 0 or calls < 0:
        raise ValueError("calls >= 0, period and handle time > 0")
    return calls * handle_seconds / period_seconds


def erlang_c(agents: int, erlangs: float) -> float:
    """The probability that a call waits (0..1); 1 when the people cannot keep up (N <= A)."""
    if erlangs <= 0:
        return 0.0
    if agents <= erlangs:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = erlangs * b / (k + erlangs * b)
    return agents * b / (agents - erlangs * (1 - b))


def service_level(agents: int, erlangs: float, handle_seconds: float, target_seconds: float) -> float:
    """The share of calls answered within target_seconds (0..1)."""
    if erlangs <= 0:
        return 1.0
    if agents <= erlangs:
        return 0.0
    waits = erlang_c(agents, erlangs)
    return max(0.0, 1.0 - waits * math.exp(-(agents - erlangs) * target_seconds / handle_seconds))


@dataclass(frozen=True)
class Staffing:
    agents: int  # people needed (0: no calls)
    erlangs: float
    service_level: float  # with that many people (0..1)
    waits: float  # chance a caller waits at all, with that many people


def agents_needed(calls: float, period_seconds: float, handle_seconds: float,
                  target_share: float = 0.8, target_seconds: float = 20) -> Staffing:
    """The fewest people answering `target_share` of calls within `target_seconds`."""
    if not 0 < target_share < 1:
        raise ValueError("the target share is between 0 and 1")
    load = traffic(calls, period_seconds, handle_seconds)
    if load == 0:
        return Staffing(0, 0.0, 1.0, 0.0)
    agents = max(1, math.floor(load) + 1)
    while agents <= MAX_AGENTS:
        level = service_level(agents, load, handle_seconds, target_seconds)
        if level >= target_share:
            return Staffing(agents, load, level, erlang_c(agents, load))
        agents += 1
    raise ValueError(f"more than {MAX_AGENTS} people would be needed")
