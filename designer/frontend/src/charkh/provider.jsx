// Charkh's groups in the properties panel: Responsible, Actions, Form (user tasks; the start form
// on a process's plain start event), Trigger and Visibility (process), Conditions (a flow a gateway
// routes on), Insert field (service tasks with a charkh-* connector).
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import { useService } from 'bpmn-js-properties-panel';
import {
  Group, ListGroup, SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useCallback, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import {
  getProcess, getTrigger, getConnector, isCharkhConnector, getActionFlows, splitList, joinList,
  ISO_DURATION, ISO_DATE, EXPRESSION, OPERATORS, NO_VALUE, SCHEDULE_PRESETS
} from './util';
import { formGroup, isStartFormEvent, withoutUnusedCamundaForms } from './form-group';
import { getFlowConditions, takesConditions } from './flow-conditions';
import { flowConditionsGroups } from './flow-group';

// after the element-templates provider (300), which hides non-template groups of templated elements
const LOW_PRIORITY = 200;

export default class CharkhPropertiesProvider {
  constructor(propertiesPanel, translate, injector) {
    this._translate = translate;
    this._elementTemplates = injector.get('elementTemplates', false);
    // Who may set a process's visibility: analysts and administrators (the server checks again).
    this._models = (injector.get('config.charkh', false) || {}).models !== false;
    propertiesPanel.registerProvider(LOW_PRIORITY, this);
  }

  getGroups(element) {
    return (groups) => {
      const t = this._translate;
      const bo = getBusinessObject(element);
      groups = splitScopeGroups(groups, this._elementTemplates && this._elementTemplates.get(element), t);
      const extra = [];
      if (isCartableTask(bo)) {
        extra.push(responsibleGroup(element, t));
        extra.push(actionsGroup(element, t));
      }
      if (is(bo, 'bpmn:UserTask') || isStartFormEvent(bo)) {
        extra.push(formGroup(element, t));
        groups = withoutUnusedCamundaForms(groups, bo);
      }
      if (is(bo, 'bpmn:Process') || (is(bo, 'bpmn:Participant') && bo.processRef)) {
        extra.push(titleGroup(element, t));
        extra.push(triggerGroup(element, t));
        extra.push(conditionsGroup(element, t));
        if (this._models) extra.push(visibilityGroup(element, t));
      }
      if (takesConditions(element)) {
        extra.push(...flowConditionsGroups(element, t, CONDITION_ENTRIES, services));
        // the standard expression follows the typed conditions: shown in their group, not edited apart
        if (getFlowConditions(element)) groups = groups.filter((g) => g.id !== 'CamundaPlatform__Condition');
      }
      if (is(bo, 'bpmn:Task') && isCharkhConnector(element)) {
        extra.push({ id: 'charkh-insert-field', label: t('Insert field'), component: Group,
          entries: [ { id: 'charkh-insert-field-entry', component: InsertField, element } ] });
      }
      // right after "General" so an analyst finds them first
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general + 1, 0, ...extra);
      return groups;
    };
  }
}

CharkhPropertiesProvider.$inject = [ 'propertiesPanel', 'translate', 'injector' ];

// --- template groups ------------------------------------------------------------------------

// bpmn-js-element-templates puts every property of a template's scope (our connectors'
// camunda:Connector) into one group titled "Custom properties for scope <camunda:Connector>"
// and ignores the properties' `group`. Split it into the template's own named `groups`, in the
// order the template lists them, with their labels translated; what has no group stays together
// as "Connector settings".
const SCOPE_GROUP = 'ElementTemplates__CustomGroup-';

export function splitScopeGroups(groups, template, t) {
  const templateGroups = (template && Array.isArray(template.groups)) ? template.groups : [];
  const result = [];
  for (const group of groups) {
    if (!group.id.startsWith(SCOPE_GROUP)) {
      result.push(group);
      continue;
    }
    const named = templateGroups.map((g) => ({
      ...group, id: `${group.id}-${g.id}`, label: t(g.label || g.id), entries: []
    }));
    const rest = { ...group, label: t('Connector settings'), entries: [] };
    for (const entry of group.entries) {
      const groupId = entry.property && entry.property.group;
      const index = templateGroups.findIndex((g) => g.id === groupId);
      (index < 0 ? rest : named[index]).entries.push(entry);
    }
    result.push(...named.filter((g) => g.entries.length));
    if (rest.entries.length) result.push(rest);
  }
  return result;
}

