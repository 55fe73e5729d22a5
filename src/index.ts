export { defineConfig } from './config/define.js';
export type { PromptMode, PresetName } from './config/presets.js';
export type { AgentConfig, UserConfig } from './config/schema.js';
