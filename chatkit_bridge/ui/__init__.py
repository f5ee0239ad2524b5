"""NiceGUI pages and the ChatKit widget renderer."""
