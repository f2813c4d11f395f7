import threading
import time

from bioreport_engine.ratelimit import LocalRateLimiter, capacity


def test_capacity_is_one_second_of_budget() -> None:
    assert capacity(60) == 1 and capacity(600) == 10 and capacity(6) == 1


def test_the_local_bucket_holds_across_threads() -> None:
    limiter = LocalRateLimiter(per_minute=600)  # ten a second, burst of ten
    taken: list[float] = []
    lock = threading.Lock()

    def take(count: int) -> None:
        for _ in range(count):
            limiter.acquire()
            with lock:
                taken.append(time.monotonic())

    threads = [threading.Thread(target=take, args=(10,)) for _ in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 30
    assert max(taken) - started >= 1.8  # 30 = burst of 10 + 20 at ten a second
