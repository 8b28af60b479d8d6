// The instance page (/instances/{id}): the diagram with where the instance waits and the path it
// took, and its history beside it.
import './viewer.css';

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import charkhModdle from '../../../bpmn/schema/charkh-moddle.json';

import { readConfig, createApi, el, fontsReady, FONT_STACK } from './config';
import { describe, waitsFor } from './history-words';
import { makeTranslate, translateModule } from './i18n';

const config = readConfig();
const t = makeTranslate(config.locale);
const api = createApi(config);

const root = document.getElementById('charkh-app') || document.body.appendChild(el('div', { id: 'charkh-app' }));
root.classList.add('charkh-app', 'charkh-viewer');
root.setAttribute('dir', config.dir);
root.setAttribute('lang', config.locale);

const title = el('h1', { class: 'charkh-viewer-title', id: 'instance-title' }, t('Instance {id}', { id: config.instance || '' }));
const status = el('div', { id: 'status', role: 'status', class: 'charkh-status' }, t('Loading…'));
const canvasBox = el('div', { class: 'charkh-canvas', id: 'canvas' });
const historyBody = el('tbody');
const historyTable = el('table', { id: 'history', class: 'charkh-history' },
  el('caption', {}, t('History')),
  el('thead', {}, el('tr', {}, ...[ 'Time', 'Event', 'Element', 'User', 'Action' ].map((h) => el('th', { scope: 'col' }, t(h))))),
  historyBody);
const workItems = el('ul', { id: 'work-items', class: 'charkh-work-items' });
// A finished instance begins again as a new one (a drip sequence sent to its end; MISSION F5).
const restartButton = el('button', { type: 'button', id: 'restart', class: 'charkh-restart', hidden: true }, t('Restart'));
const RESTARTABLE = new Set([ 'completed', 'cancelled' ]);
restartButton.addEventListener('click', async () => {
  restartButton.disabled = true;
  try {
    const again = await api.post(`/instances/${encodeURIComponent(config.instance)}/restart`, {});
    window.location.assign(`/instances/${encodeURIComponent(again.id)}`);
  } catch (err) {
    restartButton.disabled = false;
    status.textContent = t('Error: {message}', { message: err.message });
    status.className = 'charkh-status charkh-status-error';
  }
});

const incidents = el('ul', { id: 'incidents', class: 'charkh-incidents' });
// compact: the small diagram of where a case is, on a cartable item's page (its own page shows
// the history); otherwise the whole instance page
if (config.compact) {
  root.classList.add('charkh-viewer-compact');
  root.append(canvasBox);
} else {
  root.append(
    el('div', { class: 'charkh-toolbar' }, title, status, restartButton),
    incidents,
    el('div', { class: 'charkh-main' }, canvasBox,
      el('div', { class: 'charkh-side' }, el('h2', {}, t('Open work items')), workItems, historyTable))
  );
}

const viewer = new NavigatedViewer({
  container: canvasBox,
  moddleExtensions: { camunda: camundaModdle, charkh: charkhModdle },
  additionalModules: [ translateModule(config.locale) ],
  textRenderer: {
    defaultStyle: { fontFamily: FONT_STACK, fontSize: 12, fontWeight: 'normal', lineHeight: 1.2 },
    externalStyle: { fontFamily: FONT_STACK, fontSize: 11, lineHeight: 1.2 }
  }
});

function formatTime(at) {
  if (!at) return '';
  const d = new Date(at);
  if (isNaN(d)) return String(at);
  const locale = { fa: 'fa-IR', ro: 'ro-RO', en: 'en-GB' }[config.locale];
  try {
    return d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'medium' });
  } catch (err) {
    return d.toISOString();
  }
}

function mark(ids, marker, registry, canvas) {
  const marked = [];
  for (const id of ids || []) {
    const element = registry.get(id);
    if (!element) continue;
    canvas.addMarker(element, marker);
    marked.push(id);
  }
  return marked;
}

