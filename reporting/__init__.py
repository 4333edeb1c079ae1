"""The leadership dashboard: figures computed in the database (queries.py,
survey_queries.py), drawn as server-side SVG (charts.py), each paired with an
accessible table that is also a CSV export (figures.py)."""
