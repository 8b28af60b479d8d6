// form-js writes its validation messages in English only; these are the ones its validator
// writes (@bpmn-io/form-js-viewer, Validator), as patterns whose {value} the translation keeps.
const MESSAGES = [
  [ /^Field is required\.$/, 'This field is required' ],
  [ /^Value is not a number\.$/, 'Must be a number' ],
  [ /^Field must have minimum value of (.+)\.$/, 'Must be at least {value}' ],
  [ /^Field must have maximum value of (.+)\.$/, 'Must be at most {value}' ],
  [ /^Field must have minimum length of (.+)\.$/, 'Must have at least {value} characters' ],
  [ /^Field must have maximum length of (.+)\.$/, 'Must have at most {value} characters' ],
  [ /^Field must be a valid email\.$/, 'Must be an email address' ],
  [ /^Field must be a valid\s+international phone number\./, 'Must be an international phone number (e.g. +4930664040900)' ],
  [ /^Value is expected to be an integer\.$/, 'Must be a whole number' ],
  [ /^Field must match pattern (.+)\.$/, 'Must match the pattern {value}' ]
];

export function translateMessage(message, t) {
  for (const [ pattern, key ] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return t(key, { value: match[1] });
  }
  return message; // an analyst's own patternErrorMessage, in the analyst's words
}
