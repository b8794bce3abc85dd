/**
 * The consumer side of a store watch, shared by both backends: a Channel of batches (api/channel.ts)
 * that drops empty ones. Batches are buffered without bound, as etcd's own client does; a consumer
 * that stops reading should cancel.
 */
import { Channel } from '../channel.js';
import type { Watch, WatchBatch } from './types.js';

export class WatchChannel extends Channel<WatchBatch> implements Watch {
  override push(batch: WatchBatch): void {
    if (batch.events.length > 0) super.push(batch);
  }
}
