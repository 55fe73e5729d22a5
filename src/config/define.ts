import type { UserConfig } from './schema.js';

/** Types a parallel.config.ts; returns its argument unchanged. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
