"""An LLM-driven simulated user (`--user openai:MODEL`, `anthropic:MODEL`, `dashscope:...`).

A model plays the user for natural conversations: it gets the task's opening, goal summary
and hidden knowledge in a system prompt (answer only from the knowledge, say "I don't know"
otherwise, never volunteer it unasked, keep the task's language, end with `STOP`), and
writes each reply. What decides a grade stays deterministic, exactly as for `ScriptedUser`:
- the payment gate runs in the session (`settle_payment`); the model is only told the
  outcome, it never approves or declines anything;
- deep links are handled as the scripted user handles them (`ticketbench.users.links`: the
  links it opens, or asking which one) and bought with `finish_in_app`; the model is told
  how that went;
- the user leaves with `goal_met` as soon as every order it wants is paid, and with
  `patience` after `patience` agent messages, whatever the model says.
The model decides only the wording of replies and when to leave otherwise (`STOP`).

Each reply carries its `Usage` (`Reply.usage`); the session keeps it apart from the agent's
tokens and the record stores it under `usage.user`. Model calls reuse the agents' SDK
clients, presets, price table and response cache (`ticketbench.agents.llm.openai_agent`,
`ticketbench.agents.llm.anthropic_agent`): imported lazily by `load_user`, so the scripted
path never loads an SDK. The import points down: the LLM backends sit below the users.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ticketbench.env.world import load_world
from ticketbench.protocol import Usage, api_wait
from ticketbench.suite.spec import Task
from ticketbench.trajectory import LeaveReason
from ticketbench.users.app_flow import finish_in_app
from ticketbench.users.base import App, Reply
from ticketbench.users.links import LinkChoice
from ticketbench.users.understand import asked_facts, classify, find_links, says_infeasible
from ticketbench.users.wishes import asks_for_write

if TYPE_CHECKING:
    from ticketbench.settings import RunSettings

__all__ = ["STOP", "ChatModel", "LLMUser", "LLMUserFactory", "load_user", "user_prompt"]

STOP = "###STOP###"
DEFAULT_PATIENCE = 8

_PROMPT = """\
You are role-playing a customer chatting with the assistant of a movie and live-event \
ticketing app. You are the customer, not the assistant: never offer help, never invent \
tools or order details.

You already sent your request: "{opening}"
What you want: {goal}
{want}

What you know (hidden; it is all you know):
{facts}

Rules:
- Answer the assistant's questions only from what you know. If the answer is not there, say \
you don't know or don't mind; never make up names, dates, seats or numbers.
- Never volunteer what you know before you are asked about it; answer only what was asked.
- Asked again for something your request already said, say so and repeat your request's \
own words for it, as you wrote them; never reword it, correct it or add to it.
- Keep replies short (one or two sentences), natural, and in {language}, the language of \
your request.
- Payment: the app shows you a payment sheet when the assistant requests payment; whether \
you approved it is decided in the app, and lines in [brackets] tell you what happened \
there. Never claim you paid or approved anything the brackets do not say.
- If the assistant says it cannot do it without saying why, ask why once; when it gives a \
reason (or says so again), accept it.
- Answer a yes/no question with yes or no (and how you want to pay or sit, if asked); do not \
add facts nobody asked for. Once a payment went through, do not ask again for it.
- When your goal is done, or the assistant tells you it cannot be done, or you are tired of \
going round in circles, say a short goodbye and end your message with {stop}.
"""
_WANT = {
    True: "If the assistant asks whether to go ahead with what you asked for, say yes.",
    False: "You do not want anything bought or changed beyond what you asked; say no if the "
    "assistant offers to.",
}
_NOTES = {
    "en": {
        "approved": "[In the app: you approved the payment sheet; it is paid.]",
        "declined": "[In the app: you declined the payment sheet: {why}]",
        "bought": "[In the app: you opened the link and bought the tickets yourself.]",
        "gave_up": "[In the app: you opened the link but could not buy: {why}]",
        "which": "[The message has several links and you cannot tell which one is for you: "
        "ask the assistant which one to open.]",
        "fallback": "Sorry, I don't know.",
    },
    "zh": {
        "approved": "[App里：你确认了支付单，已付款。]",
        "declined": "[App里：你拒绝了支付单：{why}]",
        "bought": "[App里：你打开了链接，自己买好了票。]",
        "gave_up": "[App里：你打开了链接，但没买成：{why}]",
        "which": "[消息里有好几个链接，你分不清该点哪个：问助手该打开哪一个。]",
        "fallback": "不好意思，我不知道。",
    },
}


class ChatModel(Protocol):
    """One chat completion: the system prompt and alternating (role, text) turns."""

    async def complete(self, system: str, turns: list[tuple[str, str]]) -> tuple[str, Usage]:
        """The model's text and the usage of the call."""
        ...


