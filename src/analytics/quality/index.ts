export { TITLES } from './checks.js';
export {
  QUALITY_DEFAULTS,
  type QualityOptions,
  type QualityTextOptions,
  qualityOptionsFromText,
  resolveQualityOptions,
} from './options.js';
export { qualityReport } from './report.js';
export { severityOf, THRESHOLDS, type Thresholds } from './thresholds.js';
export type {
  JsonTypeName,
  QualityCheck,
  QualityCode,
  QualityReport,
  QualitySample,
  QualitySettings,
  QualityTotals,
  SampleValue,
  Severity,
  TypeSeen,
} from './types.js';
