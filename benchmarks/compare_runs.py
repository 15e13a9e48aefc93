"""Are two report runs the same? CSV byte for byte, XLSX cell for cell, HTML text for text.

Used to check that speed work changes nothing a reader sees (issue 25)::

    python benchmarks/compare_runs.py reports/before reports/after

- every CSV file: identical bytes;
- every XLSX workbook: the same sheets, and in each the same cells (value, type, number
  format) and column widths (the files' bytes may differ: a zip's timestamps, the writer);
- every HTML report: the same text once embedded images are replaced by their size and
  position, and the random id papermill gives its injected cell is ignored (a PNG's bytes carry no timestamps here, so identical images compare equal too;
  ``--images`` requires the images' bytes to be identical as well; ``--redrawn-images``
  compares only where images are and how many, for a change that redraws the figures,
  whose pixels must then be looked at).

Exits 1 and lists the differences if there are any. Not a test: a tool for before/after runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_IMG = re.compile(r'src="data:image/png;base64,([^"]*)"')
#: papermill gives the cell it injects a random id in every run.
_INJECTED_ID = re.compile(r'(celltag_injected-parameters" id="cell-id=)[^"]*')


def _xlsx_cells(path: Path) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {
            (c.row, c.column): (c.value, c.data_type, c.number_format)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        }
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        out[ws.title] = (cells, widths)
    return out


def _html_text(path: Path, images: bool | None) -> str:
    body = _INJECTED_ID.sub(r"\1*", path.read_text(encoding="utf-8"))
    if images:
        return body
    if images is None:  # redrawn: where the images are, not their bytes or size
        return _IMG.sub('src="png"', body)
    return _IMG.sub(lambda m: f'src="png:{len(m.group(1))}"', body)


def compare(before: Path, after: Path, *, images: bool | None = False) -> list[str]:
    diffs: list[str] = []
    files_b = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    files_a = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    for rel in sorted(files_b ^ files_a):
        diffs.append(f"only in {'before' if rel in files_b else 'after'}: {rel}")
    counts = {"csv": 0, "xlsx": 0, "html": 0}
    for rel in sorted(files_b & files_a):
        b, a = before / rel, after / rel
        suffix = rel.suffix.lower()
        if suffix == ".csv":
            counts["csv"] += 1
            if b.read_bytes() != a.read_bytes():
                diffs.append(f"CSV differs: {rel}")
        elif suffix == ".xlsx":
            counts["xlsx"] += 1
            cb, ca = _xlsx_cells(b), _xlsx_cells(a)
            if list(cb) != list(ca):
                diffs.append(f"XLSX sheets differ: {rel}: {list(cb)} vs {list(ca)}")
            for sheet in set(cb) & set(ca):
                if cb[sheet][0] != ca[sheet][0]:
                    keys = {
                        k
                        for k in cb[sheet][0].keys() | ca[sheet][0].keys()
                        if cb[sheet][0].get(k) != ca[sheet][0].get(k)
                    }
                    k = min(keys)
                    diffs.append(
                        f"XLSX cells differ: {rel} [{sheet}] {len(keys)} cells, e.g. "
                        f"{k}: {cb[sheet][0].get(k)} vs {ca[sheet][0].get(k)}"
                    )
                if cb[sheet][1] != ca[sheet][1]:
                    diffs.append(f"XLSX widths differ: {rel} [{sheet}]")
        elif suffix == ".html" and rel.name != "index.html":
            counts["html"] += 1
            if _html_text(b, images) != _html_text(a, images):
                diffs.append(f"HTML differs: {rel}")
    print(f"compared {counts['csv']} CSV, {counts['xlsx']} XLSX, {counts['html']} HTML files")
    return diffs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--images", action="store_true", help="images' bytes must match too")
    parser.add_argument(
        "--redrawn-images",
        action="store_true",
        help="compare the HTML with every image's bytes and size ignored (figures redrawn)",
    )
    args = parser.parse_args()
    images = None if args.redrawn_images else args.images
    diffs = compare(args.before, args.after, images=images)
    for d in diffs[:50]:
        print(d)
    print("identical" if not diffs else f"{len(diffs)} difference(s)")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
