// The new-task and new-event dialogs (an event may repeat: its rule is built here as an RFC 5545
// RRULE), and a task's or an event's details (complete, forward; accept, decline, cancel one
// occurrence or the series). Date fields use the page's calendar (common/date-picker.js: Jalali
// in fa); what is sent stays ISO Gregorian.
import { attachDatePicker } from '../common/date-picker.js';
import { fromLocalInput, toLocalInput } from '../common/dates.js';
import { describeRule, repeatForm } from './repeat.js';

function closeOnCancel(dialog) {
  for (const button of dialog.querySelectorAll('button.cancel')) {
    button.addEventListener('click', () => dialog.close());
  }
}

export function setupForms(ctx) {
  const { api, cal } = ctx;
  const { formats } = cal;
  const pickers = {};
  for (const input of document.querySelectorAll('input[data-picker]')) {
    pickers[input.id] = attachDatePicker(input, cal, ctx.texts);
  }
  const repeat = repeatForm(ctx, pickers['event-until']);
  const taskDialog = document.getElementById('task-dialog');
  const taskForm = document.getElementById('task-form');
  const eventDialog = document.getElementById('event-dialog');
  const eventForm = document.getElementById('event-form');
  const details = document.getElementById('task-details');
  const eventDetails = document.getElementById('event-details');
  [taskDialog, eventDialog, details, eventDetails].forEach(closeOnCancel);

  function openTask(day) {
    taskForm.reset();
    document.getElementById('task-error').textContent = '';
    let due = null;
    if (day) {
      due = new Date(day);
      due.setHours(17, 0, 0, 0);
    }
    pickers['task-due'].set(due ? toLocalInput(due).slice(0, 16) : '');
    pickers['task-remind'].set('');
    taskDialog.showModal();
  }

  async function openEvent() {
    eventForm.reset();
    document.getElementById('event-error').textContent = '';
    const start = new Date(ctx.state.anchor);
    start.setHours(10, 0, 0, 0);
    pickers['event-start'].set(toLocalInput(start).slice(0, 16));
    pickers['event-end'].set(toLocalInput(new Date(start.getTime() + 3600 * 1000)).slice(0, 16));
    repeat.reset(start);
    const rooms = await api('GET', '/rooms');
    const select = document.getElementById('event-room');
    select.replaceChildren(select.options[0], ...rooms.map((room) => new Option(room.name, room.id)));
    eventDialog.showModal();
  }

  taskForm.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const fields = taskForm.elements;
    const body = { title: fields.title.value, description: fields.description.value,
      priority: fields.priority.value, due: fromLocalInput(fields.due.value),
      remind_at: fromLocalInput(fields.remind_at.value) };
    if (fields.owner.value.trim()) body.owner = fields.owner.value.trim();
    try {
      await api('POST', '/tasks', body);
      taskDialog.close();
      ctx.say(ctx.texts.saved, false);
      await ctx.reload();
    } catch (error) {
      document.getElementById('task-error').textContent = error.message;
    }
  });

  eventForm.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const fields = eventForm.elements;
    const invitees = fields.invitees.value.split(/[,،]/).map((name) => name.trim()).filter(Boolean);
    const body = { title: fields.title.value, type: fields.type.value, start: fromLocalInput(fields.start.value),
      end: fromLocalInput(fields.end.value), invitees, room: fields.room.value || null,
      reminders: fields.reminder.value === '' ? [] : [Number(fields.reminder.value)] };
    try {
      body.recurrence = repeat.rule();
      await api('POST', '/events', body);
      eventDialog.close();
      ctx.say(ctx.texts.saved, false);
      await ctx.reload();
    } catch (error) {
      document.getElementById('event-error').textContent = error.message;
    }
  });

  let openEventId = null;
  let openOccurrence = null;
  function openEventDetails(event) {
    openEventId = event.id;
    openOccurrence = event.occurrence;
    const start = new Date(event.start);
    document.getElementById('event-details-title').textContent = event.title;
    document.getElementById('event-details-when').textContent = cal.formats.full.format(start) + ' – '
      + cal.formats.time.format(new Date(event.end));
    document.getElementById('event-details-room').textContent = event.room ? event.room.name : ctx.texts.no_room;
    const answered = event.invitees.map((name) => `${name} (${ctx.texts[event.responses[name]] || ''})`);
    document.getElementById('event-details-invitees').textContent = formats.list.format(answered) || '—';
    document.getElementById('event-details-description').textContent = event.description;
    document.getElementById('event-details-error').textContent = '';
    const repeats = document.getElementById('event-details-repeat');
    repeats.hidden = !event.recurrence;
    repeats.textContent = event.recurrence ? describeRule(event.recurrence, cal, ctx.texts) : '';
    // Only its owner cancels it (the server says so too); invitees just see it.
    const owns = event.owner === ctx.user;
    document.getElementById('cancel-event').hidden = !owns || Boolean(event.recurrence);
    document.getElementById('cancel-occurrence').hidden = !owns || !event.recurrence;
    document.getElementById('cancel-series').hidden = !owns || !event.recurrence;
    const invited = event.invitees.includes(ctx.user);
    document.getElementById('accept-event').hidden = !invited || event.responses[ctx.user] === 'accepted';
    document.getElementById('decline-event').hidden = !invited || event.responses[ctx.user] === 'declined';
    eventDetails.showModal();
  }

  async function actOnEvent(work) {
    try {
      await work();
      eventDetails.close();
      ctx.say(ctx.texts.saved, false);
      await ctx.reload();
    } catch (error) {
      document.getElementById('event-details-error').textContent = error.message;
    }
  }

  for (const [id, response] of [['accept-event', 'accepted'], ['decline-event', 'declined']]) {
    document.getElementById(id).addEventListener('click', () => actOnEvent(
      () => api('POST', `/events/${openEventId}/response`, { response })));
  }

  for (const id of ['cancel-event', 'cancel-series']) {
    document.getElementById(id).addEventListener('click', () => actOnEvent(
      () => api('POST', `/events/${openEventId}/cancel`, {})));
  }
  document.getElementById('cancel-occurrence').addEventListener('click', () => actOnEvent(
    () => api('POST', `/events/${openEventId}/cancel`, { occurrence: openOccurrence })));

  let openTaskId = null;
  function openDetails(entry) {
    if (entry.event) {
      openEventDetails(entry.event);
      return;
    }
    if (!entry.task) return;
    openTaskId = entry.task.id;
    document.getElementById('details-title').textContent = entry.task.title;
    document.getElementById('details-when').textContent = cal.formats.full.format(entry.when);
    document.getElementById('details-description').textContent = entry.task.description;
    document.getElementById('details-error').textContent = '';
    document.getElementById('complete-task').disabled = entry.task.status === 'done';
    details.showModal();
  }

  async function act(work) {
    try {
      await work();
      details.close();
      ctx.say(ctx.texts.saved, false);
      await ctx.reload();
    } catch (error) {
      document.getElementById('details-error').textContent = error.message;
    }
  }

  document.getElementById('complete-task').addEventListener('click', () => act(
    () => api('POST', `/tasks/${openTaskId}/complete`, {})));
  document.getElementById('forward-task').addEventListener('click', () => act(
    () => api('POST', `/tasks/${openTaskId}/forward`, { user: document.getElementById('forward-user').value,
      note: document.getElementById('forward-note').value })));

  document.getElementById('new-task').addEventListener('click', () => openTask(null));
  document.getElementById('new-event').addEventListener('click', () => openEvent().catch(
    (error) => ctx.say(error.message, true)));
  return { openTask, openDetails };
}
