import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookHit {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface WebhookSink {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every POST received so far, in order. */
  hits: WebhookHit[];
  close(): Promise<void>;
}

/** A tiny HTTP receiver on 127.0.0.1 and a free port: records each request's JSON body and answers 200. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const hits: WebhookHit[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => {
      let body: unknown = data;
      try {
        body = data ? JSON.parse(data) : undefined;
      } catch {
        // Kept as text: a test then fails on the body's shape, saying what arrived.
      }
      hits.push({ path: new URL(req.url ?? '/', 'http://sink').pathname, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
