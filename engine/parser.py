"""Charkh's SpiffWorkflow parser: Camunda's, with Charkh's specs (engine/task_specs.py) for
gateways that route on actions, connector activities and send tasks, and with the standard BPMN
multi-instance inputs that Camunda's parser refuses."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser, SendTaskParser
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser, TaskParser
from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway, ReceiveTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import CamundaEventDefinitionParser

from .bpmn_xml import BPMN_NS, CAMUNDA_NS, connector_of
from .conditions import conditions_of
from .process_records import process_of
from .task_specs import (
    ActionGateway,
    CheckedParallelMultiInstance,
    CheckedSequentialMultiInstance,
    ConnectorSendTask,
    ConnectorTask,
    RecordConditions,
)

# What parse_condition answers for a flow with charkh:conditions (SpiffWorkflow asks it whether
# a gateway's flow is conditional); it is never evaluated.
TYPED_CONDITION = "charkh:conditions"


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


class RecordConditionsParser(ConditionalGatewayParser):
    """A gateway whose flows may carry charkh:conditions: such a flow routes on them (the typed
    evaluator over the instance's record: RecordConditions), and a conditionExpression beside
    them is left to the other tools it was written for."""

    def parse_condition(self, sequence_flow: Any) -> Any:
        if conditions_of(sequence_flow) is not None:
            return TYPED_CONDITION  # conditional, but not a script: connect_outgoing routes it
        return super().parse_condition(sequence_flow)

    def connect_outgoing(self, outgoing_task: Any, sequence_flow_node: Any, is_default: bool) -> None:
        conditions = None if is_default else conditions_of(sequence_flow_node)
        if conditions is None:
            super().connect_outgoing(outgoing_task, sequence_flow_node, is_default)
            return
        types = self.process_parser.parser.record_types.get(process_of(sequence_flow_node) or "", {})
        self.task.connect_if(RecordConditions(conditions, types, sequence_flow_node.get("id")), outgoing_task)


class ActionGatewayParser(RecordConditionsParser):
    """Accepts outgoing flows without a condition (actions) and records flow id → target."""

    def create_task(self) -> Any:
        task = super().create_task()
        task.action_targets = {}
        return task

    def connect_outgoing(self, outgoing_task: Any, sequence_flow_node: Any, is_default: bool) -> None:
        self.task.action_targets[sequence_flow_node.get("id")] = outgoing_task.name
        if is_default or self.parse_condition(sequence_flow_node) is not None:
            super().connect_outgoing(outgoing_task, sequence_flow_node, is_default)
        else:
            self.task.connect_outgoing_if(None, outgoing_task)


class ConnectorTaskParser(TaskParser):
    """A service task and its connector. SpiffWorkflow's BPMN task parser reads its standard
    multi-instance inputs already; the checked specs hold them to the cap."""

    PARALLEL_MI_CLASS = CheckedParallelMultiInstance
    SEQUENTIAL_MI_CLASS = CheckedSequentialMultiInstance

    def create_task(self) -> Any:
        task = super().create_task()
        task.connector_id, task.connector_inputs = connector_of(self.node)
        return task


class ConnectorSendTaskParser(CamundaEventDefinitionParser, SendTaskParser):
    """A send task's message (messageRef, or a messageEventDefinition inside it) as SpiffWorkflow's
    send task parser reads it, in Camunda's message vocabulary, plus its connector if it has one."""

    def create_task(self) -> Any:
        task = SendTaskParser.create_task(self)
        task.connector_id, task.connector_inputs = connector_of(self.node)
        return task


class MessageReceiveTaskParser(CamundaEventDefinitionParser, ReceiveTaskParser):
    """A receive task's message in Camunda's vocabulary, like every other message event here:
    SpiffWorkflow matches a message to its catcher by the definition's class, so with the BPMN
    parser's own a receive task would never take a message sent to the instance or within it."""

    def create_task(self) -> Any:
        return ReceiveTaskParser.create_task(self)


class StandardLoopInput:
    """Camunda's parser knows a multi-instance activity's collection only as camunda:collection and
    refuses the standard loopDataInputRef/inputDataItem; SpiffWorkflow's BPMN parser reads those,
    so an activity that gives only them (no camunda:collection, no loopCardinality) is parsed the
    standard way. Everything else stays as Camunda's parser reads it."""

    PARALLEL_MI_CLASS = CheckedParallelMultiInstance
    SEQUENTIAL_MI_CLASS = CheckedSequentialMultiInstance

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        standard = loop_characteristics.find(_q("loopDataInputRef")) is not None \
            and loop_characteristics.find(_q("loopCardinality")) is None
        if standard and loop_characteristics.get(f"{{{CAMUNDA_NS}}}collection") is None:
            TaskParser._add_multiinstance_task(self, loop_characteristics)
        else:
            # a mixin: the Camunda task parser it is put before (_with_standard_loops) has the method
            super()._add_multiinstance_task(loop_characteristics)  # type: ignore[misc]


def _with_standard_loops(parsers: dict[str, tuple[type, type]]) -> dict[str, tuple[type, type]]:
    """Each of Camunda's task parsers, able to read standard multi-instance inputs as well (its
    script task parser is SpiffWorkflow's BPMN one, which could already: it gets the cap)."""
    return {
        tag: (type(f"Standard{parser.__name__}", (StandardLoopInput, parser), {}), spec)
        if issubclass(parser, TaskParser) else (parser, spec)
        for tag, (parser, spec) in parsers.items()
    }


class CharkhParser(CamundaParser):
    """The parser compile_definition uses (engine/compiler.py), one per file. ``record_types``:
    process id → the field types of its records, which its flows' charkh:conditions test."""

    OVERRIDE_PARSER_CLASSES = {
        **_with_standard_loops(CamundaParser.OVERRIDE_PARSER_CLASSES),
        full_tag("exclusiveGateway"): (ActionGatewayParser, ActionGateway),
        full_tag("inclusiveGateway"): (RecordConditionsParser, InclusiveGateway),
        full_tag("serviceTask"): (ConnectorTaskParser, ConnectorTask),
        full_tag("sendTask"): (ConnectorSendTaskParser, ConnectorSendTask),
        full_tag("receiveTask"): (MessageReceiveTaskParser, ReceiveTask),
    }

    def __init__(self, record_types: Mapping[str, Mapping[str, str]] | None = None) -> None:
        super().__init__()
        self.record_types = record_types or {}
