// The administrators' entities page (/admin/entities): every entity with its fields, and a form
// that defines a new one or redefines one (PUT /entities/{name}): each field's name, type, label
// in each language, a picklist's options and the entity a reference points to. A refusal is
// shown next to the field it names.
import { clearErrors, enc, labelOf } from './fields.js';

const { texts, api, text, say, el } = window.CharkhPeople;
const LANGUAGES = [ 'en', 'fa', 'ro' ];
const status = document.getElementById('status');
const editor = document.getElementById('editor');
const form = document.getElementById('entity-form');
const rows = document.getElementById('field-rows');
const nameInput = document.getElementById('entity-name');
let entities = new Map();
let editing = null;  // the entity's name when redefining one

function entityOptions(select, chosen) {
  const names = [ ...entities.keys() ];
  const own = nameInput.value.trim();
  if (own && !names.includes(own)) names.push(own);  // a reference to itself: a contact's referrer
  select.replaceChildren(...names.sort().map((name) => el('option', { value: name,
    text: entities.has(name) ? labelOf(entities.get(name)) : name })));
  if (chosen) select.value = chosen;
}

function fieldRow(field) {
  const row = document.getElementById('field-row-template').content.firstElementChild.cloneNode(true);
  const type = row.querySelector('.f-type');
  row.querySelector('.f-name').value = field.name || '';
  type.value = field.type || 'text';
  for (const lang of LANGUAGES) {
    row.querySelector('.f-label-' + lang).value = (field.labels && field.labels[lang]) || (lang === 'en' ? field.label || '' : '');
  }
  row.querySelector('.f-options').value = (field.options || []).join('\n');
  entityOptions(row.querySelector('.f-entity'), field.entity);
  const showKind = () => {
    row.querySelector('.f-options-box').hidden = type.value !== 'picklist';
    row.querySelector('.f-entity-box').hidden = type.value !== 'reference';
    row.dataset.type = type.value;
  };
  type.addEventListener('change', showKind);
  row.querySelector('.f-name').addEventListener('input', () => { row.dataset.field = row.querySelector('.f-name').value.trim(); });
  row.dataset.field = field.name || '';
  row.querySelector('.remove-field').addEventListener('click', () => row.remove());
  row.querySelector('.move-up').addEventListener('click', () => { if (row.previousElementSibling) row.previousElementSibling.before(row); });
  showKind();
  return row;
}

function open(entity) {
  editing = entity ? entity.name : null;
  document.getElementById('editor-title').textContent = entity ? text('redefine', { name: labelOf(entity) }) : texts.new_entity;
  nameInput.value = entity ? entity.name : '';
  nameInput.readOnly = Boolean(entity);
  for (const lang of LANGUAGES) {
    document.getElementById('entity-label-' + lang).value = entity ? (entity.labels || {})[lang] || (lang === 'en' ? entity.label : '') : '';
  }
  rows.replaceChildren(...(entity ? entity.fields : [ {} ]).map(fieldRow));
  clearErrors(form);
  say(document.getElementById('editor-status'), '', false);
  editor.hidden = false;
  editor.scrollIntoView({ block: 'start' });
  (entity ? document.getElementById('entity-label-en') : nameInput).focus();
}

function labelsOf(read) {
  const labels = {};
  for (const lang of LANGUAGES) {
    const value = read(lang).trim();
    if (value) labels[lang] = value;
  }
  return labels;
}

function body() {
  const fields = [ ...rows.children ].map((row) => {
    const labels = labelsOf((lang) => row.querySelector('.f-label-' + lang).value);
    const field = { name: row.querySelector('.f-name').value.trim(), type: row.querySelector('.f-type').value,
      label: labels.en || row.querySelector('.f-name').value.trim(), labels };
    if (field.type === 'picklist') {
      field.options = row.querySelector('.f-options').value.split('\n').map((o) => o.trim()).filter(Boolean);
    }
    if (field.type === 'reference') field.entity = row.querySelector('.f-entity').value;
    return field;
  });
  const labels = labelsOf((lang) => document.getElementById('entity-label-' + lang).value);
  return { label: labels.en || nameInput.value.trim(), labels, fields };
}

function drawList() {
  document.querySelector('#entities tbody').replaceChildren(...[ ...entities.values() ].map((entity) => {
    const edit = el('button', { type: 'button', class: 'edit-entity', text: texts.edit });
    edit.addEventListener('click', () => open(entity));
    return el('tr', { 'data-entity': entity.name },
      el('td', { 'data-label': texts.name }, el('a', { href: '/records/' + enc(entity.name), text: labelOf(entity) })),
      el('td', { 'data-label': texts.code, dir: 'ltr', text: entity.name }),
      el('td', { 'data-label': texts.fields, text: entity.fields.map(labelOf).join(texts.separator) }),
      el('td', { class: 'actions' }, edit));
  }));
}

async function load() {
  const { data } = await api('GET', '/entities');
  entities = new Map(data.map((entity) => [ entity.name, entity ]));
  drawList();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  const editorStatus = document.getElementById('editor-status');
  clearErrors(form);
  if (!name) {
    nameInput.setAttribute('aria-invalid', 'true');
    say(editorStatus, texts.name_needed, true);
    return;
  }
  try {
    await api('PUT', '/entities/' + enc(name), body());
    editor.hidden = true;
    say(status, text(editing ? 'entity_redefined' : 'entity_defined', { name }), false);
    await load();
  } catch (error) {
    const field = error.details && error.details.field;
    const row = field && [ ...rows.children ].find((r) => r.dataset.field === field);
    if (row) {
      row.querySelector('.field-error').textContent = error.message;
      row.querySelector('.f-name').setAttribute('aria-invalid', 'true');
      row.scrollIntoView({ block: 'center' });
    }
    say(editorStatus, error.message, true);
  }
});

nameInput.addEventListener('change', () => { for (const select of rows.querySelectorAll('.f-entity')) entityOptions(select, select.value); });
document.getElementById('add-field').addEventListener('click', () => {
  const row = fieldRow({});
  rows.append(row);
  row.querySelector('.f-name').focus();
});
document.getElementById('new-entity').addEventListener('click', () => open(null));
document.getElementById('cancel-entity').addEventListener('click', () => { editor.hidden = true; });
load().catch((error) => say(status, error.message, true));
