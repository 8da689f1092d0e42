// The domain-event feed and subscription, listed with the modules (src/modules/index.ts).
import { defineModule } from '../lib/app-module.js';
import { eventsResolvers } from './events.resolvers.js';
import { eventsTypeDefs } from './events.schema.js';
import { createEventsService } from './events.service.js';

export type { PublishedEvent } from './events.repository.js';
export type { FeedPage } from './events.service.js';

export const eventsModule = defineModule({
  name: 'events',
  typeDefs: eventsTypeDefs,
  resolvers: eventsResolvers,
  services: { events: ({ db }) => createEventsService(db) },
});
