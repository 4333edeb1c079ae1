"""What each benchmark hands back to the runner: a titled Markdown section plus
the raw figures, so docs/performance.md and a JSON copy come from one place."""

from dataclasses import dataclass, field


@dataclass
class Section:
    title: str
    markdown: str
    data: dict = field(default_factory=dict)
