"""Plugins every suite may use: pytester runs the contract plugin in isolated inner pytest sessions."""

pytest_plugins = ["pytester"]
