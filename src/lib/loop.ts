import type { FastifyBaseLogger } from 'fastify';

export interface Loop {
  readonly name: string;
  /** Runs the task soon (coalesced with a run in progress). */
  wake(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs the task now and waits for it (tests, and the first run). */
  runOnce(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` and whenever woken, never twice at once: a wake during a run schedules exactly one
 * more run. The first run is the first wake; timers are unref'd so a loop never keeps the process alive; errors are logged and the loop goes on.
 */
export function createLoop(name: string, intervalMs: number, task: () => Promise<void>, log: FastifyBaseLogger): Loop {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), intervalMs);
    timer.unref();
  };

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await task();
        } catch (err) {
          if (!stopped) log.error({ err, loop: name }, 'background loop failed; will retry');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      schedule();
    });
    return running;
  };

  return {
    name,
    wake: () => void run(),
    runOnce: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
