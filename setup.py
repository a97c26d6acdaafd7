"""Build the one C module, ``pipeline._speedups`` (everything else is in pyproject.toml).

It is optional: without a C compiler the install goes on and the PDFium
engine reads characters through ctypes, slower and with the same output.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline._speedups", ["pipeline/_speedups.c"], optional=True,
                             extra_compile_args=["-O2", "-ffp-contract=off"])])
