// A translate function over one dictionary: keys are the English texts (bpmn-js's convention), a
// missing key shows the English text, and {name} takes its replacement.
export function translator(dict) {
  return function translate(template, replacements) {
    const text = dict[template] || template;
    if (!replacements) return text;
    return text.replace(/{([^}]+)}/g, (m, key) => (key in replacements ? String(replacements[key]) : m));
  };
}
