"""The Jinja environment every template runs in, and what a failing template says.

Templates are looked up in the handbook's ``templates/`` folder first, then in sopkit's
own; ``sopkit/NAME`` always names sopkit's own, so a handbook template can extend it and
replace one block. The filters are :mod:`sopkit.publish.markdown`'s.

Every template runs in Jinja's sandbox (:class:`_Sandbox`): a handbook template is code
from the handbook's repository, run by whoever builds the site, so it may read what it is
given and call the helpers, and nothing else. A template that cannot be rendered (its
syntax, a misspelt name, something the sandbox forbids, a missing template, a filter given
the wrong thing) is a :class:`TemplateProblem` (:func:`template_problem`): one line naming
the template file and line.
"""

from __future__ import annotations

import functools
import os
import re
import string
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.runtime import Context, Macro

from sopkit.check.discover import Boundary, display_name
from sopkit.config import Config
from sopkit.format.packaged import data_folder
from sopkit.format.terminal import single_spaced, visible
from sopkit.publish.markdown import FILTERS
from sopkit.publish.printing import html_inline

__all__ = ["TemplateProblem", "environment", "package_templates", "template_problem"]


def package_templates() -> Path:
    """sopkit's own templates: inside the installed package, or the source checkout's."""
    return data_folder("templates")


class TemplateProblem(Exception):
    """A template of the handbook cannot be rendered. The message is one line,
    ``FILE:LINE: what is wrong; what to do``: a problem of the handbook's set-up (exit 2),
    not of sopkit."""


