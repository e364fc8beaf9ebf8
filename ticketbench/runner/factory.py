"""`make_executor`: the executor that `--executor NAME` (with its flags) means."""

from __future__ import annotations

from ticketbench.runner.executor import Executor, ExecutorError

EXECUTORS = ("local", "process", "ray")


def make_executor(
    name: str, *, workers: int | None = None, ray_address: str | None = None
) -> Executor:
    """The executor `--executor NAME` means, with `--workers` and `--ray-address`."""
    if name not in EXECUTORS:
        raise ExecutorError(f"--executor must be one of {', '.join(EXECUTORS)}; got {name!r}")
    if workers is not None and name == "local":
        raise ExecutorError("--workers applies to --executor process or ray")
    if workers is not None and workers < 1:
        raise ExecutorError(f"--workers must be at least 1; got {workers}")
    if ray_address is not None and name != "ray":
        raise ExecutorError("--ray-address applies to --executor ray")
    if name == "local":
        from ticketbench.runner.local import LocalExecutor

        return LocalExecutor()
    if name == "process":
        from ticketbench.runner.process import ProcessExecutor

        return ProcessExecutor(workers)
    from ticketbench.runner.ray import RayExecutor

    return RayExecutor(workers, address=ray_address)
