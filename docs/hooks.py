"""Build-time helpers of the docs site (mkdocs.yml names this file twice).

- MkDocs hooks: ``<!-- surfaces-table -->`` and ``<!-- render-options-table -->`` in a page are
  replaced by tables generated from ``viz.surfaces`` and the option table (``viz.options``), so they
  cannot drift from the code. Nothing here trains or renders.
- The command-line page: placeholders such as ``<file>`` in click's help texts are shown as
  text, not dropped as unknown HTML tags.
- ``SphinxRoles``, a griffe extension for mkdocstrings: the code's docstrings write
  ``:func:`~viz.api.render``` (as Sphinx does); on the site that becomes ``render`` in code.
- ``OptionArgs``, another: the doors' (``viz.render``, ``show``, ``slides``, ``course``)
  option keywords listed under their ``Args:`` from the option table, as ``help()`` has them.
"""

import ast
import inspect
import re
import textwrap

from griffe import Extension

ROLE = re.compile(r":(?:func|class|meth|mod|data|attr|exc|obj):`~?([^`]+)`")


class SphinxRoles(Extension):
    """Turn Sphinx roles in docstrings into Markdown code."""

    def on_object(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(lambda match: f"`{match.group(1).split('.')[-1]}`", obj.docstring.value)


DOORS = {"viz.api.render": "render", "viz.api.show": "show", "viz.api.slides": "slides", "viz.api.course": "slides",
         "viz.api.explore": "explore"}


class OptionArgs(Extension):
    """The doors' option keywords under their ``Args:``, written from the option table as
    ``help()`` shows them (:func:`viz.options.documented`): one source of their help."""

    def on_object(self, *, obj, **kwargs):
        if obj.path in DOORS and obj.docstring is not None:
            from viz.options import documented

            obj.docstring.value = documented(obj.docstring.value, DOORS[obj.path])


def _points(points):
    return ", ".join(f"({x:.4g}, {y:.4g})" for x, y in points)


def _formula(fn):
    """The body of a surface function as one line of code (its statements joined by ``;``)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0].body
    lines = [ast.unparse(node) for node in body if not (isinstance(node, ast.Assign) and "_ops()" in ast.unparse(node))]
    return "; ".join(lines).removeprefix("return ").replace("; return ", "; then ")


def surfaces_table():
    """The Markdown table of every surface in ``viz.surfaces``."""
    from viz import surfaces

    rows = ["| name | f(x, y) | domain | global minima | default start, other starts | contours |",
            "|---|---|---|---|---|---|"]
    for name in surfaces.NAMES:
        surface = surfaces.get(name)
        (x0, x1), (y0, y1) = surface.domain
        value = f" = {surface.minimum_value:.6g}" if surface.minimum_value is not None else ""
        minima = f"{_points(surface.minima)}{value}" if surface.minima else "none (unbounded below)"
        others = _points(surface.suggested_starts[1:])
        rows.append(f"| `{name}` | `{_formula(surface.fn)}` | x [{x0:g}, {x1:g}], y [{y0:g}, {y1:g}] | {minima} | "
                    f"{_points(surface.starts)}{'; ' + others if others else ''} | {surface.levels} |")
    return "\n".join(rows)


def render_options_table():
    """The Markdown tables of every option of the table (:data:`viz.options.TABLE`), by help
    group: flag, Python keyword, default, the doors that take it, help."""
    from viz.options import GROUPS, TABLE

    parts = []
    for group in GROUPS:
        rows = []
        for option in (row for row in TABLE if row.group == group):
            flags = ", ".join(f"`{flag}`" for flag in option.spelled)
            off = option.switch and option.spelled[-1].startswith("--no-")
            python = f"`{option.name}=False`" if off else f"`{option.name}`"
            default = "" if option.default is None or option.switch else f"`{option.default}`"
            choices = f" One of {', '.join(f'`{c}`' for c in option.choices)}." if option.choices else ""
            doors = ", ".join(option.doors) + ("; records again" if option.records else "")
            text = (option.help + choices).replace("|", "\\|")
            rows.append(f"| {flags} | {python} | {default} | {doors} | {text} |")
        parts += [f"**{group}**", "", "| flag | Python keyword | default | doors | what it does |",
                  "|---|---|---|---|---|", *rows, ""]
    return "\n".join(parts)


GENERATED = {"<!-- surfaces-table -->": surfaces_table, "<!-- render-options-table -->": render_options_table}


def on_page_markdown(markdown, page, config, files):
    for marker, table in GENERATED.items():
        if marker in markdown:
            markdown = markdown.replace(marker, table())
    return markdown


PLACEHOLDER = re.compile(r"<(file|scene|name|output|format)>")


def on_page_content(html, page, config, files):
    """The click help texts write placeholders as ``<file>``; in the generated command-line page
    they are text, not HTML tags."""
    if page.file.src_uri == "reference/cli.md":
        html = PLACEHOLDER.sub(r"&lt;\1&gt;", html)
    return html
