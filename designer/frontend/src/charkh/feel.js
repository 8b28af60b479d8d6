// A flow's charkh:conditions as the standard conditionExpression other tools read: FEEL in Camunda 8's
// form ("=record.amount > 1000"). The same text as engine/condition_expressions.py writes (the server
// writes it again when it stores a file, so a value only the server can read still gets its expression);
// null when a condition cannot be read here (unknown field, operator or value), and the flow's
// expression is then left as it is. Charkh itself routes on the typed conditions.
import { OPERATORS, NO_VALUE } from './util';

const FEEL_WORDS = new Set([ 'and', 'or', 'not', 'true', 'false', 'null', 'in', 'between', 'instance', 'of', 'for',
  'return', 'if', 'then', 'else', 'some', 'every', 'satisfies', 'function', 'external' ]);
// Field types whose values records keep as text: "" is empty too.
const TEXT_KEPT = new Set([ 'text', 'email', 'mobile', 'user', 'reference', 'picklist', 'date', 'datetime' ]);
const PLAIN_NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const RELATIVE_DAY = /^today\s*(?:([+-])\s*(\d{1,6}))?$/i;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/;
const PHONE_PUNCTUATION = /[\s\-().\u200c\u200e\u200f]/g;

// A value that does not read (as engine/conditions.py refuses it at deploy)
class Unreadable extends Error {}

function unreadable() {
  throw new Unreadable();
}

function string(text) {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

function filled(value) {
  const text = (value || '').trim();
  return text || unreadable();
}

// A number as a plain decimal: no '+', no leading zeros, the fraction as written ('0007.50' → '7.50')
function number(value) {
  const match = PLAIN_NUMBER.exec(filled(value));
  if (!match || (!match[2] && !match[3])) unreadable();
  const whole = match[2].replace(/^0+(?=\d)/, '') || '0';
  return `${match[1] === '-' ? '-' : ''}${whole}${match[3] ? `.${match[3]}` : ''}`;
}

// { fixed: 'YYYY-MM-DD' } or { offset: N }, or null for no day
function dayOf(value) {
  const text = (value || '').trim();
  const fixed = DAY.exec(text);
  if (fixed) {
    const [ year, month, day ] = fixed.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    const real = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    return real ? { fixed: text } : null;
  }
  const relative = RELATIVE_DAY.exec(text);
  if (!relative) return null;
  return { offset: (relative[1] === '-' ? -1 : 1) * Number(relative[2] || 0) };
}

function dayText(day) {
  if (day.fixed) return `date("${day.fixed}")`;
  if (!day.offset) return 'today()';
  return `today() ${day.offset > 0 ? '+' : '-'} duration("P${Math.abs(day.offset)}D")`;
}

function day(value) {
  return dayText(dayOf(value) || unreadable());
}

function pair(value, read) {
  const parts = filled(value).split(',');
  if (parts.length !== 2) unreadable();
  return parts.map(read);
}

function fixedOrder(low, high) {
  if (low.fixed && high.fixed && low.fixed > high.fixed) unreadable();
}

function present(field, type) {
  return TEXT_KEPT.has(type) ? `${field} != null and ${field} != ""` : `${field} != null`;
}

function empty(field, type) {
  return TEXT_KEPT.has(type) ? `${field} = null or ${field} = ""` : `${field} = null`;
}

// a test that holds only for a field that is not empty, as in Charkh
function guarded(test) {
  return (field, type, value) => `${present(field, type)} and ${test(field, value)}`;
}

const lowered = (value) => string(filled(value).toLowerCase());
const plain = (value) => string(filled(value));

function dialled(value) {
  const text = filled(value).replace(PHONE_PUNCTUATION, '')
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660));
  return /^\+?\d+$/.test(text) ? string(text) : unreadable();
}

function texts(literal, lower) {
  const read = (field) => (lower ? `lower case(${field})` : field);
  return {
    equals: (f, _t, v) => `${read(f)} = ${literal(v)}`,
    not_equals: guarded((f, v) => `${read(f)} != ${literal(v)}`),
    contains: guarded((f, v) => `contains(${read(f)}, ${literal(v)})`),
    starts_with: guarded((f, v) => `starts with(${read(f)}, ${literal(v)})`)
  };
}

const compare = (symbol) => guarded((f, v) => `${f} ${symbol} ${number(v)}`);

function numberBetween(field, type, value) {
  const [ low, high ] = pair(value, number);
  if (Number(low) > Number(high)) unreadable();
  return `${present(field, type)} and ${field} >= ${low} and ${field} <= ${high}`;
}

