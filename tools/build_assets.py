"""Copy GOV.UK Frontend from node_modules into static/vendor/govuk, rebranded for a partnership.

The design system may be used under a council's own brand, but not with the GOV.UK crown, logo or the GDS
Transport font (restricted to GOV.UK). So the build drops the font files and @font-face rules, points
every font-family at the system font stack, and leaves out the crown and GOV.UK images.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = ROOT / "static" / "vendor" / "govuk"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'


def rebrand_css(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace('"GDS Transport",arial,sans-serif', SYSTEM_FONTS)
    css = css.replace("GDS Transport,arial,sans-serif", SYSTEM_FONTS)
    css = css.replace("url(/assets/", "url(assets/")
    return re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)


def main() -> int:
    if not SOURCE.exists():
        print(f"GOV.UK Frontend not found at {SOURCE}: run `npm ci` first", file=sys.stderr)
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "assets").mkdir(parents=True)
    css = rebrand_css((SOURCE / "govuk-frontend.min.css").read_text(encoding="utf-8"))
    if "GDS Transport" in css:
        print("GDS Transport is still referenced after rebranding", file=sys.stderr)
        return 1
    (TARGET / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
    js = (SOURCE / "govuk-frontend.min.js").read_text(encoding="utf-8")
    (TARGET / "govuk-frontend.min.js").write_text(
        re.sub(r"//# sourceMappingURL=\S+", "", js), encoding="utf-8"
    )
    print(f"built {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
