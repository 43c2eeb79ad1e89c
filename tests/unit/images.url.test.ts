import { describe, expect, it } from 'vitest';
import { imageUrlOf } from '../../services/images/images.url';

const id = '0b7e4c2a-9f1d-4e55-8a1c-3f2b6d7e8a90';

describe("a user's image URL", () => {
  it("is the API's root-relative /users/<id>/image when no public address is configured", () => {
    expect(imageUrlOf({ public_url: undefined, s3_public_url: undefined })(id)).toBe(`/users/${id}/image`);
  });

  it('is absolute under public_url, with or without a path and a trailing slash', () => {
    expect(imageUrlOf({ public_url: 'https://api.example.com/', s3_public_url: undefined })(id)).toBe(
      `https://api.example.com/users/${id}/image`,
    );
    expect(imageUrlOf({ public_url: 'https://example.com/jobs-api', s3_public_url: undefined })(id)).toBe(
      `https://example.com/jobs-api/users/${id}/image`,
    );
  });

  it('is <s3_public_url>/profile-images/<id> when the bucket is served publicly, whatever public_url says', () => {
    const imageUrl = imageUrlOf({ public_url: 'https://api.example.com', s3_public_url: 'https://cdn.example.com' });
    expect(imageUrl(id)).toBe(`https://cdn.example.com/profile-images/${id}`);
  });

  it('keeps any user id one path segment', () => {
    expect(imageUrlOf({ public_url: undefined, s3_public_url: undefined })('../sessions?x')).toBe(
      '/users/..%2Fsessions%3Fx/image',
    );
  });
});
