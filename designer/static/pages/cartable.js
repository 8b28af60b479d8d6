// The cartable (/cartable): the signed-in user's items with counts per process, filters, sort,
// text search and paging; it asks again every few seconds so new items appear without a reload.
(function () {
  'use strict';
  const { config, texts, api, text, number, date, say, el, waitsFor } = window.CharkhPeople;
  const PAGE_SIZE = 20;
  const REFRESH_MS = 3000;
  const DRAWN_MARK = 'charkh:cartable-drawn';
  const status = document.getElementById('status');
  const body = document.querySelector('#items tbody');
  const form = document.getElementById('filters');
  const chips = document.getElementById('process-counts');
  const elementSelect = document.getElementById('filter-element');
  const startLink = document.getElementById('start-new');
  const pages = [ null ];  // the cursors of the pages seen so far; the last is the current page's
  let process = sessionStorage.getItem('charkh.cartable.process') || '';
  let shown = '';

  function filters() {
    const query = new URLSearchParams({ mine: 'true' });
    for (const [name, value] of new FormData(form)) if (value) query.set(name, value);
    if (process) query.set('definition', process);
    return query;
  }

  function actionButtons(item) {
    const cell = [];
    if (item.status !== 'open' && item.status !== 'claimed') return cell;
    for (const action of item.actions) {
      const needs = (item.required_fields || {})[action.id];
      const button = el('button', { type: 'button', class: 'action', 'data-action': action.id, text: action.name });
      // an action that needs fields filled opens the item, where its fields are
      button.onclick = needs ? () => { window.location.href = itemHref(item, action.id); } : () => complete(item, action);
      cell.push(button);
    }
    if (!item.actions.length) {
      const button = el('button', { type: 'button', class: 'action', text: texts.done.replace(/\.$/, '') });
      button.onclick = () => complete(item, null);
      cell.push(button);
    }
    return cell;
  }

  function itemHref(item, action) {
    return '/cartable/' + encodeURIComponent(item.id) + (action ? '?action=' + encodeURIComponent(action) : '');
  }

  async function complete(item, action) {
    try {
      await api('POST', `/work-items/${encodeURIComponent(item.id)}/complete`, action ? { action: action.id, data: {} } : { data: {} });
      say(status, texts.done, false);
      await load();
    } catch (error) {
      say(status, error.message, true);
    }
  }

  function row(item) {
    const tr = document.getElementById('item-template').content.firstElementChild.cloneNode(true);
    tr.dataset.id = item.id;
    tr.dataset.element = item.element;
    if (item.overdue) tr.classList.add('overdue');
    const open = tr.querySelector('.open');
    open.textContent = item.title || item.name;
    open.href = itemHref(item);
    tr.querySelector('.process').textContent = (item.process && (item.process.name || item.process.key)) || '';
    tr.querySelector('.task').textContent = item.name;
    const due = tr.querySelector('.due');
    due.textContent = item.due_at ? date(item.due_at) : '';
    if (item.overdue) due.append(' ', el('span', { class: 'badge overdue-mark', text: texts.overdue }));
    tr.querySelector('.claimed').textContent = item.claimed_by || '';
    tr.querySelector('.created').textContent = date(item.created_at);
    tr.querySelector('.actions').replaceChildren(...actionButtons(item));
    return tr;
  }

  function drawCounts(counts) {
    const chip = (key, label, count) => {
      const button = el('button', { type: 'button', class: 'chip' + (process === key ? ' current' : ''),
        'data-process': key }, label + ' ', el('span', { class: 'count', text: number(count) }));
      button.onclick = () => { process = key; sessionStorage.setItem('charkh.cartable.process', key); restart(); };
      return button;
    };
    chips.replaceChildren(chip('', texts.all, counts.total),
      ...counts.by_process.map((p) => chip(p.key, p.name || p.key, p.count)));
    const chosen = elementSelect.value;
    const elements = counts.by_element.filter((e) => !process || e.process === process);
    elementSelect.replaceChildren(el('option', { value: '', text: texts.any }),
      ...elements.map((e) => el('option', { value: e.element, text: `${e.name} (${number(e.count)})` })));
    elementSelect.value = elements.some((e) => e.element === chosen) ? chosen : '';
    startLink.href = '/start' + (process ? '?process=' + encodeURIComponent(process) : '');
  }

  async function load() {
    const query = filters();
    const countQuery = new URLSearchParams(query);
    countQuery.delete('definition');
    countQuery.delete('element');
    countQuery.delete('sort');
    query.set('limit', String(PAGE_SIZE));
    const after = pages[pages.length - 1];
    if (after) query.set('after', after);
    // the items are drawn as soon as they come; the counts beside them when they come
    const counted = api('GET', '/work-items/counts?' + countQuery).then((counts) => drawCounts(counts.data));
    counted.catch(() => {});  // awaited below; a failed list must not leave it unhandled
    const list = await api('GET', '/work-items?' + query);
    // redraw only when something changed: a click in progress is not lost to a refresh
    const fingerprint = JSON.stringify(list.data);
    if (fingerprint !== shown) {
      shown = fingerprint;
      body.replaceChildren(...list.data.map(row));
    }
    document.getElementById('empty').hidden = list.data.length > 0;
    const next = document.getElementById('next');
    next.hidden = !list.next;
    next.onclick = () => { pages.push(list.next); load().catch(fail); };
    const previous = document.getElementById('previous');
    previous.hidden = pages.length < 2;
    previous.onclick = () => { pages.pop(); load().catch(fail); };
    // the first page's moment on the page's clock, for bench/cartable_page.py and any RUM
    if (!performance.getEntriesByName(DRAWN_MARK).length) performance.mark(DRAWN_MARK);
    await counted;
  }

  function fail(error) { say(status, error.message, true); }

  function restart() {
    pages.length = 1;
    load().catch(fail);
  }

  let typing = null;
  form.addEventListener('input', (event) => {
    clearTimeout(typing);
    typing = setTimeout(restart, event.target.type === 'search' ? 300 : 0);
  });
  form.addEventListener('submit', (event) => { event.preventDefault(); restart(); });
  restart();
  setInterval(() => { if (!document.hidden) load().catch(fail); }, REFRESH_MS);
  window.charkhCartable = { reload: load, get process() { return process; } };
})();
