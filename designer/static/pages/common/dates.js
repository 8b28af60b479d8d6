// The calendar system of the page's language: Jalali (Persian) months and Persian digits in fa,
// Gregorian otherwise. The browser's Intl does the conversion; this module only walks days.

const TAGS = { fa: 'fa-IR', ro: 'ro-RO', en: 'en-US' };
// The first day of the week: Saturday in Iran, Monday in Romania, Sunday in the US.
const WEEK_STARTS = { fa: 6, ro: 1, en: 0 };

export function calendarFor(locale) {
  const tag = TAGS[locale] || TAGS.en;
  const calendar = locale === 'fa' ? 'persian' : 'gregory';
  const numberingSystem = locale === 'fa' ? 'arabext' : 'latn';
  const weekStart = WEEK_STARTS[locale] ?? 0;
  const format = (options) => new Intl.DateTimeFormat(tag, { calendar, numberingSystem, ...options });
  // Day-of-month in the page's calendar, in Latin digits, to find where its months begin.
  const dayOfMonth = new Intl.DateTimeFormat('en-US', { calendar, day: 'numeric' });
  const formats = {
    month: format({ year: 'numeric', month: 'long' }),
    day: format({ day: 'numeric' }),
    weekday: format({ weekday: 'short' }),
    narrowWeekday: format({ weekday: 'narrow' }),
    date: format({ year: 'numeric', month: 'long', day: 'numeric' }),
    dayTitle: format({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    shortDay: format({ month: 'short', day: 'numeric' }),
    time: format({ hour: '2-digit', minute: '2-digit' }),
    full: format({ year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  };

  function startOfDay(moment) {
    const day = new Date(moment);
    day.setHours(0, 0, 0, 0);
    return day;
  }

  function addDays(moment, count) {
    const day = new Date(moment);
    day.setDate(day.getDate() + count);
    return day;
  }

  function dayInMonth(moment) {
    return Number(dayOfMonth.format(moment).replace(/\D/g, ''));
  }

  function startOfMonth(moment) {
    let day = startOfDay(moment);
    while (dayInMonth(day) !== 1) day = addDays(day, -1);
    return day;
  }

  function startOfNextMonth(moment) {
    let day = addDays(startOfMonth(moment), 28);
    while (dayInMonth(day) !== 1) day = addDays(day, 1);
    return day;
  }

  function startOfWeek(moment) {
    let day = startOfDay(moment);
    while (day.getDay() !== weekStart) day = addDays(day, -1);
    return day;
  }

  // The days a view shows: [first, end) and the period it stands for.
  function span(view, anchor) {
    if (view === 'day') {
      const first = startOfDay(anchor);
      return { first, end: addDays(first, 1), title: formats.dayTitle.format(first) };
    }
    if (view === 'week') {
      const first = startOfWeek(anchor);
      const end = addDays(first, 7);
      return { first, end, title: formats.shortDay.format(first) + ' – ' + formats.shortDay.format(addDays(end, -1)) };
    }
    const monthStart = startOfMonth(anchor);
    const monthEnd = startOfNextMonth(anchor);
    const first = startOfWeek(monthStart);
    let end = startOfWeek(addDays(monthEnd, 6));
    if (end < monthEnd) end = addDays(end, 7);
    return { first, end, monthStart, monthEnd, title: formats.month.format(monthStart) };
  }

  function step(view, anchor, direction) {
    if (view === 'day') return addDays(anchor, direction);
    if (view === 'week') return addDays(anchor, 7 * direction);
    return direction > 0 ? startOfNextMonth(anchor) : startOfMonth(addDays(startOfMonth(anchor), -1));
  }

  const numbers = new Intl.NumberFormat(tag, { numberingSystem });
  formats.list = new Intl.ListFormat(tag, { type: 'conjunction' });
  return { formats, numbers, addDays, startOfDay, span, step, weekStart };
}

// A local day as YYYY-MM-DD (Gregorian; the grid's cells carry it for links and tests).
export function dayKey(moment) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

export function parseDayKey(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

// A datetime-local input's value for a moment, and back (the browser's own zone).
export function toLocalInput(moment) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${dayKey(moment)}T${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`;
}

export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}
