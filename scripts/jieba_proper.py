"""Write pipeline/data/gazetteer/jieba_proper.txt: jieba's proper words of 2-4 characters.

The entity rules ask whether a word opens a name (长江 ns opens 长江财产保险公司;
产权 n does not open 产权交易所). jieba's dictionary knows, by its tags, but
reading the 5 MB dict.txt with its tags took most of a second per process;
the 108,000 words tagged ns nr nrt nz nt j are kept here instead, one per
line, read in a few milliseconds. Every other dictionary word is looked up in
jieba's own frequency table, which its segmenter loads anyway.

Run it again when the pinned jieba changes: ``python scripts/jieba_proper.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "data" / "gazetteer" / "jieba_proper.txt"
PROPER_TAGS = ("ns", "nr", "nrt", "nz", "nt", "j")


def main() -> int:
    import jieba

    text = (Path(jieba.__file__).resolve().parent / "dict.txt").read_text(encoding="utf-8")
    # lines read "杭州 2186 ns": word, frequency, tag
    pattern = r"^(\S{2,4}) \d+ (?:" + "|".join(PROPER_TAGS) + r")$"
    words = sorted(set(re.findall(pattern, text, re.M)))
    head = (f"# jieba {jieba.__version__} dict.txt: words of 2-4 characters tagged {' '.join(PROPER_TAGS)}\n"
            "# (scripts/jieba_proper.py writes this file; see entities.segmenter.jieba_words)\n")
    OUT.write_text(head + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(words):,} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
