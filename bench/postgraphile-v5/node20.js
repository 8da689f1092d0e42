// PostGraphile v5 declares Node ≥ 22; the service (and this machine) run Node 20, which lacks only
// Promise.withResolvers among what v5 uses. Imported before postgraphile.
Promise.withResolvers ??= function withResolvers() {
  let resolve, reject;
  const promise = new this((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
