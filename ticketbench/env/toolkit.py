"""Tools as typed functions.

A tool is a plain function `fn(env, arg: T, ...) -> result`. Its argument model,
its JSON schemas (OpenAI, Anthropic, MCP) and its description are generated from
the signature and the Google-style docstring; nothing is written by hand.
Calling a tool never raises: bad arguments and rule violations come back as a
`ToolResult` carrying a structured error.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar, get_type_hints

import docstring_parser
import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ticketbench.env.jsonsafe import clean_text, preview

MAX_STR = 400  # longest string argument any tool accepts
E = TypeVar("E")
F = TypeVar("F", bound=Callable[..., Any])


class ToolError(BaseModel):
    """A structured error: a stable machine code and a message naming the problem."""

    model_config = ConfigDict(frozen=True)
    code: str
    message: str


class ToolResult(BaseModel):
    """What a tool call returns: compact text for the model plus the structured data."""

    model_config = ConfigDict(frozen=True)
    ok: bool
    content: str
    data: Any = None
    error: ToolError | None = None


class ToolSpec(BaseModel):
    """A tool as an agent sees it: name, description and JSON schema of its arguments."""

    model_config = ConfigDict(frozen=True)
    name: str
    description: str
    parameters: dict[str, Any]

    def openai(self) -> dict[str, Any]:
        """Chat Completions `tools=[...]` entry."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }

    def anthropic(self) -> dict[str, Any]:
        """Messages API `tools=[...]` entry."""
        return {"name": self.name, "description": self.description, "input_schema": self.parameters}

    def mcp(self) -> dict[str, Any]:
        """MCP `tools/list` entry."""
        return {"name": self.name, "description": self.description, "inputSchema": self.parameters}


class EnvError(Exception):
    """Raised inside a tool to reject a call; turned into a ToolResult error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into (description, {param: one-line text})."""
    parsed = docstring_parser.parse(doc, style=docstring_parser.DocstringStyle.GOOGLE)
    parts = [x for x in (parsed.short_description, parsed.long_description) if x]
    # One line per paragraph: the docstring's line wrapping is layout, not content.
    text = ("\n\n" if parsed.blank_after_short_description else "\n").join(parts)
    description = "\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())
    params = {p.arg_name: " ".join((p.description or "").split()) for p in parsed.params}
    return description, params


# String shapes the argument model enforces: a call that breaks one gets an error naming
# the argument, and the descriptions give the shape ("ROW-NUMBER", "YYYY-MM-DD").
_ENFORCED_ONLY = frozenset(
    {"title", "pattern", "minLength", "maxLength", "minItems", "additionalProperties", "default"}
)
_NULL = {"type": "null"}


