// Typed conditions on sequence flows (charkh:conditions in a flow's extensionElements): which flows
// take them, and the standard conditionExpression kept in sync with them, in the same command (one
// undo step), so that the saved file routes the same way in other tools (src/charkh/feel.js).
import CommandInterceptor from 'diagram-js/lib/command/CommandInterceptor';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { feelExpression } from './feel';
import { getExtension, getProcess, getTrigger } from './util';

const CONDITION_TYPES = [ 'charkh:Conditions', 'charkh:Condition', 'bpmn:ExtensionElements' ];

export function getFlowConditions(element) {
  return getExtension(getBusinessObject(element), 'charkh:Conditions');
}

export function isDefaultFlow(element) {
  const bo = getBusinessObject(element);
  return !!(bo.sourceRef && bo.sourceRef.get('default') === bo);
}

// A flow that a gateway's choice or an activity's condition can route on: out of an exclusive or an
// inclusive gateway, or a conditional flow out of an activity; never the default flow, which takes
// no condition. A flow that already has typed conditions keeps showing them.
export function takesConditions(element) {
  const bo = getBusinessObject(element);
  if (!is(bo, 'bpmn:SequenceFlow') || !bo.sourceRef || isDefaultFlow(element)) return false;
  if (isAny(bo.sourceRef, [ 'bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway' ])) return true;
  return !!getFlowConditions(element) || (is(bo.sourceRef, 'bpmn:Activity') && !!bo.get('conditionExpression'));
}

// The field types of the process's entity (its trigger's), from the catalog the server sent.
export function entityTypes(element, catalog) {
  const trigger = getTrigger(getProcess(element));
  const entity = trigger && catalog.entity(trigger.get('entity'));
  return Object.fromEntries(((entity && entity.fields) || []).map((f) => [ f.name, f.type ]));
}

// The FEEL text of a flow's conditions, or null (none, or one that cannot be read yet).
export function flowExpression(element, catalog) {
  const conditions = getFlowConditions(element);
  if (!conditions) return null;
  const items = conditions.get('items').map((c) => ({ field: c.get('field'), operator: c.get('operator'), value: c.get('value') }));
  return feelExpression({ match: conditions.get('match') || 'all', items }, entityTypes(element, catalog));
}

export default class FlowConditionExpressions extends CommandInterceptor {
  constructor(eventBus, modeling, bpmnFactory, charkhCatalog, elementRegistry) {
    super(eventBus);
    // A flow made its source's default takes no condition: its typed conditions and the expression
    // written from them go (Charkh would ignore them, other tools would see a conditional default).
    // Conditions first: once they are gone, taking the expression away drops nothing more.
    const dropConditions = (element) => {
      const conditions = getFlowConditions(element);
      if (!conditions) return;
      const ext = conditions.$parent;
      const values = ext.get('values').filter((v) => v !== conditions);
      if (values.length) modeling.updateModdleProperties(element, ext, { values });
      else modeling.updateModdleProperties(element, getBusinessObject(element), { extensionElements: undefined });
    };
    this.postExecuted('element.updateProperties', ({ context }) => {
      const { element, properties } = context;
      const made = properties.default && elementRegistry.get(properties.default.id);
      if (made && getFlowConditions(made)) {
        dropConditions(made);
        if (getBusinessObject(made).get('conditionExpression')) modeling.updateProperties(made, { conditionExpression: undefined });
      }
      // A conditional flow made a plain one (bpmn-js's replace menu) drops its typed conditions too.
      if (is(element, 'bpmn:SequenceFlow') && 'conditionExpression' in properties && !properties.conditionExpression) {
        dropConditions(element);
      }
    });
    this.postExecuted('element.updateModdleProperties', ({ context }) => {
      const { element, moddleElement, properties, oldProperties } = context;
      if (!is(element, 'bpmn:SequenceFlow') || isDefaultFlow(element)) return;
      const ours = isAny(moddleElement, CONDITION_TYPES) ||
        (moddleElement === getBusinessObject(element) && 'extensionElements' in properties);
      if (!ours) return;
      const bo = getBusinessObject(element);
      const current = bo.get('conditionExpression');
      if (!getFlowConditions(element)) {
        // the last condition went: so does the expression written from them (an activity's
        // conditional flow stays conditional, with an empty expression, as bpmn-js draws one)
        const old = oldProperties || {};
        const had = [ ...(old.values || []), ...((old.extensionElements && old.extensionElements.get('values')) || []) ]
          .some((v) => is(v, 'charkh:Conditions'));
        if (had && current) {
          const empty = is(bo.sourceRef, 'bpmn:Activity') ? bpmnFactory.create('bpmn:FormalExpression', { body: '' }) : undefined;
          modeling.updateProperties(element, { conditionExpression: empty });
        }
        return;
      }
      const text = flowExpression(element, charkhCatalog);
      if (text === null || (current && current.get('body') === text && !current.get('language'))) return;
      modeling.updateProperties(element, { conditionExpression: bpmnFactory.create('bpmn:FormalExpression', { body: text }) });
    });
  }
}

FlowConditionExpressions.$inject = [ 'eventBus', 'modeling', 'bpmnFactory', 'charkhCatalog', 'elementRegistry' ];
