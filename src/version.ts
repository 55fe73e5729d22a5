declare const __GIT_PARALLEL_VERSION__: string;

/** Inlined at build time (tsup `define`), so printing it reads no file. */
export const VERSION: string = __GIT_PARALLEL_VERSION__;