def _agent_schema(schema: Any) -> Any:
    """The argument schema as agents read it: pydantic's, less what costs tokens and tells
    an agent nothing: titles, string patterns and lengths, `additionalProperties: false`
    (an unknown argument gets an error naming it) and defaults (descriptions say what an
    omitted argument means where it matters); an optional argument is its plain type (not
    in `required`), not `anyOf [T, null]`. Every tool's schema travels in every request:
    this is ~40% of a first request's tokens. Validation still uses the full model."""
    if isinstance(schema, list):
        return [_agent_schema(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":  # parameter names, kept whatever they are called
            out[key] = {name: _agent_schema(v) for name, v in value.items()}
        elif key not in _ENFORCED_ONLY:
            out[key] = _agent_schema(value)
    options = out.get("anyOf")
    if isinstance(options, list) and _NULL in options and len(options) == 2:
        out.pop("anyOf")
        (kept,) = [o for o in options if o != _NULL]
        out = {**kept, **out}
    return out


def _format_validation(err: ValidationError) -> str:
    msgs = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "arguments"
        if e["type"] == "missing":
            msgs.append(f"missing required argument '{loc}'")
        elif e["type"] == "extra_forbidden":
            msgs.append(f"unexpected argument '{loc}'")
        else:
            msgs.append(f"argument '{loc}': {e['msg']}")
    return "; ".join(msgs)


def compact_json(data: Any) -> str:
    """Compact UTF-8 JSON (orjson: tool results are encoded on every call).

    Never raises: what orjson refuses (a lone surrogate an agent sent, a value nested too
    deep) is encoded by the standard library with lone surrogates replaced."""
    try:
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return clean_text(preview(data, 10_000))


class Tool(Generic[E]):
    """One registered tool: the function, its argument model and its spec."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.name = fn.__name__
        description, param_docs = _parse_docstring(fn.__doc__ or "")
        if not description:
            raise TypeError(f"tool {self.name} needs a docstring")
        hints = get_type_hints(fn, include_extras=True)  # keep Annotated constraints
        fields: dict[str, Any] = {}
        params = list(inspect.signature(fn).parameters.values())[1:]  # skip env
        for p in params:
            if p.name not in hints:
                raise TypeError(f"tool {self.name}: parameter {p.name} has no annotation")
            if not param_docs.get(p.name):
                raise TypeError(f"tool {self.name}: parameter {p.name} has no description")
            default = ... if p.default is inspect.Parameter.empty else p.default
            fields[p.name] = (hints[p.name], Field(default, description=param_docs[p.name]))
        self.args_model: type[BaseModel] = create_model(
            f"{self.name}_args",
            __config__=ConfigDict(extra="forbid", str_max_length=MAX_STR),
            **fields,
        )
        schema = _agent_schema(self.args_model.model_json_schema())
        schema.setdefault("properties", {})
        self.spec = ToolSpec(name=self.name, description=description, parameters=schema)
        self._validate = self.args_model.model_validate

    def invoke(self, env: E, args: Mapping[str, Any] | None) -> ToolResult:
        """Validate `args` and run the tool; every failure becomes an error result."""
        if args is None:
            args = {}
        if type(args) is not dict:  # the common case skips the ABC check and the copy
            if not isinstance(args, Mapping):
                return error_result("invalid_arguments", "arguments must be a JSON object")
            args = dict(args)
        try:
            parsed = self._validate(args)
        except ValidationError as err:
            return error_result("invalid_arguments", f"{self.name}: {_format_validation(err)}")
        # The model forbids extra keys, so its fields are exactly the parameters.
        kwargs = parsed.__dict__
        try:
            out = self.fn(env, **kwargs)
        except EnvError as err:
            return error_result(err.code, err.message)
        except Exception as err:  # a harness bug must not end the episode; it is reported
            return error_result(
                "internal_error", f"{self.name} failed inside the env: {type(err).__name__}: {err}"
            )
        if isinstance(out, ToolResult):
            return out
        content = out if isinstance(out, str) else compact_json(out)
        return ToolResult(ok=True, content=content, data=out)


def error_result(code: str, message: str) -> ToolResult:
    err = ToolError(code=code, message=message)
    return ToolResult(ok=False, content=compact_json({"error": err.model_dump()}), error=err)


class ToolRegistry(Generic[E]):
    """An ordered set of tools; use `@registry.tool` to add one."""

    def __init__(self) -> None:
        self._tools: dict[str, Tool[E]] = {}

    def tool(self, fn: F) -> F:
        t: Tool[E] = Tool(fn)
        if t.name in self._tools:
            raise ValueError(f"tool {t.name} registered twice")
        self._tools[t.name] = t
        return fn

    def __iter__(self) -> Iterator[Tool[E]]:
        return iter(self._tools.values())

    def __contains__(self, name: str) -> bool:
        return name in self._tools

    def get(self, name: str) -> Tool[E] | None:
        return self._tools.get(name)

    def specs(self) -> list[ToolSpec]:
        return [t.spec for t in self._tools.values()]

    def call(self, env: E, name: str, args: Mapping[str, Any] | None) -> ToolResult:
        """Run tool `name`; an unknown name is an error result, not an exception."""
        t = self._tools.get(name)
        if t is None:
            known = ", ".join(self._tools)
            return error_result("unknown_tool", f"no tool named {name!r}; available: {known}")
        return t.invoke(env, args)
