"""Session 9 (prec2, issue 16): flag classes read from a second set of random samples of
diagnostics on unseen runbooks (not from tuned misses), named in LABELLING.md's words. Each is
written here in other words than the page it came from, with a look-alike that must stay
flagged."""

from __future__ import annotations

import pytest

from .test_precision import Compile, flags


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a title of a collapsible section is a heading, never a step
        (
            "# Certs\n\n<details>\n<summary>Rotate the client certificate</summary>\n\n"
            "Open the store:\n\n```bash\ncertutil -d ./db -L\n```\n</details>\n",
            0,
        ),
        # the same words in the section's body still ask for a change with no tool
        (
            "# Certs\n\n<details>\n<summary>Certificates</summary>\n\n"
            "Rotate the client certificate.\n</details>\n",
            1,
        ),
        # and so do they in a paragraph of an HTML block
        ("# Certs\n\n<p>\nRotate the client certificate.\n</p>\n", 1),
    ],
)
def test_an_html_title_is_a_heading(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "<summary>Renew the sub keys</summary>" titles the steps under it."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a change word as the subject of a past account
        ("# Review\n\n* Upgrade had two effects. The workers ran out of memory.\n", 0),
        ("# Review\n\n* Restart caused a second outage on the replicas.\n", 0),
        # the imperative
        ("# Review\n\n* Upgrade the workers to the new release.\n", 1),
    ],
)
def test_a_change_word_as_a_past_subject(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "Issue had two major components" tells what happened: "Issue" is a noun."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # attention to what may come up: a look-out, no wait
        ("# Build\n\n* Watch out for linker errors in the build output.\n", 0),
        # a watch with no end
        ("# Build\n\n* Watch the build output for linker errors.\n", 1),
    ],
)
def test_watch_out_for_is_no_wait(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: "watch out for patch application failures" asks for attention, not a wait."""
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # what a command or a thing will do, said of it
        (
            "# Rotate\n\nThis will start purging the old tokens and restarting the workers, so "
            "it takes a while.\n",
            0,
        ),
        (
            "# Cache\n\nPlease note that the cache will only hold 500 entries, and delete "
            "older ones.\n",
            0,
        ),
        # the reader told to do it
        ("# Rotate\n\nBegin purging the old tokens and restarting the workers.\n", 1),
        ("# Cache\n\nPlease delete the older entries of the cache.\n", 1),
    ],
)
def test_what_a_thing_will_do_is_no_action_asked(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: "This will start draining the runner and deleting the machines", "Please note
    that the exporter will only keep up to 1000 results, and drop older ones" describe."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the file or folder the change goes to, linked: an edit of a named file
        (
            "# Allow\n\n* Edit and commit [allow-ips.lst](https://git.example.org/sec/blob/main/"
            "allow-ips.lst).\n",
            0,
        ),
        (
            "# Quota\n\nRaise the CPU limit: https://git.example.org/k8s/blob/main/releases/"
            "web/values.yaml.gotmpl\n",
            0,
        ),
        (
            "# Shipper\n\n* Change the config of the log shipper here: "
            "https://git.example.org/k8s/-/tree/main/releases/shipper\n",
            0,
        ),
        # a link to documentation is no place of the change
        (
            "# Quota\n\nRaise the CPU limit, see https://docs.example.org/limits.html\n",
            1,
        ),
        # nor is a folder the place of a change of a value
        (
            "# Quota\n\nRaise the CPU limit: https://git.example.org/k8s/-/tree/main/releases\n",
            1,
        ),
    ],
)
def test_a_change_to_a_linked_file(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "Increase the memory: <.../gprd.yaml.gotmpl>", "Update config ... here:
    <.../-/tree/master/releases/fluentd>", "Edit and commit [deny-403-ips.lst](...)" name the
    file or folder to change."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # sub-steps written two spaces under "1.": siblings in CommonMark, details as written
        (
            "# Roll out\n\n1. upgrade the staging hosts\n  1. pin the version in `stg.json`\n"
            "  1. run `knife environment from file stg.json`\n1. upgrade the production hosts\n"
            "  1. pin the version in `prd.json`\n",
            0,
        ),
        # indented items with no command say nothing of how
        ("# Roll out\n\n1. upgrade the staging hosts\n  1. check with the team first\n", 1),
        # items really nested in it are its body, read as such elsewhere: a note is no how
        (
            "# Pool\n\n- Remove the old instances from the load balancer.\n"
            "  - This can take a while.\n    ```\n    uptime\n    ```\n",
            1,
        ),
    ],
)
def test_sub_steps_two_spaces_under_an_item(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: "1. deploy and test in staging" over "  1. upload the environment file `knife
    environment from file path/to/stg.json`" (two spaces: siblings in CommonMark) titles them."""
    assert len(flags(compile_text, body, "RB108")) == expected
