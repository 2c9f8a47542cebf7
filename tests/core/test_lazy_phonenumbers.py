"""Opening the app must not import phonenumbers (~12 ms) until a number is parsed or formatted.

frontdesk.phones imports the library inside the functions that need it and checks region codes
against its own copy of phonenumbers.SUPPORTED_REGIONS; these tests keep both honest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import phonenumbers

from frontdesk import phones

ROOT = Path(__file__).resolve().parents[2]
CODES = ["US", "GB", "DE", "XX", "001", "ZZ", "us", ""]

FRESH = f"""
import json, sys
import frontdesk.services, frontdesk.settings
from frontdesk import phones, settings

out = {{}}
desk = settings.validate(settings.defaults())
out["region"] = [desk.region, phones.default_region(), phones.default_region({{"FRONTDESK_REGION": "GB"}})]
out["before"] = {{code: phones.supported_region(code) for code in {CODES!r}}}
out["loaded_at_start"] = "phonenumbers" in sys.modules
out["national"] = phones.national("+442079460958", "US")
out["loaded_after_national"] = "phonenumbers" in sys.modules
out["after"] = {{code: phones.supported_region(code) for code in {CODES!r}}}
print(json.dumps(out))
"""


@cache  # one fresh interpreter serves both tests that read it
def run_fresh() -> dict:
    env = {**os.environ, "FRONTDESK_REGION": "GB"}
    result = subprocess.run([sys.executable, "-c", FRESH], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_copied_regions_equal_the_library():
    # A phonenumbers upgrade that adds or drops a region fails here, not at a user's desk:
    # regenerate phones.SUPPORTED_REGIONS from sorted(phonenumbers.SUPPORTED_REGIONS).
    assert isinstance(phones.SUPPORTED_REGIONS, frozenset)
    assert phones.SUPPORTED_REGIONS == frozenset(phonenumbers.SUPPORTED_REGIONS)


def test_non_geographic_code_is_not_a_region():
    assert "001" not in phonenumbers.SUPPORTED_REGIONS
    assert not phones.supported_region("001")


def test_start_up_does_not_import_phonenumbers_until_a_number_is_formatted():
    out = run_fresh()
    assert out["region"] == ["GB", "GB", "GB"]
    assert out["loaded_at_start"] is False
    assert out["national"] == "+44 20 7946 0958"
    assert out["loaded_after_national"] is True


def test_supported_region_answers_the_same_before_and_after_loading():
    out = run_fresh()
    expected = {code: code in phonenumbers.SUPPORTED_REGIONS for code in CODES}
    assert expected["US"] and expected["GB"] and not expected["XX"] and not expected["001"]
    assert out["before"] == expected
    assert out["after"] == expected


def test_supported_region_asks_the_library_once_loaded(monkeypatch):
    assert "phonenumbers" in sys.modules
    monkeypatch.setattr(phonenumbers, "SUPPORTED_REGIONS", {"QQ"})
    assert phones.supported_region("QQ")
    assert not phones.supported_region("US")
