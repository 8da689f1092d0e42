import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { ServiceDeps, ServiceOptions } from './lib/app-module.js';
import { modules } from './modules/index.js';

type ModuleList = typeof modules;
type FactoriesOf<M> = M extends { services?: infer S } ? (S extends Record<string, (deps: ServiceDeps) => unknown> ? S : never) : never;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AllFactories = UnionToIntersection<FactoriesOf<ModuleList[number]>>;

/** Every service, by the name the doors use, typed from the module list. */
export type Services = { [K in keyof AllFactories]: AllFactories[K] extends (deps: ServiceDeps) => infer S ? S : never };

export interface CreateServicesOptions extends ServiceOptions {
  clock?: Clock;
  /** The app's configuration; tools without one (CLIs) get the strictest webhook rules. */
  config?: Config;
}

/** Every service, built once per app over one database and one clock; the GraphQL, REST and CLI doors all call these. */
export function createServices(database: Database, opts: CreateServicesOptions = {}): Services {
  const { clock = systemClock, config, ...options } = opts;
  const deps: ServiceDeps = { database, db: database.db, clock, options, config };
  const out: Record<string, unknown> = {};
  for (const m of modules) {
    for (const [name, factory] of Object.entries(m.services ?? {}) as [string, (d: ServiceDeps) => unknown][]) out[name] = factory(deps);
  }
  return out as Services;
}
