"""Episodes on the wire.

Over MCP: a server for the episode in a slot, streamable HTTP on 127.0.0.1, the
`mcp:COMMAND` agent, and a `Session` over an MCP client. `ticketbench.wire.server.
EpisodeServer` serves whatever `protocol.Session` an `EpisodeSlot` holds; anything that can
put a session in a slot can serve it.

For Python plugins out of process: `proxy`, the session API as framed JSON lines over a
socket (`ticketbench.agents.isolation` runs the plugin's process).
"""
