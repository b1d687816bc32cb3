"""The core data types every part shares, in a leaf module that imports nothing of the
project: an element's fingerprint, a stable selector, resolver spending."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field


class Fingerprint(BaseModel):
    """Signals of one element. Field names follow the element-relocation dataset where it has them."""

    model_config = ConfigDict(extra="ignore")

    # identity and semantics
    tag: str = ""
    role: str = ""
    accessible_name: str = ""
    text: str = ""
    label: str = ""
    caption: str = ""  # the short text right before a control nothing names
    placeholder: str = ""
    input_type: str = ""
    value: str = ""
    is_button: bool = False
    # attributes
    id: str = ""
    name: str = ""
    classes: list[str] = Field(default_factory=list)
    href: str = ""
    alt: str = ""
    title: str = ""
    test_id: str = ""
    attributes: dict[str, str] = Field(default_factory=dict)
    # structure
    xpath: str = ""
    idxpath: str = ""
    css_path: str = ""
    structural_hash: str = ""
    # geometry (CSS pixels, page coordinates) and the page size they were measured on
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    page_width: float = 0.0
    page_height: float = 0.0
    # context
    neighbor_text: str = ""
    neighbors: dict[str, str] = Field(default_factory=dict)  # above / below / left / right
    heading: str = ""
    landmark: str = ""
    # appearance
    color: str = ""
    background_color: str = ""
    visible: bool = True
    phash: str = ""
    # where it lives
    frame: str = ""
    in_shadow: bool = False


class Selector(BaseModel):
    """A stable way to find the element again without a snapshot, tried first on replay.

    `kind` is one of Playwright's recommended locator families; `frame` names the frame URL
    when the element is inside an iframe.
    """

    kind: str  # test_id | role | label | placeholder | alt | title | id | text | css | xpath
    value: str
    role: str = ""
    frame: str = ""


def utcnow() -> datetime:
    return datetime.now(UTC)


class Usage(BaseModel):
    """Resolver spending for one resolution; kept so replays can report what they avoided."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls + other.calls,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=round(self.cost_usd + other.cost_usd, 6),
        )
