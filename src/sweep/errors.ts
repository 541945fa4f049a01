/** A sweep directory, plan or shard that cannot be used as asked. */
export class SweepError extends Error {}
