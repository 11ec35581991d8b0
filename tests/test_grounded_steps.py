"""Every step's text is found at its source span (SECURITY.md guarantee 2): forms of unlabelled
GitLab runbooks where it was not (review, session 10), in other words, with look-alikes."""

from __future__ import annotations

from collections.abc import Callable

from compiler.models import Artifact
from compiler.parse import decode_source, grounded

from .conftest import source_steps

Compile = Callable[[str], Artifact]


def _grounded(compile_text: Compile, page: str) -> list[tuple[str, bool]]:
    lines = decode_source(page.encode()).split("\n")
    return [
        (step.text, grounded(lines, step.source, step.text))
        for step in source_steps(compile_text(page))
        if step.source is not None
    ]


def test_output_after_a_whole_command_is_not_joined_to_it(compile_text: Compile) -> None:
    page = (
        "# Check the session\n\n```shell\n$ vaultctl status\n> Server:   https://vault.example\n"
        "  Sealed:   false\n```\n\n```\n$ ssh-add -L\n... the keys loaded ...\n```\n"
    )
    assert _grounded(compile_text, page) == [("vaultctl status", True), ("ssh-add -L", True)]


def test_a_continuation_prompt_after_an_open_command_still_continues_it(
    compile_text: Compile,
) -> None:
    page = (
        "# Look\n\n```\n$ echo 'first\n> second' | wc -l\n>>> for pod in pods:\n"
        "...     print(pod)\n```\n"
    )
    texts = [text for text, _ in _grounded(compile_text, page)]
    assert texts == ["echo 'first second' | wc -l", "for pod in pods: print(pod)"]


def test_inline_code_over_two_lines_is_no_command_of_its_own_line(compile_text: Compile) -> None:
    page = (
        "# Fetch\n\n## Steps\n\nCopy the archive to your machine, with the project's name: "
        "`scp -r\nbackup-host-7:/srv/archive ./`\n\nThen unpack it with\n`tar -xzf archive.tgz`\n"
    )
    grounded = _grounded(compile_text, page)
    assert all(ok for _, ok in grounded)
    assert ("tar -xzf archive.tgz", True) in grounded  # one line: still a command


def test_continuation_prompts_of_a_console_block_are_no_part_of_the_step(
    compile_text: Compile,
) -> None:
    """Session 11 (sec11): an irb block whose later lines carry irb's prompts for a nested line
    (`irb(main):006:1>`, `irb(main):005:1*`): the step is the Ruby code, found at its span
    with those prompts aside."""
    page = (
        "# List the repositories\n\n```ruby\n"
        'irb(main):010:0> Namespace.find_by_path("payments").projects.each do |repo|\n'
        "irb(main):011:1*   puts repo.name\n"
        "irb(main):012:1>   puts repo.size\n"
        "irb(main):013:1> end; nil\n```\n"
    )
    assert _grounded(compile_text, page) == [
        (
            'Namespace.find_by_path("payments").projects.each do |repo| puts repo.name '
            "puts repo.size end; nil",
            True,
        )
    ]
