// A value that follows async calls, in a page (no AsyncLocalStorage): the store is set for as long as `run`'s
// callback (and, when it returns a promise, until that settles). Overlapping runs see the latest store.

/** The subset of AsyncLocalStorage the library uses. */
export class AsyncContext<T> {
  private stack: T[] = [];

  /** The store of the innermost running `run`, if any. */
  getStore(): T | undefined {
    return this.stack.length > 0 ? this.stack[this.stack.length - 1] : undefined;
  }

  /** Runs `fn` with `store` as the current one. */
  run<R>(store: T, fn: () => R): R {
    this.stack.push(store);
    const done = () => {
      const i = this.stack.lastIndexOf(store);
      if (i >= 0) this.stack.splice(i, 1);
    };
    let out: R;
    try {
      out = fn();
    } catch (e) {
      done();
      throw e;
    }
    if (out instanceof Promise) out.then(done, done);
    else done();
    return out;
  }
}
