"""The README and the manual in docs/ link only to files in the repository,
and every one they link to is there (`make docs` checks the manual's
anchors too; the README is read on the forge, so it is checked here)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _outside_code(text: str) -> str:
    """The text without its fenced code blocks, where ](x) is not a link."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_is_a_file_in_the_repository(page: Path) -> None:
    links = LINK.findall(_outside_code(page.read_text(encoding="utf-8")))
    outside = [link for link in links if re.match(r"[a-z]+:", link)]
    assert not outside, f"{page.name} links outside the repository: {outside}"
    missing = [
        link
        for link in links
        if not link.startswith("#") and not (page.parent / link.split("#")[0]).exists()
    ]
    assert not missing, f"{page.name} links to files that are not there: {missing}"


def test_the_readme_is_short_and_points_to_the_manual() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    linked = set(LINK.findall(readme))
    pages = {f"docs/{page.name}" for page in PAGES[1:]}
    assert pages - linked == set(), "every page of the manual is reachable from the README"
