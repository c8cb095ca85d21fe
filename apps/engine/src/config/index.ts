export { parseConfig, loadConfigFile, sortProblems } from './load-config.ts';
export type { ConfigResult, ConfigSource, SoundListeners } from './load-config.ts';
export type { ListenerContract } from './resolve-config.ts';
export type {
  OrganismConfig,
  ListenerConfig,
  PumpLimits,
  RetryPolicy,
  JournalSettings,
  ServerSettings,
} from './organism-config.ts';
export { ConfigError } from './config-error.ts';
export { formatKeyPath } from './format-key-path.ts';
export { parseDuration } from './duration.ts';
export { parseByteSize } from './byte-size.ts';
export { diffConfigs } from './config-diff.ts';
export type { ConfigDiff } from './config-diff.ts';
export { HANDLER_EXTENSIONS } from './handler-ref.ts';
