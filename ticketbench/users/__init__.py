"""Simulated users: the scripted default (deterministic, no API) and the user contract.

An LLM-driven user implements `ticketbench.users.base.User`; the payment gate and the in-app
purchase flow (`ticketbench.users.gate`) stay deterministic whatever drives the conversation.
"""

from __future__ import annotations

from ticketbench.users.app_flow import finish_in_app
from ticketbench.users.base import App, Reply, User, Verdict
from ticketbench.users.gate import PaymentGate
from ticketbench.users.scripted import ScriptedUser

__all__ = ["App", "PaymentGate", "Reply", "ScriptedUser", "User", "Verdict", "finish_in_app"]
