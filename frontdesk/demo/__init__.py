"""The demo desk: a realistic week (or a lifetime, for benchmarks) of customers, calls and
promises. plan.py decides who calls when and what becomes of each promise; a small desk is
written through the service API, a large one in bulk (bulk.py, through the store's bulk
writer); people.py is the cast and their fictional numbers."""

from .plan import fill_demo

__all__ = ["fill_demo"]
