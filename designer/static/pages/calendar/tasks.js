// The task cartable under the calendar: the user's open tasks (theirs and their groups', dated or
// not) and their follow-ups, the tasks they handed to others, each opening the task's details.

function row(task, cal, texts, onOpen) {
  const item = document.createElement('li');
  item.dataset.id = task.id;
  item.className = 'priority-' + task.priority;
  const title = document.createElement('button');
  title.type = 'button';
  title.className = 'task-title';
  title.textContent = task.title;
  const when = task.due || task.start;
  title.addEventListener('click', () => onOpen({ kind: 'task', id: task.id, title: task.title,
    when: when ? new Date(when) : new Date(task.created_at), task }));
  const meta = document.createElement('span');
  meta.className = 'task-meta';
  const owner = task.owner || task.owner_group;
  meta.textContent = (when ? cal.formats.full.format(new Date(when)) : texts.no_due) + ' · ' + owner;
  item.append(title, meta);
  return item;
}

export async function renderTaskLists(ctx, onOpen) {
  const { api, cal, texts } = ctx;
  const lists = [['task-list', 'owned'], ['follow-up-list', 'following']];
  for (const [id, which] of lists) {
    const tasks = await api('GET', `/tasks?which=${which}&status=open&limit=100`);
    const list = document.getElementById(id);
    if (tasks.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = texts.none;
      list.replaceChildren(empty);
    } else {
      list.replaceChildren(...tasks.map((task) => row(task, cal, texts, onOpen)));
    }
  }
}
