// An entity's records (/records/{entity}): its main fields as columns, a search, filters by field
// value (picklists and checkboxes as selects), a page at a time ("More"), and a new record's form
// built from the entity's typed fields. The filters live in the address, so a list is bookmarkable.
import { FOCUSABLE, clearErrors, enc, fieldInput, labelOf, loadEntities, recordHref, showError, shown, titleOf,
  valueOf } from './fields.js';

const { config, texts, api, say, el } = window.CharkhPeople;
const PAGE_SIZE = 25;
const COLUMNS = 5;  // the entity's first fields: its main ones
const status = document.getElementById('status');
const body = document.querySelector('#records tbody');
const filters = document.getElementById('filters');
const more = document.getElementById('more');
const newBox = document.getElementById('new-record-box');
const newForm = document.getElementById('new-record-form');
let entity = null;
let entities = null;
let cursor = null;
let asked = 0;  // answers to an older question are dropped

function filterSelect(field) {
  const choices = field.type === 'checkbox' ? [ [ 'true', texts.yes ], [ 'false', texts.no ] ]
    : field.options.map((option) => [ option, option ]);
  return el('label', {}, labelOf(field) + ' ', el('select', { name: field.name, 'data-filter': field.name },
    el('option', { value: '', text: texts.any }), ...choices.map(([ value, label ]) => el('option', { value, text: label }))));
}

function drawHead() {
  const columns = entity.fields.slice(0, COLUMNS);
  document.querySelector('#records thead tr').replaceChildren(
    ...columns.map((field) => el('th', { scope: 'col', text: labelOf(field) })), el('th', { scope: 'col', text: texts.owner }));
  document.getElementById('field-filters').replaceChildren(
    ...entity.fields.filter((f) => f.type === 'picklist' || f.type === 'checkbox').map(filterSelect));
  const wanted = new URLSearchParams(window.location.search);
  for (const control of filters.elements) if (control.name && wanted.has(control.name)) control.value = wanted.get(control.name);
}

function row(record) {
  const columns = entity.fields.slice(0, COLUMNS);
  const cells = columns.map((field, index) => {
    const value = shown(field, record.fields[field.name]);
    const cell = el('td', { 'data-label': labelOf(field), 'data-field': field.name });
    if (index === 0) cell.append(el('a', { class: 'open', href: recordHref(config.entity, record.id) }, value || titleOf(entity, record)));
    else cell.append(value);
    return cell;
  });
  return el('tr', { 'data-id': record.id }, ...cells,
    el('td', { 'data-label': texts.owner, class: 'owner', text: record.owner || '' }));
}

function query() {
  const found = new URLSearchParams();
  for (const [ name, value ] of new FormData(filters)) if (String(value).trim()) found.set(name, String(value).trim());
  return found;
}

async function load(fresh) {
  const number = ++asked;
  const wanted = query();
  if (fresh) {
    cursor = null;
    history.replaceState(null, '', window.location.pathname + (String(wanted) ? '?' + wanted : ''));
  }
  wanted.set('limit', String(PAGE_SIZE));
  if (cursor) wanted.set('after', cursor);
  const { data, next } = await api('GET', `/records/${enc(config.entity)}?${wanted}`);
  if (number !== asked) return;
  if (fresh) body.replaceChildren();
  body.append(...data.map(row));
  cursor = next;
  more.hidden = !next;
  document.getElementById('empty').hidden = body.children.length > 0;
  say(status, '', false);
}

function fail(error) { say(status, error.message, true); }

function openNew() {
  const fields = entity.fields.map((field) => fieldInput(field, null, entities));
  fields.push(fieldInput({ name: 'owner', type: 'user' }, null, entities, texts.owner));
  document.getElementById('new-fields').replaceChildren(...fields);
  document.getElementById('input-owner').placeholder = config.user;
  clearErrors(newForm);
  newBox.hidden = false;
  fields[0].querySelector(FOCUSABLE).focus();
}

newForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = {};
  let owner = null;
  for (const input of newForm.querySelectorAll('[data-type]:is(input, select)')) {
    const value = valueOf(input);
    if (input.name === 'owner') owner = value;
    else if (value !== null && value !== false) values[input.name] = value;
  }
  const newStatus = document.getElementById('new-status');
  try {
    const { data } = await api('POST', `/records/${enc(config.entity)}`, { fields: values, owner });
    window.location.href = recordHref(config.entity, data.id);
  } catch (error) {
    showError(newForm, newStatus, error);
  }
});

document.getElementById('new-record').addEventListener('click', openNew);
document.getElementById('cancel-new').addEventListener('click', () => { newBox.hidden = true; });
more.addEventListener('click', () => load(false).catch(fail));
let typing = null;
filters.addEventListener('input', (event) => {
  clearTimeout(typing);
  typing = setTimeout(() => load(true).catch(fail), event.target.type === 'search' ? 300 : 0);
});
filters.addEventListener('submit', (event) => { event.preventDefault(); load(true).catch(fail); });

loadEntities().then((found) => {
  entities = found;
  entity = found.get(config.entity);
  drawHead();
  if (new URLSearchParams(window.location.search).has('new')) openNew();
  return load(true);
}).catch(fail);
