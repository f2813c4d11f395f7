"""How long to wait before trying the database again during an outage: one policy for every
loop of the worker (the start-up wait, the claim loop, the listener, outcome writes, leases)."""

FIRST_SECONDS = 0.5
#: Short on purpose: it bounds how long a worker stays idle once the database is back (with a
#: 30-second cap one worker idled 27 s after a restart). An attempt every 2 s per loop and
#: replica costs PostgreSQL nothing.
MAX_SECONDS = 2.0


class Backoff:
    """Doubling delays from ``first`` up to ``cap``; :meth:`reset` after a success."""

    def __init__(self, first: float = FIRST_SECONDS, cap: float = MAX_SECONDS) -> None:
        self.first = first
        self.cap = cap
        self.delay = first

    def next(self) -> float:
        """The delay to wait now; the following one doubles, up to the cap."""
        delay = self.delay
        self.delay = min(self.delay * 2, self.cap)
        return delay

    def reset(self) -> None:
        self.delay = self.first
