// form-js draws a few texts of its own controls in English only, hard-coded in its viewer
// (@bpmn-io/form-js-viewer 1.x: a select's "Select", the search boxes' "Search", "No results",
// a dynamic list's "Add new"); it offers no hook to translate them. They are put in the page's
// language where form-js writes them, and again whenever it redraws them. An analyst's own label
// or description is never touched, even if it says "Select".
const TEXTS = [
  [ /^Select$/, 'Select' ],
  [ /^Search$/, 'Search' ],
  [ /^No results$/, 'No results' ],
  [ /^All values selected$/, 'All values selected' ],
  [ /^Add new$/, 'Add new' ],
  [ /^Collapse$/, 'Collapse' ],
  [ /^Expand all \((\d+)\)$/, 'Expand all ({value})' ],
  [ /^No files selected$/, 'No files selected' ]
];

const ANALYSTS = '.fjs-form-field-label, .fjs-form-field-description, .fjs-form-field-text, label';

function translated(text, t) {
  const trimmed = text.trim();
  for (const [ pattern, key ] of TEXTS) {
    const match = pattern.exec(trimmed);
    if (match) return text.replace(trimmed, t(key, { value: match[1] }));
  }
  return null;
}

function translateNode(node, t) {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (!parent || parent.closest(ANALYSTS)) return;
    const text = translated(node.data, t);
    if (text !== null && text !== node.data) node.data = text;
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  for (const input of node.matches('input[placeholder]') ? [ node ] : node.querySelectorAll('input[placeholder]')) {
    const text = translated(input.placeholder, t);
    if (text !== null && text !== input.placeholder) input.placeholder = text;
  }
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) translateNode(text, t);
}

// Keeps form-js's own texts under `element` in the language of `t` until the form is destroyed
// (the returned function stops it).
export function translateFormTexts(element, t) {
  translateNode(element, t);
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'childList') mutation.addedNodes.forEach((node) => translateNode(node, t));
      else translateNode(mutation.target, t);
    }
  });
  observer.observe(element, { childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: [ 'placeholder' ] });
  return () => observer.disconnect();
}
