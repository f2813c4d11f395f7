"""Running a PDF extractor safely: size checks, and a child process with time and memory limits.

PDF parsers have known hangs, memory blow-ups and crashes on hostile files (decompression bombs,
text explosions, malformed streams). The selected extractor runs in long-lived child processes,
one per concurrent job, each under an address-space limit; a child that times out, runs out of
memory or crashes is replaced and the document fails permanently, while the worker carries on.
A child never outlives its worker: Linux kills it when the worker goes away, even in the middle
of a document, and :meth:`IsolatedExtractor.close` kills busy children too. This also makes
non-thread-safe libraries (PyMuPDF) safe to use from the worker's threads.
"""

import ctypes
import json
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, Protocol

from bioreport_engine.errors import ConfigurationError, PermanentError, StageError, TransientError
from bioreport_engine.stages import ExtractionLimits, PdfExtractor
from bioreport_engine.texts import ExtractedText

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
START_TIMEOUT_SECONDS = 120.0
#: The exit status of a child that ran out of memory outside the guarded extraction (while
#: pickling a big reply, say); the parent reports it as running out of memory.
OUT_OF_MEMORY_EXIT = 3
#: ``prctl`` option (linux/prctl.h): the signal a process gets when its parent goes away.
_PR_SET_PDEATHSIG = 1


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


def check_char_count(chars: int, limits: ExtractionLimits, *, at_least: bool = False) -> None:
    """Text over ``PDF_MAX_CHARS`` fails permanently: a PDF of a few kilobytes can draw millions
    of characters (a text explosion), more than any later stage should be given."""
    if chars > limits.max_chars:
        count = f"at least {chars:,}" if at_least else f"{chars:,}"
        raise PermanentError(
            f"too much text: {count} characters, over the limit of {limits.max_chars:,} "
            "(PDF_MAX_CHARS)"
        )


def collect_pages(texts: Iterable[str], limits: ExtractionLimits) -> tuple[str, ...]:
    """The pages' texts, drawn one at a time from ``texts`` (a generator that extracts page by
    page), stopping at the first page that takes the total over ``limits.max_chars``: the
    pages after it are never extracted."""
    pages: list[str] = []
    total = 0
    for text in texts:
        total += len(text)
        check_char_count(total, limits, at_least=True)
        pages.append(text)
    return tuple(pages)


#: The start of the permanent error for a PDF without any text (every page blank).
NO_TEXT = "no extractable text: the PDF looks scanned (no page has a text layer)"
#: What an operator does about it.
HOW_TO_ENABLE_OCR = (
    "to read scans, install an OCR extractor plugin (e.g. bioreport-pdf-ocr) and set "
    "PDF_OCR_FALLBACK=true or PDF_ENGINE=ocr"
)


def require_text(pages: Sequence[str]) -> None:
    """Fail permanently when every page is blank.

    Kept for third-party extractors written before the OCR fallback; extractors should no
    longer call it: they return blank pages, and the engine sends them to the OCR extractor
    (``PDF_OCR_FALLBACK``), or fails the document with this same message when there is none.
    """
    if not any(page.strip() for page in pages):
        raise PermanentError(f"{NO_TEXT}; OCR is not enabled: {HOW_TO_ENABLE_OCR}")


def _out_of_memory(limits: ExtractionLimits) -> str:
    return f"extraction ran out of memory (over {limits.memory_mb} MB, PDF_MEMORY_LIMIT_MB)"


#: Why a document in flight stops when the extractor is closed: its job was abandoned (the worker
#: is stopping) and the document is not to blame, so the error is transient.
_CLOSED = "the PDF extractor was shut down (the worker is stopping)"


class _ChildGone(Exception):
    """The child timed out or died; the message says which, safely."""


class _Unavailable(Exception):
    """No child could take the document (one could not be started, failed before it was ready,
    or had died while idle): not the document's fault. The message says why, safely."""


