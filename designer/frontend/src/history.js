// The words of an instance's history for pages without the viewer (a record's page,
// designer/static/pages/record.js): window.CharkhHistory.describe(entry) says an entry as the
// instance page does, in the language of the page's config block.
import { describe, HISTORY_TEXTS } from './history-words';
import { translator } from './translator';

const node = document.getElementById('charkh-config');
const locale = (node && JSON.parse(node.textContent || '{}').locale) || 'en';
const t = translator(HISTORY_TEXTS[locale] || {});

window.CharkhHistory = {
  describe: (entry) => describe(entry, entry.name || entry.element || '', t)
};
