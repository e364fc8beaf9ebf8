"""ticketbench as an Inspect AI eval: `inspect eval ticketbench/dev --model ...`.

`tasks` (the registered tasks and their samples), `solver` (each sample is one episode the
runner plays), `agent` (the Inspect model as a ticketbench agent), `scorer` (ticketbench's
score as Inspect values) and `rundir` (`-T out=DIR`: the eval as a ticketbench run
directory). Needs the `inspect` extra: `pip install -e '.[inspect]'`.
"""