// --- Responsible ----------------------------------------------------------------------------

// The tasks that wait in a cartable (engine/compiler.py CARTABLE_TASKS): user tasks, manual tasks
// and tasks drawn without a type. Not their subtypes (service, script, ... tasks run by themselves).
function isCartableTask(bo) {
  return is(bo, 'bpmn:UserTask') || bo.$type === 'bpmn:ManualTask' || bo.$type === 'bpmn:Task';
}

function responsibleGroup(element, t) {
  return {
    id: 'charkh-responsible',
    label: t('Responsible'),
    component: Group,
    entries: [
      { id: 'charkh-assignee', component: AssigneeEntry, element, isEdited: isSelectEntryEdited },
      { id: 'charkh-candidateGroups', component: MultiPick, element, kind: 'groups', attr: 'camunda:candidateGroups',
        label: t('Candidate groups') },
      { id: 'charkh-roles', component: MultiPick, element, kind: 'roles', attr: 'charkh:roles', label: t('Roles (positions)') },
      { id: 'charkh-dueDate', component: DurationEntry, element, attr: 'camunda:dueDate', allowDate: true,
        label: t('Due date'), isEdited: isTextFieldEntryEdited },
      { id: 'charkh-escalateAfter', component: DurationEntry, element, attr: 'charkh:escalateAfter',
        label: t('Escalate after'), isEdited: isTextFieldEntryEdited },
      { id: 'charkh-escalateTo', component: EscalateToEntry, element, isEdited: isSelectEntryEdited }
    ]
  };
}

function withCurrent(options, current) {
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: current });
  return options;
}

function principalLabel(p) {
  return p.display && p.display !== p.name ? `${p.display} (${p.name})` : p.name;
}

