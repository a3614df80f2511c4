"""A build that cannot write its output (a full disk, a read-only site folder, a path too long)
ends with one line naming the file and the reason, not a traceback."""

from __future__ import annotations

import errno

from mkdocs.exceptions import Abort

#: What to do about each kind of failed write.
ADVICE = {
    errno.ENOSPC: "free some space", errno.EFBIG: "free some space or raise the file size limit",
    errno.EDQUOT: "free some space", errno.EROFS: "choose a writable site_dir",
    errno.EACCES: "make site_dir writable", errno.EPERM: "make site_dir writable",
    errno.ENAMETOOLONG: "use shorter folder or file names",
}


def abort_for(error: BaseException) -> Abort | None:
    """The one-line Abort for an error the writing of the site met, or None for other errors."""
    if isinstance(error, RecursionError):
        return Abort("error: the build went too deep (folders nested too deeply?); "
                     "flatten the notes folder")
    if not isinstance(error, OSError) or error.errno is None:
        return None
    where = error.filename2 or error.filename
    target = f" {where}" if where else ""
    advice = ADVICE.get(error.errno, "check the site folder")
    return Abort(f"error: cannot write{target}: {error.strerror} ({advice})")
