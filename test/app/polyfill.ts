// nock 15 intercepts through @mswjs/interceptors 0.44, which calls Promise.withResolvers (Node 22+).
// The project supports Node 20, so the tests that use nock add it here. Test-only: the App itself
// does not need it.
declare global {
  interface PromiseConstructor {
    withResolvers<T>(): {
      promise: Promise<T>;
      resolve: (v: T | PromiseLike<T>) => void;
      reject: (e?: unknown) => void;
    };
  }
}

if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = <T>() => {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
