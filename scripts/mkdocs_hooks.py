"""MkDocs hook: pages of the site that show a section of the README include it, so the
text is written once. A page line `{{ readme:NAME }}` becomes the README's lines between
`<!-- site:NAME -->` and `<!-- /site:NAME -->`, with the README's links made the site's:
docs/<page>.md is <page>.md there, and the README's #settings is settings.md."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
INCLUDE = re.compile(r"^\{\{ readme:([\w-]+) \}\}$", re.MULTILINE)


def readme_section(name: str) -> str:
    text = README.read_text()
    start, end = f"<!-- site:{name} -->", f"<!-- /site:{name} -->"
    if start not in text or end not in text:
        raise ValueError(f"README.md has no section marked {start} … {end}")
    section = text.split(start, 1)[1].split(end, 1)[0]
    section = section.replace("](docs/", "](")
    return section.replace("](#settings)", "](settings.md)")


def on_page_markdown(markdown: str, **kwargs) -> str:
    return INCLUDE.sub(lambda match: readme_section(match[1]).strip(), markdown)
