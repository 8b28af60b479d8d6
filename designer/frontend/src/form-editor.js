// The form-js editor, in its own bundle (static/dist/form-editor.js + .css): the modeler loads it
// only when an analyst opens a task's form, so the modeler page stays as light as before.
// window.CharkhFormEditor.create(container, schema) resolves to { schema(), destroy() }.
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js-editor/dist/assets/properties-panel.css';
import './forms/form-editor.css';

import { FormEditor } from '@bpmn-io/form-js-editor';

async function create(container, schema) {
  const editor = new FormEditor({ container });
  await editor.importSchema(schema);
  return {
    editor,
    schema: () => editor.saveSchema(),
    destroy: () => editor.destroy()
  };
}

window.CharkhFormEditor = { create };
