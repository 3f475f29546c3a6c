"""The ERP's inventory table (read only in production; the CSV stand-in locally)."""
