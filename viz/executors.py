"""Where independent jobs run: here, one after the other; in local worker processes
(``--jobs N``, the standard library's :class:`concurrent.futures.ProcessPoolExecutor`); or as
tasks on a Ray cluster (``--executor ray``, the optional extra ``viz[ray]``). One interface
for all: :meth:`map` calls a module-level function on each task and yields ``(index,
result)`` as each finishes. The functions return their errors as data instead of raising
them (see :mod:`viz.workers`), so what crosses a process is always viz's own.

Ctrl-C and SIGTERM stop every worker: a local worker gets SIGTERM, unwinds the job it is
running (removing its unfinished file) and leaves, and one that has not left within
:data:`GRACE` seconds is killed; Ray tasks still running are cancelled."""

import concurrent.futures
import multiprocessing
from concurrent.futures.process import BrokenProcessPool
import os
import signal
import socket
from urllib.parse import urlsplit

from viz import signals
from viz.choices import EXECUTORS  # noqa: F401  (the names get() takes)
from viz.errors import OptionError, VizError, said

GRACE = 30  # seconds a stopped worker has to leave (a compiled training loop finishes its call first)
REACH = 10  # seconds to reach a Ray cluster's address before saying it cannot be reached
RETRIES = 2  # times Ray runs a task again when its worker dies
WAKE = 0.5  # seconds between looks at a signal while Ray's tasks run (Ray's wait does not return for one)


class Here:
    """Every task here, in this process, in order."""

    workers, remote, slots = 1, False, 1

    def map(self, function, tasks):
        """``(index, function(task))`` for each of ``tasks``, in order."""
        for index, task in enumerate(tasks):
            yield index, function(task)


class Processes:
    """Tasks in ``workers`` local processes, started with 'spawn' (TensorFlow does not survive
    a fork); each process takes one task at a time."""

    remote = False

    def __init__(self, workers):
        self.workers = self.slots = workers

    def map(self, function, tasks):
        """``(index, function(task))`` for each of ``tasks``, as each finishes. Raises
        ``RuntimeError`` if a worker process dies (killed from outside)."""
        tasks = list(tasks)
        pool = concurrent.futures.ProcessPoolExecutor(min(self.workers, len(tasks)) or 1, initializer=_worker,
                                                      mp_context=multiprocessing.get_context("spawn"))
        try:
            futures = {pool.submit(_guarded, function, task): index for index, task in enumerate(tasks)}
            for future in concurrent.futures.as_completed(futures):
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise RuntimeError("a worker process ended unexpectedly") from None
                yield futures[future], result
        finally:
            _stop(pool)


def _stop(pool):
    """Stop the pool's processes (SIGTERM: a busy one deletes its unfinished file, an idle one
    just leaves), kill any that has not left within :data:`GRACE` seconds, then the pool.
    ``_processes`` is the pool's own table: the standard library (before 3.14) has no public
    way to stop a running worker."""
    processes = list((pool._processes or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(GRACE)
        if process.is_alive():
            process.kill()
            process.join()
    pool.shutdown(wait=True, cancel_futures=True)


def _worker():
    """A local worker's start: Ctrl-C is left to the main process, which stops the workers with
    SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _guarded(function, task):
    """``function(task)`` in a worker, SIGTERM unwinding it (so its unfinished file is removed);
    then the worker leaves at once, without the interpreter's shutdown (TensorFlow's threads can
    hang it after a signal)."""
    with signals.handled():
        try:
            return function(task)
        except signals.Terminated:
            pass
    os._exit(0)


class Ray:
    """Tasks on the Ray cluster at ``address`` (``host:port`` of its head, or ``ray://host:port``
    for Ray's client), connected once per process. A task whose worker dies is run again
    (:data:`RETRIES` times)."""

    remote = True
    workers = None

    def __init__(self, address, ray=None):
        self.address = address
        self.ray = ray or _connect(address)

    @property
    def slots(self):
        """The cluster's CPUs: how many tasks run at once."""
        return max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def map(self, function, tasks):
        """``(index, function(task))`` for each of ``tasks``, as each finishes on the cluster.
        Raises :class:`~viz.errors.VizError` if a task cannot be run (its worker died again and
        again)."""
        ray = self.ray
        remote = ray.remote(max_retries=RETRIES)(function)
        refs = {remote.remote(task): index for index, task in enumerate(tasks)}
        pending = list(refs)
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1, timeout=WAKE)  # back in Python: a signal is seen
                for ref in done:
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayError as error:  # its worker died more than RETRIES times, or Ray's own
                        raise VizError(f"a task on the Ray cluster at {self.address} failed: "
                                       f"{said(error)}") from None
                    yield refs[ref], result
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)


_connected = {}  # address -> the ray module, connected to it


def _connect(address):
    """The ``ray`` module, connected to ``address`` (whose head is first reached by a plain socket
    within :data:`REACH` seconds: Ray's own client retries for minutes). Raises
    :class:`~viz.errors.VizError` naming the address."""
    if address in _connected:
        return _connected[address]
    parts = urlsplit(address if "://" in address else f"//{address}")
    try:
        host, port = parts.hostname, parts.port or (10001 if parts.scheme == "ray" else 6379)  # Ray's defaults
    except ValueError:
        raise OptionError("address", address, "is host:port of the Ray cluster's head, e.g. 10.0.0.5:6379") from None
    if not host:
        raise OptionError("address", address, "is host:port of the Ray cluster's head, e.g. 10.0.0.5:6379")
    try:
        socket.create_connection((host, port), timeout=REACH).close()
    except OSError as error:
        raise VizError(f"cannot reach the Ray cluster at {address}: {error.strerror or error}; is Ray started there "
                       "(ray start --head)?") from None
    if host in ("127.0.0.1", "localhost", "::1"):  # read when ray is imported: else Ray swaps 127.0.0.1 for this
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # machine's address, where it waits for minutes
    try:
        import ray  # the optional extra viz[ray]: only when it is asked for
    except ImportError:
        raise VizError("--executor ray needs Ray: pip install 'viz[ray]'") from None
    ours = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    except Exception as error:  # Ray's own (ConnectionError, RuntimeError...): one line naming the address
        raise VizError(f"cannot connect to the Ray cluster at {address}: {said(error)}") from None
    finally:
        for signum, handler in ours.items():  # Ray's would print a stack and exit: SIGTERM stays viz's (exit 143)
            signal.signal(signum, handler)
    _connected[address] = ray
    return ray


def within_ray():
    """In a Ray task, the executor of its own cluster (a task can start tasks)."""
    import ray  # loaded already: this runs in a Ray worker

    return Ray("this Ray cluster", ray)


def get(executor="processes", workers=1, address=None):
    """The executor named ``executor`` (of :data:`EXECUTORS`).

    Args:
        executor: "processes" (local; ``workers`` processes, or here when 1) or "ray".
        workers: local worker processes.
        address: the Ray cluster's address; None: the ``RAY_ADDRESS`` environment variable.

    Returns:
        A :class:`Here`, :class:`Processes` or :class:`Ray`.

    Raises:
        viz.errors.OptionError: Ray without an address.
        viz.errors.VizError: the cluster cannot be reached (the message names the address).
    """
    if executor == "ray":
        address = address or os.environ.get("RAY_ADDRESS")
        if not address:
            raise OptionError("executor", "ray", "needs the cluster's address: --address HOST:PORT or RAY_ADDRESS")
        return Ray(address)
    return Here() if workers == 1 else Processes(workers)
