// What the server offers the pickers: principals (users, groups, roles) and entities with their
// typed fields. Loaded once; the properties panel re-renders when they arrive.
import { createApi } from '../config';

export default class CharkhCatalog {
  constructor(config, eventBus) {
    this._eventBus = eventBus;
    this.principals = { users: [], groups: [], roles: [] };
    this.entities = [];
    this.loaded = false;
    const api = config && config.api ? createApi(config) : null;
    this.ready = api ? this._load(api) : Promise.resolve();
  }

  async _load(api) {
    const [ principals, entities ] = await Promise.all([
      api.get('/principals').catch((err) => { console.warn('charkh: principals', err); return null; }),
      api.get('/entities').catch((err) => { console.warn('charkh: entities', err); return null; })
    ]);
    if (principals) {
      this.principals = {
        users: principals.users || [], groups: principals.groups || [], roles: principals.roles || []
      };
    }
    if (Array.isArray(entities)) this.entities = entities;
    this.loaded = true;
    this._eventBus.fire('propertiesPanel.providersChanged');
    this._eventBus.fire('charkh.catalog.loaded', { catalog: this });
  }

  entity(name) {
    return this.entities.find((e) => e.name === name) || null;
  }
}

CharkhCatalog.$inject = [ 'config.charkh', 'eventBus' ];
