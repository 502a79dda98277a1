"""Text batch files (CSV, JSON Lines) as people have them: UTF-8 or GB18030, bounded lines.

Excel on a Chinese Windows saves CSV in GBK (of which GB18030 is a superset), so a file
is read as UTF-8 when the whole of it decodes as UTF-8, else as GB18030. The encoding is
decided for the whole file before any row is read: every row is decoded the same way.
A line too long to be a row of units is skipped (and reported as that row's error), so
one bad line does not stop the batch.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import BatchFileError
from .limits import MAX_LINE_CHARS
from .messages import say

CHUNK_BYTES = 1024 * 1024

# the names a person may declare -> the codec the file is read with
ENCODINGS = {
    "utf-8": "utf-8-sig",
    "utf8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
}
_DETECTED = ("utf-8-sig", "gb18030")
_LABEL = {"utf-8-sig": "UTF-8", "gb18030": "GB18030"}


def codec_for(declared: str | None) -> str | None:
    """The codec of a declared encoding name (None: detect it); BatchFileError if unknown."""
    if declared is None or not declared.strip():
        return None
    codec = ENCODINGS.get(declared.strip().lower())
    if codec is None:
        raise BatchFileError(say("file.unknown_encoding", declared=repr(declared)))
    return codec


def decide_encoding(path: Path, declared: str | None = None) -> str:
    """The codec every row of the file is read with: the declared one if it decodes the
    whole file, else UTF-8 if it does, else GB18030 if it does; BatchFileError otherwise,
    naming the first byte that fails for each."""
    chosen = codec_for(declared)
    candidates = [chosen] if chosen else list(_DETECTED)
    failures = []
    for codec in candidates:
        failure = _first_undecodable(path, codec)
        if failure is None:
            return codec
        line, offset = failure
        failures.append(say("file.undecodable_as", codec=_LABEL[codec], line=line, byte=offset + 1))
    raise BatchFileError(say("file.encoding", file=path.name, failures="; ".join(failures)))


def _first_undecodable(path: Path, codec: str) -> tuple[int, int] | None:
    """(line, byte offset) of the first byte the codec cannot decode, or None; one pass,
    a chunk at a time."""
    decoder = codecs.getincrementaldecoder(codec)()
    fed = newlines = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                offset = fed - pending + error.start
                # a partial character held back never holds a line end in either codec
                return newlines + chunk[: max(offset - fed, 0)].count(b"\n") + 1, offset
            if not chunk:
                return None
            fed += len(chunk)
            newlines += chunk.count(b"\n")


class BoundedLines:
    """The lines of a text file, none longer than MAX_LINE_CHARS: an overlong line is
    read past (never held whole) and stands as an empty line; `overlong` holds the
    1-based numbers of such lines, and `number` the lines read so far."""

    def __init__(self, handle: IO[str]):
        self.handle = handle
        self.number = 0
        self.overlong: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        while line := self.handle.readline(MAX_LINE_CHARS + 1):
            self.number += 1
            if len(line) > MAX_LINE_CHARS:
                self.overlong.add(self.number)
                while line and not line.endswith(("\n", "\r")):
                    line = self.handle.readline(CHUNK_BYTES)
                line = "\n"
            yield line


def overlong_message(path: Path, line: int) -> str:
    return say("file.line_too_long", file=path.name, line=line, limit=MAX_LINE_CHARS)
