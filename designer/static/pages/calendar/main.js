// The /calendar page: day, week and month views of the signed-in user's work items due, tasks
// and events (GET /api/v1/calendar), in Jalali with Persian digits in fa and Gregorian
// otherwise; tasks and events are created here (the bell and reminders are every page's:
// common/bell.js). ?view=day|week|month&date=YYYY-MM-DD make a view bookmarkable.
import { apiFor } from '../common/api.js';
import { calendarFor, dayKey, parseDayKey } from '../common/dates.js';
import { setupForms } from './forms.js';
import { render } from './grid.js';
import { renderTaskLists } from './tasks.js';

const config = JSON.parse(document.getElementById('charkh-config').textContent);
const texts = JSON.parse(document.getElementById('charkh-texts').textContent);
const params = new URLSearchParams(window.location.search);
const VIEWS = ['day', 'week', 'month'];
const state = {
  view: VIEWS.includes(params.get('view')) ? params.get('view') : 'month',
  anchor: parseDayKey(params.get('date')) || new Date(),
  data: null
};
// What tests read: the state, and whether the first view is drawn.
const probe = { state, ready: false };
window.charkh = Object.assign(window.charkh || {}, { calendar: probe });

const cal = calendarFor(config.locale);
const api = apiFor(config);
const status = document.getElementById('status');
const grid = document.getElementById('grid');

function say(message, isError) {
  status.textContent = message;
  status.className = isError ? 'error' : 'ok';
}

const ctx = { api, cal, texts, state, say, reload, user: config.user };
const forms = setupForms(ctx);

function remember() {
  const query = new URLSearchParams(window.location.search);
  query.set('view', state.view);
  query.set('date', dayKey(state.anchor));
  window.history.replaceState(null, '', '?' + query.toString());
}

async function reload() {
  const span = cal.span(state.view, state.anchor);
  document.getElementById('period').textContent = span.title;
  for (const view of VIEWS) {
    document.getElementById('view-' + view).classList.toggle('current', view === state.view);
  }
  const range = new URLSearchParams({ from: span.first.toISOString(), to: span.end.toISOString() });
  state.data = await api('GET', '/calendar?' + range.toString());
  render(grid, state.view, span, state.data, cal, {
    onDay: (day) => forms.openTask(day),
    onOpen: (entry) => forms.openDetails(entry)
  });
  remember();
  await renderTaskLists(ctx, (entry) => forms.openDetails(entry));
  probe.ready = true;
}

function go(change) {
  change();
  reload().catch((error) => say(error.message, true));
}

for (const view of VIEWS) {
  document.getElementById('view-' + view).addEventListener('click', () => go(() => { state.view = view; }));
}
document.getElementById('prev').addEventListener('click', () => go(() => {
  state.anchor = cal.step(state.view, state.anchor, -1);
}));
document.getElementById('next').addEventListener('click', () => go(() => {
  state.anchor = cal.step(state.view, state.anchor, 1);
}));
document.getElementById('today').addEventListener('click', () => go(() => { state.anchor = new Date(); }));

reload().catch((error) => say(error.message, true));
