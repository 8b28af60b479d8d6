// An instance's history in words, and whom an open item waits for: the instance page, a
// cartable item's page (through the viewer bundle) and a record's page (through history.js) say
// each entry alike. ``t`` is a translate function over the texts below (i18n.js makeTranslate).

export const HISTORY_TEXTS = {
  fa: {
    'claimed by {name}': 'در دست {name}', 'group {name}': 'گروه {name}', 'role {name}': 'سمت {name}',
    'waits for {parties}': 'در انتظار {parties}', ', ': '، ', 'waits for an administrator': 'در انتظار یک مدیر سامانه',
    'someone': 'کسی', '{user} started the case': '{user} پرونده را آغاز کرد', 'The case is finished': 'پرونده به پایان رسید',
    '“{name}” is waiting in the cartable': '«{name}» در کارتابل منتظر است', '{user} took “{name}”': '{user} «{name}» را برداشت',
    '{user} gave “{name}” back': '{user} «{name}» را پس داد', '{user} did “{name}”: {action}': '{user} «{name}» را انجام داد: {action}',
    '{user} did “{name}”': '{user} «{name}» را انجام داد', '“{name}” was no longer needed': '«{name}» دیگر لازم نبود',
    '{user} forwarded “{name}” to {to}': '{user} «{name}» را به {to} ارجاع داد',
    '{user} commented on “{name}”: {text}': '{user} دربارهٔ «{name}» نوشت: {text}', '“{name}” done': '«{name}» انجام شد',
    '“{name}” started in the background': '«{name}» در پس‌زمینه آغاز شد', '“{name}” finished in the background': '«{name}» در پس‌زمینه انجام شد',
    'The timer “{name}” fired': 'زمان‌سنج «{name}» فرا رسید', 'Message “{name}” received': 'پیام «{name}» رسید',
    'Incident at “{name}”: {error}': 'خطا در «{name}»: {error}', '{user} retried “{name}”': '{user} «{name}» را دوباره اجرا کرد',
    '“{name}”: {type}': '«{name}»: {type}',
    '{user} started it again from case {id}': '{user} آن را از روی پرونده {id} دوباره آغاز کرد',
    '{user} started it again as case {id}': '{user} آن را به‌صورت پرونده {id} دوباره آغاز کرد'
  },
  ro: {
    'claimed by {name}': 'preluată de {name}', 'group {name}': 'grupul {name}', 'role {name}': 'rolul {name}',
    'waits for {parties}': 'așteaptă: {parties}', 'waits for an administrator': 'așteaptă un administrator',
    'someone': 'cineva', '{user} started the case': '{user} a pornit cazul', 'The case is finished': 'Cazul s-a încheiat',
    '“{name}” is waiting in the cartable': '„{name}” așteaptă în cartabil', '{user} took “{name}”': '{user} a preluat „{name}”',
    '{user} gave “{name}” back': '{user} a eliberat „{name}”', '{user} did “{name}”: {action}': '{user} a făcut „{name}”: {action}',
    '{user} did “{name}”': '{user} a făcut „{name}”', '“{name}” was no longer needed': '„{name}” nu mai era necesară',
    '{user} forwarded “{name}” to {to}': '{user} a trimis „{name}” către {to}',
    '{user} commented on “{name}”: {text}': '{user} a comentat la „{name}”: {text}', '“{name}” done': '„{name}” încheiată',
    '“{name}” started in the background': '„{name}” a pornit în fundal', '“{name}” finished in the background': '„{name}” s-a încheiat în fundal',
    'The timer “{name}” fired': 'Temporizatorul „{name}” a declanșat', 'Message “{name}” received': 'Mesajul „{name}” a sosit',
    'Incident at “{name}”: {error}': 'Incident la „{name}”: {error}', '{user} retried “{name}”': '{user} a reîncercat „{name}”',
    '“{name}”: {type}': '„{name}”: {type}',
    '{user} started it again from case {id}': '{user} a repornit-o din cazul {id}',
    '{user} started it again as case {id}': '{user} a repornit-o drept cazul {id}'
  }
};

// Whom an open item waits for, in words: who claimed it, else its user, groups and roles.
export function waitsFor(item, t) {
  if (item.claimed_by) return t('claimed by {name}', { name: item.claimed_by });
  const parties = [
    ...(item.assignee ? [ item.assignee ] : []), ...(item.users || []),
    ...(item.groups || []).map((g) => t('group {name}', { name: g })),
    ...(item.roles || []).map((r) => t('role {name}', { name: r }))
  ];
  return parties.length ? t('waits for {parties}', { parties: parties.join(t(', ')) }) : t('waits for an administrator');
}

// One history entry as a sentence in the page's language.
export function describe(h, name, t) {
  const action = h.action && (h.action.name || h.action.id);
  const data = h.data || {};
  const who = h.user || t('someone');
  const party = (to) => {
    if (!to) return '';
    if (to.user) return to.user;
    if (to.group) return t('group {name}', { name: to.group });
    if (to.role) return t('role {name}', { name: to.role });
    return '';
  };
  switch (h.type) {
  case 'instance_started': return t('{user} started the case', { user: who });
  case 'instance_completed': return t('The case is finished');
  case 'instance_restarted': return t('{user} started it again from case {id}', { user: who, id: data.instance || '' });
  case 'restarted_as': return t('{user} started it again as case {id}', { user: who, id: data.instance || '' });
  case 'work_item_created': return t('“{name}” is waiting in the cartable', { name });
  case 'work_item_claimed': return t('{user} took “{name}”', { user: who, name });
  case 'work_item_released': return t('{user} gave “{name}” back', { user: who, name });
  case 'work_item_completed': return action
    ? t('{user} did “{name}”: {action}', { user: who, name, action })
    : t('{user} did “{name}”', { user: who, name });
  case 'work_item_cancelled': return t('“{name}” was no longer needed', { name });
  case 'work_item_forwarded': return t('{user} forwarded “{name}” to {to}', { user: who, name, to: party(data.to) }) +
    (data.note ? ` — ${data.note}` : '');
  case 'work_item_commented': return t('{user} commented on “{name}”: {text}', { user: who, name, text: data.text || '' });
  case 'element_completed': return t('“{name}” done', { name });
  case 'job_queued': return t('“{name}” started in the background', { name });
  case 'job_done': return t('“{name}” finished in the background', { name });
  case 'timer_fired': return t('The timer “{name}” fired', { name });
  case 'message_received': return t('Message “{name}” received', { name });
  case 'incident': return t('Incident at “{name}”: {error}', { name, error: data.error || '' });
  case 'incident_retried': return t('{user} retried “{name}”', { user: who, name });
  default: return t('“{name}”: {type}', { name, type: (h.type || '').replace(/_/g, ' ') });
  }
}
