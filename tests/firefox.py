"""Headless Firefox driven through WebDriver BiDi (a WebSocket on a local port), for pages that
must work in Firefox too: ``Firefox(url).js(expression)`` evaluates in the page and returns
the value (sent back as JSON text). No WebDriver package is needed: the WebSocket is spoken
here, text frames only."""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
NO_FIREFOX = ("no Firefox binary on PATH (looked for 'firefox-esr' and 'firefox'): the explorer's Firefox test "
              "cannot run. Install Debian's package (apt-get install -y firefox-esr); .ci/run does this.")


class Firefox:
    """One headless Firefox with one WebDriver BiDi session on a page."""

    def __init__(self):
        self.profile = tempfile.mkdtemp()
        self.process = subprocess.Popen([FIREFOX, "--headless", "--remote-debugging-port", "0", "--profile",
                                         self.profile, "--no-remote"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        address = None
        deadline = time.monotonic() + 60
        while address is None:
            line = self.process.stderr.readline()
            assert line or self.process.poll() is None, "firefox exited before listening"
            assert time.monotonic() < deadline, "firefox did not start WebDriver BiDi"
            found = re.search(r"WebDriver BiDi listening on ws://([\d.]+):(\d+)", line)
            if found:
                address = (found.group(1), int(found.group(2)))
        self.socket = socket.create_connection(address, timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.socket.sendall((f"GET /session HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\nUpgrade: websocket\r\n"
                             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                            .encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += self.socket.recv(4096)
        assert b" 101 " in reply.split(b"\r\n")[0], reply
        self.buffer, self.count = reply.split(b"\r\n\r\n", 1)[1], 0
        self.send("session.new", capabilities={})
        self.context = self.send("browsingContext.getTree")["contexts"][0]["context"]

    def _frame(self, text):
        payload, mask = text.encode(), os.urandom(4)
        size = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else
                                bytes([0x80 | 126]) + size.to_bytes(2, "big") if size < 65536 else
                                bytes([0x80 | 127]) + size.to_bytes(8, "big"))
        self.socket.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.socket.recv(1 << 16)
            if not chunk:
                raise EOFError("firefox closed the WebSocket")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _message(self):
        parts = []
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size == 126:
                size = int.from_bytes(self._read(2), "big")
            elif size == 127:
                size = int.from_bytes(self._read(8), "big")
            parts.append(self._read(size))
            if first & 0x80:
                return b"".join(parts).decode()

    def send(self, method, **params):
        self.count += 1
        self._frame(json.dumps({"id": self.count, "method": method, "params": params}))
        while True:
            reply = json.loads(self._message())
            if reply.get("id") == self.count:
                if reply.get("type") == "error":
                    raise RuntimeError(f"{reply.get('error')}: {reply.get('message')}")
                return reply["result"]

    def open(self, url):
        self.send("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def js(self, expression):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send("script.evaluate", expression=f"Promise.resolve({expression}).then(v => JSON.stringify(v))",
                           target={"context": self.context}, awaitPromise=True)
        if result["type"] == "exception":
            raise RuntimeError(result["exceptionDetails"]["text"])
        value = result["result"]
        return None if value["type"] == "undefined" else json.loads(value["value"])

    def close(self):
        try:
            self.send("browser.close")
            self.process.wait(20)
        except (OSError, EOFError, RuntimeError, subprocess.TimeoutExpired):
            pass
        finally:
            self.process.kill()
            self.socket.close()
            shutil.rmtree(self.profile, ignore_errors=True)