def environment(config: Config) -> jinja2.Environment:
    """The Jinja environment, sandboxed: the handbook's templates first, then sopkit's."""
    own = jinja2.FileSystemLoader(str(package_templates()))
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"sopkit": own}),
        _HandbookLoader(str(config.templates), Boundary(config.root, config.procedures)),
        own,
    ])
    env = _Sandbox(
        loader=loader,
        autoescape=False,  # the output is Markdown; the filters escape user values
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update({name: _memoized(function) for name, function in FILTERS.items()})
    env.filters["html_inline"] = _memoized(html_inline)  # sopkit.publish.printing
    return env


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's sandbox, for sopkit's templates and the handbook's alike.

    Templates read attributes and call what they are given; names starting with ``_``
    (``__class__``, ``__globals__``, a bound method's ``__self__``), Python's internals and
    the methods that change a list, dict or set are refused with a SecurityError, and
    ``str.format`` and ``range`` are the sandbox's safe ones. Jinja asks the same questions
    on every attribute a page reads; the answers depend only on the type of the object and
    the name (for a method, on its function), so they are remembered for the environment's
    life: the sandbox then costs little more than no sandbox.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe_attributes: dict[tuple[type, str], bool] = {}
        self._safe_functions: dict[Any, bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            safe = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self._safe_attributes.get((type(obj), attribute)):
            # Known to be safe: what Jinja's sandbox would return, without asking again.
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                pass
            else:
                if type(value) in _METHODS:  # a string's format method is wrapped
                    return self.wrap_str_format(value) or value
                return value
        return super().getattr(obj, attribute)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if (type(value) is types.BuiltinMethodType and value.__name__ == "format"
                and type(value.__self__) is str and _plain_format(value.__self__)):
            return value  # reads no attribute or item: as the sandbox's formatter would
        return super().wrap_str_format(value)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        kind = type(obj)
        # A template's own macro (templates cannot mark it unsafe), or a method already
        # found safe (a model's, the renderer's helpers): called without asking again.
        if kind is Macro or (kind is types.MethodType
                             and self._safe_functions.get(obj.__func__)):
            return context.call(obj, *args, **kwargs)
        return super().call(context, obj, *args, **kwargs)

    def is_safe_callable(self, obj: Any) -> bool:
        if type(obj) is types.MethodType:  # its verdict is its function's: asked once
            function = obj.__func__
            safe = self._safe_functions.get(function)
            if safe is None:
                safe = self._safe_functions[function] = super().is_safe_callable(obj)
            return safe
        return super().is_safe_callable(obj)


_METHODS = (types.MethodType, types.BuiltinMethodType)
"""The types of what :meth:`_Sandbox.wrap_str_format` may wrap (neither can be subclassed)."""

_FIELD_NAME = re.compile(r"\w*")


@functools.lru_cache(maxsize=1024)
def _plain_format(text: str) -> bool:
    """Whether the format string ``text`` names its fields only (``{n}``, ``{label}``,
    ``{0:>3}``): no attribute, item or nested field for the sandbox's formatter to check.
    Labels are such strings, and they are formatted on every page."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return False
    return all(name is None or (_FIELD_NAME.fullmatch(name) is not None
                                and "{" not in (spec or ""))
               for _, name, spec, _ in parts)


class _HandbookLoader(jinja2.FileSystemLoader):
    """The handbook's templates folder; a template that cannot be read is a TemplateProblem
    naming the file (Jinja would say neither which file nor why)."""

    def __init__(self, folder: str, boundary: Boundary) -> None:
        super().__init__(folder)
        self.boundary = boundary

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            found = super().get_source(environment, template)
        except jinja2.TemplateNotFound:  # an OSError too: the next folder is asked
            raise
        except (OSError, UnicodeDecodeError) as error:
            path = Path(self.searchpath[0], *jinja2.loaders.split_template_path(template))
            reason = (f"it is not UTF-8 text ({error.reason} at byte {error.start})"
                      if isinstance(error, UnicodeDecodeError)
                      else error.strerror or str(error))
            raise TemplateProblem(
                f"{_visible_single_spaced(display_name(path))}: cannot read this template: "
                f"{_visible_single_spaced(reason)}; "
                "save it as UTF-8 text that the build can read") from None
        if self.boundary.leaves(found[1]):
            # The one link policy (sopkit.check.discover): what lies outside is not read, so a
            # template cannot publish a file of the machine that builds the site.
            raise TemplateProblem(
                f"{_visible_single_spaced(display_name(Path(found[1])))}: this template is a "
                "link (or is reached through a link) to a file outside the handbook; sopkit does "
                "not read it: copy the template into the templates folder in place of the link")
        return found


def template_problem(error: Exception, config: Config,
                     template: str) -> TemplateProblem | None:
    """``error``, raised while rendering the page template ``template``, as a problem of
    the handbook's templates; None when it is a bug in sopkit (no handbook template took
    part and Jinja did not raise it)."""
    if isinstance(error, TemplateProblem):
        return error
    handbook = os.path.join(os.path.normpath(str(config.templates)), "")
    own = os.path.join(os.path.normpath(str(package_templates())), "")
    if isinstance(error, jinja2.TemplateSyntaxError):
        frames = [(os.path.normpath(error.filename or template), error.lineno)]
    else:
        # Jinja rewrites the traceback: a template's code shows as a frame of its file.
        frames = [(frame.filename, frame.lineno or 0)
                  for frame in traceback.extract_tb(error.__traceback__)
                  if frame.filename.startswith((handbook, own))]
    mine = [frame for frame in frames if frame[0].startswith(handbook)]
    if not mine and not isinstance(error, jinja2.TemplateError):
        return None

    def where(filename: str, line: int) -> str:
        name = (display_name(Path(filename)) if filename.startswith(handbook) or
                not filename.startswith(own)
                else "sopkit/" + Path(filename[len(own):]).as_posix())
        return f"{name}:{line}" if line else name

    if frames:
        location = where(*(mine or frames)[-1])
        if mine and frames[-1] != mine[-1]:  # it failed inside sopkit's template
            location += f" (in {where(*frames[-1])})"
    else:
        location = template
    what, to_do = _explained(error, config)
    return TemplateProblem(f"{_visible_single_spaced(location)}: "
                           f"{_visible_single_spaced(what).rstrip('.')}; {to_do}")


def _explained(error: Exception, config: Config) -> tuple[str, str]:
    """What went wrong in a template, and what to do about it."""
    names = "use only the names docs/templates.md lists for this page, spelt as there"
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"syntax error: {error.message}", "fix the template (docs/templates.md)"
    if isinstance(error, jinja2.exceptions.SecurityError):
        return (f"not allowed in a template: {error.message}",
                "a template may read the values it is given and call the helpers "
                "docs/templates.md lists, nothing else")
    if isinstance(error, jinja2.UndefinedError):
        return f"{error.message}", names
    if isinstance(error, jinja2.TemplatesNotFound | jinja2.TemplateNotFound):
        return (f"no template named {error.name!r}",
                f"add it to {display_name(config.templates)}/ or fix the name (sopkit's own "
                "templates are named sopkit/NAME)")
    if isinstance(error, jinja2.TemplateError):
        return f"{error.message}", "fix the template (docs/templates.md)"
    if isinstance(error, RecursionError):
        return ("the template includes, imports or calls itself without end",
                "break the cycle")
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0]), names
    return (f"{type(error).__name__}: {error}",
            "check what the template gives to this filter or helper (docs/templates.md)")


def _visible_single_spaced(text: str) -> str:
    """``text`` on one line, white space runs as one space, control and bidi characters
    as escapes (sopkit.format.terminal's policy for whatever reaches a terminal)."""
    return visible(single_spaced(text))


def _memoized(function: Callable[..., str]) -> Callable[..., str]:
    """``function`` (a pure filter) remembering its results for text and numbers.

    A large handbook prints the same titles and names on many pages (every role link,
    every procedure table); each is escaped once. The cache lives as long as the
    environment, that is one rendering of the handbook.
    """
    cache: dict[tuple[Any, ...], str] = {}

    @functools.wraps(function)
    def filtered(value: object, *args: Any, **kwargs: Any) -> str:
        if type(value) not in (str, int) or kwargs or any(
                type(arg) not in (str, int, bool) for arg in args):
            return function(value, *args, **kwargs)
        key = (type(value), value, *args)
        result = cache.get(key)
        if result is None:
            result = cache[key] = function(value, *args)
        return result

    return filtered
