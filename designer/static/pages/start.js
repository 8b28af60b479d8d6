// Start a process (/start): the processes the user may start, pre-set to the one they were
// working in (?process=KEY from the cartable or an item, else the last one they started: F5).
(function () {
  'use strict';
  const { config, texts, api, say, el } = window.CharkhPeople;
  const status = document.getElementById('status');
  const select = document.getElementById('start-process');
  const LAST = 'charkh.start.process';

  // "12" is a number, "true" a checkbox, anything else text: what a person types in a field
  function typed(value) {
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (value === 'true' || value === 'false') return value === 'true';
    return value;
  }

  async function load() {
    const { data } = await api('GET', '/startable');
    document.getElementById('no-processes').hidden = data.length > 0;
    document.getElementById('start-form').hidden = data.length === 0;
    select.replaceChildren(...data.map((p) => el('option', { value: p.key, text: p.name })));
    const wanted = config.process || localStorage.getItem(LAST);
    if (wanted && data.some((p) => p.key === wanted)) select.value = wanted;
  }

  document.getElementById('start-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const variables = {};
    for (const row of document.querySelectorAll('#start-fields .field-row')) {
      const [ field, value ] = row.querySelectorAll('input');
      if (field.value.trim()) variables[field.value.trim()] = typed(value.value.trim());
    }
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
