"""Build the one C module, ``pipeline._speedups``, and put the schemas in the package.

Everything else is in pyproject.toml. The C module is optional: without a C
compiler the install goes on and the PDFium engine reads characters through
ctypes, slower and with the same output.

``schemas/*.json`` (the single definition of the output) stay at the top of
the repository; a build copies them to ``pipeline/schemas/`` inside the
wheel, where ``emit`` reads them through ``importlib.resources``.
"""

import hashlib
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py


class BuildWithSchemas(build_py):
    """``build_py`` that also copies ``schemas/*.json`` into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, "pipeline", "schemas")
        target.mkdir(parents=True, exist_ok=True)
        for schema in sorted(Path(__file__).resolve().parent.joinpath("schemas").glob("*.json")):
            shutil.copyfile(schema, target / schema.name)


# the module records the source it was built from; pipeline.native refuses it once the .c file differs
SOURCE = Path(__file__).resolve().parent / "pipeline" / "_speedups.c"
SOURCE_SHA256 = hashlib.sha256(SOURCE.read_bytes()).hexdigest() if SOURCE.exists() else ""

setup(
    cmdclass={"build_py": BuildWithSchemas},
    ext_modules=[Extension("pipeline._speedups", ["pipeline/_speedups.c"], optional=True,
                           define_macros=[("SOURCE_SHA256", '"%s"' % SOURCE_SHA256)],
                           extra_compile_args=["-O2", "-ffp-contract=off"])],
)
