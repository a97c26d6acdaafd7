"""Chinese government policy PDFs (公文) -> structured, traceable JSON.

    >>> from pipeline import parse_pdf, to_dict
    >>> doc = parse_pdf("samples/zhengzhengban-2017-30.pdf")
    >>> doc.metadata.doc_number.text
    '郑政办〔2017〕30号'
"""

from pipeline.emit import to_dict, validate, write_document
from pipeline.pages import PdfError
from pipeline.run import parse_file, parse_pdf
from pipeline.version import __version__

# The tables of a batch folder are ``pipeline.export.load_table``: not re-exported here, as importing
# export loads pandas (about 0.6 s, measured with -X importtime) that a parse never needs.
__all__ = ["PdfError", "__version__", "parse_file", "parse_pdf", "to_dict", "validate", "write_document"]
