"""What every notebook must be: runnable on a learner's machine, checked strictly, easy to follow."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from support import project_health
from support.paths import NOTEBOOKS, REPOSITORY, all_notebooks

NOTEBOOK_PATHS = all_notebooks()
MACHINE_PATH = re.compile(r"(/root/|/tmp/|/work/|/home/|/Users/|/private/var/|[A-Z]:\\\\)")
LINK = re.compile(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"")
OPENING = ("## What you'll do", "## What you'll learn", "## What you'll need")
ANNOUNCEMENT = re.compile(r"fail|error|refuse|exception|break", re.IGNORECASE)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def ids(paths):
    return [path.name for path in paths]


def test_the_suite_finds_notebooks():
    assert len(NOTEBOOK_PATHS) >= 5
    assert NOTEBOOK_PATHS[0].name.startswith("00-")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_kernel_is_python3(path):
    assert read(path).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_outputs_come_from_one_run_top_to_bottom(path):
    counts = [cell.execution_count for cell in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; run `python tools/execute_notebooks.py {path.relative_to(REPOSITORY)}`"
    )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_no_path_of_this_machine_in_outputs(path):
    for number, cell in enumerate(code_cells(read(path)), 1):
        text = str(cell.outputs)
        assert not MACHINE_PATH.search(text), f"{path.name}, code cell {number}: an absolute path in its output"
        assert str(REPOSITORY) not in text


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_errors_and_stderr_only_where_announced(path):
    notebook = read(path)
    previous_markdown = ""
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            previous_markdown = cell.source
            continue
        outputs = cell.get("outputs", [])
        has_error = any(output.output_type == "error" for output in outputs)
        has_stderr = any(output.get("name") == "stderr" for output in outputs)
        if "raises-exception" in tags(cell):
            assert has_error, f"{path.name}, cell {number}: tagged raises-exception but raised nothing"
            assert ANNOUNCEMENT.search(previous_markdown), (
                f"{path.name}, cell {number}: the Markdown above a failing cell must announce the failure"
            )
        else:
            assert not has_error, f"{path.name}, cell {number}: an error in a cell not tagged raises-exception"
            assert not has_stderr, f"{path.name}, cell {number}: stderr output (shown in red) in a cell that should not fail"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_skipped_or_unchecked_cells_say_why(path):
    for number, cell in enumerate(read(path).cells):
        for tag in ("nbval-ignore-output", "nbval-skip"):
            if tag in tags(cell):
                assert re.search(rf"#.*{tag}\S*:? \w+", cell.source), (
                    f"{path.name}, cell {number}: tagged {tag}; say why in a comment: `# {tag}: <reason>`"
                )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_opens_and_closes_with_the_usual_sections(path):
    notebook = read(path)
    first_code = next(index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    opening = "\n".join(cell.source for cell in notebook.cells[:first_code])
    assert notebook.cells[0].source.startswith("# "), f"{path.name}: the first cell is the title"
    for heading in OPENING:
        assert heading in opening, f"{path.name}: the opening lacks `{heading}`"
    closing = notebook.cells[-1]
    assert closing.cell_type == "markdown" and "## Summary" in closing.source and "## Next" in closing.source


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=ids(NOTEBOOK_PATHS))
def test_next_links_to_the_following_notebook(path):
    following = NOTEBOOK_PATHS[NOTEBOOK_PATHS.index(path) + 1 :]
    expected = following[0].name if following else NOTEBOOK_PATHS[0].name
    next_section = read(path).cells[-1].source.split("## Next", 1)[1]
    assert f"]({expected})" in next_section, f"{path.name}: `## Next` should link to {expected}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS[1:], ids=ids(NOTEBOOK_PATHS[1:]))
def test_first_code_cell_starts_the_notebooks_own_project(path):
    first = code_cells(read(path))[0].source
    assert "import tutorial" in first
    assert f'tutorial.start("{path.stem}"' in first, f"{path.name}: its project folder must be named after it"


def test_start_page_links_to_every_notebook():
    start_page = "\n".join(cell.source for cell in read(NOTEBOOK_PATHS[0]).cells)
    for path in NOTEBOOK_PATHS[1:]:
        assert f"]({path.name})" in start_page, f"the start page does not link to {path.name}"


def markdown_links(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        text = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return [first or second for first, second in LINK.findall(text)]


DOCUMENTS = NOTEBOOK_PATHS + [REPOSITORY / "README.md", REPOSITORY / "TEACHING.md", REPOSITORY / "workspace" / "README.md"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=ids(DOCUMENTS))
def test_relative_links_resolve(path):
    for link in markdown_links(path):
        if re.match(r"^[a-z]+:|^#", link):
            continue
        target = (path.parent / link.split("#")[0]).resolve()
        assert target.exists(), f"{path.relative_to(REPOSITORY)}: the link {link} leads nowhere"


@pytest.mark.parametrize("stem", [stem for stem, (_, said) in project_health.ENDS_UNHEALTHY.items() if said])
def test_a_notebook_that_ends_with_an_unhealthy_project_says_so_in_its_last_section(stem):
    notebook = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    _, said = project_health.ENDS_UNHEALTHY[stem]
    last_section = "\n".join(cell.source for cell in notebook.cells[-3:] if cell.cell_type == "markdown")
    assert said in last_section, f"the last section of {stem} must say that its project ends so"
