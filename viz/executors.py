"""Where independent jobs run: here, one after the other; in local worker processes
(``--jobs N``, the standard library's :class:`concurrent.futures.ProcessPoolExecutor`); or as
tasks on a Ray cluster (``--executor ray``, the optional extra ``viz[ray]``). One interface
for all: :meth:`map` calls a module-level function on each task and yields ``(index,
result)`` as each finishes. The functions return their errors as data instead of raising
them (see :mod:`viz.workers`), so what crosses a process is always viz's own.

A task may hold code of a scene file (a ``keras_model``'s build function, a surface's own
function): a scene file is loaded as the module ``viz_scene_<stem>``, which no other process
can import. So each task travels with the ``.py`` files of the folders its code comes from,
and the worker loads those scene files (as viz loads any, :func:`viz.scene.load_scenes`)
before it unpickles the task (:func:`travels`, :func:`_carried`).

Ctrl-C and SIGTERM stop every worker: a local worker gets SIGTERM, unwinds the job it is
running (removing its unfinished file) and leaves, and one that has not left within
:data:`GRACE` seconds is killed; Ray tasks still running are cancelled."""

import concurrent.futures
import io
import multiprocessing
import os
import pickle
import signal
import socket
import sys
import tempfile
import threading
import types
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from urllib.parse import urlsplit

from viz import signals
from viz.choices import EXECUTORS  # noqa: F401  (the names get() takes)
from viz.errors import OptionError, VizError, said
from viz.scene import load_scenes

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


class _Elsewhere:
    """What runs tasks in other processes."""

    def travels(self, function, task):
        """Whether ``function(task)`` can run in another process (see :func:`travels`)."""
        return travels(function, task)


class Processes(_Elsewhere):
    """Tasks in ``workers`` local processes, started with 'spawn' (TensorFlow does not survive
    a fork); each process takes one task at a time, with this process's environment variables.
    The processes stay warm after a map that finished, for the next map of this process with
    as many workers from the same working folder and ``sys.path`` (a job's seeds after its
    learning-rate search, a notebook's next render): each costs seconds to start
    (TensorFlow's import). They are stopped when a map fails or is stopped, when other
    workers are kept instead, and when this process ends."""

    remote = False

    def __init__(self, workers):
        self.workers = self.slots = workers

    def map(self, function, tasks):
        """``(index, function(task))`` for each of ``tasks``, as each finishes. Raises
        ``RuntimeError`` if a worker process dies (killed from outside)."""
        tasks = list(tasks)
        key = (self.workers, os.getcwd(), tuple(sys.path))
        pool = _kept.pop(key, None)
        if pool is None or pool._broken:  # (the standard library's flag: a worker died while idle)
            if pool is not None:
                _stop(pool)
            pool = concurrent.futures.ProcessPoolExecutor(self.workers, initializer=_worker,  # started as tasks come
                                                          mp_context=multiprocessing.get_context("spawn"))
        finished = False
        try:
            futures = {pool.submit(_guarded, _carried, _packed(function, task), dict(os.environ)): index
                       for index, task in enumerate(tasks)}
            for future in concurrent.futures.as_completed(futures):
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise RuntimeError("a worker process ended unexpectedly") from None
                yield futures[future], result
            finished = True
        finally:
            if finished:
                close()
                _kept[key] = pool
            else:
                _stop(pool)


_kept = {}  # the warm workers of the last map that finished: {(workers, folder, sys.path): pool}


def close():
    """Stop the warm worker processes kept for the next map (see :class:`Processes`); also
    when this process ends. They are idle, with no unfinished file to remove: not waited for."""
    while _kept:
        _stop(_kept.popitem()[1], grace=0)


threading._register_atexit(close)  # at exit, before the standard library's own hook waits for idle workers to leave


