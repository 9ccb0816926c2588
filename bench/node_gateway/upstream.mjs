// The upstream of scripts/bench_gateway.sh: answers every request with the same small JSON body
// (keep-alive, no work), so the benchmark measures the proxies, not the service.
//   node upstream.mjs PORT
import http from 'node:http';

const body = Buffer.from('{"ok":true,"service":"bench upstream"}');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.error(`upstream listening on ${process.argv[2]}`));
