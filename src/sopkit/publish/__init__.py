"""Publishing the handbook: Markdown pages and SVG flowcharts rendered from the model, the
MkDocs plugin and the site builder, and where publishing writes."""
