"""paper: the one layer that composes everything into the paper's figures, tables and PDF.

``paper.reproduce`` reads a profile (``paper/profiles/*.toml``), runs every check through
the run store, and writes ``checks.json``, the figures (``paper.figures``), the LaTeX
tables (``paper.tables``), ``bounds.tex`` (``paper.latex``), ``main.tex`` and, where
pdflatex is installed, ``paper.pdf``. ``paper.cli`` is the ``nasbound`` command line.
"""
