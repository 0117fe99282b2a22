/* advflow: files written atomically.
 *
 * Every file advflow writes (images, arrays, points, plots, tables) goes to
 * a temporary file beside its target, "PATH.tmp.XXXXXX" in the same folder,
 * which is renamed over the target only when it is complete.  rename() is
 * atomic within a folder, so a reader (or a failure, or an interruption)
 * never sees a half-written file under the final name.
 *
 *   af_file f;
 *   if (af_file_open(&f, path, "points", &err) != AF_OK) return err.status;
 *   ... fprintf(f.fp, ...) ...
 *   return af_file_commit(&f, &err);     // or af_file_abort(&f) to drop it
 *
 * The target must be a regular file or not exist yet: a folder, a device
 * or a pipe at the path is refused (AF_EINVAL), rather than replaced by a
 * regular file (as root, "-o /dev/null" would otherwise replace the
 * device).  A symbolic link is followed: the file it leads to is replaced
 * and the link stays.
 *
 * The file gets mode 0644 (mkstemp's 0600 would hide a table or a figure;
 * the umask is not consulted, because reading it would change it for the
 * whole process for a moment).  The descriptor is caller-owned (it may live
 * on the stack); open allocates the two names, commit and abort free them.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_FILE_H
#define ADVFLOW_FILE_H

#include <stdio.h>

#include "advflow/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *fp;         /* the temporary file, open for writing ("wb"); NULL when closed */
    char *path;       /* the target (a copy) */
    char *tmp;        /* the temporary file's name */
    const char *who;  /* prefix of messages, e.g. "png" (static storage) */
} af_file;

/* Create the temporary file for path.  AF_EINVAL for a NULL or empty path,
 * a target that is not a regular file, or a link that leads nowhere;
 * AF_ENOMEM; AF_EIO (with strerror) when the folder does not take it.  On
 * failure nothing is left open and af_file_abort is a no-op. */
af_status af_file_open(af_file *f, const char *path, const char *who, af_error *err);

/* Check, before the work that produces it, that path could be written:
 * af_file_open and af_file_abort, so the same conditions and messages. */
af_status af_file_check(const char *path, const char *who, af_error *err);

/* Close the temporary file and rename it over the target.  A write error
 * the stream recorded, a failing close (a full disk may show only there) or
 * rename is AF_EIO naming the target; the temporary is then removed.  The
 * descriptor is released either way. */
af_status af_file_commit(af_file *f, af_error *err);

/* Close and remove the temporary file, release the descriptor.  Safe on a
 * descriptor that was committed, aborted, or never opened (zeroed). */
void af_file_abort(af_file *f);

#ifdef __cplusplus
}
#endif
#endif
