"""The desktop window (PyQt6 + pyqtgraph). The only package that imports Qt.

Importing this package imports no Qt; `inspector.gui.app.run_app` starts the window.
"""
