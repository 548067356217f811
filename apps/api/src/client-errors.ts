// Requests Node's HTTP parser refuses before they reach the app (a 100 kB URL, headers past maxHeaderSize,
// malformed HTTP) get a problem+json answer like every other refusal, not Node's bare status line.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const REFUSALS: Record<string, { status: number; title: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    title: 'Request Header Fields Too Large',
    detail: 'the request line and headers are limited to 16 kB; send long filters in fewer, shorter parameters',
  },
  HPE_URI_TOO_LONG: { status: 414, title: 'URI Too Long', detail: 'the URL is too long' },
};
const BAD_REQUEST = { status: 400, title: 'Bad Request', detail: 'the request is not valid HTTP/1.1' };

function problemResponse(code: string | undefined): string {
  const refusal = (code ? REFUSALS[code] : undefined) ?? BAD_REQUEST;
  const body = JSON.stringify({ type: 'about:blank', ...refusal });
  return `HTTP/1.1 ${refusal.status} ${refusal.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export function answerClientErrors(server: Pick<Server, 'on'>): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    // A reset or timed-out connection has no one left to answer.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(problemResponse(err.code));
  });
}
