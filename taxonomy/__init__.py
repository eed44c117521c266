"""The ED skills framework as versioned data: file format, loader, validator and matcher.

Nothing here imports ``api``: the framework can be validated and matched without the service.
"""
