"""Build hook: the prompt templates live at the top level (`prompts/`, reviewed like code) and
are copied into the package (`compiler/prompts/`) when a wheel is built, so an installed
`--extractor llm` finds them. Everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithPrompts(build_py):
    """build_py, plus prompts/*.md -> <build>/compiler/prompts/."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "compiler" / "prompts"
        target.mkdir(parents=True, exist_ok=True)
        for prompt in sorted(Path(__file__).parent.joinpath("prompts").glob("*.md")):
            self.copy_file(str(prompt), str(target / prompt.name))


setup(cmdclass={"build_py": BuildWithPrompts})
