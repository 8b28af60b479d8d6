// What the people's pages share: the config and texts blocks, calls to /api/v1 with the page's
// token, and numbers and dates in the page's language (Persian digits and the Jalali calendar in fa).
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('charkh-config').textContent);
  const texts = JSON.parse(document.getElementById('charkh-texts').textContent);
  const intlLocale = { fa: 'fa-IR', ro: 'ro-RO', en: 'en-GB' }[config.locale] || 'en-GB';

  async function api(method, path, body) {
    const options = { method, headers: { Authorization: 'Bearer ' + config.token } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(config.api + path, options);
    const raw = await response.text();
    const data = raw && (response.headers.get('Content-Type') || '').includes('json') ? JSON.parse(raw) : null;
    if (!response.ok) {
      const error = new Error(((data && data.error) || {}).message || response.statusText);
      error.status = response.status;
      error.details = data && data.error && data.error.details;
      throw error;
    }
    const link = response.headers.get('Link');
    const next = link && /<([^>]+)>;\s*rel="next"/.exec(link);
    return { data, next: next ? new URL(next[1]).searchParams.get('after') : null };
  }

  function text(key, values) {
    let found = texts[key] || key;
    for (const [name, value] of Object.entries(values || {})) found = found.replace(`%(${name})s`, value);
    return found;
  }

  function number(value) {
    return new Intl.NumberFormat(intlLocale, { useGrouping: false }).format(Number(value));
  }

  // a number a person reads: grouped (1,250.5; ۱٬۲۵۰٫۵ in fa)
  function amount(value) {
    return new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 20 }).format(Number(value));
  }

  // a calendar day, YYYY-MM-DD, as the same day wherever the browser is (Jalali in fa)
  function day(text) {
    const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    if (!found) return text || '';
    return new Date(Number(found[1]), Number(found[2]) - 1, Number(found[3])).toLocaleDateString(intlLocale,
      { dateStyle: 'medium' });
  }

  function date(iso, withTime) {
    if (!iso) return '';
    const moment = new Date(iso);
    if (isNaN(moment)) return String(iso);
    return moment.toLocaleString(intlLocale, withTime === false ? { dateStyle: 'medium' }
      : { dateStyle: 'medium', timeStyle: 'short' });
  }

  function say(element, message, isError) {
    element.textContent = message;
    element.className = isError ? 'error' : 'ok';
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  // Whom an item waits for: who claimed it, else its user, groups and roles.
  function waitsFor(item) {
    if (item.claimed_by) return item.claimed_by;
    const parties = [ ...(item.assignee ? [ item.assignee ] : []), ...(item.users || []),
      ...(item.groups || []).map((g) => texts.group + ' ' + g), ...(item.roles || []).map((r) => texts.role + ' ' + r) ];
    return parties.join(config.locale === 'fa' ? '، ' : ', ');
  }

  // What a form's validate() found, in words: "Customer: This field is required; ..."
  function formProblems(errors) {
    return errors.map((e) => `${e.label || e.field}: ${(e.messages || []).join(', ')}`).join('; ');
  }

  window.CharkhPeople = { config, texts, api, text, number, amount, day, date, say, el, waitsFor, formProblems };
})();
