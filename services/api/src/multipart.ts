import { AppError } from '@showcart/shared';
import busboy from 'busboy';
import type { Request, Response } from 'express';

/** How long the rest of a refused upload is read (and dropped) before its connection is cut. */
const DRAIN_MS = 5_000;

/** Room for a multipart body's boundaries and part headers around its one file. */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * Reads the one file of a multipart/form-data body, in the field `field`, as it streams
 * in, keeping at most `maxBytes` of it: past that the request is refused with 413 at once
 * and the rest is never kept (a declared Content-Length over the limit is refused before
 * a byte is read). The client's file name and type are not used: the bytes are judged by
 * their content later. Not multipart is 415; no file, a file in another field or a second
 * file is 400. A refused body is not kept: what is still coming is dropped, for a few seconds at most.
 */
export const readOneFile = (req: Request, res: Response, p: { field: string; maxBytes: number }) =>
  new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const refuse = (error: AppError) => {
      if (settled) return;
      settled = true;
      // The rest of a refused body is read and dropped for a moment, so that the client,
      // still sending, reads the answer instead of a reset connection; one that keeps
      // sending past that is cut off.
      req.unpipe();
      req.resume();
      res.once('finish', () => {
        if (!req.complete) setTimeout(() => req.socket.destroy(), DRAIN_MS).unref();
      });
      reject(error);
    };
    const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `A photo may be at most ${Math.round(p.maxBytes / 1024 / 1024)} MB.`);
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
      return refuse(new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the photo as multipart/form-data, in a field named ${p.field}.`));
    }
    if (Number(req.headers['content-length']) > p.maxBytes + ENVELOPE_BYTES) return refuse(tooLarge());
    let parser: busboy.Busboy;
    try {
      // The fields a form may add beside the file are small and ignored.
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: p.maxBytes, fields: 10, fieldSize: 1024, parts: 12 } });
    } catch {
      return refuse(new AppError('INVALID_INPUT', 'The multipart body has no boundary.'));
    }
    let file: Buffer | undefined;
    parser.on('file', (name, stream) => {
      if (name !== p.field) {
        stream.resume();
        return refuse(new AppError('INVALID_INPUT', `Send the photo in a field named ${p.field}.`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => refuse(tooLarge()));
      stream.on('end', () => {
        if (!stream.truncated) file = Buffer.concat(chunks);
      });
    });
    parser.on('filesLimit', () => refuse(new AppError('INVALID_INPUT', 'Send one photo per request.')));
    parser.on('error', () => refuse(new AppError('INVALID_INPUT', 'The multipart body is malformed or cut off.')));
    parser.on('close', () => {
      if (settled) return;
      if (!file) return refuse(new AppError('INVALID_INPUT', `No photo: send the file in a field named ${p.field}.`));
      settled = true;
      resolve(file);
    });
    const cutOff = () => refuse(new AppError('INVALID_INPUT', 'The request was cut off before its body arrived.'));
    req.on('error', cutOff);
    req.on('close', () => {
      if (!req.complete) cutOff();
    });
    req.pipe(parser);
  });
