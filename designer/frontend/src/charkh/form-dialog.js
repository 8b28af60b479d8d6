// The dialog in which an analyst designs a user task's form with the form-js editor. The editor
// is a bundle of its own (form-editor.js/.css beside modeler.js), loaded the first time a dialog
// opens.
import './form-dialog.css';

import { el } from '../config';

// Where the modeler's own script came from: the editor's bundle sits beside it.
const BUNDLE_BASE = ((document.currentScript && document.currentScript.src) || '/static/dist/modeler.js')
  .replace(/[^/]*$/, '');

let editorLoaded = null;

function loadEditor() {
  if (window.CharkhFormEditor) return Promise.resolve(window.CharkhFormEditor);
  if (!editorLoaded) {
    editorLoaded = new Promise((resolve, reject) => {
      document.head.appendChild(el('link', { rel: 'stylesheet', href: BUNDLE_BASE + 'form-editor.css' }));
      const script = el('script', { src: BUNDLE_BASE + 'form-editor.js' });
      script.addEventListener('load', () => resolve(window.CharkhFormEditor));
      script.addEventListener('error', () => {
        editorLoaded = null;
        reject(new Error('the form editor could not be loaded'));
      });
      document.head.appendChild(script);
    });
  }
  return editorLoaded;
}

// Opens the editor on `schema`; `onSave(schema)` gets the edited schema when the analyst saves.
export function openFormDialog({ schema, title, t, dir, onSave }) {
  const body = el('div', { class: 'charkh-form-dialog-body', id: 'charkh-form-editor' });
  const status = el('span', { class: 'charkh-form-dialog-status', role: 'status' }, t('Loading…'));
  const save = el('button', { type: 'button', class: 'charkh-btn charkh-btn-primary', id: 'charkh-form-save', disabled: true },
    t('Save form'));
  const cancel = el('button', { type: 'button', class: 'charkh-btn', id: 'charkh-form-cancel' }, t('Cancel'));
  const dialog = el('dialog', { class: 'charkh-form-dialog', id: 'charkh-form-dialog', dir, 'aria-label': title },
    el('div', { class: 'charkh-form-dialog-header' }, el('h2', {}, title), status, save, cancel),
    el('p', { class: 'charkh-form-dialog-hint' },
      t('Drag fields from the left onto the form (or select one and press Enter); click a field to set its label, key and whether it is required.')),
    body);
  let handle = null;
  const close = () => {
    if (handle) handle.destroy();
    dialog.close();
    dialog.remove();
  };
  cancel.addEventListener('click', close);
  // Escape also closes the editor's own menus and pickers: it must not throw away the analyst's work
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  save.addEventListener('click', () => {
    if (!handle) return;
    onSave(handle.schema());
    close();
  });
  // inside the page's app root: its font, colours and direction apply to the dialog too
  (document.getElementById('charkh-app') || document.body).appendChild(dialog);
  dialog.showModal();
  loadEditor()
    .then((editor) => editor.create(body, schema))
    .then((created) => {
      handle = created;
      status.textContent = '';
      save.disabled = false;
    })
    .catch((err) => { status.textContent = t('Error: {message}', { message: err.message }); });
  return dialog;
}
