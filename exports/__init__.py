"""The file formats a story is exported to: one module per format, templates and assets as package data.

No store here: the service layer gathers the developments (as believed, with what revised them) into a
`story.Story`; these modules only shape and render it: JSON Lines selection (`jsonl`), CSV (`csvfile`),
Markdown (`markdown`), TimelineJS3 JSON (`timelinejs`), a self-contained HTML page with a vis-timeline
(`page`, from `templates/` and `assets/`), a static PNG/SVG chart (`chart`), and a GeoJSON
map layer (`geojson`).

Every renderer treats text as data: HTML and Markdown escape it, the HTML page draws user text with
`textContent` only, CSV neutralises spreadsheet formulas.
"""

FORMATS = ("jsonl", "csv", "markdown", "timelinejs", "html", "png", "svg", "geojson")
