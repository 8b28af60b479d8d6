// The modeler page (/designer/{key}, /designer/new): toolbar, canvas, properties panel, problems.
import './modeler.css';

import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import { ElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import ElementTemplateChooserModule from '@bpmn-io/element-template-chooser';
import lintModule from 'bpmn-js-bpmnlint';
import minimapModule from 'diagram-js-minimap';

import lintConfig from 'virtual:charkh-lint-config';
import elementTemplates from 'virtual:charkh-templates';
import charkhModdle from '../../../bpmn/schema/charkh-moddle.json';

import CharkhModule from './charkh';
import { readConfig, createApi, el, fontsReady, FONT_STACK, ApiError } from './config';
import { makeTranslate, translateModule } from './i18n';

const config = readConfig();
const t = makeTranslate(config.locale);
const api = createApi(config);

function newDiagram() {
  const suffix = Math.random().toString(36).slice(2, 9);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:charkh="https://charkh.dev/schema/bpmn" id="Definitions_${suffix}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Charkh" exporterVersion="0.1">
  <bpmn:process id="Process_${suffix}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_${suffix}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

// --- the page -------------------------------------------------------------------------------

const root = document.getElementById('charkh-app') || document.body.appendChild(el('div', { id: 'charkh-app' }));
root.classList.add('charkh-app', 'charkh-modeler');
root.setAttribute('dir', config.dir);
root.setAttribute('lang', config.locale);

const button = (id, label, extra = {}) => el('button', { type: 'button', id, class: 'charkh-btn', ...extra }, label);
const fileInput = el('input', { type: 'file', id: 'import-file', accept: '.bpmn,.xml,application/xml,text/xml' });
const versionSelect = el('select', { id: 'version', 'aria-label': t('Version') });
const status = el('div', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'charkh-status' });
const problemsList = el('ul', { id: 'problems', class: 'charkh-problems-list' });
const problemsCount = el('span', { class: 'charkh-problems-count' });
const canvasBox = el('div', { class: 'charkh-canvas', id: 'canvas' });
const panelBox = el('div', { class: 'charkh-properties', id: 'properties' });
const dropHint = el('div', { class: 'charkh-drop-hint' }, t('Drop a .bpmn file to import it'));

root.append(
  el('div', { class: 'charkh-toolbar', role: 'toolbar' },
    el('div', { class: 'charkh-toolbar-group' },
      button('save', t('Save')), button('validate', t('Validate')), button('deploy', t('Deploy'), { class: 'charkh-btn charkh-btn-primary' }),
      button('start', t('Start instance'))),
    el('div', { class: 'charkh-toolbar-group' },
      el('label', { class: 'charkh-btn charkh-file', for: 'import-file' }, t('Import'), fileInput),
      button('export-bpmn', t('Export .bpmn')), button('export-svg', t('Export .svg')), button('export-png', t('Export .png'))),
    el('div', { class: 'charkh-toolbar-group' },
      el('label', { class: 'charkh-version', for: 'version' }, t('Version'), ' ', versionSelect),
      button('heat', t('Heat'), { 'aria-pressed': 'false' })),
    status),
  el('div', { class: 'charkh-main' }, canvasBox, panelBox),
  el('div', { class: 'charkh-problems' },
    el('h2', {}, t('Problems'), ' ', problemsCount), problemsList)
);
canvasBox.appendChild(dropHint);

// What only editors do: a plain user never sees these; an analyst sees them on the definitions
// they may edit (their owners' and administrators'), once the detail says so.
const EDITING = [ 'save', 'validate', 'deploy' ];
function hideEditing() {
  for (const id of EDITING) document.getElementById(id)?.remove();
  fileInput.closest('label')?.remove();
}
if (!config.models) hideEditing();

const modeler = new BpmnModeler({
  container: canvasBox,
  propertiesPanel: { parent: panelBox },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    CamundaPlatformPropertiesProviderModule,
    CamundaBehaviorsModule,
    ElementTemplatesPropertiesProviderModule,
    ElementTemplateChooserModule,
    lintModule,
    minimapModule,
    CharkhModule,
    translateModule(config.locale)
  ],
  moddleExtensions: { camunda: camundaModdle, charkh: charkhModdle },
  elementTemplates,
  linting: { bpmnlint: lintConfig, active: false },
  charkh: { api: config.api, token: config.token, models: config.models },
  textRenderer: {
    defaultStyle: { fontFamily: FONT_STACK, fontSize: 12, fontWeight: 'normal', lineHeight: 1.2 },
    externalStyle: { fontFamily: FONT_STACK, fontSize: 11, lineHeight: 1.2 }
  }
});

