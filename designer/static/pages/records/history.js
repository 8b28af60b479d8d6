// A record's whole history in words (the record page): its field changes ("Amount: 100 → 150 by
// sara") and the entries of the processes run for it, said as the instance page says them
// (window.CharkhHistory, the history bundle), each linked to its instance; newest first,
// filtered by kind and searched as the person types.
import { enc, labelOf, shown, words } from './fields.js';

const { texts, text, number, date, el } = window.CharkhPeople;
const list = document.getElementById('history');
const kind = document.getElementById('history-kind');
const search = document.getElementById('history-q');

function fieldNamed(entity, name) {
  if (name === 'owner' && !entity.fields.some((f) => f.name === 'owner')) return { name, type: 'user', label: texts.owner };
  return entity.fields.find((f) => f.name === name) || { name, type: 'text', label: name };
}

function value(field, raw) {
  const found = shown(field, raw);
  return found === '' ? texts.empty : found;
}

function change(entity, name, [ before, after ]) {
  const field = fieldNamed(entity, name);
  return words('change', { field: labelOf(field), old: value(field, before), new: value(field, after) });
}

function joined(parts) {
  const nodes = [];
  parts.forEach((part, index) => { if (index) nodes.push(texts.separator); nodes.push(part); });
  return nodes;
}

function sentence(entry, entity) {
  const user = entry.user || texts.someone;
  if (entry.type === 'record_created') {
    const values = Object.entries(entry.data || {}).map(([ name, pair ]) => {
      const field = fieldNamed(entity, name);
      return words('value', { field: labelOf(field), value: value(field, pair[1]) });
    });
    return values.length ? words('created_with', { user, values: el('span', {}, ...joined(values)) })
      : words('created', { user });
  }
  if (entry.type === 'record_changed') {
    const changes = Object.entries(entry.data || {}).map(([ name, pair ]) => change(entity, name, pair));
    return words('changes_by', { changes: el('span', {}, ...joined(changes)), user });
  }
  const said = window.CharkhHistory ? window.CharkhHistory.describe(entry) : entry.type;
  return el('span', {}, el('a', { class: 'instance-link', href: '/instances/' + enc(entry.instance_id),
    text: text('instance_of', { definition: entry.definition || '', id: number(entry.instance_id) }) }), ' ',
  el('span', { class: 'said', text: said }));
}

function filter() {
  const wanted = kind.value;
  const needle = search.value.trim().toLowerCase();
  let shownCount = 0;
  for (const item of list.children) {
    const visible = (!wanted || item.dataset.kind === wanted) && (!needle || item.textContent.toLowerCase().includes(needle));
    item.hidden = !visible;
    if (visible) shownCount += 1;
  }
  document.getElementById('no-history').hidden = shownCount > 0;
}

export function drawHistory(entries, entity) {
  list.replaceChildren(...entries.slice().reverse().map((entry) => el('li', {
    // a field change is a change whoever made it (a process's record step names its instance too)
    'data-type': entry.type, 'data-kind': entry.type.startsWith('record_') ? 'changes' : 'processes',
    'data-instance': entry.instance_id || null
  }, el('time', { datetime: entry.at, text: date(entry.at) }), ' ', sentence(entry, entity))));
  filter();
}

kind.addEventListener('change', filter);
search.addEventListener('input', filter);
document.getElementById('history-filters').addEventListener('submit', (event) => event.preventDefault());
