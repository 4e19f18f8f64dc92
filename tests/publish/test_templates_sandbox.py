"""Handbook templates run in Jinja's sandbox; a template that fails is one line naming it.

A handbook's templates are code from its repository, run by whoever builds the site (a
CI job with secrets, a writer's laptop). They may read the values they are given and call
the helpers, nothing else; what they may not do, and every other way a template can fail,
is reported as the handbook's problem: ``templates/NAME:LINE: what; what to do``, exit 2,
from `sopkit render`, `sopkit build` and the MkDocs plugin alike.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Any

import jinja2.sandbox
import pytest
from click.testing import CliRunner, Result
from conftest import TESTS
from helpers.site_builds import mkdocs_build
from mkdocs.exceptions import Abort

from sopkit.cli.main import main
from sopkit.config import build_config
from sopkit.format.load import Document, load_file
from sopkit.publish.render import render_handbook
from sopkit.publish.templating import TemplateProblem, environment

DATA = TESTS / "data" / "render" / "en"
TODAY = "2026-06-01"  # no review is due: the handbook has no warning

REFUSED = "; a template may read the values it is given and call the helpers " \
          "docs/templates.md lists, nothing else"


def _handbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str | bytes,
              name: str = "tags.md.j2") -> Path:
    """The test handbook with ``template`` as its templates/NAME, as the current folder."""
    root = tmp_path / "handbook"
    shutil.copytree(DATA, root)
    for copied in root.rglob("*.yml"):  # the schema comments point into the repository
        lines = copied.read_text(encoding="utf-8").splitlines(keepends=True)
        copied.write_text("".join(line for line in lines if "$schema=" not in line),
                          encoding="utf-8")
    (root / "templates").mkdir()
    path = root / "templates" / name
    if isinstance(template, bytes):
        path.write_bytes(template)
    else:
        path.write_text(template, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _render(root: Path) -> None:
    procedures = []
    for path in sorted((root / "procedures").rglob("*.yml")):
        document = load_file(path, path.relative_to(root).as_posix())
        assert isinstance(document, Document)
        procedures.append(document)
    organization = load_file(root / "organization.yml")
    assert isinstance(organization, Document)
    render_handbook(build_config(root, {"today": TODAY}), procedures, organization)


def _problem(root: Path) -> str:
    with pytest.raises(TemplateProblem) as raised:
        _render(root)
    message = str(raised.value)
    assert "\n" not in message
    return message


# -- the sandbox ------------------------------------------------------------------------------

ESCAPES = [
    # The issue's: a shell command run during the build.
    ('{{ cycler.__init__.__globals__.os.popen("touch MARKER").read() }}',
     "access to attribute '__init__' of 'type' object is unsafe"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
     "access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ self.__init__.__globals__ }}",
     "access to attribute '__init__' of 'TemplateReference' object is unsafe"),
    ('{{ lipsum.__globals__.os.popen("touch MARKER").read() }}',
     "access to attribute '__globals__' of 'function' object is unsafe"),
    ('{{ joiner.__init__.__globals__.os.popen("touch MARKER").read() }}',
     "access to attribute '__init__' of 'type' object is unsafe"),
    # Walking from a helper to the renderer and its configuration.
    ("{{ procedure_path.__self__.config.root }}",
     "access to attribute '__self__' of 'method' object is unsafe"),
    ("{{ href.__globals__ }}", "access to attribute '__globals__' of 'function' object is unsafe"),
    ("{{ handbook.procedure.__func__.__globals__ }}",
     "access to attribute '__func__' of 'method' object is unsafe"),
    ("{{ handbook.procedures.__class__ }}",
     "access to attribute '__class__' of 'tuple' object is unsafe"),
    ("{{ labels._labels }}", "access to attribute '_labels' of 'Labels' object is unsafe"),
    # str.format reaching attributes by its own syntax.
    ("{{ '{0.__class__.__mro__}'.format(handbook) }}",
     "access to attribute '__class__' of 'Handbook' object is unsafe"),
    # Changing what other pages are given.
    ("{% set tags = handbook.tags|list %}{{ tags.append(1) }}",
     "access to attribute 'append' of 'list' object is unsafe"),
]


@pytest.mark.parametrize(("expression", "refused"), ESCAPES)
def test_the_sandbox_refuses_what_a_template_may_not_reach(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expression: str, refused: str) -> None:
    marker = tmp_path / "ran"
    root = _handbook(tmp_path, monkeypatch,
                     "# Tags\n\n" + expression.replace("MARKER", str(marker)) + "\n")
    assert _problem(root) == (
        f"templates/tags.md.j2:3: not allowed in a template: {refused}{REFUSED}")
    assert not marker.exists()


def test_every_template_runs_in_the_sandbox(tmp_path: Path) -> None:
    env = environment(build_config(tmp_path, {}))
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    # sopkit's own templates too: they are reached by the same environment.
    template = env.from_string("{{ handbook.__class__ }}")
    with pytest.raises(jinja2.sandbox.SecurityError):
        template.render(handbook=object())


class _Thing:
    """An object a template might be given, with a method marked unsafe."""

    def __init__(self) -> None:
        self.items = [1, 2]
        self.text = "{0} and {name}"

    def fine(self) -> str:
        return "fine"

    @jinja2.sandbox.unsafe
    def dangerous(self) -> str:
        return "ran"


@pytest.mark.parametrize("expression", [
    "thing.fine()", "thing.dangerous()", "thing.items", "thing.items.append(3)",
    "thing.items.index(2)", "thing.text.format(1, name='x')", "'{0.items}'.format(thing)",
    "'{0[0]}'.format(thing.items)", "'{:{}}'.format(1, 3)", "thing.__class__",
    "thing._Thing__secret", "thing.text.format_map({'name': 1})", "m()",
])
def test_remembered_verdicts_are_the_sandboxs(tmp_path: Path, expression: str) -> None:
    # sopkit's sandbox remembers what it found safe; asked again, it must answer as
    # Jinja's own sandbox does.
    def outcome(env: jinja2.Environment) -> list[str]:
        template = env.from_string(
            "{% macro m() %}macro{% endmacro %}{{ " + expression + " }}")
        results = []
        for _ in range(2):  # the second time from what was remembered
            try:
                results.append(template.render(thing=_Thing()))
            except Exception as error:  # the kind of error is what is compared
                results.append(type(error).__name__)
        return results

    ours = outcome(environment(build_config(tmp_path, {})))
    jinjas = outcome(jinja2.sandbox.ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined))
    assert ours == jinjas


def test_the_sandbox_keeps_what_templates_are_given(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Model values, their methods and properties, the helpers, the filters, str.format,
    # macros and namespaces work as before (the golden pages check sopkit's own).
    root = _handbook(tmp_path, monkeypatch, (
        "{% import '_macros.md.j2' as m with context %}"
        "{% set ns = namespace(n=0) %}"
        "{% for p in handbook.procedures %}{% set ns.n = ns.n + p.steps|length %}{% endfor %}"
        "{% set p = handbook.procedure('HR-001') %}"
        "{{ ns.n }} {{ p.raci('hr-manager') }} {{ p.risks[0].level if p.risks else '-' }} "
        "{{ procedure_path(p) }} {{ role_path(p.owner) }} {{ duration(90) }} "
        "{{ labels.parens.format(text='x') }} {{ p.title|md_inline }} "
        "{{ m.procedure_link(p) }}\n"))
    procedures = [load_file(path, path.relative_to(root).as_posix())
                  for path in sorted((root / "procedures").rglob("*.yml"))]
    organization = load_file(root / "organization.yml")
    assert all(isinstance(d, Document) for d in [*procedures, organization])
    site = render_handbook(build_config(root, {"today": TODAY}),
                           procedures, organization)  # type: ignore[arg-type]
    assert site.files["tags.md"] == (
        "6 A/I medium procedures/hr/HR-001.md roles/hr-manager.md 1 h 30 min  (x) "
        "New employee onboarding [HR-001 New employee onboarding](procedures/hr/HR-001.md)\n")


# -- a template that fails: one line ----------------------------------------------------------

PROBLEMS = [
    ("# Tags\n\n{% for x in %}\n",
     "templates/tags.md.j2:3: syntax error: Expected an expression, got 'end of statement "
     "block'; fix the template (docs/templates.md)"),
    ("# Tags\n\n{{ no_such_name }}\n",
     "templates/tags.md.j2:3: 'no_such_name' is undefined; use only the names "
     "docs/templates.md lists for this page, spelt as there"),
    ("# Tags\n\n{{ handbook.no_such_view }}\n",
     "templates/tags.md.j2:3: 'sopkit.model.handbook.Handbook object' has no attribute "
     "'no_such_view'; use only the names docs/templates.md lists for this page, spelt as there"),
    ("# Tags\n\n{% include 'no-such.md.j2' %}\n",
     "templates/tags.md.j2:3: no template named 'no-such.md.j2'; add it to templates/ or fix "
     "the name (sopkit's own templates are named sopkit/NAME)"),
    ("# Tags\n\n{{ 'x'|md_link(1, 2, 3) }}\n",
     "templates/tags.md.j2:3: TypeError: md_link() takes 2 positional arguments but 4 were "
     "given; check what the template gives to this filter or helper (docs/templates.md)"),
    ("# Tags\n\n{{ labels.no_such_label }}\n",
     "templates/tags.md.j2:3: no label 'no_such_label' in language 'en'; use only the names "
     "docs/templates.md lists for this page, spelt as there"),
    ("# Tags\n\n{% include 'tags.md.j2' %}\n",
     "templates/tags.md.j2:3: the template includes, imports or calls itself without end; "
     "break the cycle"),
    # A name with a line break and a terminal escape: one line, the escape shown as such.
    ("# Tags\n\n{% include 'a\\nb\\x1b[2J' %}\n",
     "templates/tags.md.j2:3: no template named 'a\\nb\\x1b[2J'; add it to templates/ or fix "
     "the name (sopkit's own templates are named sopkit/NAME)"),
    (b"# Tags \xff\n",
     "templates/tags.md.j2: cannot read this template: it is not UTF-8 text (invalid start "
     "byte at byte 7); save it as UTF-8 text that the build can read"),
]


@pytest.mark.parametrize(("template", "expected"), PROBLEMS)
def test_a_template_that_fails_is_one_line_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str | bytes,
        expected: str) -> None:
    root = _handbook(tmp_path, monkeypatch, template)
    assert _problem(root) == expected


@pytest.mark.parametrize("how", ["included file", "template", "templates folder"])
def test_a_template_linked_out_of_the_handbook_is_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The one link policy: a template that is a link to a file outside the handbook (or
    sits in a linked folder) is not read, so its content never reaches a page."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md.j2").write_text("SECRET-OF-THE-BUILD-MACHINE\n", encoding="utf-8")
    (outside / "tags.md.j2").write_text("SECRET-OF-THE-BUILD-MACHINE\n", encoding="utf-8")
    if how == "included file":
        root = _handbook(tmp_path, monkeypatch, '# Tags\n{% include "secret.md.j2" %}\n')
        (root / "templates" / "secret.md.j2").symlink_to(outside / "secret.md.j2")
        shown = "templates/secret.md.j2"
    elif how == "template":
        root = _handbook(tmp_path, monkeypatch, "")
        (root / "templates" / "tags.md.j2").unlink()
        (root / "templates" / "tags.md.j2").symlink_to(outside / "tags.md.j2")
        shown = "templates/tags.md.j2"
    else:
        root = _handbook(tmp_path, monkeypatch, "")
        shutil.rmtree(root / "templates")
        (root / "templates").symlink_to(outside, target_is_directory=True)
        shown = "templates/tags.md.j2"
    message = _problem(root)
    assert message.startswith(f"{shown}: this template is a link"), message
    assert "SECRET" not in message


def test_a_failure_inside_sopkits_template_names_the_handbooks_line_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _handbook(tmp_path, monkeypatch, (
        "{% import 'sopkit/_macros.md.j2' as m with context %}\n# Tags\n\n"
        "{{ m.procedure_link(42) }}\n"))
    message = _problem(root)
    assert re.fullmatch(r"templates/tags\.md\.j2:4 \(in sopkit/_macros\.md\.j2:\d+\): "
                        r"AttributeError: 'int' object has no attribute 'id'; .*", message)


def test_an_extended_block_that_fails_names_the_handbooks_template(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _handbook(tmp_path, monkeypatch, (
        '{% extends "sopkit/procedure.md.j2" %}\n'
        "{% block references %}\n{{ procedure.no_such_field }}\n{% endblock %}\n"),
        name="procedure.md.j2")
    assert _problem(root).startswith(
        "templates/procedure.md.j2:3: 'sopkit.model.types.Procedure object' has no attribute "
        "'no_such_field'; ")


def test_a_bug_in_sopkit_is_not_blamed_on_the_handbook(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # An error no handbook template took part in stays what it is (an internal error).
    import sopkit.publish.render

    def broken(minutes: float) -> str:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(sopkit.publish.render.Renderer, "duration",
                        lambda self, minutes: broken(1))
    root = tmp_path / "handbook"
    shutil.copytree(DATA, root)
    with pytest.raises(ZeroDivisionError):
        _render(root)


# -- the commands and the plugin --------------------------------------------------------------

BROKEN = "# Tags\n\n{{ cycler.__init__.__globals__.os.popen('id').read() }}\n"
BROKEN_LINE = ("templates/tags.md.j2:3: not allowed in a template: access to attribute "
               f"'__init__' of 'type' object is unsafe{REFUSED}")


def _sopkit(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--today", TODAY], catch_exceptions=False)


def test_render_says_a_template_problem_in_one_line(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = _handbook(tmp_path, monkeypatch, BROKEN)
    result = _sopkit(root, "render", "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"sopkit: {BROKEN_LINE}\n")
    assert not (tmp_path / "out").exists()


def test_build_says_a_template_problem_in_one_line(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = _handbook(tmp_path, monkeypatch, BROKEN)
    result = _sopkit(root, "build")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"sopkit: {BROKEN_LINE}\n")
    assert not (root / "site").exists()
    assert [path.name for path in root.iterdir() if path.name.startswith(".")] == []


MKDOCS_YML = f"""\
site_name: Handbook
plugins:
  - sopkit:
      today: {TODAY}
"""


@pytest.mark.parametrize("in_a_second_process", [False, True])
def test_the_plugin_raises_a_plugin_error_with_the_same_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any,
        in_a_second_process: bool) -> None:
    import sopkit.publish.lookahead

    started: list[bool] = []
    start_worker = sopkit.publish.lookahead.LazySite.start_worker

    def spied(site: sopkit.publish.lookahead.LazySite) -> bool:
        started.append(start_worker(site))
        return started[-1]

    monkeypatch.setattr(sopkit.publish.lookahead.LazySite, "start_worker", spied)
    if in_a_second_process:  # the pages are rendered ahead by a forked process, if it can
        monkeypatch.setattr(sopkit.publish.lookahead, "PARALLEL_MINIMUM", 0)
    root = _handbook(tmp_path, monkeypatch, BROKEN)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort, match="BuildError"):
        mkdocs_build(root, site=tmp_path / "site")
    assert started == [in_a_second_process and sopkit.publish.lookahead._can_fork()]
    # MkDocs logs the PluginError's message, and nothing else.
    assert [record.getMessage() for record in caplog.records
            if record.levelno >= logging.ERROR] == [BROKEN_LINE]
