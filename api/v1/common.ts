/**
 * Small ECS value types shared by several kinds: identifiers, key/value pairs, tags, launch types.
 */
import { z } from 'zod';

/** ECS's rule for families, container names and volume names: up to 255 letters, digits, "-" and "_". */
export const ECS_IDENTIFIER_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
export const EcsIdentifier = z.string().regex(ECS_IDENTIFIER_PATTERN, 'must be 1-255 letters, digits, hyphens or underscores');

/** `{name, value}` as ECS uses it for environment variables and system controls. */
export const KeyValuePair = z.strictObject({ name: z.string().min(1), value: z.string() });
export type KeyValuePair = z.infer<typeof KeyValuePair>;

/** ECS resource tags: at most 50, keys up to 128 characters, values up to 256. */
export const Tag = z.strictObject({ key: z.string().min(1).max(128), value: z.string().max(256).optional() });
export const Tags = z.array(Tag).max(50, 'at most 50 tags are allowed');
export type Tag = z.infer<typeof Tag>;

/**
 * EC2 is berth's own model (a machine running the agent); FARGATE and EXTERNAL are accepted so
 * ECS JSON drops in, and run on berth's container instances all the same.
 */
export const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;
export const LaunchType = z.enum(LAUNCH_TYPES);
export type LaunchType = z.infer<typeof LaunchType>;
export const DEFAULT_LAUNCH_TYPE: LaunchType = 'EC2';

export const TransportProtocol = z.enum(['tcp', 'udp']);
export type TransportProtocol = z.infer<typeof TransportProtocol>;

/** A non-negative count, as every status counter is. */
export const Count = z.int().min(0);
