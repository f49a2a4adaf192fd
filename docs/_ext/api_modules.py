"""``{automodules} PACKAGE``: one autodoc section per submodule listed in PACKAGE.__all__.

autodiff.scipy.stats exports one module per distribution family (norm, gamma, ...); this lists
each family's functions without anyone keeping a list in the docs, so families added to the
package appear in the API reference by themselves.
"""
import importlib
import inspect


def setup(app):
    from docutils import nodes
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList

    class AutoModules(Directive):
        required_arguments = 1

        def run(self):
            package = importlib.import_module(self.arguments[0])
            lines = []
            for name in getattr(package, "__all__", []):
                module = getattr(package, name, None)
                if inspect.ismodule(module):
                    # eval-rst: autodoc writes reStructuredText, which MyST would read as Markdown
                    lines += [f"### `{module.__name__}`", "", "```{eval-rst}", f".. automodule:: {module.__name__}",
                              "   :members:", "```", ""]
            container = nodes.container()
            self.state.nested_parse(StringList(lines, source=f"<automodules {package.__name__}>"),
                                    self.content_offset, container)
            return container.children

    app.add_directive("automodules", AutoModules)
    return {"parallel_read_safe": True}
