// The process list: rows from GET /api/v1/definitions, actions through the same API.
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('charkh-config').textContent);
  const texts = JSON.parse(document.getElementById('charkh-texts').textContent);
  const status = document.getElementById('status');
  const body = document.querySelector('#definitions tbody');

  async function api(method, path, options = {}) {
    const response = await fetch(config.api + path, {
      method,
      headers: { Authorization: 'Bearer ' + config.token, ...(options.headers || {}) },
      body: options.body
    });
    const text = await response.text();
    const data = text && (response.headers.get('Content-Type') || '').includes('json') ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (data && data.error) || { message: response.statusText };
      const problems = error.details && error.details.problems;
      const detail = problems ? ': ' + problems.map((p) => (p.element ? p.element + ' — ' : '') + p.message).join('; ') : '';
      throw new Error(error.message + detail);
    }
    return data;
  }

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? 'error' : 'ok';
  }

  async function act(work, done) {
    try {
      await work();
      say(done, false);
      await load();
    } catch (error) {
      say(error.message, true);
    }
  }

  function row(definition) {
    const tr = document.getElementById('row-template').content.firstElementChild.cloneNode(true);
    tr.dataset.key = definition.key;
    const open = tr.querySelector('.open');
    open.textContent = definition.name || definition.key;
    open.href = '/designer/' + encodeURIComponent(definition.key);
    tr.querySelector('.key').textContent = definition.key;
    tr.querySelector('.latest').textContent = definition.latest_version;
    tr.querySelector('.deployed').textContent = definition.deployed_version || texts.none;
    tr.querySelector('.state').textContent = definition.active ? texts.active : texts.inactive;
    tr.querySelector('.visibility').textContent = texts[definition.visibility] || definition.visibility;
    if (!definition.editable) {
      // Only its owners and administrators change a definition: the others never see the buttons.
      tr.querySelector('.actions').replaceChildren();
      return tr;
    }
    const path = '/definitions/' + encodeURIComponent(definition.key);
    const json = { 'Content-Type': 'application/json' };
    tr.querySelector('.rename').onclick = () => {
      const name = window.prompt(texts.new_name, definition.name || definition.key);
      if (name) act(() => api('PATCH', path, { headers: json, body: JSON.stringify({ name }) }), texts.saved);
    };
    tr.querySelector('.deploy').onclick = () => act(() => api('POST', path + '/deploy'), texts.deployed);
    const toggle = tr.querySelector('.toggle');
    toggle.textContent = definition.active ? texts.deactivate : texts.activate;
    toggle.onclick = () => act(() => api('PATCH', path, {
      headers: json, body: JSON.stringify({ active: !definition.active })
    }), texts.saved);
    tr.querySelector('.share').onclick = async () => {
      let current = [];
      try { current = (await api('GET', path)).access; } catch (error) { say(error.message, true); return; }
      const answer = window.prompt(texts.access_prompt, current.join(', '));
      if (answer === null) return;
      const access = answer.split(',').map((s) => s.trim()).filter(Boolean);
      act(() => api('PATCH', path, {
        headers: json, body: JSON.stringify({ visibility: access.length ? 'private' : 'public', access })
      }), texts.saved);
    };
    tr.querySelector('.delete').onclick = () => {
      if (window.confirm(texts.confirm_delete)) act(() => api('DELETE', path), texts.deleted);
    };
    return tr;
  }

  async function load() {
    const definitions = await api('GET', '/definitions?limit=1000');
    body.replaceChildren(...definitions.map(row));
    document.getElementById('empty').hidden = definitions.length > 0;
  }

  const importFile = document.getElementById('import-file');
  if (importFile) importFile.addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (!file) return;
    act(async () => {
      const form = new FormData();
      form.append('file', file);
      const stored = await api('POST', '/definitions', { body: form });
      say(texts.imported + ' ' + stored.key + ' v' + stored.version, false);
    }, texts.imported);
  });

  load().catch((error) => say(error.message, true));
})();
