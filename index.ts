/**
 * streamnorm: streaming normalization of sensor and time-series data. The core (statistics and
 * scalers) and the RxJS operators. Connectors live in `streamnorm/mqtt` and `streamnorm/influx`;
 * the core alone, without RxJS, in `streamnorm/core`.
 *
 * @packageDocumentation
 */
export * from './src/index.js';
export * from './operators/index.js';
