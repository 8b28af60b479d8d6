// The new-task and new-event dialogs, and a task's details (complete, forward). Each date field
// shows the chosen moment in the page's calendar beside it (Jalali in fa), since the browser's
// own picker is Gregorian.
import { fromLocalInput, toLocalInput } from '../common/dates.js';

function showLocalDates(form, cal) {
  for (const output of form.querySelectorAll('output.local-date')) {
    const input = form.querySelector('#' + output.htmlFor.value);
    const update = () => {
      output.textContent = input.value ? cal.formats.full.format(new Date(input.value)) : '';
    };
    input.addEventListener('input', update);
    update();
  }
}

function closeOnCancel(dialog) {
  for (const button of dialog.querySelectorAll('button.cancel')) {
    button.addEventListener('click', () => dialog.close());
  }
}

export function setupForms(ctx) {
  const { api, cal } = ctx;
  const { formats } = cal;
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
    if (day) {
      const due = new Date(day);
      due.setHours(17, 0, 0, 0);
      taskForm.elements.due.value = toLocalInput(due);
    }
    showLocalDates(taskForm, cal);
    taskDialog.showModal();
  }

  async function openEvent() {
    eventForm.reset();
    document.getElementById('event-error').textContent = '';
    const start = new Date(ctx.state.anchor);
    start.setHours(10, 0, 0, 0);
    eventForm.elements.start.value = toLocalInput(start);
    eventForm.elements.end.value = toLocalInput(new Date(start.getTime() + 3600 * 1000));
    const rooms = await api('GET', '/rooms');
    const select = document.getElementById('event-room');
    select.replaceChildren(select.options[0], ...rooms.map((room) => new Option(room.name, room.id)));
    showLocalDates(eventForm, cal);
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
      await api('POST', '/events', body);
      eventDialog.close();
      ctx.say(ctx.texts.saved, false);
      await ctx.reload();
    } catch (error) {
      document.getElementById('event-error').textContent = error.message;
    }
  });

  let openEventId = null;
  function openEventDetails(event) {
    openEventId = event.id;
    const start = new Date(event.start);
    document.getElementById('event-details-title').textContent = event.title;
    document.getElementById('event-details-when').textContent = cal.formats.full.format(start) + ' – '
      + cal.formats.time.format(new Date(event.end));
    document.getElementById('event-details-room').textContent = event.room ? event.room.name : ctx.texts.no_room;
    const answered = event.invitees.map((name) => `${name} (${ctx.texts[event.responses[name]] || ''})`);
    document.getElementById('event-details-invitees').textContent = formats.list.format(answered) || '—';
    document.getElementById('event-details-description').textContent = event.description;
    document.getElementById('event-details-error').textContent = '';
    // Only its owner cancels it (the server says so too); invitees just see it.
    document.getElementById('cancel-event').hidden = event.owner !== ctx.user;
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

  document.getElementById('cancel-event').addEventListener('click', () => actOnEvent(
    () => api('POST', `/events/${openEventId}/cancel`)));

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
