"""headease_rasa.graph_runner: the same nodes, in the same order, with the same results as dask.

Rasa's `DaskGraphRunner.run` and the patched one run the same graph schemas (random DAGs in
the shape Rasa builds: each node needs other nodes or inputs, some targets), with recording
nodes; the calls, their arguments and the results must be identical, also when a node raises.
"""
import random

import pytest

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner

from headease_rasa import graph_runner

RASA_RUN = DaskGraphRunner.run if not graph_runner.installed() else graph_runner.PATCH.original("DaskGraphRunner.run")


class Recorder:
    """Stands in for a `GraphNode`: records each call, returns (node name, output) as nodes do."""

    def __init__(self, name, calls, fail=None):
        self.name, self.calls, self.fail = name, calls, fail

    def __call__(self, *inputs):
        self.calls.append((self.name, inputs))
        if self.fail is not None:
            raise self.fail
        received = [i if isinstance(i, str) else i[0] for i in inputs]
        return self.name, f"{self.name}({','.join(received)})"


def runner(schema, calls, fail=None):
    r = DaskGraphRunner.__new__(DaskGraphRunner)
    r._graph_schema = schema
    r._execution_context = None
    r._instantiated_nodes = {name: Recorder(name, calls, fail if name == (fail and fail.args[0]) else None)
                             for name in schema.nodes}
    return r


def random_schema(rng, size):
    nodes = {}
    names = [f"n{i}" for i in range(size)]
    for index, name in enumerate(names):
        earlier = names[:index]
        needs = {f"p{k}": dep for k, dep in enumerate(rng.sample(earlier, rng.randint(0, min(3, len(earlier)))))}
        if rng.random() < 0.4:
            needs["message"] = "__message__"
        if rng.random() < 0.2:
            needs["tracker"] = "__tracker__"
        if rng.random() < 0.05:
            needs["missing"] = "__nobody_provides_this__"
        nodes[name] = SchemaNode(needs=needs, uses=GraphComponent, constructor_name="create", fn="run",
                                 config={}, is_target=rng.random() < 0.25)
    if not any(n.is_target for n in nodes.values()):
        nodes[names[-1]].is_target = True
    return GraphSchema(nodes)


def both(schema, inputs, targets, fail=None):
    out = []
    for run in (RASA_RUN, graph_runner._run):
        calls = []
        r = runner(schema, calls, fail)
        failed = False
        try:
            result = run(r, dict(inputs) if inputs is not None else None, targets)
        except Exception as error:  # noqa: BLE001 - compared below
            result, failed = (type(error), str(error), type(error.__cause__)), True
        out.append((calls, result))
        if not failed and run is graph_runner._run:  # the kept plan gives the same again
            calls2 = []
            r._instantiated_nodes = {name: Recorder(name, calls2) for name in schema.nodes}
            assert run(r, dict(inputs) if inputs is not None else None, targets) == result
            assert calls2 == calls
    return out


@pytest.mark.parametrize("seed", range(40))
def test_same_calls_in_the_same_order_and_same_results(seed):
    rng = random.Random(seed)
    schema = random_schema(rng, rng.randint(1, 14))
    inputs = {"__message__": {"text": "unhashable"}, "__tracker__": ("a", "hashable tuple")}
    if rng.random() < 0.3:
        inputs = {"__message__": "plain text"}
    names = list(schema.nodes)
    for targets in (None, rng.sample(names, rng.randint(1, len(names)))):
        (rasa_calls, rasa_result), (our_calls, our_result) = both(schema, inputs, targets)
        assert our_calls == rasa_calls
        assert our_result == rasa_result


def test_the_nlu_and_policy_shapes():
    """A chain (the NLU pipeline) and a fan-in (policies into the ensemble)."""
    chain = {"provider": SchemaNode({}, GraphComponent, "create", "run", {})}
    previous = "provider"
    for i in range(8):
        chain[f"nlu{i}"] = SchemaNode({"messages": previous, "m": "__message__"}, GraphComponent, "create", "run", {})
        previous = f"nlu{i}"
    chain["policies"] = SchemaNode({}, GraphComponent, "create", "run", {})
    for i in range(4):
        chain[f"policy{i}"] = SchemaNode({"tracker": "__tracker__", "domain": "provider"}, GraphComponent,
                                         "create", "run", {})
    chain["ensemble"] = SchemaNode({f"p{i}": f"policy{i}" for i in range(4)}, GraphComponent, "create", "run", {},
                                   is_target=True)
    schema = GraphSchema(chain)
    for targets in ([previous], ["ensemble"], None, [previous, "ensemble"]):
        (rasa_calls, rasa_result), (our_calls, our_result) = both(schema, {"__message__": [1], "__tracker__": {}},
                                                                  targets)
        assert our_calls == rasa_calls and our_result == rasa_result


@pytest.mark.parametrize("error_type", [RuntimeError, ValueError, KeyError])
def test_a_failing_node_fails_the_run_as_through_dask(error_type):
    schema = random_schema(random.Random(3), 8)
    failing = next(name for name, node in schema.nodes.items() if node.is_target)
    (rasa_calls, rasa_result), (our_calls, our_result) = both(
        schema, {"__message__": "x", "__tracker__": "y"}, None, fail=error_type(failing))
    assert our_calls == rasa_calls and our_calls[-1][0] == failing
    assert our_result == rasa_result
    assert our_result[0] is (GraphRunError if error_type is RuntimeError else error_type)


def test_an_input_named_like_a_node_is_refused_as_by_rasa():
    schema = GraphSchema({"n0": SchemaNode({"m": "__message__"}, GraphComponent, "create", "run", {}, is_target=True)})
    (_, rasa_result), (_, our_result) = both(schema, {"__message__": "n0"}, None)
    assert our_result == rasa_result and our_result[0] is GraphRunError


def test_install_is_idempotent_and_reversible():
    was = graph_runner.installed()
    graph_runner.install()
    graph_runner.install()
    assert DaskGraphRunner.run is graph_runner._run
    graph_runner.uninstall()
    assert DaskGraphRunner.run is RASA_RUN
    if was:
        graph_runner.install()
