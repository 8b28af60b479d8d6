// The page's config block (rendered by the server) and the API client every call goes through.

export function readConfig() {
  const node = document.getElementById('charkh-config');
  let config = {};
  try {
    config = node ? JSON.parse(node.textContent || '{}') : {};
  } catch (err) {
    console.error('charkh: unreadable #charkh-config', err);
  }
  const locale = [ 'en', 'fa', 'ro' ].includes(config.locale) ? config.locale : 'en';
  return {
    api: (config.api || '/api/v1').replace(/\/$/, ''),
    token: config.token || null,
    key: config.key || null,
    instance: config.instance || null,
    compact: Boolean(config.compact), // the small diagram on a cartable item's page
    models: Boolean(config.models), // an analyst or administrator: may save, validate and deploy
    locale,
    dir: config.dir || (locale === 'fa' ? 'rtl' : 'ltr')
  };
}

export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function createApi(config) {
  async function request(method, path, { body, type, accept = 'application/json' } = {}) {
    const headers = { Accept: accept };
    if (config.token) headers.Authorization = `Bearer ${config.token}`;
    if (body !== undefined) headers['Content-Type'] = type || 'application/json';
    const response = await fetch(config.api + path, {
      method,
      headers,
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
      credentials: 'same-origin'
    });
    const text = await response.text();
    let data = text;
    if ((response.headers.get('Content-Type') || '').includes('json') && text) {
      try { data = JSON.parse(text); } catch (err) { /* keep text */ }
    }
    if (!response.ok) {
      const message = (data && data.error && data.error.message) || `${response.status} ${response.statusText}`;
      throw new ApiError(response.status, data, message);
    }
    return data;
  }
  return {
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
    postXml: (path, xml) => request('POST', path, { body: xml, type: 'application/xml' }),
    getText: (path) => request('GET', path, { accept: 'application/xml, text/xml, */*' })
  };
}

export const FONT_STACK = 'Vazirmatn, Tahoma, "Noto Sans Arabic", Arial, sans-serif';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [ k, v ] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

// Labels are measured when drawn: have the Persian font ready first (bounded wait).
export function fontsReady(timeout = 1500) {
  if (!document.fonts || !document.fonts.load) return Promise.resolve();
  const load = Promise.all([
    document.fonts.load('12px Vazirmatn', 'فا'),
    document.fonts.load('bold 12px Vazirmatn', 'فا')
  ]).catch(() => {});
  return Promise.race([ load, new Promise((resolve) => setTimeout(resolve, timeout)) ]);
}