async function load() {
  const id = config.instance;
  const instance = await api.get(`/instances/${encodeURIComponent(id)}`);
  const query = new URLSearchParams({ layout: 'auto' });
  if (instance.version) query.set('version', String(instance.version));
  const xml = await api.getText(`/definitions/${encodeURIComponent(instance.definition)}/bpmn?${query}`);
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  canvas.zoom('fit-viewport', 'auto');
  if (canvas.zoom() > 1) canvas.zoom(1, 'auto');
  const registry = viewer.get('elementRegistry');
  const active = instance.active_elements || (instance.work_items || [])
    .filter((w) => w.status === 'open' || w.status === 'claimed').map((w) => w.element);
  const completed = (instance.completed_elements || []).filter((e) => !active.includes(e));
  mark(completed, 'charkh-completed', registry, canvas);
  // the path taken: a flow is done when it leads from a completed element to a completed or
  // active one (unless the server names the flows itself)
  if (!completed.some((id) => { const e = registry.get(id); return e && e.waypoints; })) {
    const done = new Set(completed);
    const reached = new Set([ ...completed, ...active ]);
    const flows = registry.filter((e) => e.type === 'bpmn:SequenceFlow' && e.source && e.target &&
      done.has(e.source.id) && reached.has(e.target.id));
    mark(flows.map((f) => f.id), 'charkh-completed', registry, canvas);
  }
  mark(active, 'charkh-active', registry, canvas);

  // numbers in the page's digits (Persian ones in fa)
  const digits = (n) => new Intl.NumberFormat({ fa: 'fa-IR', ro: 'ro-RO', en: 'en-GB' }[config.locale], { useGrouping: false }).format(Number(n));
  title.textContent = `${t('Instance {id}', { id: digits(instance.id) })} — ${instance.definition} v${instance.version ? digits(instance.version) : ''}`;
  status.textContent = `${t('Status')}: ${t(instance.status)}`;
  status.className = `charkh-status charkh-instance-${instance.status}`;
  restartButton.hidden = !RESTARTABLE.has(instance.status);

  const nameOf = (id) => {
    const element = id && registry.get(id);
    return (element && element.businessObject && element.businessObject.name) || id || '';
  };
  workItems.textContent = '';
  for (const w of (instance.work_items || []).filter((w) => w.status === 'open' || w.status === 'claimed')) {
    const li = el('li', { 'data-element': w.element },
      el('a', { href: `/cartable/${encodeURIComponent(w.id)}` }, w.name || w.element),
      ` — ${t(w.status)} — ${waitsFor(w, t)}`);
    li.addEventListener('click', () => focus(w.element));
    workItems.append(li);
  }

  incidents.textContent = '';
  for (const h of openIncidents(instance.history || [])) {
    incidents.append(el('li', { class: 'charkh-incident', 'data-element': h.element || '' },
      t('Incident at “{name}”: {error}', { name: nameOf(h.element), error: (h.data && h.data.error) || '' })));
  }

  historyBody.textContent = '';
  for (const h of instance.history || []) {
    const action = h.action && typeof h.action === 'object' ? (h.action.name || h.action.id) : h.action;
    const row = el('tr', { 'data-element': h.element || '', 'data-type': h.type || '' },
      el('td', {}, formatTime(h.at)),
      el('td', {}, describe(h, h.name || nameOf(h.element), t)),
      el('td', {}, h.name || nameOf(h.element)),
      el('td', {}, h.user || ''),
      el('td', {}, action || ''));
    if (h.element) row.addEventListener('click', () => focus(h.element));
    historyBody.append(row);
  }
  return instance;
}

// Incidents not followed by a retry of the same element.
function openIncidents(history) {
  const open = new Map();
  for (const h of history) {
    if (h.type === 'incident') open.set(h.element, h);
    if (h.type === 'incident_retried' || h.type === 'job_done') open.delete(h.element);
  }
  return [ ...open.values() ];
}

function focus(id) {
  const element = viewer.get('elementRegistry').get(id);
  if (!element) return;
  const canvas = viewer.get('canvas');
  if (canvas.scrollToElement) canvas.scrollToElement(element);
  canvas.addMarker(element, 'charkh-focus');
  setTimeout(() => canvas.removeMarker(element, 'charkh-focus'), 1500);
}

const ready = fontsReady().then(load).catch((err) => {
  console.error(err);
  status.textContent = t('Error: {message}', { message: err.message });
  status.className = 'charkh-status charkh-status-error';
  throw err;
});

// The item page (designer/static/pages/item.js) writes the case's history with the same words.
function historyText(h) {
  const element = h.element && viewer.get('elementRegistry').get(h.element);
  const name = h.name || (element && element.businessObject && element.businessObject.name) || h.element || '';
  return describe(h, name, t);
}

window.charkh = { viewer, ready, config, reload: load, historyText, waitsFor: (item) => waitsFor(item, t) };