class _Child:
    """One extractor process (``python -m bioreport_engine.extraction``) and its two pipes.

    A plain subprocess rather than ``multiprocessing``: it does not re-import the parent's
    ``__main__``, whatever program embeds the engine.
    """

    def __init__(self, stage: str, plugins: tuple[Any, ...], memory_mb: int) -> None:
        arguments = json.dumps(
            {"stage": stage, "plugins": plugins, "memory_mb": memory_mb, "parent": os.getpid()}
        )
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bioreport_engine.extraction", arguments],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError as exc:
            raise _Unavailable(f"the PDF extractor process could not be started: {exc}") from None
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.replies = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.started = time.monotonic()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        """Whether the child is ready, waiting up to ``timeout`` seconds for it; raises
        :class:`_Unavailable` when it failed to start."""
        if self.ready:
            return True
        if not self.replies.poll(max(timeout, 0.0)):
            return False
        try:
            status, detail = self.replies.recv()
        except EOFError:
            raise _Unavailable(
                f"the PDF extractor process exited at start (code {self.exit_code()})"
            ) from None
        if status != "ready":
            raise _Unavailable(detail)
        self.ready = True
        return True

    def extract(self, pdf: bytes, limits: ExtractionLimits, deadline: float) -> ExtractedText:
        try:
            self.requests.send((pdf, limits))
        except OSError:  # it died while idle (the OOM killer, say): not this document's doing
            raise _Unavailable(
                f"the PDF extractor process had exited while idle (code {self.exit_code()})"
            ) from None
        if not self.replies.poll(max(deadline - time.monotonic(), 0.0)):
            raise _ChildGone(
                f"extraction timed out after {limits.timeout_seconds:g} s (PDF_TIMEOUT_SECONDS)"
            )
        try:
            status, payload = self.replies.recv()
        except EOFError:
            raise _ChildGone(_death(self.exit_code(), limits)) from None
        if status == "ok":
            assert isinstance(payload, ExtractedText)
            return payload
        if status == "transient":
            raise TransientError(payload)
        raise PermanentError(payload)

    def exit_code(self) -> int | None:
        """The exit status, once the process has exited (``None`` if it has not in 5 s)."""
        try:
            return self.process.wait(5)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """Kill the process and reap it. Safe from any thread: the pipes stay open for the
        thread that may be using them (see :meth:`discard`)."""
        self.process.kill()
        self.exit_code()

    def discard(self) -> None:
        """Kill the process, reap it and close the pipes: by the thread that holds the child."""
        self.kill()
        self.requests.close()
        self.replies.close()

    def close(self) -> None:
        """Ask an idle child to exit, then make sure it has."""
        if self.ready:
            try:
                self.requests.send(None)
                self.process.wait(2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.discard()


def _death(exitcode: int | None, limits: ExtractionLimits) -> str:
    if exitcode == OUT_OF_MEMORY_EXIT:
        return _out_of_memory(limits)
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return (
            f"the PDF crashed the extractor ({name}); it is malformed or needs more than "
            f"{limits.memory_mb} MB (PDF_MEMORY_LIMIT_MB)"
        )
    return f"the PDF extractor process exited unexpectedly (code {exitcode})"


class IsolatedExtractor:
    """A :class:`~bioreport_engine.stages.PdfExtractor` that delegates to child processes.

    ``processes`` slots, each holding a child (ready, or still starting) or nothing (a child
    that could not be started: the next document starts one). :meth:`extract` takes a slot,
    and returns or raises within ``limits.timeout_seconds`` whatever happens: a child that
    times out or dies is replaced at once, without waiting for the replacement to start, and
    a document that finds its child still starting waits for it only within its own limit.
    """

    def __init__(
        self,
        stage: str,
        *,
        processes: int,
        memory_mb: int,
        load_plugins: Sequence[str] | None = None,
        disable_plugins: Sequence[str] = (),
        wait: bool = True,
        lazy: bool = False,
    ) -> None:
        """``wait=False`` returns while the children start (see :meth:`wait_ready`);
        ``lazy=True`` starts none until a document needs one (the OCR fallback's extractor:
        most documents never do), each within that document's time limit."""
        self._args = (stage, (load_plugins, tuple(disable_plugins)), memory_mb)
        self.processes = processes
        self._idle: queue.SimpleQueue[_Child | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._children: set[_Child] = set()  # every child started and not yet discarded
        self._closed = False
        # Linux sends the parent-death signal when the *thread* that started a child ends, not
        # the worker: children are started from this one thread, which lives as long as the
        # extractor, never from a job thread that may end first.
        self._starter = ThreadPoolExecutor(1, thread_name_prefix="bioreport-pdf-starter")
        try:
            for _ in range(processes):
                self._idle.put(None if lazy else self._start())
        except _Unavailable as failed:
            self.close()
            raise ConfigurationError(str(failed)) from None
        if wait and not lazy:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Wait for the children started by the constructor (they start in parallel with
        whatever the caller builds meanwhile); one that cannot start stops start-up."""
        children = [self._idle.get() for _ in range(self.processes)]
        try:
            for child in children:
                if child is None:
                    continue
                remaining = child.started + START_TIMEOUT_SECONDS - time.monotonic()
                if not child.wait_ready(remaining):
                    raise _Unavailable("the PDF extractor process did not start in time")
        except _Unavailable as failed:
            self.close()
            raise ConfigurationError(str(failed)) from None
        finally:
            for child in children:
                self._idle.put(child)

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        deadline = time.monotonic() + limits.timeout_seconds
        child = self._idle.get()
        try:
            if self._closed:
                raise TransientError(_CLOSED)
            if child is None:
                child = self._start()
            if not child.wait_ready(deadline - time.monotonic()):
                if time.monotonic() > child.started + START_TIMEOUT_SECONDS:
                    child = self._replace(child)  # stuck at start
                raise TransientError(
                    "the PDF extractor process did not start within "
                    f"{limits.timeout_seconds:g} s (PDF_TIMEOUT_SECONDS)"
                )
            try:
                return child.extract(pdf, limits, deadline)
            except _ChildGone as gone:
                child = self._replace(child)
                if self._closed:
                    raise TransientError(_CLOSED) from None
                raise PermanentError(str(gone)) from None
        except _Unavailable as failed:  # the process, not the document: try again later
            if child is not None:
                self._discard(child)
            child = None  # the next document starts one
            raise TransientError(str(failed)) from None
        finally:
            self._idle.put(child)

    def close(self) -> None:
        """Stop every child this extractor started, busy ones included.

        Idle children are asked to exit; busy ones (a job that the worker abandoned after its
        shutdown grace period) and ones still starting are killed, and their documents get a
        :class:`~bioreport_engine.errors.TransientError`, as does any later :meth:`extract`.
        """
        with self._lock:
            self._closed = True
            children, self._children = self._children, set()
        idle: set[_Child] = set()
        while True:
            try:
                child = self._idle.get_nowait()
            except queue.Empty:
                break
            if child in children:
                idle.add(child)
        for child in children - idle:
            child.kill()
        for child in idle:
            child.close()
        for _ in range(self.processes):
            self._idle.put(None)  # wakes any caller waiting for a slot: it finds us closed
        self._starter.shutdown(wait=False)

    def _start(self) -> _Child:
        """A new child, started from the starter thread (see ``__init__``); not ready yet."""
        if self._closed:
            raise _Unavailable(_CLOSED)
        try:
            child = self._starter.submit(_Child, *self._args).result()
        except RuntimeError:  # the starter was shut down: closed
            raise _Unavailable(_CLOSED) from None
        with self._lock:
            if not self._closed:
                self._children.add(child)
                return child
        child.discard()
        raise _Unavailable(_CLOSED)

    def _replace(self, child: _Child) -> _Child | None:
        """Discard ``child`` and start its replacement, without waiting for it to be ready;
        ``None`` when none can be started (the next document tries again)."""
        self._discard(child)
        try:
            return self._start()
        except _Unavailable:
            return None

    def _discard(self, child: _Child) -> None:
        with self._lock:
            self._children.discard(child)
        child.discard()


class _Requests(Protocol):
    def recv(self) -> Any: ...


class _Replies(Protocol):
    def send(self, obj: Any) -> None: ...


def _serve(requests: _Requests, replies: _Replies, stage: str, plugins: Any, memory_mb: int) -> int:
    """The child: build the stage once, then serve requests; returns the exit status."""
    # The parent decides when the child stops: a Ctrl-C, or a SIGTERM sent to the worker's
    # whole process group or cgroup, must not fail the document being extracted.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        from bioreport_engine.plugins.registry import discover

        load, disable = plugins
        extractor = discover(load, disable).pdf_extractor(stage).spec.build()
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        replies.send(("failed", f"PDF_ENGINE={stage!r} could not be built in the child: {message}"))
        return 0
    replies.send(("ready", None))
    return _serve_requests(requests, replies, extractor)


def _serve_requests(requests: _Requests, replies: _Replies, extractor: PdfExtractor) -> int:
    """Extract one document per request until the parent says stop or goes away; returns the
    exit status.

    Every error of an extraction is a reply (see :func:`_extract`). Running out of memory
    outside it (pickling a big reply, say) ends the child with :data:`OUT_OF_MEMORY_EXIT`,
    which the parent reports as such; a parent that is gone ends it quietly. Either way no
    traceback reaches the worker's log.
    """
    try:
        while True:
            try:
                request = requests.recv()
            except EOFError:
                return 0
            if request is None:
                return 0
            reply = _extract(extractor, *request)
            del request  # the PDF: not kept while the reply is pickled
            replies.send(reply)
            del reply
    except MemoryError:
        return OUT_OF_MEMORY_EXIT
    except OSError:  # the parent closed its end of a pipe: it is gone
        return 0


def _extract(extractor: PdfExtractor, pdf: bytes, limits: ExtractionLimits) -> tuple[str, object]:
    try:
        extracted = extractor.extract(pdf, limits)
        # Before the reply is pickled: an extractor that forgets PDF_MAX_CHARS passes no bomb on.
        check_char_count(extracted.char_count, limits)
        return ("ok", extracted)
    except MemoryError:
        return ("permanent", _out_of_memory(limits))
    except StageError as exc:
        return ("transient" if exc.retryable else "permanent", str(exc))
    except RecursionError:
        return ("permanent", "the PDF is too deeply nested to parse")
    except Exception as exc:  # a library error: its text may quote the document
        return ("permanent", f"the PDF could not be parsed ({type(exc).__name__})")


def _die_with_parent(parent: int) -> None:
    """Have Linux kill this process when its parent goes away, even in the middle of a document
    (between documents, the requests pipe's end of file says so too)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # it went away before the signal was armed
        os._exit(0)


def _child_main() -> None:
    """Entry point of the child: requests on stdin, replies on a copy of stdout. The real
    stdout then points at stderr, so nothing a library prints can corrupt the replies."""
    arguments = json.loads(sys.argv[1])
    _die_with_parent(arguments["parent"])
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    try:
        status = _serve(
            Connection(0, writable=False),
            replies,
            arguments["stage"],
            arguments["plugins"],
            arguments["memory_mb"],
        )
    except MemoryError:
        status = OUT_OF_MEMORY_EXIT
    except OSError:  # the parent went away during the start
        status = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)  # no interpreter teardown: nothing more can be written to the log


if __name__ == "__main__":
    _child_main()
