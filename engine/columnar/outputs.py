"""A ruleset's outputs over columns, in order, as engine.scoring.compute_outputs computes them.

No output is a batch figure (engine.scored), but flags read them, and an output that divides
by 0 makes the per-unit path refuse the unit: so each output is evaluated, its value put
where later outputs and the flags read it, and a unit whose output the columns cannot carry
(an unknown number, a quotient by 0) is left to the per-unit path.
"""

from __future__ import annotations

import numpy as np

from ..expressions import NA
from ..model import Ruleset
from .evaluate import Scope, Truth, evaluate, number


def reads_grade(model: Ruleset) -> bool:
    """Whether a flag or an output reads `grade` (a disqualified unit's is "NA")."""
    formulas = [flag.when for flag in model.flags] + [output.formula for output in model.outputs.values()]
    return any("grade" in formula.names for formula in formulas)


def with_outputs(model: Ruleset, scored: Scope, final: np.ndarray, size: int) -> Scope:
    """The scored columns, `grade` (the final grade's id; None where disqualified) and each
    output's value, for the flags."""
    ids = np.array([None, *(g.id for g in model.grades)], dtype=object)
    env = Scope({**scored, "grade": ids[final + 1]}, scored.left)
    for name, output in model.outputs.items():
        value = evaluate(output.formula.root, env, size)
        if value is NA:
            env[name] = NA
        elif output.type == "number":
            env[name] = number(value, env)  # a unit where it is unknown (None per unit) is left
        elif isinstance(value, Truth):
            env.leave(value.unknown)
            env[name] = value.true
        else:
            env[name] = value
    return env
