"""Conditions and other expressions in process definitions, evaluated without Python ``eval``.

SpiffWorkflow evaluates gateway conditions, multi-instance completion conditions, timer
durations and service-task parameters with ``eval`` over the process data. A process definition
is data written by a service designer, not code, so every expression is checked against a small
grammar when the definition is validated and evaluated by ``simpleeval`` at run time:
comparisons, boolean logic, arithmetic, literals, subscripts (``answers["area"]``), list
comprehensions and a few pure functions. No attribute access, no names starting with ``_``,
no lambdas, no calls except the functions below.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from simpleeval import EvalWithCompoundTypes

MAX_EXPRESSION_LENGTH = 1000

FUNCTIONS: dict[str, Any] = {
    "len": len,
    "min": min,
    "max": max,
    "sum": sum,
    "any": any,
    "all": all,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
}

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Subscript,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.ListComp,
    ast.comprehension,
    ast.Call,
)


class UnsafeExpression(ValueError):
    """An expression outside the grammar; the message says why."""


def expression_check(expression: str) -> None:
    """Raises ``UnsafeExpression`` unless ``expression`` is in the restricted grammar."""
    if not isinstance(expression, str) or not expression.strip():
        raise UnsafeExpression("the expression is empty")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise UnsafeExpression(f"the expression cannot be parsed ({error.msg})") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            raise UnsafeExpression(f"attribute access ('.{node.attr}') is not allowed")
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(f"'{type(node).__name__}' is not allowed in an expression")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"the name '{node.id}' is not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise UnsafeExpression(
                    "only these functions may be called: " + ", ".join(sorted(FUNCTIONS))
                )
            if node.keywords:
                raise UnsafeExpression("functions take no keyword arguments here")
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            raise UnsafeExpression("bytes literals are not allowed")


def expression_evaluate(expression: str, names: Mapping[str, Any]) -> Any:
    """The value of a checked expression over the process data ``names``."""
    expression_check(expression)
    evaluator = EvalWithCompoundTypes(
        names={key: value for key, value in names.items() if not key.startswith("_")},
        functions=dict(FUNCTIONS),
    )
    return evaluator.eval(expression.strip())