function AssigneeEntry({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const catalog = useService('charkhCatalog');
  const bo = getBusinessObject(element);
  return jsx(SelectEntry, {
    element, id,
    label: translate('Assignee (user)'),
    getValue: () => bo.get('camunda:assignee') || '',
    setValue: (value) => modeling.updateProperties(element, { 'camunda:assignee': value || undefined }),
    getOptions: () => withCurrent([ { value: '', label: translate('(none)') },
      ...catalog.principals.users.map((u) => ({ value: u.name, label: principalLabel(u) })) ], bo.get('camunda:assignee'))
  });
}

function MultiPick({ element, id, kind, attr, label }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const catalog = useService('charkhCatalog');
  const bo = getBusinessObject(element);
  const selected = splitList(bo.get(attr));
  const roles = catalog.principals.roles;
  const options = (catalog.principals[kind] || []).map((p) => ({
    value: p.name,
    label: principalLabel(p),
    hint: kind === 'roles' && p.superior ? translate('reports to {name}', {
      name: principalLabel(roles.find((r) => r.name === p.superior) || { name: p.superior }) }) : null
  }));
  for (const name of selected) {
    if (!options.some((o) => o.value === name)) options.push({ value: name, label: name });
  }
  const toggle = (name, on) => {
    const next = on ? [ ...selected.filter((s) => s !== name), name ] : selected.filter((s) => s !== name);
    modeling.updateProperties(element, { [attr]: joinList(next) });
  };
  return (
    <div class="bio-properties-panel-entry charkh-multipick" data-entry-id={ id }>
      <label class="bio-properties-panel-label">{ label }</label>
      <div class="charkh-multipick-list" role="group" aria-label={ label }>
        { options.length === 0 && <div class="charkh-hint">{ translate('(none)') }</div> }
        { options.map((o) => (
          <label class="charkh-multipick-item" key={ o.value }>
            <input type="checkbox" name={ id } value={ o.value } checked={ selected.includes(o.value) }
              onChange={ (e) => toggle(o.value, e.target.checked) } />
            <span>{ o.label }</span>
            { o.hint && <small class="charkh-hint"> — { o.hint }</small> }
          </label>
        )) }
      </div>
    </div>
  );
}

function DurationEntry({ element, id, attr, label, allowDate }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const bo = getBusinessObject(element);
  // stable, so the panel re-validates only when the stored value changes, and an error stays shown
  const validate = useCallback((value) => {
    if (!value) return null;
    if (ISO_DURATION.test(value)) return null;
    if (allowDate && (ISO_DATE.test(value) || EXPRESSION.test(value))) return null;
    return allowDate ? translate('Not an ISO 8601 duration or date') : translate('Not an ISO 8601 duration');
  }, [ allowDate, translate ]);
  return jsx(TextFieldEntry, {
    element, id, label, debounce, validate,
    description: allowDate ? translate('ISO 8601 duration (P2D, PT4H), a date (2025-01-31) or an expression')
      : translate('ISO 8601 duration, e.g. PT4H or P2D'),
    getValue: () => bo.get(attr) || '',
    // the panel shows the error and keeps what was typed; the file keeps the last valid value
    setValue: (value, error) => !error && modeling.updateProperties(element, { [attr]: value || undefined })
  });
}

function EscalateToEntry({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const catalog = useService('charkhCatalog');
  const bo = getBusinessObject(element);
  const { users, groups } = catalog.principals;
  return jsx(SelectEntry, {
    element, id,
    label: translate('Escalate to'),
    getValue: () => bo.get('charkh:escalateTo') || '',
    setValue: (value) => modeling.updateProperties(element, { 'charkh:escalateTo': value || undefined }),
    getOptions: () => withCurrent([
      { value: '', label: translate('(none)') },
      { value: 'superior', label: translate('Superior of the role') },
      ...users.map((u) => ({ value: u.name, label: translate('User: {name}', { name: principalLabel(u) }) })),
      ...groups.filter((g) => !users.some((u) => u.name === g.name))
        .map((g) => ({ value: g.name, label: translate('Group: {name}', { name: principalLabel(g) }) }))
    ], bo.get('charkh:escalateTo'))
  });
}

// --- Actions --------------------------------------------------------------------------------

function actionsGroup(element, t) {
  const flows = getActionFlows(element);
  return {
    id: 'charkh-actions',
    label: t('Actions'),
    component: ListGroup,
    element,
    shouldOpen: true,
    items: flows.map((flow) => ({
      id: `charkh-action-${flow.id}`,
      label: flow.name || t('to {name}', { name: (flow.targetRef && (flow.targetRef.name || flow.targetRef.id)) || flow.id }),
      entries: [
        { id: `charkh-action-${flow.id}-name`, component: FlowTextEntry, element, flow, prop: 'name', label: t('Label') },
        { id: `charkh-action-${flow.id}-order`, component: FlowTextEntry, element, flow, prop: 'charkh:order', label: t('Order'),
          integer: true },
        { id: `charkh-action-${flow.id}-requiredFields`, component: FlowTextEntry, element, flow, prop: 'charkh:requiredFields',
          label: t('Required fields'), description: t('Comma-separated form fields the person must fill') }
      ]
    }))
  };
}

function FlowTextEntry({ element, id, flow, prop, label, integer, description }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const elementRegistry = useService('elementRegistry');
  const debounce = useService('debounceInput');
  return jsx(TextFieldEntry, {
    element, id, label, debounce, description,
    getValue: () => {
      const v = flow.get(prop);
      return v === undefined || v === null ? '' : String(v);
    },
    setValue: (value, error) => {
      if (error) return;
      const shape = elementRegistry.get(flow.id);
      let v = value === '' ? undefined : value;
      if (integer && v !== undefined) v = parseInt(v, 10);
      if (prop === 'charkh:requiredFields' && v !== undefined) v = joinList(splitList(v));
      if (shape) modeling.updateProperties(shape, { [prop]: v });
      else modeling.updateModdleProperties(element, flow, { [prop]: v });
    },
    validate: integer ? (value) => (!value || /^-?\d+$/.test(value) ? null : translate('Must be a whole number')) : undefined
  });
}

// --- Trigger and conditions -----------------------------------------------------------------

function triggerGroup(element, t) {
  const process = getProcess(element);
  const trigger = getTrigger(process);
  const on = trigger && trigger.get('on');
  const entries = [
    { id: 'charkh-trigger-entity', component: TriggerSelect, element, attr: 'entity', label: t('Entity'), isEdited: isSelectEntryEdited },
    { id: 'charkh-trigger-on', component: TriggerSelect, element, attr: 'on', label: t('Start on'), isEdited: isSelectEntryEdited }
  ];
  if (on === 'update') {
    entries.push({ id: 'charkh-trigger-mode', component: TriggerSelect, element, attr: 'mode', label: t('Run') });
  }
  if (on === 'schedule') {
    entries.push({ id: 'charkh-trigger-schedule', component: TriggerSelect, element, attr: 'schedule', label: t('Schedule') });
    const schedule = trigger.get('schedule');
    if (schedule && !SCHEDULE_PRESETS.includes(schedule)) {
      entries.push({ id: 'charkh-trigger-cron', component: CronEntry, element, label: t('Cron expression') });
    }
  }
  if (trigger) {
    entries.push({ id: 'charkh-trigger-match', component: MatchEntry, element, label: t('Match') });
  }
  return { id: 'charkh-trigger', label: t('Trigger'), component: Group, entries };
}

// One command that sets properties on the trigger, creating extensionElements and the trigger
// when the process has none.
function updateTrigger(element, process, properties, bpmnFactory, modeling) {
  let trigger = getTrigger(process);
  if (trigger) {
    modeling.updateModdleProperties(element, trigger, properties);
    return;
  }
  trigger = bpmnFactory.create('charkh:Trigger', properties);
  const ext = process.get('extensionElements');
  if (ext) {
    trigger.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [ ...ext.get('values'), trigger ] });
  } else {
    const created = bpmnFactory.create('bpmn:ExtensionElements', { values: [ trigger ] });
    created.$parent = process;
    trigger.$parent = created;
    modeling.updateModdleProperties(element, process, { extensionElements: created });
  }
}

