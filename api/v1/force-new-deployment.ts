/**
 * ECS's UpdateService `forceNewDeployment`: start a new deployment of the revision the service
 * already runs, replacing every task (to pick up a re-pushed image, or new secret values). The
 * request is an annotation holding when it was made; the service controller starts a new PRIMARY
 * when the annotation is newer than the PRIMARY it has (controllers/service/plan.ts). Once the new
 * deployment exists it is newer than the request, so the same annotation never forces twice.
 */
export const FORCE_NEW_DEPLOYMENT_ANNOTATION = 'ecs.berth.dev/force-new-deployment';

export function requestForceNewDeployment(service: { metadata: { annotations?: Record<string, string> } }, now: Date): void {
  service.metadata.annotations = { ...service.metadata.annotations, [FORCE_NEW_DEPLOYMENT_ANNOTATION]: now.toISOString() };
}

/** Whether a new deployment was asked for after the PRIMARY (created at `primaryCreatedAt`) began. */
export function forceRequestedSince(annotations: Record<string, string> | undefined, primaryCreatedAt: string | undefined): boolean {
  const requested = Date.parse(annotations?.[FORCE_NEW_DEPLOYMENT_ANNOTATION] ?? '');
  if (Number.isNaN(requested)) return false;
  const created = Date.parse(primaryCreatedAt ?? '');
  return Number.isNaN(created) || requested > created;
}
