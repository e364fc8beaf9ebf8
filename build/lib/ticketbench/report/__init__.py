"""The static HTML report and trajectory viewer (`ticketbench report`)."""

from ticketbench.report.build import build_report, embed_json

__all__ = ["build_report", "embed_json"]
