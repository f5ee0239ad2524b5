"""The todo-list assistant."""
