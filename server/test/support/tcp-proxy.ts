import net from 'node:net';

export interface TcpProxy {
  /** The local port (on 127.0.0.1) clients connect to. */
  readonly port: number;
  /** Destroys every open connection, both sides, and refuses new ones until `restore()`. */
  cut(): void;
  /** Accepts and forwards new connections again. */
  restore(): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
  /** Client connections currently being forwarded. */
  connectionCount(): number;
}

/** One accepted client and its connection to the target. */
interface Link {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP forwarder on 127.0.0.1 to `target`, for simulating a network partition:
 * `cut()` makes the target look gone (open connections drop, new ones close at once),
 * `restore()` makes it reachable again. Tests put it between a server node and MariaDB.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const links = new Set<Link>();
  let isCut = false;

  const server = net.createServer((client) => {
    // Refuse by destroying on accept: the kernel already completed the handshake, so this
    // is the closest we get to "connection refused" while still owning the port.
    if (isCut) {
      client.destroy();
      return;
    }
    links.add(forward(client, target, (link) => links.delete(link)));
  });
  // A client that resets before we accept it must not crash the test run.
  server.on('error', () => undefined);

  const port = await listenOnFreePort(server);

  const destroyAll = (): void => {
    for (const link of links) destroyLink(link);
    links.clear();
  };

  return {
    port,
    cut() {
      isCut = true;
      destroyAll();
    },
    restore() {
      isCut = false;
    },
    async close() {
      isCut = true;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    connectionCount: () => links.size,
  };
}

/**
 * Rewrites the host and port of a mysql:// URL to go through `proxy`; user, password,
 * database and query are kept.
 */
export function proxiedDatabaseUrl(databaseUrl: string, proxy: Pick<TcpProxy, 'port'>): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

/** Pipes `client` to a new connection to `target` both ways; either side closing closes the other. */
function forward(client: net.Socket, target: { host: string; port: number }, onClosed: (link: Link) => void): Link {
  const upstream = net.connect({ host: target.host, port: target.port });
  const link: Link = { client, upstream };
  // Network errors (ECONNRESET, ECONNREFUSED from the target) are expected here: they just end the link.
  client.on('error', () => destroyLink(link));
  upstream.on('error', () => destroyLink(link));
  client.on('close', () => {
    destroyLink(link);
    onClosed(link);
  });
  upstream.on('close', () => destroyLink(link));
  client.pipe(upstream);
  upstream.pipe(client);
  return link;
}

/** `destroy`, not `end`: drop both sides now, without flushing what is still queued, as a failed network would. */
function destroyLink(link: Link): void {
  link.client.destroy();
  link.upstream.destroy();
}

function listenOnFreePort(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
