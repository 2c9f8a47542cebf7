"""FrontDesk: a terminal front desk backed by one SQLite file."""

__version__ = "0.1.0"
