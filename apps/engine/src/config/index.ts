export { parseConfig, loadConfigFile } from './load-config.ts';
export type { ConfigResult, ConfigSource } from './load-config.ts';
export type { OrganismConfig, ListenerConfig, PumpLimits, RetryPolicy, JournalSettings, ServerSettings } from './organism-config.ts';
export { ConfigError } from './config-error.ts';
export { formatKeyPath } from './yaml-locator.ts';
export { parseDuration, parseByteSize } from './units.ts';
export { diffConfigs } from './config-diff.ts';
export type { ConfigDiff } from './config-diff.ts';
