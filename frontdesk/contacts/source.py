"""Opening a contact file: refusing what cannot be one (missing, a directory, empty, binary),
finding its encoding and its format from the content, and giving its lines as text.

Encodings: UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order mark, or
without one when every other byte of the start is NUL), else each line is read as UTF-8 when it
is, and as Windows-1252 when it is not (what Outlook and old phones write)."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from ..errors import DeskError

HEAD = 65536  # bytes looked at to decide the encoding and the format
FORMATS = ("auto", "vcard", "csv")


class ContactFileError(DeskError):
    """The file cannot be imported; the message names it and says why."""


@dataclass(frozen=True)
class Opened:
    """What a look at the start of a file found."""

    path: Path
    format: str  # vcard | csv
    encoding: str  # utf-8-sig, utf-16, utf-8 or 'mixed' (per line: UTF-8, else cp1252)


def _utf16(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 8:
        odd, even = sample[1::2], sample[0::2]
        if odd.count(0) > len(odd) * 0.7 and even.count(0) < len(even) * 0.1:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.7 and odd.count(0) < len(odd) * 0.1:
            return "utf-16-be"
    return ""


def _looks_binary(text: str) -> bool:
    """NUL bytes, or more than a few control characters: a picture, a zip, a database..."""
    if "\x00" in text:
        return True
    controls = sum(1 for c in text if c < " " and c not in "\r\n\t\x0c")
    return controls > max(2, len(text) // 50)


def inspect(path: Path, wanted: str = "auto") -> Opened:
    """Look at the start of `path`: its encoding and format, or ContactFileError."""
    if wanted not in FORMATS:
        raise ContactFileError(f"unknown format '{wanted}' (one of: {', '.join(FORMATS)})")
    if path.exists() and not path.is_dir() and not path.is_file():
        raise ContactFileError(f"{path} is not a regular file (a pipe or a device): save the contacts "
                               "to a file first; the import reads it twice")
    try:
        with path.open("rb") as file:
            head = file.read(HEAD)
    except FileNotFoundError:
        raise ContactFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ContactFileError(f"{path} is a directory, not a contact file") from None
    except OSError as exc:
        raise ContactFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    encoding = _utf16(head)
    if encoding:
        text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    elif head.startswith(codecs.BOM_UTF8):
        encoding, text = "utf-8-sig", head[3:].decode("utf-8", errors="replace")
    else:
        encoding, text = "mixed", head.decode("utf-8", errors="replace")
    if not text.strip():
        raise ContactFileError(f"{path} is empty: no contacts to import")
    if _looks_binary(text):
        raise ContactFileError(f"{path} is not a contact file (it holds binary data, not text); "
                               "export the address book as vCard (.vcf) or CSV")
    is_vcard = text.lstrip().upper().startswith("BEGIN:VCARD")
    found = "vcard" if is_vcard else "csv"
    if wanted != "auto" and wanted != found:
        if wanted == "vcard":
            raise ContactFileError(f"{path} is not a vCard file (it does not start with BEGIN:VCARD)")
        raise ContactFileError(f"{path} is a vCard file, not CSV; leave --format out or use --format vcard")
    return Opened(path, found, encoding)


def _binary_lines(file: IO[bytes]) -> Iterator[bytes]:
    """Lines of a byte stream ending \\n, \\r\\n or \\r\\r\\n (or a lone \\r, when the file has
    no \\n at all), without their line ends; read in blocks (memory constant in the file's size)."""
    rest = b""
    separator = b""
    while True:
        block = file.read(HEAD)
        if not block:
            break
        if not separator:
            separator = b"\n" if b"\n" in block or b"\r" not in block else b"\r"
        rest += block
        *lines, rest = rest.split(separator)
        for line in lines:
            yield line.rstrip(b"\r")
    if rest:
        yield rest.rstrip(b"\r")


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def text_lines(opened: Opened, file: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, without line ends (vCard)."""
    if opened.encoding.startswith("utf-16"):
        stream = io.TextIOWrapper(file, encoding=opened.encoding, errors="replace", newline="")
        for line in stream:
            yield line.rstrip("\r\n").lstrip("\ufeff")
        return
    first = True
    for raw in _binary_lines(file):
        if first and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        first = False
        yield _decode(raw)


def text_stream(opened: Opened, file: IO[bytes]) -> TextIO:
    """The file as a text stream for the csv module (newline='' keeps quoted line breaks)."""
    if opened.encoding.startswith("utf-16") or opened.encoding == "utf-8-sig":
        return io.TextIOWrapper(file, encoding=opened.encoding, errors="replace", newline="")
    head = file.read(HEAD)
    file.seek(0)
    try:
        head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        encoding = "utf-8" if exc.start >= len(head) - 3 else "cp1252"
    return io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
