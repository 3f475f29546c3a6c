"""Google Sheets: the configuration workbook's tabs (assets, checks, the resource)."""