def user_prompt(task: Task) -> str:
    """The system prompt that turns a model into the task's user."""
    zh = task.locale == "zh"
    facts = "\n".join(f"- {f.slot}: {f.answer}" for f in task.knowledge) or "- (nothing)"
    wants = asks_for_write(task, load_world())  # what it asked for, not whether it can be done
    return _PROMPT.format(
        opening=task.opening,
        goal=task.goal.summary,
        want=_WANT[wants],
        facts=facts,
        language="Simplified Chinese" if zh else "English",
        stop=STOP,
    )


class LLMUser:
    """A simulated user whose replies a model writes (see the module docstring)."""

    def __init__(self, task: Task, model: ChatModel, patience: int = DEFAULT_PATIENCE) -> None:
        self.__task = task  # private: never reachable from the session's public surface
        self._model = model
        self._patience = patience
        self._t = _NOTES["zh" if task.locale == "zh" else "en"]
        self._system = user_prompt(task)
        self._turns: list[tuple[str, str]] = []  # the agent is "user", this user "assistant"
        self._notes: list[str] = []
        self._paid = 0
        self._heard = 0
        self._links = LinkChoice()

    @property
    def opening(self) -> str:
        """The task's request, verbatim (the same opening in every user mode)."""
        return self.__task.opening

    def on_payment(self, request_id: str, approved: bool, reason: str) -> None:
        """Remember the gate's decision; the model hears of it with the next message."""
        if approved:
            self._paid += 1
            self._notes.append(self._t["approved"])
        else:
            self._notes.append(self._t["declined"].format(why=reason))

    def _goal_met(self) -> bool:
        want = len(self.__task.goal.orders)
        return want > 0 and self._paid >= want

    async def reply(self, text: str, app: App) -> Reply:
        """Answer one agent message: deterministic app steps first, then the model's words."""
        task = self.__task
        self._heard += 1
        gave_up = False
        wanted = len(task.goal.orders) - self._paid
        if wanted > 0:
            links, ask = self._links.take(text, wanted)
            if ask:
                self._notes.append(self._t["which"])
            for url in links:  # as many links as orders it still wants, as the scripted user
                out = finish_in_app(task, app, url)
                if not out.paid:
                    self._notes.append(self._t["gave_up"].format(why=out.said(task.locale)))
                    gave_up = True
                    break
                self._paid += 1
                self._notes.append(self._t["bought"])
        notes, self._notes = self._notes, []
        self._turns.append(("user", "\n".join([*notes, text]) if notes else text))
        with api_wait():  # the user's model time is not the agent's time
            said, usage = await self._model.complete(self._system, list(self._turns))
        stopped = STOP in said
        said = said.replace(STOP, "").strip() or self._t["fallback"]
        self._turns.append(("assistant", said))
        leave: LeaveReason | None = None
        if self._goal_met():
            leave = "goal_met"  # deterministic: the model cannot keep a finished user around
        elif gave_up:
            leave = "declined"  # as the scripted user: a link that failed ends the attempt
        elif stopped:
            leave = "told_infeasible" if says_infeasible(text) else "said_goodbye"
        elif self._heard >= self._patience:
            leave = "patience"
        slots = tuple(dict.fromkeys(f.slot for f in asked_facts(text, task.knowledge)))
        kind = "navigate" if find_links(text) else classify(text, task.knowledge)
        return Reply(said, kind, slots if kind == "clarify" else (), leave, usage)


class LLMUserFactory:
    """Builds one `LLMUser` per episode over one shared model client (the runner's factory)."""

    def __init__(self, spec: str, model: Any, describe: dict[str, Any]) -> None:
        self.spec = spec
        self._model = model
        self._describe = describe

    def __call__(self, task: Task, seed: int, settings: RunSettings) -> LLMUser:
        return LLMUser(task, self._model, patience=settings.patience)

    def describe(self) -> dict[str, Any]:
        """The user's settings for the run header (no secrets)."""
        return {"spec": self.spec, "kind": "llm", **self._describe}

    async def aclose(self) -> None:
        """Close the model's HTTP client (the runner calls it after the last episode)."""
        await self._model.aclose()


def load_user(spec: str, **options: Any) -> LLMUserFactory:
    """The factory for `--user PRESET:MODEL`; options as for LLM agents (base_url, ...).

    Raises `ticketbench.agents.llm.presets.ConfigError` for a bad spec or a missing API key,
    before any episode runs.
    """
    from ticketbench.agents.llm.presets import build_config

    config = build_config(spec, **{k: v for k, v in options.items() if v is not None})
    make: Callable[..., Any]
    if config.api == "anthropic":
        from ticketbench.users.llm_models import AnthropicUserModel as make
    else:
        from ticketbench.users.llm_models import OpenAIUserModel as make
    model = make(config)
    return LLMUserFactory(spec, model, model.describe())
