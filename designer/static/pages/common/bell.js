// The notification bell of every signed-in page (base.html): the unread count, the list (GET
// /notifications; a click marks one read, a button all), and reminders: a reminder that falls due
// while any page is open pops up, beeps, and shows a browser notification when the user allowed
// them. The list is asked for every few seconds. Its config and texts are base.html's
// #charkh-bell block, so it needs nothing from the page it runs on.
import { apiFor } from './api.js';
import { calendarFor, dayKey } from './dates.js';

export const POLL_SECONDS = 4;

// Where a notification leads: the item, or the calendar on the day of the task or event.
function linkOf(note) {
  const link = note.link || {};
  if (link.work_item) return '/cartable/' + encodeURIComponent(link.work_item);
  if (link.instance) return '/instances/' + encodeURIComponent(link.instance);
  if (link.task || link.event) {
    const day = dayKey(new Date(link.occurrence || note.at));
    return `/calendar?view=day&date=${day}`;
  }
  return null;
}

export function startBell(config, texts, probe) {
  const api = apiFor(config);
  const cal = calendarFor(config.locale);
  const bell = document.getElementById('bell');
  const badge = document.getElementById('unread-count');
  const panel = document.getElementById('notifications');
  const list = document.getElementById('notification-list');
  const empty = document.getElementById('no-notifications');
  const popup = document.getElementById('reminder-popup');
  const enable = document.getElementById('enable-alerts');
  const shown = new Set();
  let current = null;
  let timer = null;

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
    const when = (note.link && note.link.occurrence) || note.at;
    document.getElementById('reminder-when').textContent = cal.formats.full.format(new Date(when));
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
    const href = linkOf(note);
    const title = href ? document.createElement('a') : document.createElement('span');
    if (href) title.href = href;
    title.textContent = note.title;
    const when = document.createElement('time');
    when.dateTime = note.at;
    when.textContent = cal.formats.full.format(new Date(note.at));
    item.append(kind, ' ', title, when);
    if (!note.read) {
      // A click marks it read; one on its link reads it before the link leads away, so the
      // mark is not lost with the page.
      item.addEventListener('click', async (event) => {
        const link = event.target.closest('a');
        if (link) event.preventDefault();
        await markRead(note.id).catch(() => {});
        if (link) window.location.assign(link.href);
      });
    }
    return item;
  }

  async function poll() {
    const notes = await api('GET', '/notifications?limit=50');
    const unread = notes.filter((note) => !note.read);
    badge.hidden = unread.length === 0;
    badge.textContent = unread.length > 99 ? cal.numbers.format(99) + '+' : cal.numbers.format(unread.length);
    bell.classList.toggle('has-unread', unread.length > 0);
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

  // A failed poll (the server restarting, a network blip) is tried again at the next tick; an
  // ended session stops the polling: the next page load leads to the sign-in form.
  const tick = () => poll().then(() => bell.classList.remove('offline'), (error) => {
    bell.classList.add('offline');
    if (error.status === 401 && timer !== null) clearInterval(timer);
  });
  tick();
  timer = setInterval(tick, POLL_SECONDS * 1000);
}

const block = document.getElementById('charkh-bell');
if (block) {
  const { texts, ...config } = JSON.parse(block.textContent);
  const probe = { polls: 0, beeps: 0, desktop: 0 };
  // What tests read: how many polls, beeps and desktop notifications happened on this page.
  window.charkh = Object.assign(window.charkh || {}, { bell: probe });
  startBell(config, texts, probe);
}
