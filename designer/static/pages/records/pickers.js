// Pickers for a record's user fields, its owner and its reference fields: an input that suggests,
// as one types, the users whose name contains the text (GET /people) or the records of the
// target entity that contain it or have it as id (GET /records/{entity}?q=), named by their titles.
const { api, el } = window.CharkhPeople;
const WAIT_MS = 200;
const SUGGESTIONS = 10;
let pickers = 0;

// The input and its datalist; ``suggest(typed)`` answers [[value, label], ...].
function suggesting(input, suggest) {
  const list = el('datalist', { id: 'picker-' + (++pickers) });
  input.setAttribute('list', list.id);
  input.setAttribute('autocomplete', 'off');
  let timer = null;
  let asked = null;
  const refresh = () => {
    const typed = input.value.trim();
    if (typed === asked) return;
    asked = typed;
    suggest(typed).then((options) => {
      if (asked === typed) list.replaceChildren(...options.map(([ value, label ]) => el('option', { value, label })));
    }).catch(() => { asked = null; });
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, WAIT_MS); });
  input.addEventListener('focus', refresh);
  return [ input, list ];
}

export function userPicker() {
  const input = el('input', { type: 'text', maxlength: '150', 'data-picker': 'user' });
  return suggesting(input, async (typed) => {
    const { data } = await api('GET', '/people?' + new URLSearchParams({ q: typed, limit: String(SUGGESTIONS) }));
    return data.map((person) => [ person.name, person.name ]);
  });
}

// ``titled(record)``: how a record of the target entity is named (fields.js titleOf).
export function recordPicker(entityName, titled) {
  const input = el('input', { type: 'text', inputmode: 'search', dir: 'auto', 'data-picker': 'record',
    'data-entity': entityName });
  return suggesting(input, async (typed) => {
    const query = new URLSearchParams({ limit: String(SUGGESTIONS) });
    if (typed) query.set('q', typed);
    const { data } = await api('GET', `/records/${encodeURIComponent(entityName)}?${query}`);
    return data.map((record) => [ record.id, titled(record) ]);
  });
}
