import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/client.js';

export async function healthRoutes(app: FastifyInstance, { database }: { database: Database }) {
  // Liveness says only that the process answers; the orchestrator restarts it otherwise.
  app.get('/health/live', { config: { public: true }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  // Readiness does a database round trip, so a load balancer stops sending traffic while the database is gone.
  app.get('/health/ready', { config: { public: true }, logLevel: 'warn' }, async (_req, reply) => {
    try {
      await Promise.race([
        database.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
      return { status: 'ok', database: database.kind };
    } catch {
      return reply.status(503).header('retry-after', '5').send({ status: 'unavailable', database: database.kind });
    }
  });
}
