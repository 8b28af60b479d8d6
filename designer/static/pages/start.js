// Start a process (/start): the processes the user may start, pre-set to the one they were
// working in (?process=KEY from the cartable or an item, else the last one they started: F5).
// A process with a start form shows it (form-js, static/dist/forms.js) and starts with what it
// holds; one without takes free field and value rows.
(function () {
  'use strict';
  const { config, texts, api, say, el, formProblems } = window.CharkhPeople;
  const status = document.getElementById('status');
  const select = document.getElementById('start-process');
  const area = document.getElementById('start-form-area');
  const rows = document.getElementById('start-fields');
  const LAST = 'charkh.start.process';
  let form = null;  // the form renderer's handle, while the chosen process has a start form
  let asked = 0;  // which choice of process the start form on the page belongs to

  // "12" is a number, "true" a checkbox, anything else text: what a person types in a field
  function typed(value) {
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (value === 'true' || value === 'false') return value === 'true';
    return value;
  }

  function showRows() {
    if (form) form.destroy();
    form = null;
    area.replaceChildren();
    area.hidden = true;
    rows.hidden = false;
  }

  async function showStartForm() {
    const turn = ++asked;
    showRows();
    if (!select.value || !window.CharkhForms) return;
    const { data } = await api('GET', '/definitions/' + encodeURIComponent(select.value) + '/start-form');
    if (turn !== asked || !data.form) return;  // another process was chosen meanwhile, or it has none
    rows.hidden = true;
    area.hidden = false;
    form = window.CharkhForms.render(area, data.form, {}, { locale: config.locale });
    await form.ready;
  }

  function rowVariables() {
    const variables = {};
    for (const row of rows.querySelectorAll('.field-row')) {
      const [ field, value ] = row.querySelectorAll('input');
      if (field.value.trim()) variables[field.value.trim()] = typed(value.value.trim());
    }
    return variables;
  }

  async function load() {
    const { data } = await api('GET', '/startable');
    document.getElementById('no-processes').hidden = data.length > 0;
    document.getElementById('start-form').hidden = data.length === 0;
    select.replaceChildren(...data.map((p) => el('option', { value: p.key, text: p.name })));
    const wanted = config.process || localStorage.getItem(LAST);
    if (wanted && data.some((p) => p.key === wanted)) select.value = wanted;
    await showStartForm();
  }

  // a refusal stays until the person changes something
  document.getElementById('start-form').addEventListener('input', () => {
    if (status.className === 'error') say(status, '', false);
  });
  select.addEventListener('change', () => showStartForm().catch((error) => say(status, error.message, true)));
  document.getElementById('start-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form) {
      const errors = form.validate();
      if (errors.length) { say(status, formProblems(errors), true); return; }
    }
    const variables = form ? form.data() : rowVariables();
    try {
      const { data } = await api('POST', '/instances', { definition: select.value, variables });
      localStorage.setItem(LAST, select.value);
      say(status, texts.started, false);
      // the case's first step, when it is the starter's own to do; else where the case stands
      let next = '/instances/' + encodeURIComponent(data.id);
      for (const item of data.work_items || []) {
        const found = await api('GET', '/work-items/' + encodeURIComponent(item.id)).catch(() => null);
        if (found && found.data.may.complete) { next = '/cartable/' + encodeURIComponent(item.id); break; }
      }
      window.location.href = next;
    } catch (error) {
      say(status, error.message, true);
    }
  });
  load().catch((error) => say(status, error.message, true));
})();
