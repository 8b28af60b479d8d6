// A record's fields on the records pages: the entities, a value shown in the page's language
// (grouped numbers and Jalali dates in fa, references as links named by their records' titles),
// an input per field type, what the inputs hold as the API takes it, and a 422 shown next to the
// field it names.
import { attachDatePicker } from '../common/date-picker.js';
import { calendarFor } from '../common/dates.js';
import { recordPicker, userPicker } from './pickers.js';

const { config, texts, api, text, number, amount, day, date, el } = window.CharkhPeople;

export const enc = encodeURIComponent;

// What takes the focus in a field's box (a date's picker button, not its hidden value).
export const FOCUSABLE = 'input:not([type=hidden]), select, button.date-button';

// Dates are picked in the page's calendar (Jalali in fa); the inputs keep Gregorian ISO values.
let pageCalendar = null;
function calendarOfPage() {
  if (!pageCalendar) pageCalendar = calendarFor(config.locale);
  return pageCalendar;
}

export function labelOf(thing) {
  return (thing.labels && thing.labels[config.locale]) || thing.label || thing.name;
}

// Every entity by name (GET /entities, asked once per page).
let entitiesAsked = null;
export function loadEntities() {
  if (!entitiesAsked) {
    entitiesAsked = api('GET', '/entities').then(({ data }) => new Map(data.map((entity) => [ entity.name, entity ])));
  }
  return entitiesAsked;
}

function empty(value) {
  return value === null || value === undefined || value === '';
}

// How a record is named in lists, links and pickers: its leading text fields (a contact's first
// and last name, an invoice's number and customer), else its id.
export function titleOf(entity, record) {
  const leading = (entity ? entity.fields.slice(0, 2) : []).filter((f) => f.type === 'text')
    .map((f) => record.fields[f.name]).filter((v) => !empty(v));
  return leading.length ? leading.join(' ') : '#' + number(record.id);
}

// A referenced record's title, asked once per page for each record.
const titles = new Map();
function titleOfRecord(entityName, id) {
  const key = entityName + '/' + id;
  if (!titles.has(key)) {
    titles.set(key, Promise.all([ loadEntities(), api('GET', `/records/${enc(entityName)}/${enc(id)}`) ])
      .then(([ entities, { data } ]) => titleOf(entities.get(entityName), data))
      .catch(() => '#' + id));
  }
  return titles.get(key);
}

export function recordHref(entityName, id) {
  return `/records/${enc(entityName)}/${enc(id)}`;
}

// A value as the page shows it: text, or a link (e-mail, phone, a referenced record).
export function shown(field, value) {
  if (empty(value)) return '';
  switch (field.type) {
  case 'number': return amount(value);
  case 'checkbox': return value ? texts.yes : texts.no;
  case 'date': return day(value);
  case 'datetime': return date(value);
  case 'email': return el('a', { href: 'mailto:' + value, dir: 'ltr', text: value });
  case 'mobile': return el('a', { href: 'tel:' + String(value).replace(/[^0-9+]/g, ''), dir: 'ltr', text: value });
  case 'reference': {
    if (!/^\d+$/.test(String(value))) return String(value);  // an outside CRM's id
    const link = el('a', { href: recordHref(field.entity, value), 'data-reference': field.entity, text: '#' + number(value) });
    titleOfRecord(field.entity, value).then((title) => { link.textContent = title; });
    return link;
  }
  default: return String(value);
  }
}

// A translated text whose %(name)s parts are nodes (links) or strings.
export function words(template, parts) {
  const nodes = [];
  let rest = texts[template] || template;
  for (;;) {
    const found = /%\((\w+)\)s/.exec(rest);
    if (!found) break;
    nodes.push(rest.slice(0, found.index), parts[found[1]] === undefined ? found[0] : parts[found[1]]);
    rest = rest.slice(found.index + found[0].length);
  }
  nodes.push(rest);
  return el('span', {}, ...nodes.filter((n) => n !== ''));
}

// --- inputs ------------------------------------------------------------------------------------

