/** A bare socket.io server that answers every `echo` with its payload, for the raw round-trip rate. */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'] });
io.on('connection', (socket) => {
  socket.on('echo', (payload: unknown, ack: (reply: unknown) => void) => ack(payload));
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') void io.close(() => process.exit(0));
});
