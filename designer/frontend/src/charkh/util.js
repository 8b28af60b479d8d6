import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

// The process an element belongs to (the participant's process for a pool).
export function getProcess(element) {
  let bo = element && getBusinessObject(element);
  if (!bo) return null;
  if (is(bo, 'bpmn:Participant')) return bo.processRef || null;
  while (bo) {
    if (is(bo, 'bpmn:Process')) return bo;
    if (is(bo, 'bpmn:Collaboration') || is(bo, 'bpmn:Definitions')) {
      // a collaboration: the first participant with a process
      const participants = bo.participants || [];
      const withProcess = participants.find((p) => p.processRef);
      return withProcess ? withProcess.processRef : null;
    }
    bo = bo.$parent;
  }
  return null;
}

export function getExtension(bo, type) {
  const ext = bo && bo.get('extensionElements');
  return ext ? (ext.get('values') || []).find((v) => is(v, type)) || null : null;
}

export function getTrigger(process) {
  return getExtension(process, 'charkh:Trigger');
}

export function getConnector(bo) {
  return getExtension(bo, 'camunda:Connector');
}

export function isCharkhConnector(element) {
  const connector = getConnector(getBusinessObject(element));
  return !!(connector && /^charkh-/.test(connector.get('connectorId') || ''));
}

// A user task's actions: its outgoing flows, or, when its single way out leads into an
// exclusive gateway, that gateway's outgoing flows (DESIGN.md, BPMN mapping).
export function getActionFlows(element) {
  const bo = getBusinessObject(element);
  const outgoing = bo.outgoing || [];
  if (outgoing.length === 1 && is(outgoing[0].targetRef, 'bpmn:ExclusiveGateway')) {
    const gateway = outgoing[0].targetRef;
    const flows = gateway.outgoing || [];
    if (flows.length) return flows;
  }
  return outgoing;
}

export function splitList(value) {
  return (value || '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function joinList(list) {
  return list.length ? list.join(',') : undefined;
}

export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
export const EXPRESSION = /^[$#]\{.+\}$/;

const TEXT_OPERATORS = [ [ 'equals', 'equals' ], [ 'not_equals', 'not equals' ], [ 'contains', 'contains' ],
  [ 'starts_with', 'starts with' ], [ 'is_empty', 'is empty' ], [ 'is_not_empty', 'is not empty' ] ];
const NAME_OPERATORS = [ [ 'equals', 'equals' ], [ 'not_equals', 'not equals' ], [ 'is_empty', 'is empty' ],
  [ 'is_not_empty', 'is not empty' ] ];
const DATE_OPERATORS = [ [ 'before', 'before' ], [ 'after', 'after' ], [ 'on', 'on' ], [ 'between', 'between' ],
  [ 'within_last_days', 'within last N days' ], [ 'is_empty', 'is empty' ], [ 'is_not_empty', 'is not empty' ] ];

// Operators by field type (MISSION F2), as engine/conditions.py evaluates them; stored ids, shown labels.
export const OPERATORS = {
  text: TEXT_OPERATORS,
  email: TEXT_OPERATORS,
  mobile: TEXT_OPERATORS,
  user: NAME_OPERATORS,
  reference: NAME_OPERATORS,
  number: [ [ 'eq', '=' ], [ 'ne', '≠' ], [ 'lt', '<' ], [ 'le', '≤' ], [ 'gt', '>' ], [ 'ge', '≥' ], [ 'between', 'between' ],
    [ 'is_empty', 'is empty' ], [ 'is_not_empty', 'is not empty' ] ],
  date: DATE_OPERATORS,
  datetime: DATE_OPERATORS,
  picklist: [ [ 'is', 'is' ], [ 'is_not', 'is not' ], [ 'one_of', 'is one of' ], [ 'is_empty', 'is empty' ],
    [ 'is_not_empty', 'is not empty' ] ],
  checkbox: [ [ 'checked', 'is checked' ], [ 'not_checked', 'not checked' ] ]
};

export const NO_VALUE = new Set([ 'is_empty', 'is_not_empty', 'checked', 'not_checked' ]);

export const SCHEDULE_PRESETS = [ 'hourly', 'daily', 'weekly', 'monthly', 'yearly' ];