function withinLast(read) {
  return (field, type, value) => {
    const text = filled(value);
    if (!/^\d{1,6}$/.test(text)) unreadable();
    const days = Number(text);
    const since = days === 0 ? 'today()' : `today() - duration("P${days}D")`;
    return `${present(field, type)} and ${read(field)} >= ${since} and ${read(field)} <= today()`;
  };
}

const dateField = (field) => `date(${field})`;
const datetimeDay = (field) => `date(date and time(${field}))`;

function dateBetween(field, type, value) {
  const [ low, high ] = pair(value, (part) => dayOf(part) || unreadable());
  fixedOrder(low, high);
  return `${present(field, type)} and ${dateField(field)} >= ${dayText(low)} and ${dateField(field)} <= ${dayText(high)}`;
}

// a datetime field against a day (the field's day) or a moment (the moment itself)
function momentTest(field, symbol, value) {
  const text = filled(value);
  const bound = dayOf(text);
  if (bound) return `${datetimeDay(field)} ${symbol} ${dayText(bound)}`;
  if (!MOMENT.test(text)) unreadable();
  if (symbol === '=') return `${datetimeDay(field)} = date("${text.slice(0, 10)}")`;
  return `date and time(${field}) ${symbol} date and time("${text}")`;
}

const moment = (symbol) => guarded((f, v) => momentTest(f, symbol, v));

function datetimeBetween(field, type, value) {
  const [ low, high ] = pair(value, (part) => part);
  fixedOrder(dayOf(low) || {}, dayOf(high) || {});
  return `${present(field, type)} and ${momentTest(field, '>=', low)} and ${momentTest(field, '<=', high)}`;
}

function oneOf(field, _type, value) {
  const options = [ ...new Set(filled(value).split(',').map((o) => o.trim()).filter(Boolean)) ];
  return `list contains([${options.map(string).join(', ')}], ${field})`;
}

const namesOnly = (writers) => ({ equals: writers.equals, not_equals: writers.not_equals });

// By field type and operator, as engine/condition_expressions.py's _WRITERS
const WRITERS = {
  text: texts(lowered, true),
  email: texts(lowered, true),
  mobile: texts(dialled, false),
  user: namesOnly(texts(plain, false)),
  reference: namesOnly(texts(plain, false)),
  number: {
    eq: (f, _t, v) => `${f} = ${number(v)}`,
    ne: compare('!='), lt: compare('<'), le: compare('<='), gt: compare('>'), ge: compare('>='),
    between: numberBetween
  },
  date: {
    before: guarded((f, v) => `${dateField(f)} < ${day(v)}`),
    after: guarded((f, v) => `${dateField(f)} > ${day(v)}`),
    on: guarded((f, v) => `${dateField(f)} = ${day(v)}`),
    between: dateBetween,
    within_last_days: withinLast(dateField)
  },
  datetime: {
    before: moment('<'), after: moment('>'), on: moment('='), between: datetimeBetween,
    within_last_days: withinLast(datetimeDay)
  },
  picklist: {
    is: (f, _t, v) => `${f} = ${plain(v)}`,
    is_not: guarded((f, v) => `${f} != ${plain(v)}`),
    one_of: oneOf
  },
  checkbox: {
    checked: (f) => `${f} = true`,
    not_checked: (f) => `${f} != true`
  }
};

function path(field) {
  return FEEL_WORDS.has(field) ? `get value(record, "${field}")` : `record.${field}`;
}

function test({ field, operator, value }, type) {
  if (!field || !(OPERATORS[type] || []).some(([ id ]) => id === operator)) unreadable();
  const name = path(field);
  if (operator === 'is_empty') return empty(name, type);
  if (operator === 'is_not_empty') return present(name, type);
  return WRITERS[type][operator](name, type, NO_VALUE.has(operator) ? '' : value);
}

/**
 * The FEEL text of { match, items: [{ field, operator, value }] } over fields { name: type }, or null.
 */
export function feelExpression(conditions, types) {
  if (![ 'all', 'any' ].includes(conditions.match || 'all')) return null;
  let parts;
  try {
    parts = conditions.items.map((condition) => test(condition, types[condition.field]));
  } catch (error) {
    if (error instanceof Unreadable) return null;
    throw error;
  }
  if (!parts.length) return '=true';
  if (parts.length === 1) return `=${parts[0]}`;
  return '=' + parts.map((part) => `(${part})`).join(conditions.match === 'any' ? ' or ' : ' and ');
}