function TriggerSelect({ element, id, attr, label }) {
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const translate = useService('translate');
  const catalog = useService('charkhCatalog');
  const process = getProcess(element);
  const trigger = getTrigger(process);
  const current = trigger ? trigger.get(attr) || '' : '';
  const options = {
    entity: () => withCurrent([ { value: '', label: translate('(none)') },
      ...catalog.entities.map((e) => ({ value: e.name, label: e.label || e.name })) ], current),
    on: () => [ { value: '', label: translate('Manual or API only') }, { value: 'create', label: translate('Record created') },
      { value: 'update', label: translate('Record updated') }, { value: 'schedule', label: translate('Schedule') },
      { value: 'macro', label: translate('Macro button') } ],
    mode: () => [ { value: 'first', label: translate('Only the first time the conditions are true') },
      { value: 'every', label: translate('Every time the conditions are true') } ],
    schedule: () => [ ...SCHEDULE_PRESETS.map((p) => ({ value: p, label: translate(p[0].toUpperCase() + p.slice(1)) })),
      { value: 'cron', label: translate('Custom (cron)') } ]
  }[attr];
  const getValue = () => {
    if (attr === 'mode') return current || 'first';
    if (attr === 'schedule') return !current ? 'daily' : (SCHEDULE_PRESETS.includes(current) ? current : 'cron');
    return current;
  };
  const setValue = (value) => {
    const props = { [attr]: value || undefined };
    if (attr === 'schedule' && value === 'cron') props.schedule = '0 9 * * 1-5';
    if (attr === 'on') {
      if (value === 'update' && !trigger?.get('mode')) props.mode = 'first';
      if (value !== 'update') props.mode = undefined;
      if (value === 'schedule' && !trigger?.get('schedule')) props.schedule = 'daily';
      if (value !== 'schedule') props.schedule = undefined;
    }
    updateTrigger(element, process, props, bpmnFactory, modeling);
  };
  return jsx(SelectEntry, { element, id, label, getValue, setValue, getOptions: options });
}

