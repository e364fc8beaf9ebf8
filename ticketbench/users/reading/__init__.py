"""Reading agent messages the way a user does (Chinese and English, deterministic, offline).

`read` (in `reader`) returns a `Reading` (`acts`): the act of the message, the slots its
questions name, whether it holds an order summary or a list of options, its deep links.
`rules` reads a message sentence by sentence (`questions` reads one question), `reader`
adds the learned model's second opinion on the kind. `text`
normalises a message, `lexicon` holds the words listened for, `said` finds what a user's own
opening already told the agent. `ticketbench.users.understand` is the small stable face the
scripted user, the LLM user and scoring import.
"""
