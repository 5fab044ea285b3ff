"""Render the management review pack in headless Chromium and check what a person sees.

Run by ``nox -s browser`` (not part of the default gate: it needs Chromium,
``apt-get install -y chromium chromium-driver`` on Debian). It stores a long,
sparse, many-category data set (see ``sparse_corpus.py``) in SQLite, writes
two packs with ``iso10002 report`` (every complaint, eleven years; one
quarter at weekly granularity), opens each page in Chromium with every host
name unresolvable, and asserts:

* every section is there, in order, with its heading;
* no text of a chart lies outside the chart's box, no two chart texts
  overprint, and every chart title sits above its chart;
* the page is no wider than the window;
* the page asked for nothing (no resource entry, no URL in the file);
* the printed PDF has a bounded number of pages.

It leaves a full-page screenshot and the PDF of each pack in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sparse_corpus import sparse_complaints

from iso10002.analysis.review import SECTIONS
from iso10002.cli import main as cli
from iso10002.repositories.sqlite import SQLiteComplaintRepository

WIDTH = 1100
MAX_PAGES = {"all": 30, "quarter": 24}
PROBE = """
<script>(function () {
  const out = {sections: [], overflow: [], overlaps: [], titles: [], charts: 0};
  for (const s of document.querySelectorAll("main > section")) {
    const h = s.querySelector("h2");
    out.sections.push([s.id, h ? h.textContent : null]);
  }
  const inside = (r, b) => r.left >= b.left - 1 && r.right <= b.right + 1 &&
    r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
  // A text's outline as drawn: its own box through its transform (turned
  // labels stay turned rectangles), shrunk by one pixel of tolerance.
  const quad = (t) => {
    const b = t.getBBox(), m = t.getScreenCTM();
    return [[b.x + 1, b.y + 1], [b.x + b.width - 1, b.y + 1],
            [b.x + b.width - 1, b.y + b.height - 1], [b.x + 1, b.y + b.height - 1]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  // Separating axes: two convex outlines overlap when no edge separates them.
  const overlap = (p, q) => {
    for (const poly of [p, q]) {
      for (let i = 0; i < 4; i++) {
        const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
        const nx = y1 - y2, ny = x2 - x1;
        const span = (pts) => pts.map(([x, y]) => x * nx + y * ny);
        const a = span(p), b = span(q);
        if (Math.max(...a) <= Math.min(...b) || Math.max(...b) <= Math.min(...a)) {
          return false;
        }
      }
    }
    return true;
  };
  for (const fig of document.querySelectorAll("figure")) {
    const svg = fig.querySelector("svg");
    const title = fig.querySelector("h3");
    if (!svg) continue;
    out.charts += 1;
    const box = svg.getBoundingClientRect();
    if (title && title.getBoundingClientRect().bottom > box.top + 1) {
      out.titles.push(title.textContent);
    }
    const texts = [...svg.querySelectorAll("text")]
      .map(t => [t.textContent, t.getBoundingClientRect(), quad(t)])
      .filter(([s, r]) => s.trim() && r.width > 0);
    for (const [s, r] of texts) {
      if (!inside(r, box)) out.overflow.push([svg.getAttribute("aria-label"), s]);
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (overlap(texts[i][2], texts[j][2])) {
          out.overlaps.push([svg.getAttribute("aria-label"), texts[i][0], texts[j][0]]);
        }
      }
    }
  }
  out.resources = performance.getEntriesByType("resource").map(e => e.name);
  out.wide = document.documentElement.scrollWidth > window.innerWidth;
  out.height = document.documentElement.scrollHeight;
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();</script>
"""
URL = re.compile(r"(?i)(https?:|ftp:|//[a-z0-9]|src=|<script|@import|url\((?!#))")


def chromium() -> str:
    """Find the browser, or say how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("needs Chromium: apt-get update && apt-get install -y chromium")


def browse(browser: str, *args: str) -> str:
    """Run headless Chromium with no name resolvable, so nothing can be fetched."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        *args,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=True
    )
    return done.stdout


def check(browser: str, page: Path, out: Path, name: str) -> list[str]:
    """Check one page; return the problems found (none when it is right)."""
    problems = []
    text = page.read_text(encoding="utf-8")
    if URL.search(text):
        problems.append(f"{name}: the file names a URL or script: {URL.search(text)}")
    probe = out / f"{name}-probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = browse(
        browser,
        f"--window-size={WIDTH},900",
        "--virtual-time-budget=10000",
        "--dump-dom",
        probe.as_uri(),
    )
    probe.unlink()
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    if found is None:
        return [f"{name}: the probe did not run"]
    facts = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<"))
    expected = [[i, heading] for i, heading in SECTIONS]
    if facts["sections"] != expected:
        problems.append(f"{name}: sections {facts['sections']} != {expected}")
    for key, what in (
        ("overflow", "text outside its chart"),
        ("overlaps", "chart texts overprint"),
        ("titles", "chart title below its chart"),
        ("resources", "requests made"),
    ):
        if facts[key]:
            problems.append(f"{name}: {what}: {facts[key][:8]}")
    if facts["wide"]:
        problems.append(f"{name}: the page is wider than the window")
    if facts["charts"] < 5:
        problems.append(f"{name}: only {facts['charts']} charts")
    height = min(int(facts["height"]) + 20, 30_000)
    shot = out / f"{name}.png"
    browse(
        browser,
        f"--window-size={WIDTH},{height}",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    pdf = out / f"{name}.pdf"
    browse(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))
    if not 1 <= pages <= MAX_PAGES[name]:
        problems.append(f"{name}: {pages} printed pages (at most {MAX_PAGES[name]})")
    print(
        f"{name}: {len(facts['sections'])} sections, {facts['charts']} charts, "
        f"{pages} printed pages, {height} px tall; {shot}, {pdf}"
    )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=15_000, help="complaints to store")
    parser.add_argument("--out", type=Path, default=Path("build/review-pack"))
    args = parser.parse_args()
    browser = chromium()
    args.out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sparse.db"
        repository = SQLiteComplaintRepository(db)
        try:
            repository.import_complaints(sparse_complaints(args.n), batch_size=5_000)
        finally:
            repository.close()
        for name, extra in (
            ("all", ["--as-of", "2026-01-01"]),
            ("quarter", ["--period", "2021-Q4"]),
        ):
            page = args.out / f"{name}.html"
            start = time.perf_counter()
            status = cli(
                ["report", "--db", str(db), *extra, "--html", str(page),
                 "--json", str(args.out / f"{name}.json")]
            )  # fmt: skip
            if status != 0:
                return status
            print(f"{name}: pack written in {time.perf_counter() - start:.1f} s")
            problems += check(browser, page, args.out, name)
    for problem in problems:
        print("PROBLEM", problem)
    print("review pack in Chromium:", "FAILED" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
