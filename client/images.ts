import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { ApiError } from './errors';
import { absoluteUrl, toApiError } from './http';
import type { ImageType, SignedUpload } from './types';

/** Bytes of a picture: a `Blob`/`File` in browsers, a `Buffer` or `Uint8Array` in Node. */
export type ImageBytes = Blob | Uint8Array;

/** Profile pictures, merged into `client.users`. */
export interface ImagesApi {
  /**
   * Uploads a user's profile picture straight to S3: asks the API for a signed URL, then PUTs the
   * bytes there with the signed Content-Type and Content-Length (and without the API's token).
   * @param contentType one of `imageTypes`; the server refuses others
   * @returns the picture's URL (the user's `image`, absolute)
   * @throws ApiError 422 for a type that is not an image we take or a size over 5 MB, 403 for
   *   someone else's picture, 404 for an unknown user; the storage's status when it refuses the upload
   */
  uploadImage(userId: string, data: ImageBytes, contentType: ImageType | (string & {})): Promise<string>;
  /**
   * Asks for a signed upload URL only (valid 60 s), for callers that upload by themselves: the
   * upload must then send exactly this content type and `fileSize` bytes. `url` is the user's
   * `image`, made absolute like it.
   * @throws ApiError as `uploadImage`
   */
  signImageUpload(userId: string, contentType: ImageType | (string & {}), fileSize: number): Promise<SignedUpload>;
}

const isBlob = (data: ImageBytes): data is Blob => typeof Blob !== 'undefined' && data instanceof Blob;

/** Browsers set Content-Length themselves and refuse scripts that try to. */
const runsInBrowser = () => typeof window !== 'undefined' && typeof document !== 'undefined';

/**
 * An `ArrayBuffer` holding exactly the view's bytes: axios sends a view's whole underlying buffer,
 * which for a slice of a larger buffer (e.g. a pooled `Buffer`) would be other bytes.
 */
function exactBytes(data: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy.buffer;
}

/** Reads S3's XML error (`<Code>`, `<Message>`) into a sentence. */
function storageError(error: unknown): ApiError {
  if (isAxiosError(error) && error.response) {
    const body = typeof error.response.data === 'string' ? error.response.data : '';
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
    const detail = [code, message].filter(Boolean).join(': ') || `status ${error.response.status}`;
    return new ApiError(
      error.response.status,
      `The image storage refused the upload (${detail}).`,
      body || undefined,
      'upload_refused',
    );
  }
  return toApiError(error);
}

/** @internal */
export function createImagesApi(http: AxiosInstance): ImagesApi {
  // A bare instance: the API's interceptors would send its token to S3.
  const storage = axios.create({ timeout: http.defaults.timeout ?? 0 });

  const signImageUpload: ImagesApi['signImageUpload'] = async (userId, contentType, fileSize) => {
    const params: Record<string, string> = { fileType: contentType, fileSize: String(fileSize) };
    const response = await http.put<SignedUpload>(`/users/${encodeURIComponent(userId)}/image/signed-url`, undefined, {
      params,
    });
    return { ...response.data, url: absoluteUrl(http.defaults.baseURL ?? '', response.data.url) };
  };

  return {
    signImageUpload,
    async uploadImage(userId, data, contentType) {
      const size = isBlob(data) ? data.size : data.byteLength;
      const { signedRequest, url } = await signImageUpload(userId, contentType, size);
      const headers: Record<string, string> = { 'Content-Type': contentType };
      if (!runsInBrowser()) headers['Content-Length'] = String(size);
      try {
        // A Blob goes out under its own type in Node's axios, so it is re-typed (a view, not a copy) to the signed one.
        const body = isBlob(data) ? data.slice(0, data.size, contentType) : exactBytes(data);
        await storage.put(signedRequest, body, { headers, responseType: 'text', maxBodyLength: Infinity });
      } catch (error) {
        throw storageError(error);
      }
      return url;
    },
  };
}
