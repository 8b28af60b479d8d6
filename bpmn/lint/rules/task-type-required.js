// A task drawn without a type (bpmn-js's default shape) does nothing by itself: Charkh keeps it
// waiting in a cartable like a user task. Usually the analyst meant to choose a type, so say so.
module.exports = function() {

  function check(node, reporter) {
    if (node.$type === 'bpmn:Task') {
      reporter.report(node.id, 'this task has no type; it will wait in a cartable like a user task');
    }
  }

  return { check };
};
