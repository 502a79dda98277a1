"""What of a ruleset the columnar path reads: every expression it evaluates, by element
path, and the inputs and ballot figures they read (units are grouped by which are "NA")."""

from __future__ import annotations

from ..expressions import Expression
from ..model import ClassWeights, Ruleset
from .ballots import figure_names


def expressions(model: Ruleset) -> list[tuple[str, Expression]]:
    """(element path, expression) of every expression the columnar path evaluates."""
    found = [(f"consistency[{i}].must", rule.must) for i, rule in enumerate(model.consistency)]
    for d, dimension in enumerate(model.dimensions):
        for i, indicator in enumerate(dimension.indicators):
            path = f"dimensions[{d}].indicators[{i}].score"
            score = indicator.score
            found += [(f"{path}.bands[{b}].when", band.when) for b, band in enumerate(score.bands or ()) if band.when]
            if score.check is not None:
                found.append((f"{path}.check", score.check))
            if score.formula is not None:
                found.append((f"{path}.formula", score.formula))
            if score.linear is not None:
                found.append((f"{path}.linear.of", score.linear.of))
            if score.relative is not None:
                found.append((f"{path}.relative.of", score.relative.of))
            for method in ("deduct", "award"):
                count = getattr(score, method)
                if count is not None:
                    found.append((f"{path}.{method}.of", count.of))
    for g, group in enumerate(model.adjustments):
        found += [(f"adjustments[{g}].items[{i}].when", item.when) for i, item in enumerate(group.items) if item.when]
    found += [(f"vetoes[{v}].when", veto.when) for v, veto in enumerate(model.vetoes)]
    for g, grade in enumerate(model.grades):
        found += [(f"grades[{g}].requires[{r}]", req) for r, req in enumerate(grade.requires)]
    found += [(f"flags[{f}].when", flag.when) for f, flag in enumerate(model.flags)]
    found += [(f"outputs.{name}.formula", output.formula) for name, output in model.outputs.items()]
    return found


def read_inputs(model: Ruleset) -> frozenset[str]:
    """The inputs and ballot figures a columnar score reads (units are scored in groups of
    the same ones "NA")."""
    names = {n for _, expression in expressions(model) for n in expression.names}
    names |= {item.per for group in model.adjustments for item in group.items if item.per}
    names |= {name for quota in model.quotas for name in quota.tie_break}
    names |= {d.weight.by for d in model.dimensions if isinstance(d.weight, ClassWeights)}
    known = model.inputs.keys() | figure_names(model)
    return frozenset(name for name in names if name in known)
