/** The one source of "now" for deadlines: the services (GraphQL, reports) and the due job read it, so a test can set it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

