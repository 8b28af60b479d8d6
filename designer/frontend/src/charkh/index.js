import CharkhCatalog from './catalog';
import CharkhPropertiesProvider, { setServices } from './provider';

function CharkhInit(injector) {
  setServices(injector);
}
CharkhInit.$inject = [ 'injector' ];

export default {
  __init__: [ 'charkhCatalog', 'charkhPropertiesProvider', 'charkhInit' ],
  charkhCatalog: [ 'type', CharkhCatalog ],
  charkhPropertiesProvider: [ 'type', CharkhPropertiesProvider ],
  charkhInit: [ 'type', CharkhInit ]
};
