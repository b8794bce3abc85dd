/** ECS's cluster query language: parse a memberOf expression, then evaluate it per instance. */
export * from './ast.js';
export { ClusterQuerySyntaxError } from './errors.js';
export { parseClusterQuery } from './parser.js';
export { compileClusterQuery, evaluateClusterQuery, type CompiledClusterQuery, type InstanceFacts } from './evaluate.js';
