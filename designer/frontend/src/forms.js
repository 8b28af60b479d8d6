// The form viewer every page that shows a cartable item loads (static/dist/forms.js + forms.css):
// window.CharkhForms.render(element, schema, data, { locale, readOnly }) draws a form-js form and
// returns { ready, validate(requiredFields?), data(), destroy() }. The schema is the one the
// designer's form editor wrote into the task (charkh:form); GET /work-items/{id} answers it as "form".
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import './forms/forms.css';

import { Form } from '@bpmn-io/form-js-viewer';

import { makeTranslate } from './i18n';
import { translateMessage } from './forms/messages';
import { translateFormTexts } from './forms/ui-texts';

const LOCALES = [ 'en', 'fa', 'ro' ];

// Errors come keyed by field id, and by row index inside dynamic lists: name them by key path.
function errorList(errors, form) {
  const registry = form.get('formFieldRegistry');
  const list = [];
  const walk = (value, id, rows) => {
    if (Array.isArray(value) && value.every((m) => typeof m === 'string')) {
      const field = registry.get(id);
      list.push({ id, field: field && field.key ? field.key : id, label: field ? field.label || '' : '', rows, messages: value });
    } else if (value && typeof value === 'object') {
      for (const [ index, inner ] of Object.entries(value)) walk(inner, id, [ ...rows, Number(index) ]);
    }
  };
  for (const [ id, value ] of Object.entries(errors || {})) walk(value, id, []);
  return list;
}

function render(element, schema, data = {}, options = {}) {
  if (!element) throw new Error('CharkhForms.render needs an element to draw in');
  const locale = LOCALES.includes(options.locale) ? options.locale : 'en';
  const t = makeTranslate(locale);
  element.classList.add('charkh-form');
  element.setAttribute('dir', locale === 'fa' ? 'rtl' : 'ltr');
  element.setAttribute('lang', locale);
  const form = new Form({ container: element, properties: { readOnly: Boolean(options.readOnly) } });
  // The validator is form-js's own; only its English messages are put in the page's language.
  const validator = form.get('validator');
  const validateFieldInstance = validator.validateFieldInstance.bind(validator);
  validator.validateFieldInstance = (instance, value) =>
    validateFieldInstance(instance, value).map((message) => translateMessage(message, t));
  const stopTranslating = locale === 'en' ? () => {} : translateFormTexts(element, t);
  const ready = form.importSchema(schema, data || {});
  return {
    ready,
    form,
    // [{ id, field (key path), label, rows, messages }]; the form shows them beside the fields too.
    // requiredFields: what the chosen action requires besides (its charkh:requiredFields).
    validate: (requiredFields = []) => {
      const errors = errorList(form.validate(), form);
      const data = form._getSubmitData();
      for (const path of requiredFields) {
        const value = path.split('.').reduce((v, name) => (v && typeof v === 'object' ? v[name] : undefined), data);
        if ((value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length))
            && !errors.some((e) => e.field === path)) {
          errors.push({ id: null, field: path, label: '', rows: [], messages: [ t('This field is required to take this action') ] });
        }
      }
      return errors;
    },
    // What the person filled in, as a completion's `data`: only the form's own, enabled fields.
    data: () => form._getSubmitData(),
    destroy: () => {
      stopTranslating();
      form.destroy();
    }
  };
}

window.CharkhForms = { render };
