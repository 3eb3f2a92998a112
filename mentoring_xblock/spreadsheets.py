"""CSV cells that a spreadsheet reads as data, never as a formula: the one rule for every download.

Text starting with = + - @ tab or carriage return would run as a formula when the file is opened
(CSV injection), so it gets a leading quote. Numbers stay numbers (a quoted -2 would be text), dates are
written in ISO form, and empty values are empty.
"""
import csv
import decimal
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a CSV cell that spreadsheets read as data."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, decimal.Decimal)):
        return value
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns, rows):
    """CSV text with ``columns`` in this order (a header row first) and formula-safe cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return out.getvalue()
