'use strict';

const http = require('http');

/**
 * @typedef {object} ReceivedRequest
 * @property {string} method
 * @property {string} url          path and query as received
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} rawBody      exactly the bytes received (signatures are computed over them)
 * @property {unknown} json        the parsed body, or undefined when it is not JSON
 * @property {number} receivedAt   epoch milliseconds
 */

/**
 * `hangup`: send the status line and part of the body, then close the socket mid-response.
 * @typedef {{ status: number, headers?: Record<string, string>, body?: string, hangup?: boolean }} Reply
 * @typedef {(request: ReceivedRequest) => Reply | Promise<Reply>} Responder
 */

/**
 * A real HTTP server on 127.0.0.1 that records every request: the demo's "frontend" and the
 * tests' stand-in for one. Replies 200 `{ revalidated: true }` unless a responder says otherwise.
 *
 * @param {{ port?: number, host?: string, respond?: Responder, onRequest?: (r: ReceivedRequest) => void }} [options]
 */
async function startReceiver(options = {}) {
  const { port = 0, host = '127.0.0.1', onRequest } = options;
  /** @type {Responder | undefined} */
  let respond = options.respond;
  /** @type {ReceivedRequest[]} */
  const requests = [];
  /** @type {Array<() => void>} */
  let waiters = [];

  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let json;
      try {
        json = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        json = undefined;
      }
      /** @type {ReceivedRequest} */
      const received = {
        method: req.method || 'GET',
        url: req.url || '/',
        headers: req.headers,
        rawBody,
        json,
        receivedAt: Date.now(),
      };
      requests.push(received);
      if (onRequest) onRequest(received);
      const current = waiters;
      waiters = [];
      current.forEach((wake) => wake());

      /** @type {Reply} */
      let reply = { status: 200, body: JSON.stringify({ revalidated: true }) };
      try {
        if (respond) reply = await respond(received);
      } catch (error) {
        reply = { status: 500, body: String(error) };
      }
      if (reply.hangup) {
        res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"revalidated":');
        setImmediate(() => res.socket && res.socket.destroy());
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers || {}) });
      res.end(reply.body === undefined ? '' : reply.body);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import('net').AddressInfo} */ (server.address());
  const url = `http://${host}:${address.port}`;

  return {
    url,
    port: address.port,
    requests,
    /** @param {Responder | undefined} next */
    setResponder(next) {
      respond = next;
    },
    /**
     * Resolves once `predicate(requests)` holds; rejects after `timeoutMs` with what arrived.
     * @param {(requests: ReceivedRequest[]) => boolean} predicate
     * @param {number} [timeoutMs]
     */
    waitFor(predicate, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(requests)) {
            clearTimeout(timer);
            resolve(requests);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== wake);
          reject(
            new Error(
              `receiver: condition not met within ${timeoutMs} ms; ${requests.length} request(s) received: ` +
                JSON.stringify(requests.map((r) => ({ url: r.url, body: r.json })))
            )
          );
        }, timeoutMs);
        const wake = () => {
          if (!check()) waiters.push(wake);
        };
        if (!check()) waiters.push(wake);
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      });
    },
  };
}

/**
 * One line per request, for the demo's terminal.
 * @param {ReceivedRequest} r
 */
function formatRequest(r) {
  const time = new Date(r.receivedAt).toISOString().slice(11, 23);
  const id = r.headers['webhook-id'] ? ` webhook-id=${r.headers['webhook-id']}` : '';
  const body = r.json === undefined ? r.rawBody : JSON.stringify(r.json);
  return `[receiver ${time}] ${r.method} ${r.url}${id} ${body}`;
}

module.exports = { startReceiver, formatRequest };
