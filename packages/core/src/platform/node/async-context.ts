// A value that follows async calls in Node: AsyncLocalStorage.
export { AsyncLocalStorage as AsyncContext } from 'node:async_hooks';
