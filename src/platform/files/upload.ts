/**
 * An uploaded file as the raw request body: its size limited before and while it is read (a
 * declared Content-Length over the limit is refused unread; a body that grows past it is dropped
 * as soon as it does), and its type told by its first bytes, never by its name or header.
 */
import type { IncomingMessage } from 'node:http';

/** A refusal of the upload itself, with its HTTP status. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type UploadType = 'xlsx' | 'csv';

/** Reads the body, refusing (413) more than `maxBytes` without keeping what is over. */
export function readUpload(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new UploadRefused(413, `The file is larger than ${maxBytes} bytes`);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** XLSX (a zip: PK\x03\x04) or CSV (text: no NUL byte in its first 4 KB); anything else is refused (415). */
export function uploadType(bytes: Uint8Array): UploadType {
  if (bytes.length === 0) throw new UploadRefused(400, 'The request body is empty: send the file as the body');
  if (startsWith(bytes, ZIP)) return 'xlsx';
  if (startsWith(bytes, OLE)) throw new UploadRefused(415, 'Old Excel files (.xls) are not accepted: save the file as .xlsx or CSV UTF-8');
  if (bytes.subarray(0, 4096).includes(0)) throw new UploadRefused(415, 'The file is neither XLSX nor CSV text');
  return 'csv';
}
