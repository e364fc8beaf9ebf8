"""Plugin agents out of process: `module:Class` agents play in a child that holds only a
session proxy (`ticketbench.wire.proxy`).

- `host`: the harness's side, `IsolatedAgent`, an `Agent` that plays each episode by serving
  the real session to a child over a socket;
- `landlock`, `seccomp`: the kernel's sandbox those processes enter (what they may read,
  write and reach);
- `child`: the child's side (`python -m ticketbench.agents.isolation.child`): a *template*
  process that runs none of the plugin's code; a fork of it builds the agent once to answer
  `describe()`, and each episode is a fresh fork that imports and builds the agent, plays
  through a `SessionProxy` and exits.

What the child gets: the plugin spec and its options, the parent's `sys.path` and working
directory, and an environment without the harness's own variables (`TICKETBENCH_*`, and any
whose value names the data root). It is started as a clean interpreter (`subprocess`, not
`multiprocessing`: a spawned child gets the parent's `sys.argv`, which names `--suite` and
`--data-root`; a forkserver child inherits the environment the forkserver started with,
`TICKETBENCH_DATA` included). It never gets the task, the user, the payment gate, the world,
the run directory or the suite's path; each episode builds the agent in a fork of a
template that never ran the plugin's code, so nothing an agent saw or left in one episode (a
twin's answers, an earlier trial, shared memory or a descriptor it opened, a handler or hook
it set) reaches another. With Landlock (Linux >= 5.13) the template and every episode's process
enter a domain of their own before any plugin code runs (`landlock`): none can read the
memory of the harness or of another episode, read files beyond the system's, Python's and
the plugin's own (not the harness's data, the suite or the runs; not `/proc`), or write
beyond a private temporary directory per episode.

Consequences for a plugin: state kept on the agent object between episodes is gone (each
episode builds its own; the import and the constructor count in the episode's time);
`aclose()` runs in each episode's process after its episode (that copy's clients); an
endpoint `check()` runs once before the run, in a fork of its own, as the built-in LLM
agents' does in process.
"""
