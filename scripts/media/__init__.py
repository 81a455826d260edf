"""Images, checked with the log and published beside the pages.

inspect     what a source file is: its format, location metadata, why it is refused
containers  what a file holds besides its pixels, by allowlist: why its original may not be published
derive      one image's metadata-free WebP thumbnail and display copy
runner      every distinct source decoded once, over all cores, its derivatives kept in the build store
renditions  what pages and feeds say about a prepared image, and the files the site links to
"""

from .derive import SETTINGS, derivative_key
from .inspect import EXTENSIONS, MIME, NAMES, Failure
from .runner import Job, prepare
from .renditions import Prepared, Rendition, check_item, outputs

__all__ = ["EXTENSIONS", "MIME", "NAMES", "SETTINGS", "Failure", "Job", "Prepared", "Rendition", "check_item",
           "derivative_key", "outputs", "prepare"]
