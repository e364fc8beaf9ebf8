"""Simulated users: the scripted default (deterministic, no API) and the user contract.

An LLM-driven user implements `ticketbench.users.base.User`; the payment gate and the in-app
purchase flow (`ticketbench.users.gate`) stay deterministic whatever drives the conversation.
"""

from __future__ import annotations

from ticketbench.users.base import App, Reply, User
from ticketbench.users.gate import finish_in_app, settle_payment
from ticketbench.users.scripted import ScriptedUser

__all__ = ["App", "Reply", "ScriptedUser", "User", "finish_in_app", "settle_payment"]
