"""One title per notebook and one name per series, everywhere.

A notebook's title is the first line of its first cell (``# Title``). Every link whose text reads
``NN · text`` (``[06 · Go back with `alembic downgrade`](06-go-back-with-downgrade.ipynb)``), and every
plain ``NN · text`` in the notebooks' Markdown, the README, the teaching guide and ``teaching/``, must
name notebook NN by that title. Each notebook's series line names one of three series, the right one for
its number; the README's table and the start page list every notebook; a link to a notebook that does
not exist fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from support.paths import NOTEBOOKS, REPOSITORY, all_notebooks

NOTEBOOK_PATHS = all_notebooks()
START_PAGE = NOTEBOOKS / "00-start-here.ipynb"
SERIES = {
    "Core series": range(1, 6),
    "Going further": range(6, 21),
    "Alembic in your own project": range(21, 27),
    "Beyond tables": range(27, 32),
}
# [NN · text](path/NN-name.ipynb#anchor): the number, the text, the path before the file name, the file name.
TITLED_LINK = re.compile(r"\[(\d\d) · ([^\]]*)\]\(((?:[^)\s]*/)?)(\d\d-[a-z0-9-]+\.ipynb)(?:#[^)]*)?\)")
# Any link to a notebook, whatever its text.
NOTEBOOK_LINK = re.compile(r"\]\(([^)\s]*?\d\d-[a-z0-9-]+\.ipynb)(?:#[^)]*)?\)")
# "06 · Go back ...", linked or not; not the series line's "notebook 10 · [Start page]".
MENTION = re.compile(r"(?<!notebook )\b(\d\d) · ")
SERIES_LINE = re.compile(
    r"^\*(?P<series>[^,*]+), (?:notebook (?P<number>\d+)(?: of \d+)?|the capstone)"
    r" · \[Start page\]\(00-start-here\.ipynb\)(?: · Previous: \[[^\]]*\]\((?P<previous>[^)]*)\))?\*$",
    re.MULTILINE,
)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def markdown(path: Path) -> str:
    """The text a reader sees in ``path``: a notebook's Markdown cells, or the whole file."""
    if path.suffix == ".ipynb":
        return "\n\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def title(path: Path) -> str:
    first = read(path).cells[0]
    heading = first.source.splitlines()[0] if first.source else ""
    assert first.cell_type == "markdown" and heading.startswith("# "), f"{path.name}: the first line is not `# Title`"
    return heading[2:].strip()


TITLES = {path.name: title(path) for path in NOTEBOOK_PATHS}
BY_NUMBER = {name[:2]: name for name in TITLES}
TEACHING = sorted(
    path for path in (REPOSITORY / "teaching").rglob("*")
    if path.is_file() and "node_modules" not in path.parts and path.suffix in {".md", ".html", ".ipynb", ".j2"}
)
DOCUMENTS = [*NOTEBOOK_PATHS, REPOSITORY / "README.md", REPOSITORY / "TEACHING.md", *TEACHING]
TEXTS = {path: markdown(path) for path in DOCUMENTS}
if not any(TITLED_LINK.search(text) for text in TEXTS.values()):
    raise AssertionError("No link of the form [NN · title](NN-....ipynb) anywhere: the test would check nothing")


def shown(path: Path) -> str:
    return str(path.relative_to(REPOSITORY))


def target(document: Path, link: str) -> Path:
    """The file a relative link in ``document`` leads to."""
    return (document.parent / link).resolve()


def test_the_test_finds_notebooks_titles_and_links():
    assert len(NOTEBOOK_PATHS) >= 2 and START_PAGE in NOTEBOOK_PATHS, [path.name for path in NOTEBOOK_PATHS]
    assert len(set(BY_NUMBER)) == len(TITLES), f"two notebooks share a number: {sorted(TITLES)}"
    assert all(TITLES.values())
    links = sum(len(TITLED_LINK.findall(text)) for text in TEXTS.values())
    assert links >= len(NOTEBOOK_PATHS), f"only {links} links of the form [NN · title](...) in {len(DOCUMENTS)} files"


