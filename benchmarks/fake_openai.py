"""A local OpenAI-compatible server for tests, benchmarks and demos: real HTTP on 127.0.0.1,
so the real ``openai`` SDK (on httpx2, which ``respx`` cannot intercept) talks to it.

Scripted per test: queue :class:`Reply` objects and they are served in order; with the queue
empty it answers like a well-behaved model, reading the biomarker rows of the document it was
sent. Every request is recorded. ``python -m benchmarks.fake_openai --port 8089`` runs it.
"""

import argparse
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ROW = re.compile(
    r"^(?P<analyte>[A-Za-z][\w ,()/%'-]*?)\s+(?P<value>-?\d+(?:\.\d+)?)\s+(?:(?P<flag>H|L)\s+)?"
    r"(?P<unit>\S+)\s+(?P<reference>(?:[<>]\s?\d[\d.]*|\d[\d.]*\s?-\s?\d[\d.]*))\s*$",
    re.MULTILINE,
)
DOCUMENT = re.compile(r"<document>\n?(?P<text>.*?)\n?</document>", re.DOTALL)


@dataclass
class Reply:
    """One scripted answer: an HTTP status, headers and a JSON (or raw text) body."""

    status: int = 200
    body: Any = None  # None: the default answer, built from the document
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Seconds between two bytes of the whole response, status line first: a server that is
    #: never silent for long enough to trip a read timeout, and takes minutes to finish.
    trickle: float = 0.0


def completion(content: str | None, refusal: str | None = None, finish: str = "stop") -> Any:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def error(status: int, code: str, message: str = "error", kind: str = "error") -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "code": code}})


def rows_of(text: str) -> list[dict[str, Any]]:
    rows = []
    for match in ROW.finditer(text):
        reference = match["reference"]
        low = high = None
        if "-" in reference and not reference.startswith(("<", ">")):
            low, high = (float(part) for part in reference.split("-"))
        rows.append(
            {
                "analyte": match["analyte"].strip(),
                "value": float(match["value"]),
                "value_text": match["value"],
                "unit": match["unit"],
                "reference_low": low,
                "reference_high": high,
                "reference_text": reference,
                "flag": match["flag"],
            }
        )
    return rows


def default_answer(request: dict[str, Any]) -> Any:
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    document = DOCUMENT.search(user)
    text = document["text"] if document else user
    return completion(json.dumps({"collection_date": None, "rows": rows_of(text)}))


class FakeOpenAI:
    """Serve on 127.0.0.1 (a free port unless given) until :meth:`stop`."""

    def __init__(self, port: int = 0, delay: float = 0.0) -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.delay = delay
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                server.record(self.path, dict(self.headers), request)
                reply = server.next_reply()
                time.sleep(reply.delay or server.delay)
                body = default_answer(request) if reply.body is None else reply.body
                payload = body if isinstance(body, str) else json.dumps(body)
                if reply.trickle:
                    self._trickle(reply, payload.encode())
                    return
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload.encode())))
                    self.end_headers()
                    self.wfile.write(payload.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _trickle(self, reply: Reply, payload: bytes) -> None:
                headers = {**reply.headers, "Content-Type": "application/json"}
                headers["Content-Length"] = str(len(payload))
                head = f"HTTP/1.1 {reply.status} {self.responses[reply.status][0]}\r\n"
                head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
                response = head.encode() + b"\r\n" + payload
                self.close_connection = True
                try:
                    for offset in range(len(response)):
                        self.wfile.write(response[offset : offset + 1])
                        self.wfile.flush()
                        time.sleep(reply.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: what a deadline is for

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def record(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(
                {"path": path, "headers": headers, "body": body, "time": time.monotonic()}
            )

    def next_reply(self) -> Reply:
        with self.lock:
            return self.script.popleft() if self.script else Reply()

    def start(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fake_openai", description=__doc__)
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args()
    server = FakeOpenAI(args.port, args.delay)
    print(f"OpenAI-compatible test server on {server.base_url}", flush=True)
    server.httpd.serve_forever()


if __name__ == "__main__":
    main()
