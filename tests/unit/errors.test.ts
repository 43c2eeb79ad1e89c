import { describe, expect, it } from 'vitest';
import {
  badGateway,
  forbidden,
  HttpError,
  invalidInput,
  messageOf,
  notFound,
  serviceUnavailable,
  tooManyRequests,
  unauthenticated,
} from '../../libraries/errors';

describe('the HTTP errors', () => {
  it('each helper carries its status, message and headers', () => {
    const shapes = [
      invalidInput('The email is invalid.'),
      unauthenticated(),
      unauthenticated('No token.'),
      forbidden(),
      forbidden('Only admins.'),
      notFound(),
      notFound('No such user.'),
      badGateway('The board is down.'),
      serviceUnavailable('Redis is down.'),
      serviceUnavailable('DynamoDB is busy.', 2),
      tooManyRequests(30),
    ].map((error) => [error.status, error.message, error.headers]);
    expect(shapes).toEqual([
      [422, 'The email is invalid.', {}],
      [401, 'Authentication is required.', {}],
      [401, 'No token.', {}],
      [403, 'You are not allowed to do this.', {}],
      [403, 'Only admins.', {}],
      [404, 'Not found.', {}],
      [404, 'No such user.', {}],
      [502, 'The board is down.', {}],
      [503, 'Redis is down.', { 'Retry-After': '5' }],
      [503, 'DynamoDB is busy.', { 'Retry-After': '2' }],
      [429, 'Too many requests; try again in 30 s.', { 'Retry-After': '30' }],
    ]);
  });

  it('an HttpError is an Error named HttpError that keeps its cause', () => {
    const cause = new Error('socket closed');
    const error = new HttpError(500, 'Broken.', undefined, { cause });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.headers, error.cause]).toEqual(['HttpError', {}, cause]);
  });

  it('messageOf reads the message of an Error and stringifies anything else', () => {
    expect(messageOf(new TypeError('bad type'))).toBe('bad type');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('42');
  });
});
