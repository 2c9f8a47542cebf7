"""The demo desk's cast: people and companies, with fictional phone numbers never already on the desk.

US numbers are 555-01xx in real area codes, widened to 555-xxxx once those run out (a large desk);
other regions use the numbers in demo.json or phonenumbers' examples with the last digits freed.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

import phonenumbers

from .. import phones
from ..errors import DeskError


@dataclass
class Person:
    name: str
    company: str = ""
    notes: str = ""
    numbers: list[tuple[str, str]] = field(default_factory=list)
    weight: float = 1.0
    simple: bool = False
    since: int = 0  # a newcomer's first call (bulk: when created)
    seen: int = 0
    last: int = 0
    id: int | None = None

    @property
    def first(self) -> str:
        return self.name.split(" ")[0]


def _widen(template: str, level: int) -> str:
    """Free `level` more digits at the end (never the country code)."""
    head, _, tail = template.partition(" ")
    chars = list(tail)
    for i in range(len(chars) - 1, -1, -1):
        if level > 0 and chars[i].isdigit():
            chars[i], level = "#", level - 1
    return f"{head} {''.join(chars)}"


def _templates(data: dict, region: str) -> list[str]:
    if region in data["nanp_area_codes"]:
        return [f"+1 {code} 555 01##" for code in data["nanp_area_codes"][region]]
    if region in data["numbers"]:
        return data["numbers"][region]
    examples = (phonenumbers.example_number_for_type(region, kind) for kind in (0, 1))  # fixed, mobile
    return [_widen(phonenumbers.format_number(e, 1), 3) for e in examples if e]  # 1: international


def _pool(templates: list[str], region: str, rng: random.Random, taken: set[str]):
    """Valid unused numbers in random order: the fictional ranges first, then widened ones."""
    issued: list[str] = []
    for level in range(3):
        blocks = list(dict.fromkeys(_widen(t, level) for t in templates))
        widths = [b.count("#") for b in blocks]
        starts = list(accumulate((10**w for w in widths), initial=0))
        for index in rng.sample(range(starts[-1]), starts[-1]):
            k = bisect_right(starts, index) - 1
            digits = iter(f"{index - starts[k]:0{widths[k]}d}")
            number = phones.try_parse("".join(next(digits) if c == "#" else c for c in blocks[k]), region)
            if number and number.e164 not in taken:
                taken.add(number.e164)
                issued.append(number.e164)
                yield number.e164
    while issued:  # every number is out: lines get shared
        yield rng.choice(issued)
    raise DeskError(f"no demo phone numbers for region {region}")


def make_people(rng: random.Random, data: dict, n: int, region: str, taken: set[str]) -> list[Person]:
    pools: dict = {}
    names: set[str] = set()
    fixed, single = list(data["companies"]), data["labels"]["single"]
    rng.shuffle(fixed)

    def number(where: str = region) -> str:
        if where not in pools:
            pools[where] = _pool(_templates(data, where), where, rng, taken)
        return next(pools[where])

    def name(words: dict = data) -> str:
        for _ in range(20):
            full = f"{rng.choice(words['first_names'])} {rng.choice(words['last_names'])}"
            if n > 2000 or full not in names:
                break
        names.add(full)
        return full

    def company() -> str:
        if fixed and (n <= 2000 or rng.random() < 0.01):
            return fixed.pop()
        return f"{rng.choice(data['last_names'])} {rng.choice(data['trades'])}{rng.choice(data['company_suffixes'])}"

    people: list[Person] = []
    abroad = [r for r in ("GB", "DE", "US") if r != region][:2]
    for i in range(max(2, n // 25) if n >= 10 else 0):  # foreign callers: their local time shows
        words = data["foreign"][abroad[i % 2]]
        company_name = rng.choice(words["companies"]) if rng.random() < 0.5 else ""
        people.append(Person(name(words), company_name, numbers=[(number(abroad[i % 2]), rng.choice(single))]))
    for _ in range(n // 25):  # two people behind one switchboard
        firm, board = company(), number()
        for _ in range(2):
            people.append(Person(name(), firm, numbers=[(board, "switchboard")]))
            if rng.random() < 0.5:
                people[-1].numbers.append((number(), "mobile"))
    people += [Person("", company(), numbers=[(number(), "main")]) for _ in range(n // 40)]
    while len(people) < n:
        person = Person(name(), company() if rng.random() < 0.4 else "")
        if rng.random() < 0.25:
            labels = ("mobile", "office") if person.company else rng.choice(data["labels"]["pair"])
            person.numbers += [(number(), labels[0]), (number(), labels[1])]
        else:
            person.numbers, person.simple = [(number(), rng.choice(single))], True
        people.append(person)
    for person in people:
        person.notes = rng.choice(data["customer_notes"]) if rng.random() < 0.35 else ""
        person.weight = rng.paretovariate(1.3)
    rng.shuffle(people)
    return people[:n]
