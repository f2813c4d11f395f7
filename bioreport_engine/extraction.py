"""Running a PDF extractor safely: size checks, and a child process with time and memory limits.

PDF parsers have known hangs, memory blow-ups and crashes on hostile files (decompression bombs,
malformed streams). With ``PDF_ISOLATION=process`` (the default) the selected extractor runs in
long-lived child processes, one per concurrent job, each under an address-space limit; a child
that times out, runs out of memory or crashes is replaced and the document fails permanently,
while the worker carries on. This also makes non-thread-safe libraries (PyMuPDF) safe to use
from the worker's threads.
"""

import json
import os
import queue
import resource
import signal
import subprocess
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from bioreport_engine.errors import ConfigurationError, PermanentError, StageError, TransientError
from bioreport_engine.stages import ExtractionLimits
from bioreport_engine.texts import ExtractedText

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
START_TIMEOUT_SECONDS = 120.0


def check_size(size: int, max_bytes: int) -> None:
    """A file of ``size`` bytes over ``PDF_MAX_BYTES`` fails permanently."""
    if size > max_bytes:
        raise PermanentError(
            f"the file is {size / 1e6:.1f} MB, over the limit of "
            f"{max_bytes / 1e6:.1f} MB (PDF_MAX_BYTES)"
        )


def require_pdf(pdf: bytes) -> None:
    """Reject what is not a whole PDF before a parser sees it (a helper for extractors).

    Parsers repair truncated files as best they can and may return part of the text, or none;
    a PDF ends with ``%%EOF``, so a missing marker is reported as truncation by every engine.
    """
    if not pdf.strip():
        raise PermanentError("not a PDF: the file is empty")
    if PDF_HEADER not in pdf[:1024]:
        head = pdf[:512].lstrip().lower()
        looks_like = " (it looks like HTML)" if head.startswith((b"<!doctype", b"<html")) else ""
        raise PermanentError(f"not a PDF: no %PDF- header{looks_like}")
    if PDF_END not in pdf[-8192:]:
        raise PermanentError("the PDF is corrupt or truncated (no %%EOF marker at its end)")


def check_page_count(pages: int, limits: ExtractionLimits) -> None:
    """The page checks every extractor makes once it knows the page count."""
    if pages == 0:
        raise PermanentError("the PDF has no pages")
    if pages > limits.max_pages:
        raise PermanentError(
            f"the PDF has {pages} pages, over the limit of {limits.max_pages} (PDF_MAX_PAGES)"
        )


def require_text(pages: Sequence[str]) -> None:
    if not any(page.strip() for page in pages):
        raise PermanentError("no extractable text: the PDF looks scanned; OCR is not enabled")


class _ChildGone(Exception):
    """The child timed out or died; the message says which, safely."""


class _Child:
    """One extractor process (``python -m bioreport_engine.extraction``) and its two pipes.

    A plain subprocess rather than ``multiprocessing``: it does not re-import the parent's
    ``__main__``, whatever program embeds the engine.
    """

    def __init__(self, stage: str, plugins: tuple[Any, ...], memory_mb: int) -> None:
        arguments = json.dumps({"stage": stage, "plugins": plugins, "memory_mb": memory_mb})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bioreport_engine.extraction", arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.replies = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    def wait_ready(self) -> None:
        if not self.replies.poll(START_TIMEOUT_SECONDS):
            self.kill()
            raise ConfigurationError("the PDF extractor process did not start in time")
        try:
            status, detail = self.replies.recv()
        except EOFError:
            raise ConfigurationError(
                f"the PDF extractor process exited at start (code {self.process.wait(5)})"
            ) from None
        if status != "ready":
            raise ConfigurationError(detail)

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        self.requests.send((pdf, limits))
        if not self.replies.poll(limits.timeout_seconds):
            raise _ChildGone(
                f"extraction timed out after {limits.timeout_seconds:g} s (PDF_TIMEOUT_SECONDS)"
            )
        try:
            status, payload = self.replies.recv()
        except EOFError:
            raise _ChildGone(_death(self.process.wait(5), limits)) from None
        if status == "ok":
            assert isinstance(payload, ExtractedText)
            return payload
        if status == "transient":
            raise TransientError(payload)
        raise PermanentError(payload)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.requests.close()
        self.replies.close()

    def close(self) -> None:
        try:
            self.requests.send(None)
            self.process.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _death(exitcode: int | None, limits: ExtractionLimits) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return (
            f"the PDF crashed the extractor ({name}); it is malformed or needs more than "
            f"{limits.memory_mb} MB (PDF_MEMORY_LIMIT_MB)"
        )
    return f"the PDF extractor process exited unexpectedly (code {exitcode})"


