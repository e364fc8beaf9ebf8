"""The conversation tools of an agent that acts only through tool calls (over MCP, in
Inspect): `talk_to_user` and `end_episode`, defined once as typed functions so every channel
lists the same names, words and generated schemas. Each channel answers them its own way."""

from __future__ import annotations

from ticketbench.env.toolkit import Tool, ToolSpec

__all__ = ["CONVERSATION_TOOLS", "END_EPISODE", "TALK_TO_USER"]


def talk_to_user(env: object, message: str) -> str:
    """Send a message to the user and return their reply. Once the user has left, the
    episode is over and this says so.

    Args:
        message: What to say to the user: a question, an answer, a summary.
    """
    return message


def end_episode(env: object) -> None:
    """End the episode: call this when you have done all you can for the user."""


TALK_TO_USER: ToolSpec = Tool[object](talk_to_user).spec
END_EPISODE: ToolSpec = Tool[object](end_episode).spec
CONVERSATION_TOOLS: tuple[ToolSpec, ...] = (TALK_TO_USER, END_EPISODE)
