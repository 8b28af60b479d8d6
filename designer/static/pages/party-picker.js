// A small combobox that names a party to hand work to (a user, a group or a role): as one types it
// suggests names from the server, each with its kind (the ARIA combobox pattern: arrows move
// through the list, Enter or a click picks, Escape closes), and it still takes a name typed in
// full. Picking sets the form's kind select too.
(function () {
  'use strict';
  const { texts, el } = window.CharkhPeople;
  const KINDS = [ 'user', 'group', 'role' ];
  const WAIT_MS = 150;

  // input: the combobox; list: its listbox; kind: the select of user/group/role;
  // suggest(text) -> a promise of [{ kind, name }]
  function attach(input, list, kind, suggest) {
    let options = [];
    let active = -1;
    let typing = null;
    let asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function mark(index) {
      active = index;
      list.querySelectorAll('[role=option]').forEach((option, i) => option.setAttribute('aria-selected', String(i === index)));
      const current = list.children[index];
      if (current) {
        input.setAttribute('aria-activedescendant', current.id);
        current.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function pick(index) {
      const chosen = options[index];
      if (!chosen) return;
      input.value = chosen.name;
      kind.value = chosen.kind;
      close();
    }

    function draw(found) {
      options = found;
      list.replaceChildren(...found.map((party, index) => {
        const option = el('li', { role: 'option', id: `${list.id}-${index}`, 'aria-selected': 'false',
          'data-kind': party.kind, 'data-name': party.name },
        el('span', { class: 'picker-name', text: party.name }),
        el('span', { class: 'badge picker-kind', text: texts[party.kind] || party.kind }));
        // a press on an option must not take the focus from the input before the click picks it
        option.addEventListener('mousedown', (event) => event.preventDefault());
        option.addEventListener('click', () => pick(index));
        return option;
      }));
      // a name typed in full that only one kind has: that kind, before the person sends it
      const exact = new Set(found.filter((p) => p.name === input.value.trim()).map((p) => p.kind));
      if (exact.size === 1 && !exact.has(kind.value)) kind.value = [ ...exact ][0];
      if (!found.length || document.activeElement !== input) { close(); return; }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      mark(-1);
    }

    function ask() {
      const turn = ++asked;
      suggest(input.value.trim()).then((found) => { if (turn === asked) draw(found); }).catch(() => close());
    }

    input.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(ask, WAIT_MS); });
    input.addEventListener('focus', ask);
    input.addEventListener('blur', close);
    input.addEventListener('keydown', (event) => {
      const open = !list.hidden;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (!open) { ask(); return; }
        const last = options.length - 1;
        if (event.key === 'ArrowDown') mark(active >= last ? 0 : active + 1);
        else mark(active <= 0 ? last : active - 1);
      } else if (event.key === 'Enter' && open && active >= 0) {
        event.preventDefault();  // picks; a second Enter sends the form
        pick(active);
      } else if (event.key === 'Escape' && open) {
        event.preventDefault();
        close();
      }
    });
  }

  // The server's answer ({users, groups, roles}) as one list, people first.
  function flatten(found) {
    return KINDS.flatMap((k) => (found[k + 's'] || []).map((party) => ({ kind: k, name: party.name })));
  }

  window.CharkhPartyPicker = { attach, flatten };
})();
