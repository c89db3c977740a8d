"""The read model: papers, search, concepts, figures, statistics, ``/ask`` and named questions.

Usable without a server (the API, the web pages and the CLI all call it); every function takes
a :class:`geokg.read.context.Reader`.
"""
