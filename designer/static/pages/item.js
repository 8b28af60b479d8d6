// One cartable item (/cartable/{id}): its actions in charkh:order, its form or the fields its
// actions require, claim and release, forward (a picker suggests whom), the case's data, a small
// diagram (the viewer bundle, compact), comments and the history in words.
(function () {
  'use strict';
  const { config, texts, api, text, date, say, el, waitsFor, formProblems } = window.CharkhPeople;
  const status = document.getElementById('status');
  const itemPath = '/work-items/' + encodeURIComponent(config.item);
  const chosenAction = new URLSearchParams(window.location.search).get('action');
  let form = null;  // the form renderer's handle, when the item has a form
  let item = null;

  function statusText(value) { return texts['status_' + value] || value; }

  function requiredInputs(current) {
    const box = document.getElementById('required-fields');
    const needed = new Map();
    for (const action of current.actions) {
      for (const field of (current.required_fields || {})[action.id] || []) {
        if (!needed.has(field)) needed.set(field, []);
        needed.get(field).push(action.name);
      }
    }
    const kept = Object.fromEntries([ ...box.querySelectorAll('input') ].map((i) => [ i.name, i.value ]));
    box.replaceChildren(...[ ...needed ].map(([ field, actions ]) => el('label', { class: 'field' },
      field, ' ', el('input', { name: field, 'data-field': field, value: kept[field] || '' }),
      el('small', { text: text('required_for', { action: actions.join(', ') }) }))));
  }

  function fieldData() {
    const data = {};
    for (const input of document.querySelectorAll('#required-fields input')) {
      if (input.value.trim()) data[input.name] = input.value.trim();
    }
    return form ? { ...data, ...form.data() } : data;
  }

  async function complete(action) {
    const missing = ((item.required_fields || {})[action ? action.id : ''] || [])
      .filter((field) => !fieldData()[field]);
    if (missing.length) {
      for (const field of missing) document.querySelector(`#required-fields input[name="${CSS.escape(field)}"]`).classList.add('missing');
      say(status, text('fill_required', { fields: missing.join(', ') }), true);
      return;
    }
    if (form) {
      const errors = form.validate();
      if (errors && errors.length) { say(status, formProblems(errors), true); return; }
    }
    try {
      const body = { data: fieldData() };
      if (action) body.action = action.id;
      await api('POST', itemPath + '/complete', body);
      say(status, texts.done, false);
      window.location.href = '/cartable';
    } catch (error) {
      say(status, error.message, true);
    }
  }

  function drawActions(current) {
    const box = document.getElementById('actions');
    box.replaceChildren();
    if (!current.may.complete) return;
    const actions = current.actions.length ? current.actions : [ null ];
    for (const action of actions) {
      const button = el('button', { type: 'button', class: 'action primary', 'data-action': action ? action.id : '',
        text: action ? action.name : texts.done.replace(/\.$/, '') });
      if (action && action.id === chosenAction) button.classList.add('chosen');
      button.onclick = () => complete(action);
      box.append(button);
    }
  }

  function drawForm(current) {
    const area = document.getElementById('form-area');
    if (form || !current.form || !window.CharkhForms) return;
    form = window.CharkhForms.render(area, current.form, current.variables || {}, { locale: config.locale });
  }

  function value(v) {
    if (v === null || v === undefined) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  function drawHistory(current) {
    const describe = (h) => (window.charkh && window.charkh.historyText ? window.charkh.historyText(h) : h.type);
    document.getElementById('item-history').replaceChildren(...current.history.map((h) =>
      el('li', { 'data-type': h.type }, el('time', { datetime: h.at, text: date(h.at) }), ' ', describe(h))));
  }

  async function load() {
    const { data } = await api('GET', itemPath);
    item = data;
    document.getElementById('item-title').textContent = data.title || data.name;
    document.title = (data.title || data.name) + ' · ' + document.title.split(' · ').pop();
    document.getElementById('item-process').textContent = data.process.name || data.process.key;
    document.getElementById('item-task').textContent = data.name;
    document.getElementById('item-status').textContent = statusText(data.status);
    const due = document.getElementById('item-due');
    due.textContent = data.due_at ? date(data.due_at) : texts.none;
    if (data.overdue) due.append(' ', el('span', { class: 'badge overdue-mark', text: texts.overdue }));
    document.getElementById('item-waits').textContent = waitsFor(data);
    document.getElementById('claim').hidden = !data.may.claim;
    document.getElementById('release').hidden = !data.may.release;
    document.getElementById('forward-box').hidden = !data.may.forward;
    document.getElementById('start-like').href = '/start?process=' + encodeURIComponent(data.process.key || '');
    document.getElementById('instance-link').href = '/instances/' + encodeURIComponent(data.instance_id);
    drawActions(data);
    requiredInputs(data);
    drawForm(data);
    document.querySelector('#variables tbody').replaceChildren(...Object.entries(data.variables || {}).map(([ k, v ]) =>
      el('tr', { 'data-variable': k }, el('th', { text: k }), el('td', { text: value(v) }))));
    document.getElementById('comments').replaceChildren(...data.comments.map((c) =>
      el('li', {}, el('strong', { text: c.user }), ' ', el('time', { datetime: c.at, text: date(c.at) }), el('p', { text: c.text }))));
    drawHistory(data);
    if (window.charkh && window.charkh.ready) window.charkh.ready.then(() => drawHistory(data)).catch(() => {});
  }

  async function act(work, done) {
    try {
      await work();
      say(status, done, false);
      await load();
    } catch (error) {
      say(status, error.message, true);
    }
  }

  document.getElementById('claim').onclick = () => act(() => api('POST', itemPath + '/claim'), texts.claimed);
  document.getElementById('release').onclick = () => act(() => api('POST', itemPath + '/release'), texts.released);
  window.CharkhPartyPicker.attach(document.getElementById('forward-name'), document.getElementById('forward-options'),
    document.getElementById('forward-kind'), async (typed) => {
      const query = new URLSearchParams({ q: typed, limit: '8' });
      const { data } = await api('GET', itemPath + '/forward-candidates?' + query);
      return window.CharkhPartyPicker.flatten(data);
    });
  document.getElementById('forward-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const kind = document.getElementById('forward-kind').value;
    const to = { [kind]: document.getElementById('forward-name').value.trim() };
    const note = document.getElementById('forward-note').value.trim() || null;
    api('POST', itemPath + '/forward', { to, note }).then(() => {
      say(status, texts.forwarded, false);
      window.location.href = '/cartable';
    }).catch((error) => say(status, error.message, true));
  });
  document.getElementById('comment-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const box = document.getElementById('comment-text');
    act(async () => { await api('POST', itemPath + '/comments', { text: box.value }); box.value = ''; }, texts.comment_added);
  });
  load().catch((error) => say(status, error.message, true));
})();
