// One record (/records/{entity}/{id}): its fields, viewed and edited in place (a save sends only
// what changed), its owner, the records that point to it, the processes run for it, and its
// whole history in words, filtered by kind and searched.
import { FOCUSABLE, changed, clearErrors, enc, fieldInput, labelOf, loadEntities, recordHref, showError, shown,
  titleOf, valueOf } from './fields.js';
import { drawHistory } from './history.js';

const { config, texts, api, text, number, date, say, el } = window.CharkhPeople;
const RELATED_PAGE = 10;
const RELATED_COLUMNS = 3;
const path = `/records/${enc(config.entity)}/${enc(config.record)}`;
const status = document.getElementById('status');
const editForm = document.getElementById('edit-form');
let entities = null;
let entity = null;
let record = null;

function drawRecord() {
  const title = titleOf(entity, record);
  document.getElementById('record-title').textContent = title;
  document.title = `${title} · ${labelOf(entity)} · ${document.title.split(' · ').pop()}`;
  document.getElementById('record-owner').textContent = record.owner || texts.nobody;
  document.getElementById('record-created').textContent = date(record.created_at);
  document.getElementById('record-updated').textContent = date(record.updated_at);
  document.getElementById('record-version').textContent = number(record.version);
  document.getElementById('fields').replaceChildren(...entity.fields.map((field) =>
    el('div', { 'data-field': field.name }, el('dt', { text: labelOf(field) }),
      el('dd', {}, shown(field, record.fields[field.name]) || el('span', { class: 'muted', text: '—' })))));
}

function startEditing() {
  const inputs = entity.fields.map((field) => fieldInput(field, record.fields[field.name], entities));
  inputs.push(fieldInput({ name: 'owner', type: 'user' }, record.owner, entities, texts.owner));
  document.getElementById('edit-fields').replaceChildren(...inputs);
  clearErrors(editForm);
  editForm.hidden = false;
  document.getElementById('fields').hidden = true;
  document.getElementById('edit').hidden = true;
  inputs[0].querySelector(FOCUSABLE).focus();
}

function stopEditing() {
  editForm.hidden = true;
  document.getElementById('fields').hidden = false;
  document.getElementById('edit').hidden = false;
}

editForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { fields: {} };
  for (const input of editForm.querySelectorAll('[data-type]:is(input, select)')) {
    const before = input.name === 'owner' ? record.owner : record.fields[input.name];
    if (!changed(input, before)) continue;
    if (input.name === 'owner') body.owner = valueOf(input);
    else body.fields[input.name] = valueOf(input);
  }
  if (!Object.keys(body.fields).length && body.owner === undefined) {
    stopEditing();
    say(status, texts.nothing_changed, false);
    return;
  }
  try {
    ({ data: record } = await api('PATCH', path, body));
    stopEditing();
    drawRecord();
    say(status, texts.saved, false);
    await loadHistory();
  } catch (error) {
    showError(editForm, status, error);
  }
});

// --- related records and processes --------------------------------------------------------------

// The first fields of a related record but the one that points here (it names this record).
function relatedColumns(other, pointing) {
  return other.fields.filter((f) => f.name !== pointing).slice(0, RELATED_COLUMNS);
}

function relatedRow(other, pointing, found) {
  const columns = relatedColumns(other, pointing);
  return el('tr', { 'data-id': found.id }, ...columns.map((field, index) => {
    const value = shown(field, found.fields[field.name]);
    const cell = el('td', { 'data-label': labelOf(field) });
    cell.append(index === 0 ? el('a', { href: recordHref(other.name, found.id) }, value || titleOf(other, found)) : value);
    return cell;
  }));
}

function drawGroup(group) {
  const other = entities.get(group.entity);
  const field = other.fields.find((f) => f.name === group.field) || { name: group.field };
  const rows = el('tbody', {}, ...group.records.map((found) => relatedRow(other, group.field, found)));
  const more = el('button', { type: 'button', class: 'more', hidden: !group.next, text: texts.more });
  let cursor = group.next;
  more.addEventListener('click', async () => {
    const query = new URLSearchParams({ limit: String(RELATED_PAGE), after: cursor });
    try {
      const { data, next } = await api('GET', `${path}/related/${enc(group.entity)}/${enc(group.field)}?${query}`);
      rows.append(...data.map((found) => relatedRow(other, group.field, found)));
      cursor = next;
      more.hidden = !next;
    } catch (error) {
      say(status, error.message, true);
    }
  });
  return el('section', { class: 'related-group', 'data-entity': group.entity, 'data-field': group.field },
    el('h3', {}, text('related_by', { entity: labelOf(other), field: labelOf(field) }), ' ',
      el('span', { class: 'badge count', text: number(group.count) })),
    el('table', { class: 'grid cards' }, el('thead', {}, el('tr', {},
      ...relatedColumns(other, group.field).map((f) => el('th', { scope: 'col', text: labelOf(f) })))), rows),
    more);
}

async function loadRelated() {
  const { data } = await api('GET', `${path}/related?limit=${RELATED_PAGE}`);
  document.getElementById('related').replaceChildren(...data.map(drawGroup));
  document.getElementById('no-related').hidden = data.length > 0;
}

// A finished instance may begin again (a drip sequence sent to its end): a new instance, for this
// record, with the same start variables (POST /api/v1/instances/{id}/restart).
const RESTARTABLE = new Set([ 'completed', 'cancelled' ]);

async function restart(instance) {
  try {
    const { data } = await api('POST', `/instances/${enc(instance.id)}/restart`);
    say(status, text('restarted', { id: number(data.id) }), false);
    await Promise.all([ loadInstances(), loadHistory() ]);
  } catch (error) {
    say(status, error.message, true);
  }
}

function restartButton(instance) {
  if (!RESTARTABLE.has(instance.status)) return '';
  const button = el('button', { type: 'button', class: 'restart', text: texts.restart,
    title: text('restart_title', { id: number(instance.id) }) });
  button.addEventListener('click', () => { button.disabled = true; restart(instance); });
  return button;
}

async function loadInstances() {
  const { data } = await api('GET', `${path}/instances`);
  document.getElementById('instances').replaceChildren(...data.map((instance) => el('li', { 'data-id': instance.id },
    el('a', { href: '/instances/' + enc(instance.id), text: text('instance', { id: number(instance.id) }) }),
    ' ', el('span', { class: 'process', text: instance.definition }),
    ' ', el('span', { class: 'badge status-' + instance.status, text: texts['status_' + instance.status] || instance.status }),
    ' ', el('small', { text: text('started_by', { user: instance.started_by || texts.nobody, at: date(instance.created_at) }) }),
    ' ', restartButton(instance))));
  document.getElementById('no-instances').hidden = data.length > 0;
}

async function loadHistory() {
  const { data } = await api('GET', `${path}/history`);
  drawHistory(data, entity);
}

async function load() {
  entities = await loadEntities();
  entity = entities.get(config.entity);
  ({ data: record } = await api('GET', path));
  drawRecord();
  await Promise.all([ loadRelated(), loadInstances(), loadHistory() ]);
}

document.getElementById('edit').addEventListener('click', startEditing);
document.getElementById('cancel-edit').addEventListener('click', stopEditing);
load().catch((error) => say(status, error.message, true));
