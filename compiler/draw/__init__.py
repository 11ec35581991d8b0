"""What people and other tools read: diagnostics in every output format, the step graph's view
model, layout and SVG, the Mermaid and DOT exports, the HTML report and its templates, and
transcript audit findings.

A leaf: only `compiler.cli` imports it; no compile stage does (tests/test_layers.py).
"""
