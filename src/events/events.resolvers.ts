import mercurius, { type MercuriusContext } from 'mercurius';
import type { Resolvers, SubscriptionDomainEventsArgs } from '../graphql/generated/resolvers-types.js';
import { GraphQLError } from 'graphql';
import { AppError } from '../errors.js';
import type { PublishedEvent } from './events.repository.js';

/** The one in-process topic the relay publishes to; filtering per subscriber happens below. */
export const DOMAIN_EVENTS_TOPIC = 'DOMAIN_EVENTS';

const { withFilter } = mercurius;

type Ctx = MercuriusContext & { eventFilter?: (e: PublishedEvent) => boolean };

export const eventsResolvers: Resolvers = {
  Query: {
    domainEvents: (_r, args, ctx) => ctx.services.events.feed(ctx, args),
  },
  Subscription: {
    domainEvents: {
      subscribe: withFilter<{ domainEvents: PublishedEvent }, unknown, Ctx, SubscriptionDomainEventsArgs>(
        async (_root, args, ctx) => {
          // Validated and authorized once, at subscribe time; the filter then runs per event.
          try {
            ctx.eventFilter = ctx.services.events.subscriptionFilter(ctx, args);
          } catch (err) {
            // Over WebSocket no error formatter runs: carry the code (FORBIDDEN, VALIDATION_FAILED) as HTTP clients get it.
            if (err instanceof AppError) throw new GraphQLError(err.message, { extensions: { ...(err.details ?? {}), code: err.code } });
            throw err;
          }
          return ctx.pubsub.subscribe(DOMAIN_EVENTS_TOPIC);
        },
        (payload, _args, ctx) => !!ctx.eventFilter?.(payload.domainEvents),
      ),
    },
  },
};
