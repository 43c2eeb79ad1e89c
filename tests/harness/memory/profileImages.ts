import type { ProfileImages } from '../../../libraries/s3client';
import { type Journal, roundTrip } from './roundTrip';

/** The profile images' bucket as a set of user ids (`ProfileImages.deleteProfileImage`). */
export class MemoryProfileImages implements Pick<ProfileImages, 'deleteProfileImage'> {
  readonly images = new Set<string>();
  /** When set, every call fails with it, as when S3 is away. */
  failure: Error | undefined;

  constructor(private readonly journal: Journal = []) {}

  async deleteProfileImage(userId: string): Promise<void> {
    await roundTrip(this.failure);
    this.images.delete(userId);
    this.journal.push(`images.delete ${userId}`);
  }
}
