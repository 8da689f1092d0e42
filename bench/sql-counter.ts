/**
 * Counts the SQL statements a server sends, for any server and driver: a TCP proxy in front of PostgreSQL that
 * reads the frontend protocol and counts Query ('Q', simple protocol) and Execute ('E', extended protocol)
 * messages. pg_stat_statements needs shared_preload_libraries, which a shared PostgreSQL may not have; and
 * BEGIN/COMMIT are round trips too, which an ORM's query log leaves out. Only used in the counting phase,
 * never while measuring throughput (the extra hop would cost latency).
 */
import net from 'node:net';

export interface SqlCounter {
  port: number;
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startSqlCounter(pgHost: string, pgPort: number): Promise<SqlCounter> {
  let statements = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(pgPort, pgHost);
    sockets.add(client).add(upstream);
    let buf = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (!started) {
          // Startup (and SSLRequest) messages have no type byte: length, then payload.
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          if (code !== 80877103) started = true; // 80877103 = SSLRequest, followed by the real startup message
          continue;
        }
        if (buf.length < 5) break;
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) break;
        const type = String.fromCharCode(buf[0]);
        if (type === 'Q' || type === 'E') statements++;
        buf = buf.subarray(len + 1);
      }
    });
    upstream.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => statements,
    reset: () => {
      statements = 0;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
