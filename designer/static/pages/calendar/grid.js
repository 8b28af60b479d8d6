// Draws the day, week and month views from GET /calendar's answer: work items due, tasks (on
// their due date, else their start) and events (on their start), each a chip in its day.
import { dayKey } from '../common/dates.js';

export function entriesOf(data) {
  const entries = [
    ...data.work_items.map((item) => ({ kind: 'work_item', id: item.id, title: item.name, when: new Date(item.due_at),
      href: '/instances/' + encodeURIComponent(item.instance_id) })),
    ...data.tasks.map((task) => ({ kind: 'task', id: task.id, title: task.title, when: new Date(task.due || task.start),
      task })),
    ...data.events.map((event) => ({ kind: 'event', id: event.id, title: event.title, when: new Date(event.start),
      event }))
  ];
  return entries.sort((a, b) => a.when - b.when);
}

function byDay(entries) {
  const days = new Map();
  for (const entry of entries) {
    const key = dayKey(entry.when);
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(entry);
  }
  return days;
}

function chip(entry, cal, onOpen) {
  const item = document.createElement('li');
  item.className = `chip ${entry.kind}` + (entry.task && entry.task.status === 'done' ? ' done' : '');
  item.dataset.id = entry.id;
  item.dataset.kind = entry.kind;
  const time = document.createElement('time');
  time.dateTime = entry.when.toISOString();
  time.textContent = cal.formats.time.format(entry.when);
  const label = entry.href ? document.createElement('a') : document.createElement('button');
  if (entry.href) label.href = entry.href;
  else label.type = 'button';
  label.className = 'chip-title';
  label.textContent = entry.title;
  if (entry.event) {
    const where = entry.event.room ? ' · ' + entry.event.room.name : '';
    label.title = cal.formats.time.format(entry.when) + '–' + cal.formats.time.format(new Date(entry.event.end)) + where;
    if (entry.event.occurrence) {
      item.classList.add('recurring');
      item.dataset.occurrence = entry.event.occurrence;
      label.prepend('↻ ');
    }
  }
  if (!entry.href) label.addEventListener('click', () => onOpen(entry));
  item.append(time, ' ', label);
  return item;
}

function dayCell(day, entries, cal, handlers, options) {
  const cell = document.createElement('div');
  cell.className = 'day';
  cell.dataset.date = dayKey(day);
  if (dayKey(day) === dayKey(new Date())) cell.classList.add('today');
  if (options.outside) cell.classList.add('outside');
  const head = document.createElement('button');
  head.type = 'button';
  head.className = 'day-number';
  head.textContent = options.heading(day);
  head.addEventListener('click', () => handlers.onDay(day));
  const list = document.createElement('ul');
  list.append(...entries.map((entry) => chip(entry, cal, handlers.onOpen)));
  cell.append(head, list);
  return cell;
}

export function render(grid, view, span, data, cal, handlers) {
  const days = byDay(entriesOf(data));
  grid.className = `calendar-grid ${view}`;
  const cells = [];
  if (view === 'month') {
    for (let i = 0; i < 7; i += 1) {
      const name = document.createElement('div');
      name.className = 'weekday';
      name.textContent = cal.formats.weekday.format(cal.addDays(span.first, i));
      cells.push(name);
    }
  }
  for (let day = span.first; day < span.end; day = cal.addDays(day, 1)) {
    const outside = view === 'month' && (day < span.monthStart || day >= span.monthEnd);
    const heading = view === 'month' ? (d) => cal.formats.day.format(d)
      : (d) => cal.formats.weekday.format(d) + ' ' + cal.formats.day.format(d);
    cells.push(dayCell(day, days.get(dayKey(day)) || [], cal, handlers, { outside, heading }));
  }
  grid.replaceChildren(...cells);
}
