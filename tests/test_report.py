"""The graph exports (Mermaid, DOT, SVG), the layout under them, and the HTML report."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compiler.cli import app
from compiler.draw.export import to_dot, to_mermaid
from compiler.draw.layout import EdgeSpec, assign_lanes, layout
from compiler.draw.report import RunbookPage, runbook_page, source_lines
from compiler.draw.svg import graph_svg
from compiler.models import Artifact
from compiler.project.discovery import artifact_for

from .conftest import REPO, with_registry
from .test_signoff import RUNBOOK as SIGNED_RUNBOOK
from .test_signoff import STEP as SIGNED_STEP

runner = CliRunner()
SEED = sorted((REPO / "runbooks_src").glob("*.md"))
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = """---
id: hostile
title: "Pool </title><script>alert('title')</script>"
owner: team-payments
---
# Hostile <img src=x onerror=alert(1)>

## Mitigation

1. If the pool is "exhausted" & <b>bad</b>, run `oc.scale` </svg><script>alert(2)</script>
2. Check {{ 7 * 7 }} with `oc.get_pods` -- see <a href="https://evil.example">here</a>
"""


def seed_artifacts() -> list[tuple[Path, Artifact]]:
    return [(path, artifact_for(path, None, None)) for path in SEED]


@pytest.fixture(scope="module")
def seeds() -> list[tuple[Path, Artifact]]:
    return seed_artifacts()


# --- layout ---------------------------------------------------------------------------------

edge_lists = st.integers(1, 12).flatmap(
    lambda rows: st.tuples(
        st.just(rows),
        st.lists(st.tuples(st.integers(0, rows - 1), st.integers(0, rows - 1)), max_size=20),
    )
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(edge_lists)
def test_layout_routes_every_edge_without_lanes_colliding(case: tuple[int, list]) -> None:
    rows, pairs = case
    drawn = layout([1 + row % 3 for row in range(rows)], [EdgeSpec(a, b, 40) for a, b in pairs])
    assert len(drawn.routes) == len(pairs)
    lanes: dict[float, list[tuple[float, float]]] = {}
    for (source, target), route in zip(pairs, drawn.routes, strict=True):
        start, end = drawn.boxes[source], drawn.boxes[target]
        first, last = route.points[0], route.points[-1]
        if len(route.points) == 2:  # straight down to the next row
            assert target == source + 1 and first == (start.center_x, start.bottom)
            assert last == (end.center_x, end.y)
            continue
        assert first[0] == start.right and start.y < first[1] < start.bottom
        assert last[0] == end.right and end.y < last[1] < end.bottom
        low, high = sorted((first[1], last[1]))
        lanes.setdefault(route.points[1][0], []).append((low, high))
        assert drawn.width >= route.label_at[0] + 40
    for spans in lanes.values():  # edges in one lane never run over each other
        spans.sort()
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_lanes_nest_shorter_edges_inside_longer_ones() -> None:
    assert assign_lanes([(0, 5), (1, 2), (2, 4), (5, 6)]) == [1, 0, 0, 0]


def test_boxes_keep_source_order_top_to_bottom() -> None:
    drawn = layout([1, 3, 2], [])
    assert [box.y for box in drawn.boxes] == sorted(box.y for box in drawn.boxes)
    assert drawn.boxes[1].height > drawn.boxes[2].height > drawn.boxes[0].height


# --- SVG, Mermaid, DOT ----------------------------------------------------------------------


def test_svg_draws_every_step_edge_mark_and_open_flag(seeds: list) -> None:
    for path, artifact in seeds:
        svg = ET.fromstring(graph_svg(artifact, "rb1"))
        nodes = svg.findall(f"{SVG}g[@data-step]")
        assert [node.get("data-step") for node in nodes] == [s.id for s in artifact.steps], path
        for node, step in zip(nodes, artifact.steps, strict=True):
            classes = set((node.get("class") or "").split())
            assert f"kind-{step.kind}" in classes
            assert ("human" in classes) == (step.gate == "human")
            assert ("destructive" in classes) == (step.effect == "destructive")
            open_flags = {
                d.code for d in artifact.diagnostics if d.step == step.id and not d.signoff
            }
            drawn = "".join(t.text or "" for t in node.findall(f"{SVG}text[@class='flags']"))
            assert set(drawn.removeprefix("⚑ ").split()) == open_flags
            assert ("flagged" in classes) == bool(open_flags)
            title = node.findtext(f"{SVG}title") or ""
            for d in artifact.diagnostics:  # hovering a node says why it is flagged
                if d.step == step.id and not d.signoff:
                    assert f"⚑ {d.code} {d.message}" in title
        edges = svg.findall(f"{SVG}g[@data-from]")
        assert len(edges) == sum(len(step.next) for step in artifact.steps)
        labels = [e for e in edges if e.find(f"{SVG}text[@class='edge-label']") is not None]
        assert len(labels) == sum(1 for s in artifact.steps for e in s.next if e.when)


def test_mermaid_and_dot_shape_nodes_by_kind_and_mark_risks(seeds: list) -> None:
    shapes = {"decision": "{", "check": "([", "end": "((", "manual": "[/", "escalate": "{{"}
    for _path, artifact in seeds:
        mermaid, dot = to_mermaid(artifact), to_dot(artifact)
        for number, step in enumerate(artifact.steps, start=1):
            node = re.search(rf"^    s{number}(\W+)\"", mermaid, re.MULTILINE)
            assert node and node.group(1) == shapes.get(step.kind, "["), step.kind
            if step.effect == "destructive":
                assert f"class s{number} destructive" in mermaid
                assert "fillcolor" in dot.split(f'"{step.id}" [', 1)[1].split("\n")[0]
            if step.gate == "human":
                assert f"class s{number} human" in mermaid
        assert mermaid.count(" --> ") + mermaid.count(" -->|") == sum(
            len(s.next) for s in artifact.steps
        )


def test_mermaid_and_dot_escape_runbook_text(compile_text) -> None:
    artifact = compile_text(HOSTILE)
    mermaid = to_mermaid(artifact)
    labels = [label.replace("<br/>", "\n") for label in re.findall(r'"(.*?)"', mermaid)]
    assert labels and not any(ch in label for label in labels for ch in '<>"')
    assert "#quot;exhausted#quot;" in mermaid and "#lt;b#gt;" in mermaid
    dot = to_dot(artifact)
    assert '\\"exhausted\\"' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_renders_every_dot_export(seeds: list, compile_text) -> None:
    for artifact in [a for _, a in seeds] + [compile_text(HOSTILE)]:
        rendered = subprocess.run(
            ["dot", "-Tsvg"], input=to_dot(artifact), capture_output=True, text=True, check=False
        )
        assert rendered.returncode == 0 and not rendered.stderr, rendered.stderr


# --- source beside the graph ----------------------------------------------------------------


def test_source_lines_lose_nothing_and_mark_exactly_the_flagged_words(seeds: list) -> None:
    for path, artifact in seeds:
        text = path.read_text("utf-8")
        recorded = artifact.runbook.source_path
        lines = source_lines(text, tuple(artifact.diagnostics), recorded, artifact)
        assert ["".join(s.text for s in line.segments) for line in lines] == text.split("\n")
        for index, d in enumerate(artifact.diagnostics):
            if d.line != d.end_line or d.end_column < d.column:
                continue
            marked = "".join(s.text for s in lines[d.line - 1].segments if index in s.flags)
            assert marked == text.split("\n")[d.line - 1][d.column - 1 : d.end_column], d
        for number, step in enumerate(artifact.steps, start=1):
            if step.source:
                assert number in lines[step.source.line - 1].starts


def test_a_page_shows_no_source_that_differs_from_the_compiled_bytes(seeds: list) -> None:
    path, artifact = seeds[0]
    page = runbook_page(1, "x.md", [], artifact, path.read_bytes() + b"\nedited\n")
    assert page.source == () and "changed after it was compiled" in page.source_note
    assert runbook_page(1, "x.md", [], artifact, path.read_bytes()).source


# --- the report command ---------------------------------------------------------------------


def report(tmp_path: Path, *paths: Path) -> tuple[int, str, str]:
    out = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["report", *map(str, paths), "--out", str(out)])
    return result.exit_code, result.output, out.read_text("utf-8") if out.exists() else ""


def test_report_of_the_seed_runbooks_is_one_self_contained_page(tmp_path: Path) -> None:
    code, output, html = report(tmp_path, REPO / "runbooks_src")
    assert code == 0, output
    assert f"{len(SEED)} runbook(s)" in output
    assert html.count('<section class="runbook"') == len(SEED)
    assert html.count("<svg ") == len(SEED)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # Nothing to fetch: no external scripts, styles, images, fonts or frames.
    assert not re.search(r"<(link|iframe|img|object|embed)\b|\bsrc=|@import|url\((?!#)", html)
    assert not re.search(r'href="(?!#)', html)
    second = tmp_path / "again.html"
    runner.invoke(app, ["report", str(REPO / "runbooks_src"), "--out", str(second)])
    assert second.read_text("utf-8") == html  # the same input gives the same bytes


def test_report_shows_signoffs_failures_and_escapes_hostile_text(tmp_path: Path) -> None:
    root = with_registry(tmp_path / "runbooks")
    (root / "pool.md").write_text(SIGNED_RUNBOOK)
    (root / "hostile.md").write_text(HOSTILE)
    (root / "broken.md").write_bytes(b"# Broken\n\xff\xfe not utf-8\n")
    signed = runner.invoke(
        app,
        ["signoff", f"RB101@{SIGNED_STEP}", "--runbook", str(root / "pool.md"), "--by", "alice",
         "--reason", "scale only past 80% CPU", "--resolution", "CPU above 80% for 10m"],
    )  # fmt: skip
    assert signed.exit_code == 0, signed.output
    code, output, html = report(tmp_path, root)
    assert code == 1 and "1 failed" in output and "Traceback" not in output
    assert html.count('<section class="runbook"') == 3
    assert 'data-status="failed"' in html and "RB001" in html
    assert "signed by alice" in html and "means: CPU above 80% for 10m" in html
    assert "✓ signed off: CPU above 80% for 10m" in html  # the step's tooltip in the graph
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bad</b>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own
    for svg in re.findall(r"<svg .*?</svg>", html, re.DOTALL):
        ET.fromstring(svg)  # well-formed: runbook text cannot close or open elements


def test_report_refuses_an_unwritable_place_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(
        app, ["report", str(REPO / "runbooks_src"), "--out", str(blocker / "report.html")]
    )
    assert result.exit_code == 2 and "cannot write the report" in result.output
    assert "Traceback" not in result.output


def test_graph_html_from_markdown_and_from_an_artifact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown = runner.invoke(app, ["graph", str(SEED[0]), "--format", "html"])
    assert markdown.exit_code == 0 and '<pre class="source">' in markdown.output
    monkeypatch.chdir(REPO)
    compiled = Path("compiled") / SEED[0].with_suffix(".json").name
    artifact = runner.invoke(app, ["graph", str(compiled), "--format", "html"])
    assert artifact.exit_code == 0 and '<pre class="source">' in artifact.output
    moved = tmp_path / "elsewhere.json"
    shutil.copy(compiled, moved)
    monkeypatch.chdir(tmp_path)
    alone = runner.invoke(app, ["graph", str(moved), "--format", "html"])
    assert alone.exit_code == 0 and '<pre class="source">' not in alone.output
    assert "not found beside" in alone.output and "<svg " in alone.output


def test_page_counts_marks_and_blocking_flags(seeds: list) -> None:
    for path, artifact in seeds:
        page = runbook_page(1, str(path), list(artifact.diagnostics), artifact, None)
        assert isinstance(page, RunbookPage) and page.status == artifact.status
        assert page.human_gated == sum(1 for s in artifact.steps if s.gate == "human")
        assert page.destructive == sum(1 for s in artifact.steps if s.effect == "destructive")
        blocked = any(d.blocking and d.signoff is None for d in artifact.diagnostics)
        assert (page.counts["blocking_unsigned"] > 0) == blocked == (artifact.status == "blocked")
