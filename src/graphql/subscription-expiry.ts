// A subscription lives no longer than the token it was opened with: when the token's `exp` passes, the connection
// is closed with 4403 (graphql-transport-ws "Forbidden") and a reason naming TOKEN_EXPIRED, so the client
// re-authenticates and subscribes again instead of receiving events it may no longer be allowed to read.

export const TOKEN_EXPIRED_CLOSE = { code: 4403, reason: 'TOKEN_EXPIRED: the token has expired; connect again with a new one' };

interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', fn: () => void): unknown;
}

const armed = new WeakSet<ClosableSocket>();
// setTimeout holds at most 2^31-1 ms (about 24 days); a longer-lived token is re-armed in steps.
const MAX_DELAY = 2 ** 31 - 1;

/** Arms one timer per connection (repeat calls for more subscriptions on it do nothing). */
export function closeOnTokenExpiry(socket: ClosableSocket, expiresAtMs: number): void {
  if (armed.has(socket)) return;
  armed.add(socket);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAtMs - Date.now();
    if (left <= 0) return socket.close(TOKEN_EXPIRED_CLOSE.code, TOKEN_EXPIRED_CLOSE.reason);
    timer = setTimeout(arm, Math.min(left, MAX_DELAY));
    timer.unref();
  };
  socket.once('close', () => clearTimeout(timer));
  arm();
}
