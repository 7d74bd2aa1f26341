"""Run the model's graph without dask's per-run scheduling: same nodes, same order, same results.

Rasa 3.6 runs its model graph through `dask.get` on every message and every prediction (three or
so runs per HeadEase message): the NLU pipeline, then the policies and their ensemble. Per run
dask orders the graph (`dask.order.order`), builds its scheduler state, and moves each node's
inputs through its synchronous executor: about 0.4 ms of bookkeeping per run on these cores,
for graphs whose shape never changes while the model is loaded.

`install()` replaces `DaskGraphRunner.run` with one that asks dask, once per graph shape (the
targets and the names of the inputs), for the sequence in which its synchronous scheduler runs
the tasks (dask's own `order`, `start_state_from_dask` and `finish_task`, replayed without
running anything), keeps it, and then runs the tasks in that sequence with dask's own
`_execute_task`. The nodes run in the same order with the same arguments; the graph and its
inputs are built as Rasa builds them; a node's exception propagates as it does through
`dask.get` (a `RuntimeError` becomes Rasa's `GraphRunError`). Tested against `dask.get` in
tests/rasa_patches/test_graph_runner.py.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Hashable, List, Optional, Sequence, Text, Tuple

from headease_rasa.method_patch import MethodPatch

logger = logging.getLogger(__name__)

# On each runner: {(targets, input names): (minimal graph schema, task sequence)}.
_PLANS = "_headease_plans"


def scheduler_sequence(dsk: Dict[Hashable, Any], targets: Sequence[Hashable]) -> List[Hashable]:
    """The tasks of `dsk`, in the order `dask.get(dsk, targets)` runs them (nothing is run)."""
    from dask.local import finish_task, start_state_from_dask
    from dask.order import order

    keyorder = order(dsk)
    state = start_state_from_dask(dsk, cache={}, sortkey=keyorder.get)
    if state["waiting"] and not state["ready"]:
        raise ValueError("Found no accessible jobs in dask")
    results = set(targets)
    sequence: List[Hashable] = []
    while state["waiting"] or state["ready"]:
        key = state["ready"].pop()  # one worker, one task at a time: as dask.local.get_async
        state["running"].add(key)
        sequence.append(key)
        state["cache"][key] = None
        finish_task(dsk, key, state, results, keyorder.get)
    return sequence


def run_sequence(dsk: Dict[Hashable, Any], sequence: Sequence[Hashable], targets: Sequence[Hashable]) -> Tuple[Any, ...]:
    """`dask.get(dsk, targets)` for a list of targets, running the tasks in `sequence`."""
    from dask.core import _execute_task, has_tasks

    cache = {key: value for key, value in dsk.items() if not has_tasks(dsk, value)}
    for key in sequence:
        cache[key] = _execute_task(dsk[key], cache)
    return tuple(cache[target] for target in targets)


def _run(self: Any, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    """Rasa 3.6.21's `DaskGraphRunner.run`, with the schedule worked out once per graph shape."""
    from rasa.engine.exceptions import GraphRunError

    run_targets = targets if targets else self._graph_schema.target_names
    plans = self.__dict__.setdefault(_PLANS, {})
    shape = (tuple(run_targets), tuple(inputs or ()))
    plan = plans.get(shape)
    minimal_schema = plan[0] if plan else self._graph_schema.minimal_graph_schema(run_targets)
    run_graph = self._build_dask_graph(minimal_schema)
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} and {self._execution_context}.")
    try:
        if plan is None:
            plan = plans[shape] = (minimal_schema, scheduler_sequence(run_graph, run_targets))
        return dict(run_sequence(run_graph, plan[1], run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


PATCH = MethodPatch("rasa.engine.runner.dask", {"DaskGraphRunner.run": _run})
install, installed, uninstall = PATCH.install, PATCH.installed, PATCH.uninstall
