/** Bearer-token authentication and role-based authorization of the API. */
export * from './principal.js';
export * from './errors.js';
export * from './tokens.js';
export * from './admin-token.js';
export * from './authorize.js';
export * from './token-mirror.js';
