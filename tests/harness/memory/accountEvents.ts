import type { AccountEvent, AccountEvents } from '../../../libraries/accountEvents';
import { type Journal, roundTrip } from './roundTrip';

/** Account events told to no other process: what was published, in order (`AccountEvents.publish`). */
export class MemoryAccountEvents implements Pick<AccountEvents, 'publish'> {
  readonly published: AccountEvent[] = [];
  /** When set, publishing fails with it, as when Redis does not take the message. */
  failure: Error | undefined;

  constructor(private readonly journal: Journal = []) {}

  async publish(event: AccountEvent): Promise<void> {
    await roundTrip(this.failure);
    this.published.push(event);
    this.journal.push(`events.publish ${event.type} ${event.userId}`);
  }
}
