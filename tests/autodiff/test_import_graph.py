"""autodiff's imports point one way: avals -> core -> primitives -> staging/jvp/vjp -> codegen -> jit -> numpy/scipy.

The graph is read from the source with `ast` (every import statement, at module level or inside a
function), so an import moved into a function to hide a cycle still counts. A subprocess then
imports every module leaves first with the packages' __init__ files left out, so each module must
work with its own imports alone.
"""
import ast
import os
import subprocess
import sys

import autodiff
from autodiff.codegen import special_kernels

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(autodiff.__file__)))

# (importer prefix, imported prefix) pairs that would point down the layers the wrong way
FORBIDDEN = [("autodiff.avals", "autodiff."), ("autodiff.core", "autodiff.numpy"),
             ("autodiff.core", "autodiff.staging"), ("autodiff.primitives", "autodiff.numpy"),
             ("autodiff.primitives", "autodiff.scipy"), ("autodiff.primitives", "autodiff.jit"),
             ("autodiff.jvp", "autodiff.numpy"), ("autodiff.vjp", "autodiff.numpy"),
             ("autodiff.staging", "autodiff.numpy"), ("autodiff.rules", "autodiff.numpy"),
             ("autodiff.codegen", "autodiff.numpy"), ("autodiff.codegen", "autodiff.jit")]


def _modules():
    mods = {}
    for folder, _, files in os.walk(os.path.join(ROOT, "autodiff")):
        for f in files:
            if f.endswith(".py") and f != "__main__.py":
                rel = os.path.relpath(os.path.join(folder, f), ROOT)[:-3].replace(os.sep, ".")
                mods[rel[:-len(".__init__")] if rel.endswith(".__init__") else rel] = os.path.join(folder, f)
    return mods


def _targets(mods, name, node):
    """The autodiff modules an import statement names (not the parent packages Python also runs)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in mods]
    base = name.split(".") if mods[name].endswith("__init__.py") else name.split(".")[:-1]
    if node.level:
        base = base[:len(base) - node.level + 1]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    out = [prefix + "." + a.name if prefix + "." + a.name in mods else prefix for a in node.names]
    return [t for t in out if t in mods and t != name]


def import_graph():
    """{module: set of autodiff modules it imports}, and the imports found inside functions.

    The special-kernel façade imports its families by name when one of their kernels is first asked
    for (codegen/special_kernels.py's FAMILIES): those count as its imports."""
    mods, graph, in_functions = _modules(), {}, []
    for name, path in mods.items():
        graph[name] = set()
        with open(path) as f:
            tree = ast.parse(f.read())

        def visit(node, in_function):
            for child in ast.iter_child_nodes(node):
                inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    found = _targets(mods, name, child)
                    graph[name].update(found)
                    if in_function and found:
                        in_functions.append((name, child.lineno))
                visit(child, inner)
        visit(tree, False)
    facade = "autodiff.codegen.special_kernels"
    graph[facade].update(f"autodiff.codegen.{family}" for family in special_kernels.FAMILIES)
    return graph, in_functions


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def dependency_order(graph):
    """Modules leaves first."""
    order, done = [], set()

    def visit(v, path):
        if v in done or v in path:
            return
        for w in sorted(graph[v]):
            visit(w, path | {v})
        done.add(v)
        order.append(v)

    for v in sorted(graph):
        visit(v, frozenset())
    return order


def test_the_graph_reader_sees_a_cycle_and_a_hidden_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert dependency_order({"x": {"y"}, "y": set()}) == ["y", "x"]
    tree = ast.parse("def f():\n    from .core import Tracer\n")
    imp = tree.body[0].body[0]
    assert _targets({"autodiff.jvp": "jvp.py", "autodiff.core": "core.py"}, "autodiff.jvp", imp) == ["autodiff.core"]


def test_no_import_hides_in_a_function():
    _, in_functions = import_graph()
    assert in_functions == []


def test_the_import_graph_has_no_cycle():
    graph, _ = import_graph()
    assert cycles(graph) == []


def test_the_layers_point_one_way():
    graph, _ = import_graph()
    wrong = [(a, b) for a, targets in graph.items() for b in targets
             for lo, hi in FORBIDDEN if a.startswith(lo) and b.startswith(hi)]
    assert wrong == []


def test_every_module_imports_with_its_own_imports_leaves_first():
    graph, _ = import_graph()
    packages = sorted(m for m, p in _modules().items() if p.endswith("__init__.py") and m != "autodiff.cache")
    order = dependency_order(graph)
    script = f"""
import importlib, os, sys, types
root = {ROOT!r}
for name in {packages!r}:  # the packages without their __init__: a module gets only what it imports
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__path__ = [os.path.join(root, *name.split("."))]
import autodiff.cache  # first, as autodiff/__init__ does: where Numba caches the library's kernels
for name in {order!r}:
    if name in {packages!r}:  # a package's own __init__ runs when the graph says it is due
        del sys.modules[name]
    importlib.import_module(name)
print("ok", len({order!r}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("ok")
