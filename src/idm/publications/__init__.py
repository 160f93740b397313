"""The report: assembled from the dialogue's data, rendered to PDF, DOCX, EPUB and HTML,
published in editions per language and listed in a public catalogue."""
