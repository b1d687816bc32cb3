"""The real-app benchmark: open-source web apps installed by name from PyPI or npm at pinned
versions, started on loopback, and flows written against them the way a tester writes them,
each action carrying the Playwright locator of the element a person means (`expect:`)."""
