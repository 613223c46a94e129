"""Layers point one way (DESIGN): doors -> pipeline, workers, deck -> store, render, problems
-> recording, plane, events -> the option table -> errors. The import graph of viz/ (imports
inside functions counted, not those under TYPE_CHECKING) has no cycle and no import upward,
and every function-level import defers a heavy dependency and says why on its line."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "viz"
LAYERS = {  # module (or package prefix) -> layer; higher imports lower, never the reverse
    "viz": 6, "viz.__main__": 6, "viz.cli": 6, "viz.api": 6,
    "viz.pipeline": 5, "viz.checks": 5, "viz.workers": 5, "viz.executors": 5, "viz.deck": 5,
    "viz.store": 4, "viz.render": 4, "viz.problems": 4, "viz.record": 4, "viz.scene": 4, "viz.surfaces": 4,
    "viz.tune": 4,
    "viz.recording": 3, "viz.plane": 3, "viz.events": 3, "viz.sharpness": 3, "viz.line": 3, "viz.optimizers": 3,
    "viz.varied": 3, "viz.divergence": 3, "viz.spread": 3, "viz.words": 3, "viz.sweep": 3,
    "viz.options": 2, "viz.choices": 2, "viz.settings": 2,
    "viz.errors": 1, "viz.version": 1, "viz.backend": 1, "viz.signals": 1, "viz.store.atomic": 1,  # utilities every layer uses
}
APART = [("viz.store", "viz.render"), ("viz.store", "viz.problems"), ("viz.problems", "viz.render"),
         ("viz.render", "viz.problems")]  # the same layer, but never importing each other
HEAVY = ("tensorflow", "keras", "matplotlib", "mpl_toolkits", "numpy", "PIL", "imageio_ffmpeg", "pptx", "ray")


def modules():
    """{module name: path} of viz/."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name, path, known):
    """(imported module, line, inside a function, the line's text) for every import of ``name``."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    lines = path.read_text().splitlines()
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - child.level + 1] + [base][:bool(base)])
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in child.names]
            else:
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
                continue
            found.extend((target, child.lineno, in_function, lines[child.lineno - 1]) for target in targets)

    visit(tree, False)
    return found


def layer(name):
    while name not in LAYERS:
        name = name.rsplit(".", 1)[0]
    return LAYERS[name]


def graph():
    known = modules()
    edges = {}
    for name, path in known.items():
        for target, *_ in imports(name, path, known):
            if target.split(".")[0] == "viz":
                while target not in known:
                    target = target.rsplit(".", 1)[0]
                if target != name:
                    edges.setdefault(name, set()).add(target)
    return known, edges


def test_no_import_cycles():
    known, edges = graph()
    state = {}

    def cycle_from(node, trail):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state and (found := cycle_from(nxt, trail + [nxt])):
                return found
        state[node] = "done"
        return None

    for name in sorted(known):
        if name not in state:
            assert cycle_from(name, [name]) is None, cycle_from(name, [name])


def test_layers_point_one_way():
    known, edges = graph()
    upward = [(source, target) for source, targets in edges.items() for target in targets
              if target != "viz" and layer(target) > layer(source)]
    assert upward == []
    across = [(source, target) for source, targets in edges.items() for target in targets
              for low, high in APART if source.startswith(low) and target.startswith(high)
              and layer(target) == layer(source)]
    assert across == []


def heavy_loads(known):
    """{viz module: the heavy dependencies (:data:`HEAVY`) importing it loads}, through its top-level
    imports and its packages' ``__init__``."""
    top = {}
    for name, path in known.items():
        parts = name.split(".")
        top[name] = [target for target, _, in_function, _ in imports(name, path, known) if not in_function]
        top[name] += [".".join(parts[:end]) for end in range(1, len(parts))]  # its packages run first
    loads = {name: {t.split(".")[0] for t in targets if t.split(".")[0] in HEAVY} for name, targets in top.items()}
    changed = True
    while changed:
        changed = False
        for name, targets in top.items():
            more = set().union(*(loads.get(t, set()) for t in targets)) - loads[name]
            if more:
                loads[name] |= more
                changed = True
    return loads


def test_function_level_imports_defer_a_heavy_dependency_and_say_so():
    known = modules()
    loads = heavy_loads(known)
    wrong = []
    for name, path in known.items():
        for target, line, in_function, text in imports(name, path, known):
            deferred = ({target.split(".")[0]} & set(HEAVY)) | loads.get(target, set())
            if in_function and (not deferred - loads[name] or "#" not in text):
                wrong.append(f"{name}:{line}: {text.strip()}  (defers {sorted(deferred - loads[name])})")
    assert wrong == []


def test_small_pieces():
    """No module of viz/ over 400 lines, nor the command-line package as a whole (DESIGN:
    small plain modules, a thin door)."""
    lengths = {name: len(path.read_text().splitlines()) for name, path in modules().items()}
    assert {name: count for name, count in lengths.items() if count > 400} == {}
    assert sum(count for name, count in lengths.items() if name == "viz.cli" or name.startswith("viz.cli.")) <= 400
