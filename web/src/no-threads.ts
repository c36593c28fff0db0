/**
 * What the page's bundle has in place of the engine's worker-thread team (src/lstm/parallel/team.ts,
 * Node's worker_threads): the page trains on one thread, in its own Web Worker, and never starts a team.
 */
export class Team {
  static start(): never {
    throw new Error('multi-threaded training needs Node worker threads; the page trains on one thread');
  }
}
