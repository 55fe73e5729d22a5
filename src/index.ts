export { defineConfig } from './config/define.js';
export type { PresetName, PromptMode } from './config/presets.js';
export type { AgentConfig, UserConfig } from './config/schema.js';
