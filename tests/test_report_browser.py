"""The HTML report as a browser shows it: Debian's headless Chromium, driven by Playwright.

These tests look at the rendered page, not the HTML string: every graph node is painted and is
what the browser hits at its centre, every flag is a visible row and a visible mark on the
flagged words, clicks link graph, source and flags, and the page asks the network for nothing.
The Mermaid export goes through Mermaid itself (its bundle from tests/js, `npm ci`).

Without Chromium at /usr/bin/chromium (or RUNBOOKC_CHROMIUM), or without tests/js/node_modules,
they skip, unless RUNBOOKC_REQUIRE_BROWSER=1, as in CI (`.ci/run` installs both), makes that a
failure."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from typer.testing import CliRunner

from compiler.cli import app
from compiler.draw.export import to_mermaid
from compiler.project.discovery import artifact_for

from .conftest import REPO, with_registry
from .test_report import HOSTILE, SEED
from .test_signoff import RUNBOOK as SIGNED_RUNBOOK

CHROMIUM = Path(os.environ.get("RUNBOOKC_CHROMIUM", "/usr/bin/chromium"))
# Chromium as root in a sandboxed machine with a closed network (see the machine notes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MERMAID = REPO / "tests" / "js" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
runner = CliRunner()


def unavailable(message: str) -> None:
    """Skip, or fail where the browser tests are required."""
    if os.environ.get("RUNBOOKC_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; RUNBOOKC_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        unavailable(f"headless Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Opened:
    """A report open in a tab, with everything the page asked of the network or the user."""

    def __init__(self, browser: Browser, report: Path) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1500, "height": 1000})
        self.requests: list[str] = []
        self.problems: list[str] = []
        own = report.resolve().as_uri()
        self.page.on("request", lambda r: r.url != own and self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("dialog", lambda d: (self.problems.append("dialog " + d.message), d.dismiss()))
        self.page.goto(own)


def write_report(out: Path, *paths: Path) -> Path:
    result = runner.invoke(app, ["report", *map(str, paths), "--out", str(out)])
    assert result.exit_code in (0, 1) and out.is_file(), result.output
    return out


@pytest.fixture(scope="module")
def seed_report(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    opened = Opened(browser, write_report(out, REPO / "runbooks_src"))
    yield opened
    opened.page.close()


def compiled_seeds() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((REPO / "compiled").glob("*.json"))]


# Each node scrolled into view, then hit-tested at its centre: painted, and on top.
HIT_TEST = """section => [...section.querySelectorAll('svg .node')].map(node => {
  node.scrollIntoView({block: 'center', inline: 'center'});
  const box = node.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {width: box.width, height: box.height, hit: !!hit && node.contains(hit),
          text: node.textContent};
})"""


def test_every_runbook_shows_its_graph_with_every_step_painted(seed_report: Opened) -> None:
    page = seed_report.page
    for index, artifact in enumerate(compiled_seeds(), start=1):
        section = page.locator(f"#rb{index}")
        assert section.is_visible()
        assert artifact["runbook"]["title"] in section.locator("h2").inner_text()
        graph = section.locator("svg.step-graph")
        box = graph.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        nodes = section.evaluate(HIT_TEST)
        assert len(nodes) == len(artifact["steps"])
        for number, (node, step) in enumerate(zip(nodes, artifact["steps"], strict=True), 1):
            assert node["width"] > 20 and node["height"] > 20 and node["hit"], (index, number)
            assert (str(number) if step["kind"] != "end" else "end") in node["text"]
        drawn_edges = section.locator("svg .edge").count()
        assert drawn_edges == sum(len(step["next"]) for step in artifact["steps"])


# Every piece of text inside its drawing, and every node's text inside its node's shape.
OVERFLOWS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.step-graph')) {
    const width = svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBBox();
      if (box.x < 0 || box.x + box.width > width + 0.5) out.push(text.textContent);
    }
    for (const node of svg.querySelectorAll('.node')) {
      const shape = node.querySelector('rect, polygon').getBBox();
      for (const text of node.querySelectorAll('text')) {
        const box = text.getBBox();
        if (box.x + box.width > shape.x + shape.width + 0.5) out.push(text.textContent);
      }
    }
  }
  return out;
}"""


def test_no_text_spills_out_of_its_node_or_its_drawing(seed_report: Opened) -> None:
    assert seed_report.page.evaluate(OVERFLOWS) == []


def test_every_flag_is_a_visible_row_and_a_visible_mark(seed_report: Opened) -> None:
    page = seed_report.page
    for index, artifact in enumerate(compiled_seeds(), start=1):
        rows = page.locator(f"#rb{index} tr.diagnostic")
        assert rows.count() == len(artifact["diagnostics"])
        lines = (REPO / artifact["runbook"]["source_path"]).read_text("utf-8").split("\n")
        for number, diagnostic in enumerate(artifact["diagnostics"]):
            row = rows.nth(number)
            row.scroll_into_view_if_needed()
            assert row.is_visible()
            shown = row.inner_text()
            assert diagnostic["code"] in shown and diagnostic["message"] in shown
            assert ("unsigned" in shown) == (diagnostic["signoff"] is None)
            if diagnostic["line"] != diagnostic["end_line"]:
                continue
            line = page.locator(f"#rb{index}-L{diagnostic['line']}")
            marked = line.locator(f'mark[data-flags~="{number}"]')
            assert marked.count() >= 1
            words = lines[diagnostic["line"] - 1][
                diagnostic["column"] - 1 : diagnostic["end_column"]
            ]
            assert "".join(marked.all_inner_texts()) == words
            marked.first.scroll_into_view_if_needed()
            assert marked.first.is_visible()