// --- state ----------------------------------------------------------------------------------

const state = {
  key: config.key,
  version: null,
  detail: null,
  dirty: false,
  problems: [],
  pinned: [],
  heat: false
};

function setStatus(text, kind = 'info', link) {
  status.textContent = '';
  status.className = `charkh-status charkh-status-${kind}`;
  status.append(text);
  if (link) status.append(' ', el('a', { href: link.href, id: link.id }, link.text));
}

function errorText(err) {
  return t('Error: {message}', { message: err && err.message ? err.message : String(err) });
}

const commandStack = modeler.get('commandStack');
modeler.on('commandStack.changed', (event) => {
  if (event && event.trigger === 'clear') return; // importXML clears the stack: not an edit
  state.dirty = true;
  state.source = null; // edited: from now on the file is what the modeler writes
  root.classList.add('charkh-dirty');
});
function markClean() {
  state.dirty = false;
  root.classList.remove('charkh-dirty');
}
window.addEventListener('beforeunload', (event) => {
  if (state.dirty) {
    event.preventDefault();
    event.returnValue = '';
  }
});

async function importXml(xml, source = null) {
  clearProblems();
  clearHeat();
  const result = await modeler.importXML(xml);
  // What the diagram came from, while the analyst has not changed it: saving or exporting an
  // unchanged file gives back these exact bytes, not bpmn-js's rewrite (which drops facts on
  // some files and cannot write others).
  state.source = source;
  modeler.get('canvas').zoom('fit-viewport', 'auto');
  if (modeler.get('canvas').zoom() > 1) modeler.get('canvas').zoom(1, 'auto');
  markClean();
  return result;
}

// --- loading --------------------------------------------------------------------------------

function renderVersions() {
  versionSelect.textContent = '';
  const detail = state.detail;
  if (!detail || !detail.versions || !detail.versions.length) {
    versionSelect.append(el('option', { value: '' }, state.key ? '—' : t('new diagram')));
    versionSelect.disabled = true;
    return;
  }
  versionSelect.disabled = false;
  const versions = [ ...detail.versions ].sort((a, b) => b.version - a.version);
  for (const v of versions) {
    const notes = [];
    if (v.version === detail.latest_version) notes.push(t('latest'));
    if (v.deployed || v.version === detail.deployed_version) notes.push(t('deployed'));
    versionSelect.append(el('option', { value: String(v.version), selected: v.version === state.version },
      `v${v.version}${notes.length ? ` (${notes.join(', ')})` : ''}`));
  }
}

async function loadDetail() {
  if (!state.key) return;
  try {
    state.detail = await api.get(`/definitions/${encodeURIComponent(state.key)}`);
  } catch (err) {
    console.warn('charkh: definition detail', err);
    state.detail = null;
  }
  renderVersions();
}

async function loadVersion(version) {
  const query = new URLSearchParams({ layout: 'auto' });
  if (version) query.set('version', String(version));
  const xml = await api.getText(`/definitions/${encodeURIComponent(state.key)}/bpmn?${query}`);
  state.version = version || (state.detail && state.detail.latest_version) || null;
  await importXml(xml, { key: state.key, version: state.version });
  renderVersions();
}

async function open() {
  setStatus(t('Loading…'));
  if (!state.key) {
    await importXml(newDiagram());
    renderVersions();
    setStatus(t('new diagram'));
    return;
  }
  await loadDetail();
  if (state.detail && !state.detail.editable) hideEditing();
  await loadVersion(null);
  setStatus(state.detail ? `${state.detail.name || state.key} — v${state.version}` : state.key);
}

