import DataLoader from 'dataloader';

/**
 * A DataLoader whose settled values can also be read at once: a resolver on a loaded plan's thousandth row then
 * returns a value, not a promise (graphql-jit runs a synchronous field without scheduling a microtask).
 */
export class SettledLoader<K, V> {
  private readonly settled = new Map<K, V>();
  private readonly loader: DataLoader<K, V>;

  constructor(batch: (keys: readonly K[]) => Promise<(V | Error)[]>) {
    this.loader = new DataLoader(async (keys) => {
      const values = await batch(keys);
      keys.forEach((k, i) => {
        const v = values[i];
        if (!(v instanceof Error)) this.settled.set(k, v);
      });
      return values;
    });
  }

  load(key: K): Promise<V> {
    return this.loader.load(key);
  }
  loadMany(keys: readonly K[]): Promise<(V | Error)[]> {
    return this.loader.loadMany(keys);
  }
  /** The value if it has settled, else the promise of it. */
  now(key: K): V | Promise<V> {
    return this.settled.has(key) ? this.settled.get(key)! : this.loader.load(key);
  }
  /** `fn` of the value, synchronously when it has settled. */
  with<R>(key: K, fn: (v: V) => R): R | Promise<R> {
    const v = this.now(key);
    return v instanceof Promise ? v.then(fn) : fn(v);
  }
  prime(key: K, value: V): this {
    this.settled.set(key, value);
    this.loader.prime(key, value);
    return this;
  }
  clear(key: K): this {
    this.settled.delete(key);
    this.loader.clear(key);
    return this;
  }
  clearAll(): this {
    this.settled.clear();
    this.loader.clearAll();
    return this;
  }
}