def test_summary_lists_every_runbook_with_its_status(seed_report: Opened) -> None:
    rows = seed_report.page.locator("table.runbooks tbody tr")
    seeds = compiled_seeds()
    assert rows.count() == len(seeds)
    for number, artifact in enumerate(seeds):
        text = rows.nth(number).inner_text()
        assert artifact["runbook"]["title"] in text and artifact["status"] in text


def test_picking_a_step_marks_its_source_and_flags(seed_report: Opened) -> None:
    page = seed_report.page
    artifact = next(
        a for a in compiled_seeds() if a["runbook"]["id"] == "payments-db-pool-exhausted"
    )
    index = 1 + [a["runbook"]["id"] for a in compiled_seeds()].index("payments-db-pool-exhausted")
    number, step = next(
        (n, s) for n, s in enumerate(artifact["steps"], 1)
        if any(d["step"] == s["id"] for d in artifact["diagnostics"])
    )  # fmt: skip
    node = page.locator(f"#rb{index}-s{number}")
    node.scroll_into_view_if_needed()
    node.click()
    assert "active" in (node.get_attribute("class") or "")
    line = page.locator(f"#rb{index}-L{step['source']['line']}")
    assert "active" in (line.get_attribute("class") or "")
    pane = page.locator(f"#rb{index} .source-pane").bounding_box()
    shown = line.bounding_box()
    assert pane and shown and pane["y"] <= shown["y"] <= pane["y"] + pane["height"]
    active_rows = page.locator(f"#rb{index} tr.diagnostic.active")
    assert active_rows.count() == sum(1 for d in artifact["diagnostics"] if d["step"] == step["id"])


def test_filter_hides_ready_runbooks(seed_report: Opened) -> None:
    page = seed_report.page
    page.check("#only-blocked")
    for index, artifact in enumerate(compiled_seeds(), start=1):
        assert page.locator(f"#rb{index}").is_visible() == (artifact["status"] != "ready")
    page.uncheck("#only-blocked")
    assert page.locator("#rb1").is_visible()


def test_the_page_asks_nothing_of_the_network_and_logs_no_error(seed_report: Opened) -> None:
    assert seed_report.requests == [] and seed_report.problems == []


def test_hostile_runbook_text_stays_text_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    root = with_registry(tmp_path / "runbooks")
    (root / "hostile.md").write_text(HOSTILE)
    (root / "pool.md").write_text(SIGNED_RUNBOOK)
    (root / "broken.md").write_bytes(b"# Broken\n\xff\n")
    opened = Opened(browser, write_report(tmp_path / "report.html", root))
    page = opened.page
    assert opened.problems == [] and opened.requests == []
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert (
        page.evaluate(
            "document.querySelectorAll('section img, section b, section a[href^=http]').length"
        )
        == 0
    )
    assert page.evaluate(OVERFLOWS) == []
    hostile = page.locator("#rb2")  # broken.md, hostile.md, pool.md
    assert "hostile.md" in hostile.locator(".meta").inner_text()
    assert "<script>alert(2)</script>" in hostile.locator("pre.source").inner_text()
    assert hostile.locator("svg .node").count() >= 2
    failed = page.locator('section.runbook[data-status="failed"]')
    assert failed.is_visible() and "RB001" in failed.inner_text()
    page.close()


RENDER_MERMAID = """async ([text, id]) => {
  const {svg} = await mermaid.render(id, text);
  const out = document.getElementById('out');
  out.innerHTML = svg;
  return {nodes: [...out.querySelectorAll('g.node')].map(n => n.textContent),
          edges: out.querySelectorAll('g.edgeLabel').length};
}"""


def test_mermaid_itself_renders_every_export(browser: Browser, compile_text) -> None:
    if not MERMAID.is_file():
        unavailable(f"Mermaid not found at {MERMAID} (npm ci --prefix tests/js)")
    artifacts = [artifact_for(path, None, None) for path in SEED]
    artifacts.append(compile_text(HOSTILE))
    page = browser.new_page()
    page.set_content("<div id=out></div>")
    page.add_script_tag(path=str(MERMAID))
    page.evaluate("mermaid.initialize({startOnLoad: false, securityLevel: 'strict'})")
    for number, artifact in enumerate(artifacts):
        drawn = page.evaluate(RENDER_MERMAID, [to_mermaid(artifact), f"m{number}"])
        runbook_node = any(d.step is None and d.signoff is None for d in artifact.diagnostics)
        assert len(drawn["nodes"]) == len(artifact.steps) + runbook_node
        assert drawn["edges"] == sum(len(step.next) for step in artifact.steps)
        for label, step in zip(drawn["nodes"], artifact.steps, strict=False):
            if step.kind != "end":  # entities decoded: the words read as written
                assert " ".join(step.text.split())[:20] in label, (label, step.text)
    page.close()