function CronEntry({ element, id, label }) {
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const process = getProcess(element);
  return jsx(TextFieldEntry, {
    element, id, label, debounce,
    description: translate('minute hour day month weekday, e.g. 0 9 * * 1-5'),
    getValue: () => (getTrigger(process) && getTrigger(process).get('schedule')) || '',
    setValue: (value, error) => !error && updateTrigger(element, process, { schedule: value || 'daily' }, bpmnFactory, modeling),
    validate: (value) => (!value || value.trim().split(/\s+/).length === 5 ? null : translate('minute hour day month weekday, e.g. 0 9 * * 1-5'))
  });
}

function MatchEntry({ element, id, label }) {
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const translate = useService('translate');
  const process = getProcess(element);
  const trigger = getTrigger(process);
  const conditions = trigger && trigger.get('conditions');
  return jsx(SelectEntry, {
    element, id, label,
    getValue: () => (conditions && conditions.get('match')) || 'all',
    setValue: (value) => {
      if (conditions) modeling.updateModdleProperties(element, conditions, { match: value });
      else {
        const created = bpmnFactory.create('charkh:Conditions', { match: value, items: [] });
        created.$parent = trigger;
        modeling.updateModdleProperties(element, trigger, { conditions: created });
      }
    },
    getOptions: () => [ { value: 'all', label: translate('All conditions (AND)') }, { value: 'any', label: translate('Any condition (OR)') } ]
  });
}

function conditionsGroup(element, t) {
  const process = getProcess(element);
  const trigger = getTrigger(process);
  const conditions = trigger && trigger.get('conditions');
  const items = conditions ? conditions.get('items') : [];
  return {
    id: 'charkh-conditions',
    label: t('Conditions'),
    component: ListGroup,
    element,
    items: items.map((condition, index) => ({
      id: `charkh-condition-${index}`,
      label: conditionLabel(condition, t),
      autoFocusEntry: `charkh-condition-${index}-field`,
      remove: () => conditionRemover(element, conditions, condition),
      entries: [
        { id: `charkh-condition-${index}-field`, component: ConditionField, element, condition },
        { id: `charkh-condition-${index}-operator`, component: ConditionOperator, element, condition },
        { id: `charkh-condition-${index}-value`, component: ConditionValue, element, condition }
      ]
    })),
    add: (event) => {
      event.stopPropagation();
      addCondition(element);
    }
  };
}

function conditionLabel(condition, t) {
  const field = condition.get('field');
  if (!field) return t('Condition');
  const op = Object.values(OPERATORS).flat().find(([ id ]) => id === condition.get('operator'));
  const value = NO_VALUE.has(condition.get('operator')) ? '' : ` ${condition.get('value') || ''}`;
  return `${field} ${op ? t(op[1]) : condition.get('operator') || ''}${value}`;
}

// services for the non-component callbacks (add/remove) are set by the module's init
let services = null;
export function setServices(injector) {
  services = {
    modeling: injector.get('modeling'), bpmnFactory: injector.get('bpmnFactory')
  };
}

function conditionRemover(element, conditions, condition) {
  services.modeling.updateModdleProperties(element, conditions, {
    items: conditions.get('items').filter((c) => c !== condition)
  });
}

function addCondition(element) {
  const { modeling, bpmnFactory } = services;
  const process = getProcess(element);
  let trigger = getTrigger(process);
  const condition = bpmnFactory.create('charkh:Condition', {});
  if (!trigger) {
    updateTrigger(element, process, { on: 'create' }, bpmnFactory, modeling);
    trigger = getTrigger(process);
  }
  const conditions = trigger.get('conditions');
  if (conditions) {
    condition.$parent = conditions;
    modeling.updateModdleProperties(element, conditions, { items: [ ...conditions.get('items'), condition ] });
  } else {
    const created = bpmnFactory.create('charkh:Conditions', { match: 'all', items: [ condition ] });
    created.$parent = trigger;
    condition.$parent = created;
    modeling.updateModdleProperties(element, trigger, { conditions: created });
  }
}

