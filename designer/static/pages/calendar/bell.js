// The notification bell (GET /notifications, mark one or all read) and reminders: a reminder
// that falls due while the page is open pops up, beeps, and shows a browser notification when
// the user allowed them. The list is asked for every few seconds.

export const POLL_SECONDS = 4;

export function startBell(ctx) {
  const { api, texts, cal, probe } = ctx;
  const bell = document.getElementById('bell');
  const badge = document.getElementById('unread-count');
  const panel = document.getElementById('notifications');
  const list = document.getElementById('notification-list');
  const empty = document.getElementById('no-notifications');
  const popup = document.getElementById('reminder-popup');
  const enable = document.getElementById('enable-alerts');
  const shown = new Set();
  let current = null;

  function beep() {
    probe.beeps += 1;
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.2, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
      tone.onended = () => audio.close();
    } catch (error) {
      // no audio device, or the browser wants a gesture first: the pop-up still shows
    }
  }

  function desktop(note) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      new Notification(texts.reminder + ': ' + note.title, { tag: 'charkh-' + note.id });
      probe.desktop += 1;
    } catch (error) {
      // Chrome on Android shows notifications only through a service worker: the pop-up remains
    }
  }

  function popUp(note) {
    current = note;
    document.getElementById('reminder-title').textContent = note.title;
    document.getElementById('reminder-when').textContent = cal.formats.full.format(new Date(note.at));
    popup.hidden = false;
    beep();
    desktop(note);
  }

  async function markRead(id) {
    await api('POST', `/notifications/${encodeURIComponent(id)}/read`);
    await poll();
  }

  function row(note) {
    const item = document.createElement('li');
    item.dataset.id = note.id;
    item.className = note.read ? 'read' : 'unread';
    const kind = document.createElement('strong');
    kind.textContent = texts[note.kind] || note.kind;
    const title = document.createElement('span');
    title.textContent = note.title;
    const when = document.createElement('time');
    when.dateTime = note.at;
    when.textContent = cal.formats.full.format(new Date(note.at));
    item.append(kind, ' ', title, when);
    if (note.link.instance) {
      const open = document.createElement('a');
      open.href = '/instances/' + encodeURIComponent(note.link.instance);
      open.textContent = '↗';
      item.append(' ', open);
    }
    if (!note.read) item.addEventListener('click', () => markRead(note.id));
    return item;
  }

  async function poll() {
    const notes = await api('GET', '/notifications?limit=50');
    const unread = notes.filter((note) => !note.read);
    badge.hidden = unread.length === 0;
    badge.textContent = unread.length > 99 ? '99+' : cal.numbers.format(unread.length);
    list.replaceChildren(...notes.map(row));
    empty.hidden = notes.length > 0;
    const due = unread.find((note) => note.kind === 'reminder' && !shown.has(note.id));
    if (due && popup.hidden) {
      shown.add(due.id);
      popUp(due);
    }
    probe.polls += 1;
  }

  function showPanel(open) {
    panel.hidden = !open;
    bell.setAttribute('aria-expanded', String(open));
  }
  bell.addEventListener('click', () => showPanel(panel.hidden));
  document.getElementById('close-notifications').addEventListener('click', () => showPanel(false));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') showPanel(false);
  });
  document.getElementById('mark-all-read').addEventListener('click', async () => {
    await api('POST', '/notifications/read-all');
    await poll();
  });
  document.getElementById('dismiss-reminder').addEventListener('click', async () => {
    popup.hidden = true;
    if (current) await markRead(current.id);
    current = null;
  });
  if ('Notification' in window && Notification.permission === 'default') {
    enable.hidden = false;
    enable.addEventListener('click', async () => {
      await Notification.requestPermission();
      enable.hidden = true;
    });
  }

  const tick = () => poll().catch((error) => ctx.say(error.message, true));
  tick();
  setInterval(tick, POLL_SECONDS * 1000);
}