versionSelect.addEventListener('change', async () => {
  const version = parseInt(versionSelect.value, 10);
  if (!version) return;
  try {
    await loadVersion(version);
    setStatus(`${state.key} — v${version}`);
  } catch (err) {
    setStatus(errorText(err), 'error');
  }
});

// --- save, validate, deploy, start ----------------------------------------------------------

async function currentXml() {
  const source = state.source;
  if (source && source.xml) return source.xml;
  if (source && source.key && source.version) {
    return api.getText(`/definitions/${encodeURIComponent(source.key)}/bpmn?version=${source.version}`);
  }
  return (await modeler.saveXML({ format: true })).xml;
}

async function save() {
  if (!state.dirty && state.key) {
    setStatus(t('No changes to save'), 'ok');
    return;
  }
  setStatus(t('Saving…'));
  try {
    const xml = await currentXml();
    const saved = await api.postXml('/definitions', xml);
    const isNew = state.key !== saved.key;
    state.key = saved.key;
    state.version = saved.version;
    markClean();
    if (isNew) history.replaceState(null, '', `/designer/${encodeURIComponent(saved.key)}`);
    await loadDetail();
    if (saved.problems && saved.problems.length) {
      showProblems(saved.problems.map((p) => ({ ...p, severity: p.severity || 'warning', source: p.source || 'server' })));
    }
    setStatus(t('Saved version {version}', { version: saved.version }), 'ok');
    return saved;
  } catch (err) {
    setStatus(errorText(err), 'error');
    throw err;
  }
}

function severityOf(value) {
  const v = String(value || 'error').toLowerCase();
  if (v.startsWith('warn')) return 'warning';
  if (v.startsWith('info')) return 'info';
  return 'error';
}

async function lintProblems() {
  const results = await modeler.get('linting').lint();
  const problems = [];
  for (const [ rule, reports ] of Object.entries(results || {})) {
    for (const r of reports) {
      problems.push({ element: r.id || null, message: r.message, severity: severityOf(r.category), source: 'bpmnlint', rule });
    }
  }
  return problems;
}

