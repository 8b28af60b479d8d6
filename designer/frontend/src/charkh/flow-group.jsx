// The "Conditions" group of a sequence flow that a gateway (or an activity's conditional flow) routes
// on: the trigger's condition builder (field of the process's entity, operator for its type, value;
// all or any), writing charkh:conditions on the flow; src/charkh/flow-conditions.js writes the
// standard conditionExpression beside them. `entries` are provider.jsx's condition entries
// ({ ConditionField, ConditionOperator, ConditionValue, conditionLabel }), shared with the trigger.
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import { useService } from 'bpmn-js-properties-panel';
import { Group, ListGroup, SelectEntry, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { getFlowConditions } from './flow-conditions';

export function flowConditionsGroups(element, t, entries, services) {
  const conditions = getFlowConditions(element);
  const items = conditions ? conditions.get('items') : [];
  const list = {
    id: 'charkh-flow-conditions',
    label: t('Conditions'),
    component: ListGroup,
    element,
    items: items.map((condition, index) => ({
      id: `charkh-flow-condition-${index}`,
      label: entries.conditionLabel(condition, t),
      autoFocusEntry: `charkh-flow-condition-${index}-field`,
      remove: () => removeFlowCondition(element, conditions, condition, services),
      entries: [
        { id: `charkh-flow-condition-${index}-field`, component: entries.ConditionField, element, condition },
        { id: `charkh-flow-condition-${index}-operator`, component: entries.ConditionOperator, element, condition },
        { id: `charkh-flow-condition-${index}-value`, component: entries.ConditionValue, element, condition }
      ]
    })),
    add: (event) => {
      event.stopPropagation();
      addFlowCondition(element, services);
    }
  };
  if (!items.length) return [ list ];
  const match = {
    id: 'charkh-flow-match',
    label: t('Match'),
    component: Group,
    entries: [
      { id: 'charkh-flow-match-select', component: FlowMatchEntry, element, isEdited: isSelectEntryEdited },
      { id: 'charkh-flow-expression', component: StandardExpression, element }
    ]
  };
  return [ list, match ];
}

function addFlowCondition(element, { modeling, bpmnFactory }) {
  const bo = getBusinessObject(element);
  const condition = bpmnFactory.create('charkh:Condition', {});
  const conditions = getFlowConditions(element);
  if (conditions) {
    condition.$parent = conditions;
    modeling.updateModdleProperties(element, conditions, { items: [ ...conditions.get('items'), condition ] });
    return;
  }
  const created = bpmnFactory.create('charkh:Conditions', { items: [ condition ] });
  condition.$parent = created;
  const ext = bo.get('extensionElements');
  if (ext) {
    created.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [ ...ext.get('values'), created ] });
  } else {
    const made = bpmnFactory.create('bpmn:ExtensionElements', { values: [ created ] });
    made.$parent = bo;
    created.$parent = made;
    modeling.updateModdleProperties(element, bo, { extensionElements: made });
  }
}

// Removing the last condition removes charkh:conditions: a flow with none would always be taken.
function removeFlowCondition(element, conditions, condition, { modeling }) {
  const rest = conditions.get('items').filter((c) => c !== condition);
  if (rest.length) {
    modeling.updateModdleProperties(element, conditions, { items: rest });
    return;
  }
  const ext = conditions.$parent;
  const values = ext.get('values').filter((v) => v !== conditions);
  if (values.length) modeling.updateModdleProperties(element, ext, { values });
  else modeling.updateModdleProperties(element, getBusinessObject(element), { extensionElements: undefined });
}

function FlowMatchEntry({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const conditions = getFlowConditions(element);
  return jsx(SelectEntry, {
    element, id, label: translate('Match'),
    getValue: () => (conditions && conditions.get('match')) || 'all',
    setValue: (value) => conditions && modeling.updateModdleProperties(element, conditions, { match: value }),
    getOptions: () => [ { value: 'all', label: translate('All conditions (AND)') }, { value: 'any', label: translate('Any condition (OR)') } ]
  });
}

// What other tools read (the flow's conditionExpression), shown, not edited: it follows the conditions.
function StandardExpression({ element, id }) {
  const translate = useService('translate');
  const expression = getBusinessObject(element).get('conditionExpression');
  const body = expression && expression.get('body');
  return (
    <div class="bio-properties-panel-entry charkh-standard-expression" data-entry-id={ id }>
      <div class="bio-properties-panel-label">{ translate('Standard condition (FEEL), for other tools') }</div>
      <code dir="ltr" class="charkh-feel">{ body || translate('Written once every condition is complete') }</code>
    </div>
  );
}
