import CharkhCatalog from './catalog';
import CharkhPropertiesProvider, { setServices } from './provider';
import FlowConditionExpressions from './flow-conditions';

function CharkhInit(injector) {
  setServices(injector);
}
CharkhInit.$inject = [ 'injector' ];

export default {
  __init__: [ 'charkhCatalog', 'charkhPropertiesProvider', 'charkhFlowConditionExpressions', 'charkhInit' ],
  charkhCatalog: [ 'type', CharkhCatalog ],
  charkhPropertiesProvider: [ 'type', CharkhPropertiesProvider ],
  charkhFlowConditionExpressions: [ 'type', FlowConditionExpressions ],
  charkhInit: [ 'type', CharkhInit ]
};