function useEntityFields(element) {
  const catalog = useService('charkhCatalog');
  const trigger = getTrigger(getProcess(element));
  const entity = trigger && catalog.entity(trigger.get('entity'));
  return entity ? entity.fields || [] : [];
}

function ConditionField({ element, id, condition }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const fields = useEntityFields(element);
  return jsx(SelectEntry, {
    element, id, label: translate('Field'),
    description: fields.length ? undefined : translate('Choose the entity first'),
    getValue: () => condition.get('field') || '',
    setValue: (value) => {
      const field = fields.find((f) => f.name === value);
      const ops = OPERATORS[(field && field.type) || 'text'] || OPERATORS.text;
      const props = { field: value || undefined };
      if (!ops.some(([ op ]) => op === condition.get('operator'))) {
        props.operator = ops[0][0];
        props.value = undefined;
      }
      modeling.updateModdleProperties(element, condition, props);
    },
    getOptions: () => withCurrent([ { value: '', label: '' },
      ...fields.map((f) => ({ value: f.name, label: f.label || f.name })) ], condition.get('field'))
  });
}

function ConditionOperator({ element, id, condition }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const fields = useEntityFields(element);
  const field = fields.find((f) => f.name === condition.get('field'));
  const ops = OPERATORS[(field && field.type) || 'text'] || OPERATORS.text;
  return jsx(SelectEntry, {
    element, id, label: translate('Operator'),
    getValue: () => condition.get('operator') || ops[0][0],
    setValue: (value) => modeling.updateModdleProperties(element, condition, {
      operator: value, value: NO_VALUE.has(value) ? undefined : condition.get('value')
    }),
    getOptions: () => withCurrent(ops.map(([ value, label ]) => ({ value, label: translate(label) })), condition.get('operator'))
  });
}

function ConditionValue({ element, id, condition }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const fields = useEntityFields(element);
  const field = fields.find((f) => f.name === condition.get('field'));
  const type = field && field.type;
  const operator = condition.get('operator');
  // stable (a hook, so before any return), so a shown error stays until the value changes
  const validate = useCallback((v) => {
    if (!v) return null;
    if (type === 'number' && operator === 'between') {
      return /^-?[\d.]+\s*,\s*-?[\d.]+$/.test(v) ? null : translate('Two numbers: min,max');
    }
    if (type === 'number') return /^-?[\d.]+$/.test(v) ? null : translate('Must be a number');
    if (type === 'date' && operator === 'within_last_days') return /^\d+$/.test(v) ? null : translate('Must be a whole number');
    return null;
  }, [ type, operator, translate ]);
  if (NO_VALUE.has(operator)) return null;
  // the panel shows a rejected value with its error; the file keeps the last valid one
  const setValue = (value, error) => !error &&
    modeling.updateModdleProperties(element, condition, { value: value === '' ? undefined : value });
  const getValue = () => condition.get('value') || '';
  if (type === 'picklist' && operator !== 'one_of') {
    return jsx(SelectEntry, {
      element, id, label: translate('Value'), getValue, setValue,
      getOptions: () => withCurrent([ { value: '', label: '' }, ...(field.options || []).map((o) => ({ value: o, label: o })) ],
        condition.get('value'))
    });
  }
  let description;
  if (operator === 'between') description = translate('min,max');
  if (operator === 'one_of') description = translate('Comma-separated options') + (field && field.options ? `: ${field.options.join(', ')}` : '');
  if (type === 'date' && operator !== 'within_last_days') description = 'YYYY-MM-DD';
  return jsx(TextFieldEntry, { element, id, label: translate('Value'), debounce, description, getValue, setValue, validate });
}

