export * from './namnder.js';
export * from './master-data.js';
export * from './plans.js';
export * from './vor.js';
export * from './follow-up.js';
export * from './audit.js';
export * from './events.js';
export * from './exports.js';
