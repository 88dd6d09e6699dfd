"""Service modules of the Jobcenter assistant: content, knowledge, run-time plumbing."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
