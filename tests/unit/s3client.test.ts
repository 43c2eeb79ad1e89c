import { GetBucketCorsCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { parseConfig } from '../../config/schema';
import {
  createProfileImages,
  localS3Credentials,
  profileImageKey,
  profileImageUrl,
  publicUrl,
  ProfileImages,
  signedUrlTtlS,
  type ProfileImagesOptions,
} from '../../libraries/s3client';
import { testAppKey } from '../harness/testServer';

const region = 'eu-central-1';
const opened: ProfileImages[] = [];

/** An S3 wrapper pointed at the test stack's s3rver. */
function localStorage(overrides: Partial<ProfileImagesOptions> = {}): ProfileImages {
  const storage = new ProfileImages({
    region,
    endpoint: inject('stack').s3Endpoint,
    profileImagesBucket: uniqueBucket(),
    corsOrigins: ['*'],
    credentials: { ...localS3Credentials },
    ...overrides,
  });
  opened.push(storage);
  return storage;
}

/** An S3 client of the test's own, to look at what the wrapper did. */
function inspector(): S3Client {
  return new S3Client({
    region,
    endpoint: inject('stack').s3Endpoint,
    forcePathStyle: true,
    credentials: { ...localS3Credentials },
  });
}

const uniqueBucket = () => `u${randomUUID().slice(0, 12)}`;

afterAll(() => {
  for (const storage of opened) storage.destroy();
});

const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a presigned SigV4 URL against a request the way S3 does (recomputes the signature from
 * the request's method, URL and headers), independently of the AWS SDK that signed it.
 */
function signatureAccepts(
  signedUrl: string,
  method: string,
  headers: Record<string, string>,
  secretAccessKey: string,
): boolean {
  const url = new URL(signedUrl);
  const query = url.searchParams;
  const [, date = '', signingRegion = '', service = ''] = (query.get('X-Amz-Credential') ?? '').split('/');
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
  const sent: Record<string, string> = {
    host: url.host,
    ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  };
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(sent[name] ?? '').trim()}\n`).join('');
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    method,
    url.pathname,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${signingRegion}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    query.get('X-Amz-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), signingRegion), service), 'aws4_request');
  return hmac(signingKey, stringToSign).toString('hex') === query.get('X-Amz-Signature');
}

/** Seconds since the epoch of an `X-Amz-Date` (`20240101T120000Z`). */
function amzDateMs(value: string | null): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) throw new Error(`Not an X-Amz-Date: ${value}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** PUTs bytes to a signed URL as a browser would. */
function putObject(signedRequest: string, body: Uint8Array<ArrayBuffer>, contentType: string): Promise<Response> {
  return fetch(signedRequest, { method: 'PUT', headers: { 'Content-Type': contentType }, body });
}

describe('public URLs', () => {
  it('addresses an S3-compatible server path-style, without a doubled slash', () => {
    expect(publicUrl({ region, endpoint: 'http://127.0.0.1:4569/' }, 'pics', 'profile-images/42')).toBe(
      'http://127.0.0.1:4569/pics/profile-images/42',
    );
  });

  it('addresses AWS with the virtual-hosted URL of the bucket in its region', () => {
    expect(publicUrl({ region }, 'pics', 'profile-images/42')).toBe(
      'https://pics.s3.eu-central-1.amazonaws.com/profile-images/42',
    );
  });

  it("puts a user's picture under the public address of the bucket (s3_public_url), without a doubled slash", () => {
    expect(profileImageUrl('https://d111111abcdef8.cloudfront.net', 'a1b2')).toBe(
      'https://d111111abcdef8.cloudfront.net/profile-images/a1b2',
    );
    expect(profileImageUrl('https://cdn.example.com/pictures/', 'a1b2')).toBe(
      'https://cdn.example.com/pictures/profile-images/a1b2',
    );
    // The object key holds the id percent-encoded; the URL encodes that key once more, as S3 expects.
    expect(profileImageUrl('https://cdn.example.com', '../x')).toBe('https://cdn.example.com/profile-images/..%252Fx');
  });

  it('names the origin browsers upload to and download from: the endpoint, or the bucket on AWS', () => {
    const options = { region, profileImagesBucket: 'pics', corsOrigins: ['*'] };
    const [local, aws] = [
      new ProfileImages({ ...options, endpoint: 'http://127.0.0.1:4569/' }),
      new ProfileImages({ ...options }),
    ];
    opened.push(local, aws);
    expect(local.storageOrigin()).toBe('http://127.0.0.1:4569');
    expect(aws.storageOrigin()).toBe('https://pics.s3.eu-central-1.amazonaws.com');
  });

  it('keeps any user id one segment under profile-images/', () => {
    expect(profileImageKey('0b7e4c2a-9f1d-4e55-8a1c-3f2b6d7e8a90')).toBe(
      'profile-images/0b7e4c2a-9f1d-4e55-8a1c-3f2b6d7e8a90',
    );
    expect(profileImageKey('../x?y')).toBe('profile-images/..%2Fx%3Fy');
  });
});

describe('credentials', () => {
  const configOf = (values: Record<string, unknown>, env = 'development') =>
    parseConfig({ app_key: testAppKey, ...values }, env);

  it("uses s3rver's fixed credentials for a local endpoint when the environment has no AWS credentials", () => {
    const storage = createProfileImages(configOf({ s3_endpoint: 'http://localhost:4569' }), {});
    opened.push(storage);
    expect(storage.options.credentials).toEqual(localS3Credentials);
  });

  it('leaves credentials to the AWS chain when the environment has some, without an endpoint, or in production', () => {
    const cases = [
      createProfileImages(configOf({ s3_endpoint: 'http://localhost:4569' }), { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }),
      createProfileImages(configOf({}), {}),
      createProfileImages(
        configOf(
          {
            s3_endpoint: 'https://s3.example.com',
            app_key: 'a-production-secret-that-is-long-enough',
            cors_origin: 'https://app.example',
          },
          'production',
        ),
        {},
      ),
    ];
    opened.push(...cases);
    for (const storage of cases) expect(storage.options.credentials).toBeUndefined();
  });

  it('allows the configured API origins to upload from browsers', () => {
    const storage = createProfileImages(configOf({ cors_origin: 'https://app.example, https://admin.example' }), {});
    opened.push(storage);
    expect(storage.options.corsOrigins).toEqual(['https://app.example', 'https://admin.example']);
  });
});

describe('signed upload URLs', () => {
  it('signs the content type and the length, for 60 s, with no checksum of an empty body', async () => {
    const before = Date.now();
    const upload = await localStorage().getSignedUrl('pics', 'profile-images/42', 'image/png', 1234);
    const query = new URL(upload.signedRequest).searchParams;

    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-length', 'content-type', 'host']);
    expect(query.get('X-Amz-Expires')).toBe(String(signedUrlTtlS));
    expect(signedUrlTtlS).toBe(60);
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(Date.parse(upload.expiresAt)).toBe(amzDateMs(query.get('X-Amz-Date')) + 60_000);
    expect(Date.parse(upload.expiresAt)).toBeGreaterThanOrEqual(before + 59_000);
    expect(Date.parse(upload.expiresAt)).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(upload.url).toBe(`${inject('stack').s3Endpoint}/pics/profile-images/42`);
  });

  it('makes a signature that S3 only accepts with the signed content type and length', async () => {
    const upload = await localStorage().getSignedUrl('pics', 'profile-images/42', 'image/png', 1234);
    const secret = localS3Credentials.secretAccessKey;
    expect(
      signatureAccepts(upload.signedRequest, 'PUT', { 'Content-Type': 'image/png', 'Content-Length': '1234' }, secret),
    ).toBe(true);
    expect(
      signatureAccepts(upload.signedRequest, 'PUT', { 'Content-Type': 'text/html', 'Content-Length': '1234' }, secret),
    ).toBe(false);
    expect(
      signatureAccepts(upload.signedRequest, 'PUT', { 'Content-Type': 'image/png', 'Content-Length': '99999' }, secret),
    ).toBe(false);
    expect(
      signatureAccepts(upload.signedRequest, 'GET', { 'Content-Type': 'image/png', 'Content-Length': '1234' }, secret),
    ).toBe(false);
  });

  it('signs AWS uploads on the virtual-hosted bucket URL', async () => {
    const storage = new ProfileImages({
      region,
      profileImagesBucket: 'pics',
      corsOrigins: ['*'],
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' },
    });
    opened.push(storage);
    const upload = await storage.signProfileImageUpload('42', 'image/jpeg', 100);
    const signed = new URL(upload.signedRequest);
    expect(`${signed.origin}${signed.pathname}`).toBe('https://pics.s3.eu-central-1.amazonaws.com/profile-images/42');
    expect(upload.url).toBe('https://pics.s3.eu-central-1.amazonaws.com/profile-images/42');
    expect(signed.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAEXAMPLE\/\d{8}\/eu-central-1\/s3\/aws4_request$/);
  });
});

describe('against s3rver', () => {
  it('creates a missing bucket with CORS rules for browser uploads, and accepts one that exists', async () => {
    const storage = localStorage({ corsOrigins: ['https://app.example'] });
    const bucket = uniqueBucket();
    await storage.ensureBucket(bucket);
    await storage.ensureBucket(bucket);

    const s3 = inspector();
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      const { CORSRules } = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
      expect(CORSRules).toEqual([
        expect.objectContaining({
          AllowedOrigins: ['https://app.example'],
          AllowedMethods: expect.arrayContaining(['PUT', 'GET']),
          AllowedHeaders: ['Content-Type', 'Content-Length'],
        }),
      ]);
    } finally {
      s3.destroy();
    }
  });

  it('lets several servers prepare the same bucket at once', async () => {
    const bucket = uniqueBucket();
    const results = await Promise.allSettled([
      localStorage().ensureBucket(bucket),
      localStorage().ensureBucket(bucket),
      localStorage().ensureBucket(bucket),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('answers a browser preflight for the upload from an allowed origin only', async () => {
    const storage = localStorage({ corsOrigins: ['https://app.example'] });
    await storage.ensureBucket(storage.options.profileImagesBucket);
    const upload = await storage.signProfileImageUpload('42', 'image/png', 3);
    const preflight = (origin: string) =>
      fetch(upload.signedRequest, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'content-type',
        },
      });

    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect((await preflight('https://evil.example')).status).toBe(403);
  });

  it('refuses an upload once the 60 s are over, and takes it within them', async () => {
    const storage = localStorage();
    const bucket = storage.options.profileImagesBucket;
    await storage.ensureBucket(bucket);
    const signedAgo = (seconds: number) =>
      localStorage({ profileImagesBucket: bucket, now: () => new Date(Date.now() - seconds * 1000) });
    const bytes = new Uint8Array([137, 80, 78, 71]);

    const late = await putObject(
      (await signedAgo(61).signProfileImageUpload('42', 'image/png', 4)).signedRequest,
      bytes,
      'image/png',
    );
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');

    const inTime = await putObject(
      (await signedAgo(50).signProfileImageUpload('42', 'image/png', 4)).signedRequest,
      bytes,
      'image/png',
    );
    expect(inTime.status).toBe(200);
  });

  it('refuses an upload signed with credentials it does not know', async () => {
    const storage = localStorage();
    await storage.ensureBucket(storage.options.profileImagesBucket);
    const stranger = localStorage({
      profileImagesBucket: storage.options.profileImagesBucket,
      credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'nothing' },
    });
    const response = await putObject(
      (await stranger.signProfileImageUpload('42', 'image/png', 1)).signedRequest,
      new Uint8Array([1]),
      'image/png',
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('InvalidAccessKeyId');
  });

  it('names the bucket when it cannot be prepared', async () => {
    const storage = localStorage();
    await expect(storage.ensureBucket('Not_A_Valid_Bucket')).rejects.toThrow(
      /S3 bucket "Not_A_Valid_Bucket" cannot be prepared/,
    );
  });
});
