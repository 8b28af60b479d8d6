// The "Form" group of a user task in the properties panel: the fields of the task's form-js form
// (charkh:form in its extensionElements, engine/forms.py), and the buttons that open the form
// editor and remove the form. A process's plain start event has the same group, titled "Start
// form": what a person fills in on /start to start the process.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import { useService } from 'bpmn-js-properties-panel';
import { Group } from '@bpmn-io/properties-panel';

import { getExtension } from './util';
import { openFormDialog } from './form-dialog';

// What the form-js palette calls each input, as the list of fields shows it.
const FIELD_TYPES = {
  textfield: 'Text field', textarea: 'Text area', number: 'Number', checkbox: 'Checkbox', checklist: 'Checklist',
  radio: 'Radio group', select: 'Select field', taglist: 'Tag list', datetime: 'Date time', expression: 'Expression',
  filepicker: 'File picker', dynamiclist: 'Dynamic list', group: 'Group'
};

export function formGroup(element, t) {
  const label = is(element, 'bpmn:StartEvent') ? t('Start form') : t('Form');
  return { id: 'charkh-form', label, component: Group,
    entries: [ { id: 'charkh-form-entry', component: FormEntry, element } ] };
}

// The start event whose form is the process's start form, as the server reads it (engine/forms.py):
// directly in a process (or a pool's), with no message, timer or other event definition.
export function isStartFormEvent(bo) {
  return is(bo, 'bpmn:StartEvent') && !(bo.get('eventDefinitions') || []).length
    && Boolean(bo.$parent) && is(bo.$parent, 'bpmn:Process');
}

// Camunda 7's own form groups (camunda:formKey, camunda:formData) stay for the tasks of imported
// files that use them; on other user tasks they would sit beside "Form" as a second, other way.
const CAMUNDA_FORM_GROUPS = [ 'CamundaPlatform__Form', 'CamundaPlatform__FormData' ];

export function withoutUnusedCamundaForms(groups, bo) {
  const ext = bo.get('extensionElements');
  const hasFormData = ext && (ext.get('values') || []).some((v) => v.$type === 'camunda:FormData');
  if (bo.get('camunda:formKey') || bo.get('camunda:formRef') || hasFormData) return groups;
  return groups.filter((g) => !CAMUNDA_FORM_GROUPS.includes(g.id));
}

function getForm(bo) {
  return getExtension(bo, 'charkh:Form');
}

function readSchema(form) {
  if (!form) return null;
  try {
    const schema = JSON.parse(form.get('body') || '');
    return schema && Array.isArray(schema.components) ? schema : null;
  } catch (err) {
    return null;
  }
}

// The inputs of a form, groups and lists opened, in the order the person sees them.
export function formFields(schema) {
  const fields = [];
  const walk = (components, depth) => {
    for (const c of components || []) {
      if (c && c.key && FIELD_TYPES[c.type]) {
        fields.push({ key: c.key, label: c.label || c.dateLabel || '', type: c.type,
          required: Boolean(c.validate && c.validate.required === true) });
      }
      if (c && Array.isArray(c.components) && depth < 24) walk(c.components, depth + 1);
    }
  };
  walk(schema && schema.components, 0);
  return fields;
}

// One command: the task's charkh:form holds `text`; extensionElements and the form are made when
// missing, and a null text removes the form.
function writeForm(element, text, bpmnFactory, modeling) {
  const bo = getBusinessObject(element);
  const form = getForm(bo);
  const ext = bo.get('extensionElements');
  if (text === null) {
    if (form) modeling.updateModdleProperties(element, ext, { values: ext.get('values').filter((v) => v !== form) });
    return;
  }
  if (form) {
    modeling.updateModdleProperties(element, form, { body: text });
    return;
  }
  const created = bpmnFactory.create('charkh:Form', { body: text });
  if (ext) {
    created.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [ ...ext.get('values'), created ] });
  } else {
    const extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [ created ] });
    extensions.$parent = bo;
    created.$parent = extensions;
    modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
  }
}

function FormEntry({ element, id }) {
  const translate = useService('translate');
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const canvas = useService('canvas');
  const bo = getBusinessObject(element);
  const form = getForm(bo);
  const schema = readSchema(form);
  const fields = formFields(schema);
  const dir = canvas.getContainer().closest('[dir]')?.getAttribute('dir') || 'ltr';
  const open = () => openFormDialog({
    schema: schema || { type: 'default', id: `Form_${bo.id}`, components: [] },
    title: translate('Form of {name}', { name: bo.name || bo.id }),
    t: translate,
    dir,
    onSave: (saved) => writeForm(element, JSON.stringify(saved, null, 2), bpmnFactory, modeling)
  });
  return (
    <div class="bio-properties-panel-entry charkh-form-entry" data-entry-id={ id }>
      { fields.length > 0 && (
        <ul class="charkh-form-fields" id="charkh-form-fields">
          { fields.map((f) => (
            <li data-key={ f.key }>
              <span class="charkh-form-field-label">{ f.label || f.key }</span>
              <span class="charkh-form-field-type">{ translate(FIELD_TYPES[f.type]) }</span>
              { f.required && <span class="charkh-form-field-required" title={ translate('Required') }>{ translate('required') }</span> }
            </li>
          )) }
        </ul>
      ) }
      { fields.length === 0 && (
        <div class="charkh-hint">
          { translate(form ? 'The form has no fields yet' : is(bo, 'bpmn:StartEvent')
            ? 'No form: whoever starts the process types its data as fields and values'
            : 'No form: the person sees only the action buttons') }
        </div>
      ) }
      { form && !schema && <div class="charkh-hint charkh-error">{ translate('The form is not valid JSON; designing it anew replaces it') }</div> }
      <div class="charkh-form-buttons">
        <button type="button" id="charkh-form-edit" class="charkh-btn" onClick={ open }>
          { translate(form ? 'Edit form' : 'Design form') }
        </button>
        { form && (
          <button type="button" id="charkh-form-remove" class="charkh-btn"
            onClick={ () => writeForm(element, null, bpmnFactory, modeling) }>{ translate('Remove form') }</button>
        ) }
      </div>
    </div>
  );
}