// The condition builder's entries, for a flow's conditions too (flow-group.jsx).
const CONDITION_ENTRIES = { ConditionField, ConditionOperator, ConditionValue, conditionLabel };

// --- Visibility -----------------------------------------------------------------------------

function visibilityGroup(element, t) {
  return { id: 'charkh-visibility', label: t('Visibility'), component: Group,
    entries: [ { id: 'charkh-visibility-select', component: VisibilityEntry, element, isEdited: isSelectEntryEdited } ] };
}

function VisibilityEntry({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const process = getProcess(element);
  return jsx(SelectEntry, {
    element, id, label: translate('Visibility'),
    getValue: () => process.get('charkh:visibility') || 'public',
    setValue: (value) => modeling.updateModdleProperties(element, process, { 'charkh:visibility': value }),
    getOptions: () => [ { value: 'public', label: translate('Public') },
      { value: 'private', label: translate('Private (access list on the process list page)') } ]
  });
}

// --- Cartable item title --------------------------------------------------------------------

function titleGroup(element, t) {
  return { id: 'charkh-title', label: t('Cartable item title'), component: Group,
    entries: [ { id: 'charkh-title-template', component: TitleEntry, element, isEdited: isTextFieldEntryEdited } ] };
}

// The server fills ${name} with the case's variables when an item is created (never evaluated).
function TitleEntry({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const process = getProcess(element);
  return jsx(TextFieldEntry, {
    element, id, label: translate('Cartable item title'), debounce,
    description: translate('Title of each cartable item, with variables as ${name}, e.g. Invoice ${number} — ${customer}'),
    getValue: () => process.get('charkh:title') || '',
    setValue: (value) => modeling.updateModdleProperties(element, process, { 'charkh:title': value || undefined })
  });
}

// --- Insert field ---------------------------------------------------------------------------

function InsertField({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const fields = useEntityFields(element);
  const connector = getConnector(getBusinessObject(element));
  const io = connector && connector.get('inputOutput');
  const params = io ? io.get('inputParameters').filter((p) => !p.get('definition')) : [];
  const [ param, setParam ] = useState('');
  const [ field, setField ] = useState('');
  const chosenParam = param || (params[0] && params[0].get('name')) || '';
  const chosenField = field || (fields[0] && fields[0].name) || '';
  const insert = () => {
    const target = params.find((p) => p.get('name') === chosenParam);
    if (!target || !chosenField) return;
    const value = target.get('value') || '';
    // the panel trims a text field when it is left, so "Hello " is stored as "Hello": after a
    // letter, a digit or another field the field goes in as a separate word ("Hello ${record.x}"),
    // not glued to it; after punctuation ("INV-", "(") it is put right there
    const gap = /[\p{L}\p{N}}]$/u.test(value) ? ' ' : '';
    modeling.updateModdleProperties(element, target, { value: `${value}${gap}\${record.${chosenField}}` });
  };
  return (
    <div class="bio-properties-panel-entry charkh-insert-field" data-entry-id={ id }>
      { fields.length === 0 && <div class="charkh-hint">{ translate('Set the trigger entity on the process to list its fields') }</div> }
      <label class="bio-properties-panel-label" for="charkh-insert-param">{ translate('Into') }</label>
      <select id="charkh-insert-param" class="bio-properties-panel-input" value={ chosenParam }
        onChange={ (e) => setParam(e.target.value) }>
        { params.map((p) => <option value={ p.get('name') }>{ p.get('name') }</option>) }
      </select>
      <label class="bio-properties-panel-label" for="charkh-insert-record-field">{ translate('Record field') }</label>
      <select id="charkh-insert-record-field" class="bio-properties-panel-input" value={ chosenField }
        onChange={ (e) => setField(e.target.value) } disabled={ !fields.length }>
        { fields.map((f) => <option value={ f.name }>{ `${f.label || f.name} — \${record.${f.name}}` }</option>) }
      </select>
      <button type="button" id="charkh-insert-button" class="charkh-insert-button" disabled={ !fields.length || !params.length }
        onClick={ insert }>{ translate('Insert') }</button>
    </div>
  );
}
