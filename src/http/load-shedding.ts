import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { ServiceUnavailableError } from '../errors.js';

export const RETRY_AFTER_SECONDS = 5;

/** Health routes answer even under pressure: the orchestrator must still see the process alive. */
export const isHealthRoute = (url: string | undefined) => !!url && url.startsWith('/health/');

/**
 * Sheds load with 503 + Retry-After when the event loop lags or memory passes its limit, so that a saturated
 * instance answers quickly ("try again") instead of queueing requests until they all time out.
 */
async function loadShedding(app: FastifyInstance, { config }: { config: Config }) {
  await app.register(underPressure, {
    maxEventLoopDelay: config.LOAD_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: config.LOAD_MAX_EVENT_LOOP_UTILIZATION,
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: config.LOAD_MAX_HEAP_USED_BYTES,
    maxRssBytes: config.LOAD_MAX_RSS_BYTES,
    sampleInterval: config.LOAD_SAMPLE_INTERVAL_MS,
    pressureHandler: async (request, reply, type) => {
      if (isHealthRoute(request.routeOptions.url)) return;
      request.log.warn({ pressure: type }, 'shedding load');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableError('The service is overloaded; try again shortly');
    },
  });
}

export default fp(loadShedding, { name: 'load-shedding' });