function localInput(iso) {
  const moment = new Date(iso);
  if (isNaN(moment)) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}` +
    `T${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

function control(field, entities) {
  switch (field.type) {
  case 'number': return [ el('input', { type: 'number', step: 'any', inputmode: 'decimal', dir: 'ltr' }) ];
  case 'mobile': return [ el('input', { type: 'tel', dir: 'ltr', maxlength: '40' }) ];
  case 'email': return [ el('input', { type: 'email', dir: 'ltr', maxlength: '320' }) ];
  case 'date': return [ el('input', { type: 'date' }) ];
  case 'datetime': return [ el('input', { type: 'datetime-local' }) ];
  case 'checkbox': return [ el('input', { type: 'checkbox' }) ];
  case 'picklist': return [ el('select', {}, el('option', { value: '', text: texts.none }),
    ...field.options.map((option) => el('option', { value: option, text: option }))) ];
  case 'user': return userPicker();
  case 'reference': return recordPicker(field.entity, (record) => titleOf(entities.get(field.entity), record));
  default: return [ el('input', { type: 'text', maxlength: '10000', dir: 'auto' }) ];
  }
}

function setValue(input, value) {
  if (input.type === 'checkbox') input.checked = value === true;
  else if (input.dataset.type === 'datetime') input.value = empty(value) ? '' : localInput(value);
  else input.value = empty(value) ? '' : String(value);
}

// One labelled input for a field (or the owner: {name: 'owner', type: 'user'}), its current value
// in it, with a place for its error.
export function fieldInput(field, value, entities, label) {
  const [ input, ...extra ] = control(field, entities);
  input.name = field.name;
  input.dataset.type = field.type;
  input.id = 'input-' + field.name;
  setValue(input, value);
  const hint = el('small', { class: 'hint' });
  if (field.type === 'reference') {
    const named = () => {
      const id = input.value.trim();
      hint.textContent = '';
      if (/^\d+$/.test(id)) titleOfRecord(field.entity, id).then((title) => { if (input.value.trim() === id) hint.textContent = title; });
    };
    input.addEventListener('change', named);
    named();
  }
  const error = el('small', { class: 'field-error', role: 'alert' });
  const box = el('label', { class: 'field' + (field.type === 'checkbox' ? ' check' : ''), 'data-field': field.name,
    'data-type': field.type }, el('span', { class: 'field-label', text: label || labelOf(field) }), input, ...extra,
  hint, error);
  if (field.type === 'date' || field.type === 'datetime') attachDatePicker(input, calendarOfPage(), texts);
  return box;
}

// What an input holds as the API takes it (null: empty).
export function valueOf(input) {
  if (input.type === 'checkbox') return input.checked;
  const typed = input.value.trim();
  if (typed === '') return null;
  if (input.dataset.type === 'datetime') {
    const moment = new Date(typed);
    return isNaN(moment) ? typed : moment.toISOString();
  }
  return typed;
}

// Whether what an input holds differs from the value the record has.
export function changed(input, value) {
  if (input.type === 'checkbox') return input.checked !== (value === true);
  const now = valueOf(input);
  if (now === null || empty(value)) return now !== null || !empty(value);
  if (input.dataset.type === 'number') return Number(now) !== Number(value);
  if (input.dataset.type === 'datetime') return new Date(now).getTime() !== new Date(value).getTime();
  return now !== String(value);
}

export function clearErrors(form) {
  for (const box of form.querySelectorAll('.field-error')) box.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

// A refusal: next to the field it names when the form has it (in the page's language when the
// API says which type was expected), else in the status line.
export function showError(form, status, error) {
  clearErrors(form);
  const name = error.details && error.details.field;
  const box = name && form.querySelector(`[data-field="${CSS.escape(String(name))}"]`);
  if (!box) {
    status.textContent = error.message;
    status.className = 'error';
    return;
  }
  const input = box.querySelector(FOCUSABLE);
  const key = error.details.type ? 'wrong_' + error.details.type
    : { user: 'no_such_user', reference: 'no_such_record' }[box.dataset.type];
  box.querySelector('.field-error').textContent = texts[key] || error.message;
  input.setAttribute('aria-invalid', 'true');
  input.focus();
  status.textContent = text('fix_field', { field: box.querySelector('.field-label').textContent });
  status.className = 'error';
}
