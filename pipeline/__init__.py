"""Chinese government policy PDFs (公文) -> structured, traceable JSON.

    >>> from pipeline import parse_pdf, to_dict
    >>> doc = parse_pdf("samples/zhengzhengban-2017-30.pdf")
    >>> doc.metadata.doc_number.text
    '郑政办〔2017〕30号'
"""

from pipeline.emit import to_dict, validate, write_document
from pipeline.extract import PdfError
from pipeline.run import parse_file, parse_pdf
from pipeline.version import __version__

__all__ = ["PdfError", "__version__", "load_table", "parse_file", "parse_pdf", "to_dict", "validate", "write_document"]


def __getattr__(name: str) -> object:
    """PEP 562: ``pipeline.load_table`` imports pandas only when it is asked for."""
    if name == "load_table":
        from pipeline.export import load_table

        return load_table
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