async function validate() {
  setStatus(t('Validating…'));
  const xml = await currentXml();
  const local = await lintProblems();
  let remote = [];
  try {
    const answer = await api.postXml('/validate', xml);
    remote = (answer.problems || []).map((p) => ({ ...p, severity: severityOf(p.severity), source: p.source || 'server' }));
  } catch (err) {
    if (err instanceof ApiError && err.body && err.body.error) {
      remote = [ { element: null, message: err.body.error.message, severity: 'error', source: 'server' } ];
    } else {
      remote = [ { element: null, message: errorText(err), severity: 'error', source: 'server' } ];
    }
  }
  // the server lints with the same configuration: keep one of each finding
  const seen = new Set();
  const problems = [];
  for (const p of [ ...remote, ...local ]) {
    const key = `${p.element}|${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  showProblems(problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  setStatus(errors || warnings ? t('{errors} error(s), {warnings} warning(s)', { errors, warnings }) : t('Valid: no errors'),
    errors ? 'error' : 'ok');
  return problems;
}

async function deploy() {
  const problems = await validate();
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    setStatus(t('Deploy refused: {count} error(s) to fix', { count: errors.length }), 'error');
    return { deployed: false, problems };
  }
  if (state.dirty || !state.key || !state.version) await save();
  setStatus(t('Deploying…'));
  try {
    const query = state.version ? `?version=${state.version}` : '';
    const answer = await api.post(`/definitions/${encodeURIComponent(state.key)}/deploy${query}`, undefined);
    await loadDetail();
    setStatus(t('Deployed version {version}', { version: state.version }), 'ok');
    return { deployed: true, answer, problems };
  } catch (err) {
    const details = err.body && err.body.error && err.body.error.details;
    const refused = details && details.problems;
    if (refused && refused.length) {
      showProblems(refused.map((p) => ({ ...p, severity: severityOf(p.severity), source: p.source || 'server' })));
      setStatus(t('Deploy refused: {count} error(s) to fix', { count: refused.length }), 'error');
      return { deployed: false, problems: state.problems };
    }
    setStatus(errorText(err), 'error');
    throw err;
  }
}

async function start() {
  if (!state.key) {
    setStatus(t('Save the diagram first'), 'error');
    return null;
  }
  try {
    const answer = await api.post('/instances', { definition: state.key });
    setStatus(t('Instance started'), 'ok',
      { href: `/instances/${encodeURIComponent(answer.id)}`, id: 'instance-link', text: t('Open instance {id}', { id: answer.id }) });
    return answer;
  } catch (err) {
    setStatus(errorText(err), 'error');
    throw err;
  }
}

// --- problems -------------------------------------------------------------------------------

function clearProblems() {
  const overlays = modeler.get('overlays');
  const canvas = modeler.get('canvas');
  overlays.remove({ type: 'charkh-problem' });
  for (const id of state.pinned) {
    // all three markers: the severity one is what paints the element's outline
    for (const marker of [ 'charkh-problem', 'charkh-problem-error', 'charkh-problem-warning' ]) {
      try { canvas.removeMarker(id, marker); } catch (err) { /* element gone */ }
    }
  }
  state.pinned = [];
  state.problems = [];
  problemsList.textContent = '';
  problemsCount.textContent = '';
  root.classList.remove('charkh-has-problems');
}

function pinnable(id) {
  if (!id) return null;
  const element = modeler.get('elementRegistry').get(id);
  if (!element || element === modeler.get('canvas').getRootElement() || !element.parent) return null;
  return element;
}

function focusElement(id) {
  const element = pinnable(id);
  if (!element) return;
  modeler.get('selection').select(element);
  const canvas = modeler.get('canvas');
  if (canvas.scrollToElement) canvas.scrollToElement(element);
}

function showProblems(problems) {
  clearProblems();
  state.problems = problems;
  const overlays = modeler.get('overlays');
  const canvas = modeler.get('canvas');
  const byElement = new Map();
  for (const p of problems) {
    if (!pinnable(p.element)) continue;
    if (!byElement.has(p.element)) byElement.set(p.element, []);
    byElement.get(p.element).push(p);
  }
  for (const [ id, list ] of byElement) {
    const worst = list.some((p) => p.severity === 'error') ? 'error' : 'warning';
    canvas.addMarker(id, 'charkh-problem');
    canvas.addMarker(id, `charkh-problem-${worst}`);
    state.pinned.push(id);
    const pin = el('div', { class: `charkh-problem-pin charkh-problem-${worst}`, title: list.map((p) => p.message).join('\n') },
      String(list.length));
    pin.addEventListener('click', () => focusElement(id));
    overlays.add(id, 'charkh-problem', { position: { top: -12, right: 12 }, html: pin });
  }
  const order = { error: 0, warning: 1, info: 2 };
  for (const p of [ ...problems ].sort((a, b) => order[a.severity] - order[b.severity])) {
    const item = el('li', { class: `charkh-problem-item charkh-problem-${p.severity}`, 'data-element': p.element || '', tabindex: '0' },
      el('span', { class: 'charkh-problem-severity' }, t(p.severity === 'error' ? 'error' : 'warning')),
      p.element ? el('span', { class: 'charkh-problem-element' }, labelOf(p.element)) : null,
      el('span', { class: 'charkh-problem-message' }, t(p.message)),
      el('small', { class: 'charkh-problem-source' }, p.rule ? `${p.source}: ${p.rule}` : p.source || ''));
    const go = () => focusElement(p.element);
    item.addEventListener('click', go);
    item.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    problemsList.append(item);
  }
  if (!problems.length) problemsList.append(el('li', { class: 'charkh-problem-none' }, t('No problems')));
  problemsCount.textContent = problems.length ? `(${problems.length})` : '';
  root.classList.toggle('charkh-has-problems', problems.length > 0);
  modeler.get('eventBus').fire('charkh.problems', { problems });
}

function labelOf(id) {
  const element = modeler.get('elementRegistry').get(id);
  const name = element && element.businessObject && element.businessObject.name;
  return name ? `${name} (${id})` : id;
}

// --- heat -----------------------------------------------------------------------------------

function clearHeat() {
  modeler.get('overlays').remove({ type: 'charkh-heat' });
  state.heat = false;
  const heat = document.getElementById('heat');
  if (heat) heat.setAttribute('aria-pressed', 'false');
  root.classList.remove('charkh-heat-on');
}

async function toggleHeat() {
  if (state.heat) {
    clearHeat();
    return null;
  }
  if (!state.key) {
    setStatus(t('Save the diagram first'), 'error');
    return null;
  }
  const query = state.version ? `?version=${state.version}` : '';
  const heat = await api.get(`/definitions/${encodeURIComponent(state.key)}/heat${query}`);
  const overlays = modeler.get('overlays');
  let total = 0;
  for (const [ id, count ] of Object.entries(heat.elements || {})) {
    if (!count || !pinnable(id)) continue;
    total += count;
    overlays.add(id, 'charkh-heat', { position: { bottom: 12, left: -12 },
      html: el('div', { class: 'charkh-heat-badge', title: String(count), 'data-element': id }, String(count)) });
  }
  state.heat = true;
  document.getElementById('heat').setAttribute('aria-pressed', 'true');
  root.classList.add('charkh-heat-on');
  setStatus(t('Heat: {count} active instance(s)', { count: total }));
  return heat;
}

// --- import and export ----------------------------------------------------------------------

async function importFile(file) {
  try {
    const text = await file.text();
    await importXml(text, { xml: text });
    state.dirty = true;
    root.classList.add('charkh-dirty');
    setStatus(t('Imported {name}', { name: file.name }), 'ok');
  } catch (err) {
    setStatus(t('Could not import: {message}', { message: err.message }), 'error');
  }
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files && fileInput.files[0];
  if (file) importFile(file).finally(() => { fileInput.value = ''; });
});

canvasBox.addEventListener('dragover', (e) => {
  if (e.dataTransfer && [ ...e.dataTransfer.types ].includes('Files')) {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    root.classList.add('charkh-dragging');
  }
});
canvasBox.addEventListener('dragleave', () => root.classList.remove('charkh-dragging'));
canvasBox.addEventListener('drop', (e) => {
  root.classList.remove('charkh-dragging');
  const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
  if (!file) return;
  e.preventDefault();
  importFile(file);
});

function baseName() {
  return state.key || 'diagram';
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, style: 'display:none' });
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
}

async function exportBpmn() {
  download(`${baseName()}.bpmn`, new Blob([ await currentXml() ], { type: 'application/xml' }));
}

async function exportSvg() {
  const { svg } = await modeler.saveSVG();
  download(`${baseName()}.svg`, new Blob([ svg ], { type: 'image/svg+xml' }));
}

async function pngBlob(scale = 2) {
  const { svg } = await modeler.saveSVG();
  const url = URL.createObjectURL(new Blob([ svg ], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = () => reject(new Error('SVG could not be rendered'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.ceil(image.width * scale));
    canvas.height = Math.max(1, Math.ceil(image.height * scale));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function exportPng() {
  download(`${baseName()}.png`, await pngBlob());
}

// --- wiring ---------------------------------------------------------------------------------

function wire(id, fn) {
  document.getElementById(id).addEventListener('click', () => {
    Promise.resolve().then(fn).catch((err) => {
      console.error(err);
      setStatus(errorText(err), 'error');
    });
  });
}
for (const [ id, fn ] of [ [ 'save', save ], [ 'validate', validate ], [ 'deploy', deploy ] ]) {
  if (document.getElementById(id)) wire(id, fn);
}
wire('start', start);
wire('export-bpmn', exportBpmn);
wire('export-svg', exportSvg);
wire('export-png', exportPng);
wire('heat', toggleHeat);

document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
    e.preventDefault();
    save().catch(() => {});
  }
});

const ready = fontsReady().then(open).then(() => {
  window.charkh.openedAt = performance.now();
}).catch((err) => {
  console.error(err);
  setStatus(errorText(err), 'error');
  throw err;
});

window.charkh = {
  modeler,
  config,
  ready,
  save,
  validate,
  deploy,
  start,
  heat: toggleHeat,
  exportPng: pngBlob,
  problems: () => state.problems.slice(),
  state,
  t
};
