export { ConfigError, type ConfigProblem } from './config-error.js';
export type {
  Config,
  CopilotConfig,
  CopilotReportKind,
  LogLevel,
  OrgConfig,
  ServiceConfig,
  TelemetryConfig,
} from './config-types.js';
export {
  DEMO_COPILOT_ENTERPRISE,
  DEMO_GITHUB_SIM_PORT,
  DEMO_ORGS,
  demoKeyPath,
  demoKeysDir,
  type DemoOrg,
} from './demo.js';
export { DURATION_SYNTAX, parseDurationMs } from './duration.js';
export { parseHostPort, type HostPort } from './host-port.js';
export {
  DEMO_SOURCE_LABEL,
  loadConfig,
  locateConfig,
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load-config.js';
export { REDACTED, redactUrlCredentials } from './render-value.js';
export { renderConfigDocs } from './render-config-docs.js';
