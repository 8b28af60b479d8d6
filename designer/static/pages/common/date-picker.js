// A date picker in the page's calendar: Jalali months with Persian digits in fa, Gregorian in en
// and ro, drawn with the browser's Intl as the calendar grid is (dates.js), so its months, week
// start and digits are the grid's. It takes over an <input type="date"> or
// <input type="datetime-local">: the input stays in the form, hidden, and holds the Gregorian ISO
// value the page sends (2026-12-07, or 2026-12-07T10:00); a button shows the chosen day in the
// page's calendar and opens a month to pick from; a datetime gets a time input beside it.
//
// Keys in the month: arrows move a day (mirrored right to left) or a week, Page Up/Down a month,
// Home/End the week's ends, Enter picks, Escape closes.
import { dayKey, parseDayKey } from './dates.js';

const FIRST_TIME = '09:00';

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

export function attachDatePicker(input, cal, texts) {
  const withTime = input.type === 'datetime-local';
  const step = input.getAttribute('step');
  const rtl = document.documentElement.dir === 'rtl';
  input.type = 'hidden';
  input.required = false;  // a hidden field cannot be pointed at; the server names what is missing

  const field = element('span', 'date-field');
  const button = element('button', 'date-button');
  button.type = 'button';
  button.id = input.id + '-date';
  button.setAttribute('aria-haspopup', 'dialog');
  button.setAttribute('aria-expanded', 'false');
  const time = withTime ? element('input', 'date-time') : null;
  if (time) {
    time.type = 'time';
    time.id = input.id + '-time';
    time.setAttribute('aria-label', texts.time);
    if (step) time.step = step;
  }
  const popup = element('div', 'date-popup');
  popup.hidden = true;
  popup.setAttribute('role', 'dialog');
  popup.setAttribute('aria-label', texts.choose_date);
  const head = element('div', 'date-popup-head');
  const previous = element('button', 'date-previous', rtl ? '›' : '‹');
  const next = element('button', 'date-next', rtl ? '‹' : '›');
  previous.type = next.type = 'button';
  previous.setAttribute('aria-label', texts.previous_month);
  next.setAttribute('aria-label', texts.next_month);
  const title = element('strong', 'date-month');
  title.setAttribute('aria-live', 'polite');
  head.append(previous, title, next);
  const grid = element('div', 'date-grid');
  grid.setAttribute('role', 'grid');
  const foot = element('div', 'date-popup-foot');
  const today = element('button', 'date-today', texts.today);
  const clear = element('button', 'date-clear', texts.clear);
  today.type = clear.type = 'button';
  foot.append(today, clear);
  popup.append(head, grid, foot);
  input.after(field);
  field.append(input, button, ...(time ? [time] : []), popup);

  let shown = null;  // a day in the month on show

  function chosenDay() {
    return parseDayKey(input.value.slice(0, 10));
  }

  function show() {
    const day = chosenDay();
    button.textContent = day ? cal.formats.date.format(day) : texts.no_date;
    button.classList.toggle('empty', !day);
    if (time) time.value = input.value.length > 10 ? input.value.slice(11, step ? 19 : 16) : '';
  }

  function set(value) {
    input.value = value || '';
    show();
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function pick(day) {
    set(withTime ? `${dayKey(day)}T${time.value || FIRST_TIME}` : dayKey(day));
    close();
    button.focus();
  }

  function draw(focusKey) {
    const span = cal.span('month', shown);
    title.textContent = span.title;
    grid.dataset.monthStart = dayKey(span.monthStart);
    const cells = [];
    for (let i = 0; i < 7; i += 1) {
      const name = element('span', 'date-weekday', cal.formats.narrowWeekday.format(cal.addDays(span.first, i)));
      name.setAttribute('role', 'columnheader');
      cells.push(name);
    }
    const chosen = input.value.slice(0, 10);
    const now = dayKey(new Date());
    for (let day = span.first; day < span.end; day = cal.addDays(day, 1)) {
      const key = dayKey(day);
      const cell = element('button', 'date-day', cal.formats.day.format(day));
      cell.type = 'button';
      cell.dataset.date = key;
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-label', cal.formats.date.format(day));
      cell.tabIndex = -1;
      if (day < span.monthStart || day >= span.monthEnd) cell.classList.add('outside');
      if (key === now) cell.classList.add('today');
      if (key === chosen) {
        cell.classList.add('chosen');
        cell.setAttribute('aria-selected', 'true');
      }
      const picked = day;
      cell.addEventListener('click', () => pick(picked));
      cells.push(cell);
    }
    grid.replaceChildren(...cells);
    const target = grid.querySelector(`[data-date="${focusKey}"]`)
      || grid.querySelector('.date-day.chosen:not(.outside)') || grid.querySelector('.date-day:not(.outside)');
    target.tabIndex = 0;
    return target;
  }

  // Fixed to the viewport beside its button, so a dialog's scrolling box does not cut it off:
  // below the button, or above it when there is more room there.
  function place() {
    const around = button.getBoundingClientRect();
    const { offsetWidth: width, offsetHeight: height } = popup;
    const below = around.bottom + 4;
    const top = below + height <= window.innerHeight || around.top < height + 4 ? below : around.top - height - 4;
    const start = rtl ? around.right - width : around.left;
    popup.style.top = Math.max(4, top) + 'px';
    popup.style.left = Math.min(Math.max(4, start), window.innerWidth - width - 4) + 'px';
  }

  function open() {
    shown = chosenDay() || new Date();
    popup.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    const target = draw(dayKey(shown));
    place();
    target.focus();
  }

  function close() {
    popup.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }

  function moveMonth(direction) {
    shown = cal.step('month', shown, direction);
    draw(null);
  }

  function moveFocus(from, days) {
    const day = cal.addDays(parseDayKey(from.dataset.date), days);
    let target = grid.querySelector(`[data-date="${dayKey(day)}"]`);
    if (!target || target.classList.contains('outside')) {
      shown = day;
      target = draw(dayKey(day));
    }
    for (const cell of grid.querySelectorAll('.date-day')) cell.tabIndex = cell === target ? 0 : -1;
    target.focus();
  }

  button.addEventListener('click', () => (popup.hidden ? open() : close()));
  previous.addEventListener('click', () => moveMonth(-1));
  next.addEventListener('click', () => moveMonth(1));
  today.addEventListener('click', () => pick(new Date()));
  clear.addEventListener('click', () => {
    set('');
    close();
    button.focus();
  });
  if (time) {
    time.addEventListener('input', () => {
      const day = chosenDay();
      if (day || time.value) set(`${dayKey(day || new Date())}T${time.value || FIRST_TIME}`);
    });
  }
  const sideways = { ArrowLeft: rtl ? 1 : -1, ArrowRight: rtl ? -1 : 1, ArrowUp: -7, ArrowDown: 7 };
  grid.addEventListener('keydown', (event) => {
    const cell = event.target.closest('.date-day');
    if (!cell) return;
    if (event.key in sideways) moveFocus(cell, sideways[event.key]);
    else if (event.key === 'PageUp' || event.key === 'PageDown') {
      const day = parseDayKey(cell.dataset.date);
      shown = cal.step('month', day, event.key === 'PageUp' ? -1 : 1);
      draw(null).focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      const index = [...grid.querySelectorAll('.date-day')].indexOf(cell) % 7;
      moveFocus(cell, event.key === 'Home' ? -index : 6 - index);
    } else return;
    event.preventDefault();
  });
  popup.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();  // a picker inside a dialog closes itself, not the dialog
    close();
    button.focus();
  });
  document.addEventListener('click', (event) => {
    if (!popup.hidden && !field.contains(event.target)) close();
  });
  // What it is fixed beside moves when the page or a dialog scrolls: it closes rather than float.
  document.addEventListener('scroll', (event) => {
    if (!popup.hidden && !popup.contains(event.target)) close();
  }, true);
  window.addEventListener('resize', () => close());
  show();
  return { set, close, get value() { return input.value; } };
}
