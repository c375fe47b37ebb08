"""Documents as pure functions that return bytes: QR codes (qrcode), lot
labels and output reports (reportlab, with an embedded CJK font)."""
