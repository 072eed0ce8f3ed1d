#!/usr/bin/env python3
"""A loopback HTTP/1.1 proxy that adds a fixed delay to every call.

    latency_proxy.py --upstream http://127.0.0.1:PORT --listen-port P [--delay-ms 50]

Point a client's endpoint (AWS_ENDPOINT_URL, --endpoint-url) at
http://127.0.0.1:P instead of moto: every request waits --delay-ms, then goes
to the upstream unchanged (method, path and query, headers in their order
including Host, body), and the upstream's answer comes back unchanged. This
stands in for the round trip to a real cloud API, which moto on loopback
lacks. Keep-alive on both sides: each client connection gets its own
upstream connection; many client connections are served at once (a thread
each). Standard library only; listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import signal
import socket
import sys
import threading
import time
import urllib.parse

# Hop-by-hop headers: about one connection, never forwarded.
HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
       "upgrade", "expect"}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls = 0
        self.errors = 0

    def add(self, error: bool = False) -> None:
        with self.lock:
            self.calls += 1
            self.errors += error


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive towards the client
    timeout = 300  # idle client connections are closed after this
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body writes
    upstream: urllib.parse.SplitResult
    delay: float
    stats: Stats
    verbose: bool

    def setup(self) -> None:
        super().setup()
        self.conn: http.client.HTTPConnection | None = None

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self.conn is not None:
                self.conn.close()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # --verbose logs each call in _handle instead

    def _log_call(self, body: bytes | None, status: int, start: float) -> None:
        """One line per call: time, client connection, method, path, the
        API operation (X-Amz-Target or a query-protocol Action), status,
        milliseconds including the delay."""
        op = self.headers.get("X-Amz-Target", "")
        if not op and body and body[:7] == b"Action=":
            op = body.split(b"&", 1)[0][7:].decode("ascii", "replace")
        print(f"{time.time():.3f} {self.client_address[1]} {self.command} {self.path[:120]} {op} "
              f"{status} {1000 * (time.monotonic() - start):.0f}", file=sys.stderr, flush=True)

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port or 80,
                                                   timeout=300)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.conn

    def _read_body(self) -> bytes | None:
        """The request body as sent: Content-Length bytes, or the raw chunked
        encoding (forwarded as chunked, untouched)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raw = bytearray()
            while True:
                line = self.rfile.readline(65537)
                raw += line
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers, then the empty line
                        trailer = self.rfile.readline(65537)
                        raw += trailer
                        if trailer in (b"\r\n", b"\n", b""):
                            return bytes(raw)
                raw += self.rfile.read(size + 2)
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        return self.rfile.read(int(length))

    def _forward(self, body: bytes | None) -> http.client.HTTPResponse:
        path = self.path
        if "://" in path:  # absolute form, as sent to a forward proxy
            parts = urllib.parse.urlsplit(path)
            path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        for retry in (False, True):
            conn = self._connect()
            try:
                conn.putrequest(self.command, path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in HOP:
                        conn.putheader(name, value)
                conn.endheaders(body)
                return conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine):
                # A kept-alive upstream connection that the upstream closed:
                # open a new one and send once more.
                conn.close()
                self.conn = None
                if retry:
                    raise
        raise AssertionError("unreachable")

    def _handle(self) -> None:
        start = time.monotonic()
        body = self._read_body()
        if self.delay > 0:
            time.sleep(self.delay)
        try:
            resp = self._forward(body)
            data = resp.read()
        except (OSError, http.client.HTTPException) as err:
            self.stats.add(error=True)
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            msg = f"latency_proxy: upstream failed: {err}\n".encode()
            self.send_response(502)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        self.stats.add()
        if self.verbose:
            self._log_call(body, resp.status, start)
        if resp.will_close:
            self.conn.close()
            self.conn = None
        # Status line and headers as the upstream sent them; the body is sent
        # whole with its length (http.client has undone any chunking).
        self.send_response_only(resp.status, resp.reason)
        no_body = self.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200
        for name, value in resp.getheaders():
            lower = name.lower()
            if lower in HOP or lower == "transfer-encoding":
                continue
            if lower == "content-length" and not no_body:
                continue
            self.send_header(name, value)
        if not no_body:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not no_body:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000 (moto)")
    parser.add_argument("--listen-port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--delay-ms", type=float, default=50.0, help="added before every call")
    parser.add_argument("--verbose", action="store_true", help="log every call to standard error")
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname:
        parser.error("--upstream must be http://HOST:PORT")
    Handler.upstream = upstream
    Handler.delay = args.delay_ms / 1000.0
    Handler.stats = Stats()
    Handler.verbose = args.verbose
    server = Server(("127.0.0.1", args.listen_port), Handler)
    port = server.server_address[1]
    print(f"latency_proxy listening on http://127.0.0.1:{port} -> {args.upstream}, "
          f"+{args.delay_ms:g} ms per call", flush=True)

    def stop(signum, frame):  # noqa: ARG001
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        print(f"latency_proxy: {Handler.stats.calls} calls forwarded, {Handler.stats.errors} failed",
              file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
