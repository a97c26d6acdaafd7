"""DOC and WPS -> DOCX through LibreOffice run headless (Debian: libreoffice-writer-nogui).

LibreOffice is optional at run time: without it a .doc or .wps file fails
with one line saying what to install, and every other format still reads.
Each conversion runs in a user profile of its own (a temporary folder), so
batch workers converting at once never share LibreOffice's lock files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pipeline.read.base import FormatError

# Seconds one conversion may take (a 100-page .doc takes a few).
DEFAULT_CONVERT_SECONDS = 120.0
# The commands LibreOffice installs, tried in order.
SOFFICE_COMMANDS = ("soffice", "libreoffice", "lowriter")
DEFAULT_INSTALL_HINT = "apt-get install libreoffice-writer-nogui"


def soffice() -> str | None:
    """The LibreOffice command on PATH, or None."""
    return next((found for name in SOFFICE_COMMANDS if (found := shutil.which(name))), None)


def convert_to_docx(path: Path, workdir: Path, kind: str = "doc") -> Path:
    """Convert a Word 97 or WPS Writer file into a DOCX in ``workdir``.

    Args:
        path: e.g. 东政办〔2023〕12号.wps.
        workdir: an empty temporary folder; the DOCX and LibreOffice's profile go there.
        kind: doc or wps, for the messages.

    Returns:
        The DOCX, ``workdir/out/<stem>.docx``.

    Raises:
        FormatError: LibreOffice absent (``x.wps: reading a WPS file needs LibreOffice
            (apt-get install libreoffice-writer-nogui)``), failing or over time.
    """
    command = soffice()
    if command is None:
        raise FormatError(f"{path}: reading a {kind.upper()} file needs LibreOffice ({DEFAULT_INSTALL_HINT})")
    out = workdir / "out"
    src = workdir / "in" / ("input" + (path.suffix.lower() if path.suffix.lower() in (".doc", ".wps") else ".doc"))
    src.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, src)  # a plain ASCII name: LibreOffice reads any name, the shell of some builds does not
    profile = (workdir / "profile").resolve().as_uri()
    try:
        run = subprocess.run(
            [command, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "docx",
             "--outdir", str(out), str(src)],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=DEFAULT_CONVERT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise FormatError(f"{path}: LibreOffice took over {DEFAULT_CONVERT_SECONDS:g} s to convert it") from None
    except OSError as e:
        raise FormatError(f"{path}: LibreOffice cannot start ({e.strerror or e})") from None
    docx = out / (src.stem + ".docx")
    if run.returncode != 0 or not docx.is_file():
        said = " ".join((run.stderr or run.stdout or b"").decode("utf-8", "replace").split())[:160]
        raise FormatError(f"{path}: LibreOffice cannot convert this {kind.upper()} file"
                          + (f" ({said})" if said else ""))
    return docx