class IsolatedExtractor:
    """A :class:`~bioreport_engine.stages.PdfExtractor` that delegates to child processes."""

    def __init__(
        self,
        stage: str,
        *,
        processes: int,
        memory_mb: int,
        load_plugins: Sequence[str] | None = None,
        disable_plugins: Sequence[str] = (),
        wait: bool = True,
    ) -> None:
        self._args = (stage, (load_plugins, tuple(disable_plugins)), memory_mb)
        self._starting = [self._spawn_unready() for _ in range(processes)]
        self._idle: queue.SimpleQueue[_Child] = queue.SimpleQueue()
        self.processes = processes
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Wait for the children started by the constructor (they start in parallel with
        whatever the caller builds meanwhile)."""
        starting, self._starting = self._starting, []
        for child in starting:
            child.wait_ready()
            self._idle.put(child)

    def _spawn_unready(self) -> _Child:
        return _Child(*self._args)

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        if self._starting:
            self.wait_ready()
        child = self._idle.get()
        try:
            return child.extract(pdf, limits)
        except _ChildGone as gone:
            child.kill()
            child = self._spawn_unready()
            child.wait_ready()
            raise PermanentError(str(gone)) from None
        finally:
            self._idle.put(child)

    def close(self) -> None:
        for _ in range(self.processes):
            self._idle.get().close()


def _serve(
    requests: Connection, replies: Connection, stage: str, plugins: Any, memory_mb: int
) -> None:
    """The child's loop: build the stage once, then extract one document per request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the child stops
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from bioreport_engine.plugins.registry import discover

        load, disable = plugins
        extractor = discover(load, disable).pdf_extractor(stage).spec.build()
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        replies.send(("failed", f"PDF_ENGINE={stage!r} could not be built in the child: {message}"))
        return
    replies.send(("ready", None))
    while True:
        try:
            request = requests.recv()
        except EOFError:
            return
        if request is None:
            return
        replies.send(_extract(extractor, *request))


def _extract(extractor: Any, pdf: bytes, limits: ExtractionLimits) -> tuple[str, object]:
    try:
        return ("ok", extractor.extract(pdf, limits))
    except MemoryError:
        return (
            "permanent",
            f"extraction ran out of memory (over {limits.memory_mb} MB, PDF_MEMORY_LIMIT_MB)",
        )
    except StageError as exc:
        return ("transient" if exc.retryable else "permanent", str(exc))
    except RecursionError:
        return ("permanent", "the PDF is too deeply nested to parse")
    except Exception as exc:  # a library error: its text may quote the document
        return ("permanent", f"the PDF could not be parsed ({type(exc).__name__})")


def _child_main() -> None:
    """Entry point of the child: requests on stdin, replies on a copy of stdout. The real
    stdout then points at stderr, so nothing a library prints can corrupt the replies."""
    arguments = json.loads(sys.argv[1])
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    _serve(
        Connection(0, writable=False),
        replies,
        arguments["stage"],
        arguments["plugins"],
        arguments["memory_mb"],
    )


if __name__ == "__main__":
    _child_main()