def _stop(pool, grace=GRACE):
    """Stop the pool's processes (SIGTERM: a busy one deletes its unfinished file, an idle one
    just leaves), kill any that has not left within ``grace`` seconds, then the pool.
    ``_processes`` is the pool's own table: the standard library (before 3.14) has no public
    way to stop a running worker."""
    processes = list((pool._processes or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.kill()
            process.join()
    pool.shutdown(wait=True, cancel_futures=True)


def _worker():
    """A local worker's start: Ctrl-C is left to the main process, which stops the workers with
    SIGTERM; SIGTERM ends an idle worker at once, even when the main process ignores it (a
    signal ignored there stays ignored in a process it starts)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _guarded(function, task, environment):
    """``function(task)`` in a worker, with the main process's ``environment`` variables set
    (a warm worker started before some were), SIGTERM unwinding it (so its unfinished file is
    removed); then the worker leaves at once, without the interpreter's shutdown
    (TensorFlow's threads can hang it after a signal)."""
    os.environ.update(environment)
    with signals.handled():
        try:
            return function(task)
        except signals.Terminated:
            pass
    os._exit(0)


class Ray(_Elsewhere):
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
        remote = ray.remote(max_retries=RETRIES)(_carried)
        refs = {remote.remote(_packed(function, task)): index for index, task in enumerate(tasks)}
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


SCENE_MODULE = "viz_scene_"  # how viz.scene.load_scenes names a scene file's module


class _Finder(pickle.Pickler):
    """A pickler that notes the modules of the functions and classes it pickles by name."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.modules = set()

    def persistent_id(self, obj):
        if isinstance(obj, (types.FunctionType, type)):
            self.modules.add(obj.__module__)
        return None  # pickled as usual


def travels(function, task):
    """Whether ``function(task)`` can run in another process: it pickles, and its code is
    importable there or comes from a scene file (a notebook's or a script's own cannot)."""
    return _packed(function, task, strict=False) is not None


def _packed(function, task, strict=True):
    """``(function, task)`` pickled, with the folders of the scene files their code comes from:
    (({file name: bytes}, scene files to load), ...), bytes. Not ``strict``: None if it cannot
    travel."""
    buffer = io.BytesIO()
    finder = _Finder(buffer)
    try:
        finder.dump((function, task))
    except Exception:  # a lambda, a local function, a live Keras object...
        if strict:
            raise
        return None
    if "__main__" in finder.modules and not strict:
        return None
    scene_folders = {Path(module.__file__).parent for name, module in list(sys.modules.items())
                     if name.startswith(SCENE_MODULE) and getattr(module, "__file__", None)}
    folders = {}
    for name in sorted(finder.modules):
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and Path(file).parent in scene_folders:  # a scene file, or a module beside one
            folders.setdefault(Path(file).parent, []).extend([Path(file).name] if name.startswith(SCENE_MODULE) else [])
    sources = tuple(({path.name: path.read_bytes() for path in sorted(folder.glob("*.py"))}, tuple(scenes))
                    for folder, scenes in folders.items())
    return sources, buffer.getvalue()


def _carried(packed):
    """A task from :func:`_packed`, run in a worker: its folders written to a temporary one (on
    ``sys.path``, for modules beside a scene file), their scene files loaded, the task unpickled
    and run; then the modules it loaded are forgotten (a Ray worker runs other commands' tasks)."""
    sources, data = packed
    before = dict(sys.modules)
    with tempfile.TemporaryDirectory(prefix="viz-code-") as temporary:
        inside = (temporary, os.path.realpath(temporary))  # a scene module's file is the resolved path
        folders = [Path(temporary) / str(index) for index in range(len(sources))]
        try:
            for folder, (files, scenes) in zip(folders, sources):
                folder.mkdir()
                for name, content in files.items():
                    (folder / name).write_bytes(content)
                sys.path.insert(0, str(folder))
                for name in scenes:
                    load_scenes(folder / name)
            function, task = pickle.loads(data)
            return function(task)
        finally:
            for folder in folders:
                if str(folder) in sys.path:
                    sys.path.remove(str(folder))
            for name in [name for name, module in sys.modules.items() if before.get(name) is not module
                         and str(getattr(module, "__file__", None) or "").startswith(inside)]:
                if name in before:
                    sys.modules[name] = before[name]
                else:
                    del sys.modules[name]


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
