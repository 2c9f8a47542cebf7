"""Pilot helpers: an app on a temporary database with a fixed clock."""

from __future__ import annotations

import pytest

from frontdesk.app import FrontDeskApp


@pytest.fixture
def make_app(desk):
    def build(**kwargs) -> FrontDeskApp:
        kwargs.setdefault("offer_draft", False)
        kwargs.setdefault("freeze_gc", False)
        return FrontDeskApp(desk, **kwargs)

    return build
