// Who works on what (/work, supervisors and administrators): all work, filtered by user, group,
// role, process, task, status and action chosen, with counts per person, group, role and task.
(function () {
  'use strict';
  const { texts, api, number, date, say, el, waitsFor } = window.CharkhPeople;
  const status = document.getElementById('status');
  const form = document.getElementById('filters');
  let after = null;

  function query() {
    const found = new URLSearchParams({ mine: 'false' });
    for (const [name, value] of new FormData(form)) if (value.trim()) found.set(name, value.trim());
    return found;
  }

  function countRows(id, rows, label, filterName) {
    document.querySelector(`#${id} tbody`).replaceChildren(...rows.map((row) => {
      const name = label(row);
      const cell = el('td', {});
      if (filterName && row[filterName.key]) {
        const link = el('a', { href: '#', text: name || texts.unclaimed });
        link.onclick = (event) => {
          event.preventDefault();
          form.elements[filterName.field].value = row[filterName.key];
          restart();
        };
        cell.append(link);
      } else {
        cell.textContent = name || texts.unclaimed;
      }
      return el('tr', { 'data-name': name || '' }, cell, el('td', { class: 'count', text: number(row.count) }));
    }));
  }

  async function load(append) {
    const params = query();
    params.set('limit', '50');
    if (append && after) params.set('after', after);
    const [ list, counts ] = await Promise.all([ api('GET', '/work-items?' + params), api('GET', '/work-items/counts?' + query()) ]);
    const c = counts.data;
    countRows('by-person', c.by_person || [], (r) => r.user, { key: 'user', field: 'user' });
    countRows('by-group', c.by_group || [], (r) => r.name, { key: 'name', field: 'group' });
    countRows('by-role', c.by_role || [], (r) => r.name, { key: 'name', field: 'role' });
    countRows('by-element', c.by_element, (r) => r.name, { key: 'element', field: 'element' });
    countRows('by-process', c.by_process, (r) => r.name, { key: 'key', field: 'definition' });
    const rows = list.data.map((item) => el('tr', { 'data-id': item.id, class: item.overdue ? 'overdue' : null },
      el('td', { 'data-label': texts.title }, el('a', { href: '/cartable/' + encodeURIComponent(item.id), text: item.title || item.name })),
      el('td', { 'data-label': texts.process, text: item.process.name || item.process.key }),
      el('td', { 'data-label': texts.task, text: item.name }),
      el('td', { 'data-label': texts.status, text: texts['status_' + item.status] || item.status }),
      el('td', { 'data-label': texts.waits_for, text: waitsFor(item) }),
      el('td', { 'data-label': texts.due, text: item.due_at ? date(item.due_at) : '' })));
    const body = document.querySelector('#items tbody');
    if (append) body.append(...rows); else body.replaceChildren(...rows);
    after = list.next;
    document.getElementById('next').hidden = !after;
    say(status, texts.item_count.replace('%(count)s', number(c.total)), false);
  }

  function restart() { after = null; load(false).catch((error) => say(status, error.message, true)); }

  document.getElementById('next').onclick = () => load(true).catch((error) => say(status, error.message, true));
  let typing = null;
  form.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(restart, 300); });
  form.addEventListener('submit', (event) => { event.preventDefault(); restart(); });
  restart();
})();
