"""autodiff: NumPy-compatible forward- and reverse-mode automatic differentiation compiled to Numba.

    import autodiff as ad
    import autodiff.numpy as anp
    ad.grad(lambda x: anp.sum(anp.sin(x) ** 2))(x)
"""
from . import cache  # noqa: F401  (first: where Numba caches numbayes' kernels, before any is defined)
from . import numpy  # noqa: F401  (registers the array methods' namespace)
from .jit import jit
from .transforms import grad, hessian, jacfwd, jacobian, jacrev, jvp, value_and_grad, vjp
from .tree import ravel_pytree, register_pytree_node, tree_flatten, tree_leaves, tree_map, tree_unflatten
from .graph import Graph
from .check import check_grads
from .control_flow import cond, fori_loop, scan, switch, while_loop
from .staging import make_graph
from .custom import custom_jvp, custom_vjp, stop_gradient
from .vmap import vmap

__all__ = ["grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "jacobian", "hessian", "jit",
           "tree_flatten", "tree_unflatten", "ravel_pytree", "tree_leaves", "tree_map", "register_pytree_node", "Graph",
           "make_graph", "check_grads", "scan", "cond", "switch", "while_loop", "fori_loop",
           "custom_jvp", "custom_vjp", "stop_gradient", "vmap"]
