"""Importing partners, contacts and interactions from a CSV or XLSX file.

Two steps, and the file is never kept on the server (contacts' emails and
phones are in it). Step one reads the file (reading.py), finds rows that may
already be in the database (matching.py) and runs django-import-export's
dry run (resources.py), which here saves nothing at all; the page shows the
result and posts the file's text back as CSV. Step two reads that text again
from scratch, applies the choices made for each duplicate and imports in one
transaction, recording an ImportBatch so that the importer can undo it
(undoing.py). running.py joins the steps."""
