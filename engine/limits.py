"""How large a batch file may be: every limit in one place (docs/batches.md lists them).

Each is far above any real jurisdiction's file and low enough that a hostile file is
refused in seconds, without the memory or time it was made to take.
"""

MAX_ROWS = 2_000_000  # rows of units after the header
MAX_COLUMNS = 1000
MAX_LINE_CHARS = 1024 * 1024  # one line of a CSV or JSON Lines file; a row is a few hundred
MAX_CELLS = 30_000_000  # cells of a worksheet, e.g. 750,000 units of 40 columns
MAX_UNCOMPRESSED_BYTES = 1024**3  # all parts of an .xlsx archive, inflated
MAX_RATIO = 100  # inflated / compressed size of an .xlsx part; spreadsheets reach 10 to 20
RATIO_FROM_BYTES = 10 * 1024**2  # smaller parts may compress as well as they like
