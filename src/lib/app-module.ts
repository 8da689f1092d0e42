import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { MercuriusLoaders } from 'mercurius';
import type { Resolvers } from '../graphql/generated/resolvers-types.js';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import type { Clock } from './clock.js';
import type { Loop } from './loop.js';

/** How the app is composed, beyond the database: the door-independent settings services need. */
export interface ServiceOptions {
  /** At most this many exports stream at once (half the pool, so other requests always get a connection). */
  exportSlots?: number;
  /** How long an export waits for a free slot before EXPORTS_BUSY. */
  exportSlotWaitMs?: number;
}

/** What every service factory is given: one database, one clock. */
export interface ServiceDeps {
  database: Database;
  db: Db;
  clock: Clock;
  options: ServiceOptions;
  /** The app's configuration; absent for tools that build services without one (CLIs). */
  config?: Config;
}

export interface LoopDeps extends ServiceDeps {
  config: Config;
  log: FastifyBaseLogger;
}

/**
 * A module's public face, as the app sees it: its part of the GraphQL schema, its REST routes, its services and
 * its background loops. `src/modules/index.ts` lists the modules; the app iterates over that list.
 */
export interface AppModule<S extends Record<string, (deps: ServiceDeps) => unknown> = Record<string, (deps: ServiceDeps) => unknown>> {
  name: string;
  typeDefs?: string;
  resolvers?: Resolvers;
  loaders?: MercuriusLoaders;
  /** Service factories by the name the doors use (`ctx.services.<name>`). */
  services?: S;
  /** REST routes, registered after GraphQL under `prefix` when given. */
  routes?: { plugin: (app: FastifyInstance, opts: { config: Config }) => Promise<void>; prefix?: string };
  /** Background loops (webhook delivery, the due job), started when the app is ready. */
  loops?: (deps: LoopDeps) => Loop[];
}

/** Keeps each module's service names and types, so that `Services` is typed from the list. */
export const defineModule = <const S extends Record<string, (deps: ServiceDeps) => unknown>>(m: AppModule<S>): AppModule<S> => m;
