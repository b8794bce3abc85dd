/**
 * Reading manifests: files, directories and stdin; YAML (multi-document) and JSON; berth objects and
 * ECS task definitions as ECS prints or takes them. Every problem is a located ManifestError.
 */
export { loadManifests, loadTexts, type LoadOptions, type LoadResult, type LoadedManifest, type ManifestSource } from './load.js';
export { ManifestError, formatManifestError, formatManifestWarning, formatFieldPath, formatLocation, type ManifestErrorLocation } from './errors.js';
export { READ_ONLY_FIELDS, toManifestShape, type ManifestForm } from './ecs-task-definition.js';
export { STDIN_NAME, STDIN_PATH, listManifestFiles, type ManifestText } from './read-inputs.js';
