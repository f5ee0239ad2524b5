"""Generic glue between ChatKit, the Agents SDK, NiceGUI and TinyDB."""
