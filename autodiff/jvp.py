"""Forward mode: JVPTrace carries (primal, tangent) pairs through every primitive's JVP rule."""
from .avals import get_aval, is_float
from .core import Trace, Tracer, concrete_or_none, full_lower, new_main
from .primitives.broadcasting import broadcast_to_p
from .primitives.elementwise import add_p


class JVPTracer(Tracer):
    """A primal value with its tangent; a tangent of None is a symbolic zero."""

    __slots__ = ("primal", "tangent")
    differentiated = True

    def __init__(self, trace, primal, tangent):
        self._trace, self.primal, self.tangent = trace, primal, tangent

    @property
    def aval(self):
        return get_aval(self.primal)

    def full_lower(self):
        if self.tangent is None:
            return full_lower(self.primal)
        return self

    def concrete_base(self):
        return self.primal


class JVPTrace(Trace):
    def pure(self, val):
        return JVPTracer(self, val, None)

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        primals = [t.primal for t in tracers]
        tangents = [t.tangent for t in tracers]
        if primitive.nograd or all(t is None for t in tangents):
            out = primitive.bind(*primals, **params)
            if primitive.multiple_results:
                return [JVPTracer(self, o, None) for o in out]
            return JVPTracer(self, out, None)
        if primitive.jvp_full is not None:
            out, tangent_out = primitive.jvp_full(primals, tangents, **params)
            if primitive.multiple_results:
                return [JVPTracer(self, o, t) for o, t in zip(out, tangent_out)]
            return JVPTracer(self, out, tangent_out)
        if primitive.jvp_rules is None:
            raise NotImplementedError(f"forward-mode derivative of {primitive.name} is not defined")
        out = primitive.bind(*primals, **params)
        tangent_out = None
        for rule, t in zip(primitive.jvp_rules, tangents):
            if t is None or rule is None:
                continue
            contrib = rule(t, out, *primals, **params)
            tangent_out = contrib if tangent_out is None else add_tangents(tangent_out, contrib)
        if tangent_out is not None:
            tangent_out = match_shape(tangent_out, out)
        return JVPTracer(self, out, tangent_out)


def add_tangents(a, b):
    return add_p.bind(a, b)


def match_shape(t, like):
    """Broadcast a tangent up to the output's shape (binary ops broadcast their operands)."""
    shape = get_aval(like).shape
    return t if get_aval(t).shape == shape else broadcast_to_p.bind(t, shape=shape)


def jvp_flat(fn, primals, tangents):
    """Push tangents through fn(*primals); returns (primal outputs, tangent outputs) as lists."""
    with new_main(JVPTrace) as main:
        trace = JVPTrace(main)
        tracers_in = [JVPTracer(trace, x, t) for x, t in zip(primals, tangents)]
        outs = fn(*tracers_in)
        primals_out, tangents_out = [], []
        for o in outs:
            if isinstance(o, JVPTracer) and o._trace.main is main:
                primals_out.append(o.primal)
                tangents_out.append(o.tangent)
            else:
                primals_out.append(o)
                tangents_out.append(None)
    return primals_out, tangents_out


__all__ = ["JVPTrace", "JVPTracer", "jvp_flat", "is_float", "concrete_or_none"]
