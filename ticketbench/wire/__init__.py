"""Episodes on the wire (MCP): a server for the episode in a slot, streamable HTTP on
127.0.0.1, the `mcp:COMMAND` agent, and a `Session` over an MCP client.

`ticketbench.wire.server.EpisodeServer` serves whatever `protocol.Session` an
`EpisodeSlot` holds; anything that can put a session in a slot can serve it.
"""
