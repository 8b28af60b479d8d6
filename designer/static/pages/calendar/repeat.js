// How an event repeats: the new-event dialog's repeat fields make an RFC 5545 RRULE (daily,
// weekly on chosen weekdays, monthly or yearly, every N, until a day or N times) and an event's
// details say its rule in words. The server expands the rule (engine/recurrence.py).
import { parseDayKey } from '../common/dates.js';

// RRULE's weekdays in the order of Date.getDay().
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
// A Sunday, to name each weekday in the page's language.
const A_SUNDAY = new Date(2026, 11, 6);
// A new series ends this many months after its first day unless the person says otherwise.
const DEFAULT_MONTHS = 3;

function weekdayName(code, cal) {
  return cal.formats.weekday.format(cal.addDays(A_SUNDAY, WEEKDAYS.indexOf(code)));
}

function parts(rule) {
  return Object.fromEntries(rule.split(';').map((part) => part.split('=')));
}

// UNTIL as stored (20261228T202959Z, UTC) or given (20261228, a day) as a moment.
function untilMoment(value) {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return match[4] === undefined ? new Date(year, month - 1, day)
    : new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

export function describeRule(rule, cal, texts) {
  const found = parts(rule);
  const words = [texts['repeats_' + found.FREQ] || rule];
  const interval = Number(found.INTERVAL || 1);
  if (interval > 1) words[0] += ` (${texts.every_n.replace('{n}', cal.numbers.format(interval))} ${texts[found.FREQ]})`;
  if (found.BYDAY) {
    const plain = found.BYDAY.split(',').filter((code) => WEEKDAYS.includes(code));
    if (plain.length) words.push(cal.formats.list.format(plain.map((code) => weekdayName(code, cal))));
  }
  if (found.UNTIL) {
    const until = untilMoment(found.UNTIL);
    if (until) words.push(texts.until.replace('{date}', cal.formats.date.format(until)));
  }
  if (found.COUNT) words.push(texts.times.replace('{n}', cal.numbers.format(Number(found.COUNT))));
  return words.join(' · ');
}

export function repeatForm(ctx, untilPicker) {
  const { cal, texts } = ctx;
  const frequency = document.getElementById('event-repeat');
  const options = document.getElementById('repeat-options');
  const interval = document.getElementById('event-interval');
  const unit = document.getElementById('interval-unit');
  const weekdays = document.getElementById('repeat-weekdays');
  const ends = document.getElementById('event-ends');
  const count = document.getElementById('event-count');
  const untilField = document.getElementById('until-field');
  const countField = document.getElementById('count-field');

  const boxes = [];
  for (let i = 0; i < 7; i += 1) {
    const code = WEEKDAYS[(cal.weekStart + i) % 7];
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = code;
    box.id = 'repeat-' + code.toLowerCase();
    label.append(box, ' ', weekdayName(code, cal));
    weekdays.append(label);
    boxes.push(box);
  }

  function update() {
    options.hidden = !frequency.value;
    weekdays.hidden = frequency.value !== 'WEEKLY';
    unit.textContent = texts[frequency.value] || '';
    untilField.hidden = ends.value !== 'until';
    countField.hidden = ends.value !== 'count';
  }
  frequency.addEventListener('change', update);
  ends.addEventListener('change', update);

  const startInput = document.getElementById('event-start');
  const startDay = () => (startInput.value ? new Date(startInput.value) : new Date());
  // A weekly event starts on one of its days: moving the start moves a lone chosen day with it.
  let lastStart = startDay();
  startInput.addEventListener('change', () => {
    const chosen = boxes.filter((box) => box.checked);
    const now = startDay();
    if (chosen.length === 1 && chosen[0].value === WEEKDAYS[lastStart.getDay()]) {
      for (const box of boxes) box.checked = box.value === WEEKDAYS[now.getDay()];
    }
    lastStart = now;
  });

  function reset(start) {
    lastStart = start;
    frequency.value = '';
    interval.value = '1';
    ends.value = 'until';
    count.value = '10';
    for (const box of boxes) box.checked = box.value === WEEKDAYS[start.getDay()];
    const until = new Date(start);
    until.setMonth(until.getMonth() + DEFAULT_MONTHS);
    untilPicker.set(`${until.getFullYear()}-${String(until.getMonth() + 1).padStart(2, '0')}-`
      + String(until.getDate()).padStart(2, '0'));
    update();
  }

  // The RRULE the fields describe, or null for an event that happens once.
  function rule() {
    if (!frequency.value) return null;
    const made = ['FREQ=' + frequency.value];
    if (Number(interval.value) > 1) made.push('INTERVAL=' + Number(interval.value));
    if (frequency.value === 'WEEKLY') {
      const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
      made.push('BYDAY=' + (chosen.length ? chosen : [WEEKDAYS[startDay().getDay()]]).join(','));
    }
    if (ends.value === 'count') made.push('COUNT=' + Number(count.value));
    else if (parseDayKey(untilPicker.value)) made.push('UNTIL=' + untilPicker.value.replaceAll('-', ''));
    return made.join(';');
  }

  return { reset, rule };
}
