// bpmnlint-plugin-charkh: Charkh's own rules, enabled in charkh.json as "charkh/<rule>".
// engine/lint_rules.py holds the same rules for the server; a test keeps the two lists equal.
module.exports = {
  rules: {
    'task-type-required': './rules/task-type-required'
  }
};
