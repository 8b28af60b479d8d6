// The administrators' users page: rows from GET /api/v1/users; each role box PATCHes the user.
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('charkh-config').textContent);
  const texts = JSON.parse(document.getElementById('charkh-texts').textContent);
  const status = document.getElementById('status');
  const body = document.querySelector('#users tbody');
  const ROLES = ['analyst', 'integration', 'admin'];

  async function api(method, path, payload) {
    const response = await fetch(config.api + path, {
      method,
      headers: { Authorization: 'Bearer ' + config.token, 'Content-Type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload)
    });
    const data = await response.json();
    if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
    return data;
  }

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? 'error' : 'ok';
  }

  function row(user) {
    const tr = document.createElement('tr');
    tr.dataset.name = user.name;
    const name = document.createElement('td');
    name.textContent = user.name;
    const groups = document.createElement('td');
    groups.textContent = user.groups.join(', ');
    tr.append(name, groups);
    for (const role of ROLES) {
      const cell = document.createElement('td');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = role;
      box.checked = user[role];
      box.addEventListener('change', async () => {
        try {
          await api('PATCH', '/users/' + encodeURIComponent(user.name), { [role]: box.checked });
          say(texts.saved, false);
        } catch (error) {
          box.checked = !box.checked;
          say(error.message, true);
        }
      });
      cell.append(box);
      tr.append(cell);
    }
    return tr;
  }

  api('GET', '/users').then((users) => body.replaceChildren(...users.map(row)))
    .catch((error) => say(error.message, true));
})();