@pytest.mark.parametrize("document", DOCUMENTS, ids=[shown(path) for path in DOCUMENTS])
def test_every_link_to_a_notebook_leads_to_one(document):
    text = TEXTS[document]
    dangling = [link for link in NOTEBOOK_LINK.findall(text) if not target(document, link).is_file()]
    assert not dangling, f"{shown(document)} links to notebooks that do not exist: {dangling}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=[shown(path) for path in DOCUMENTS])
def test_every_link_and_mention_names_the_notebook_by_its_title(document):
    text = TEXTS[document]
    wrong = []
    for number, said, folder, name in TITLED_LINK.findall(text):  # the link's text is the title, exactly
        where = target(document, folder + name)
        if where.parent != NOTEBOOKS.resolve() or not where.is_file():
            wrong.append(f"[{number} · {said}]({folder}{name}): no such notebook")
        elif number != name[:2]:
            wrong.append(f"[{number} · {said}]({folder}{name}): the number is not the notebook's")
        elif said != TITLES[name]:
            wrong.append(f"[{number} · {said}]({folder}{name}): its title is {TITLES[name]!r}")
    linked = {link.start() + 1 for link in TITLED_LINK.finditer(text)}
    for mention in MENTION.finditer(text):  # a plain "NN · " starts with the title
        if mention.start() in linked:
            continue
        number, after = mention.group(1), text[mention.end():]
        if number not in BY_NUMBER:
            wrong.append(f"{number} · {after[:40]!r}...: there is no notebook {number}")
            continue
        expected = TITLES[BY_NUMBER[number]]
        if not re.match(re.escape(expected) + r"(?!\w)", after):
            wrong.append(f"{number} · {after[:len(expected) + 10]!r}...: its title is {expected!r}")
    assert not wrong, f"{shown(document)} names notebooks by other titles:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS[1:], ids=[path.name for path in NOTEBOOK_PATHS[1:]])
def test_the_series_line_names_the_notebooks_series(path):
    number = int(path.name[:2])
    line = SERIES_LINE.search(read(path).cells[0].source)
    assert line, f"{path.name}: no line `*<series>, notebook {number} · [Start page](00-start-here.ipynb) · Previous: ...*`"
    expected = next((series for series, numbers in SERIES.items() if number in numbers), None)
    assert line["series"] == expected, f"{path.name}: the series is {line['series']!r}, not {expected!r}"
    if line["number"] is not None:
        assert int(line["number"]) == number, f"{path.name}: the series line says notebook {line['number']}"
    if number == 1:
        assert line["previous"] is None, f"{path.name}: the first notebook has no previous one"
    else:
        assert line["previous"] and line["previous"].startswith(f"{number - 1:02d}-"), (
            f"{path.name}: `Previous:` should link to notebook {number - 1:02d}, not {line['previous']}"
        )


def listed(text: str) -> list[str]:
    return [name for _, _, _, name in TITLED_LINK.findall(text)]


def test_the_readme_table_lists_every_notebook_in_order():
    readme = TEXTS[REPOSITORY / "README.md"]
    assert "\n## The notebooks\n" in readme
    table = readme.split("\n## The notebooks\n", 1)[1].split("\n## ", 1)[0]
    names = listed(table)
    assert names == sorted(names), f"the README's table is out of order: {names}"
    assert sorted(set(names)) == sorted(TITLES), (
        f"the README's table lacks {sorted(set(TITLES) - set(names))} and lists {sorted(set(names) - set(TITLES))}"
    )


def test_the_start_page_lists_every_notebook_in_order():
    section = next(cell.source for cell in read(START_PAGE).cells if cell.source.startswith("## The notebooks"))
    names = listed(section)
    others = sorted(set(TITLES) - {START_PAGE.name})
    assert names == sorted(names), f"the start page's list is out of order: {names}"
    assert sorted(set(names)) == others, (
        f"the start page's list lacks {sorted(set(others) - set(names))} and lists {sorted(set(names) - set(others))}"
    )
