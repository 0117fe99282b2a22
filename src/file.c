/* advflow: atomic file writing (file.h), and the bounded line reader and
 * suffix test the text readers share (internal.h).  GPL-3.0-or-later. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "advflow/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static af_status open_tmp(af_file *f, const char *path, af_error *err);

static void release(af_file *f)
{
    free(f->path);
    free(f->tmp);
    f->path = f->tmp = NULL;
    f->fp = NULL;
}

af_status af_file_open(af_file *f, const char *path, const char *who, af_error *err)
{
    memset(f, 0, sizeof *f);
    f->who = who ? who : "file";
    if (!path || !path[0])
        return af_error_set(err, AF_EINVAL, "%s: output path is %s", f->who, path ? "empty" : "NULL");
    /* The target: a regular file or nothing; a link leads to the file to
     * replace (realpath's result is malloc'd and freed below). */
    char *real = NULL;
    struct stat sb;
    int exists = lstat(path, &sb) == 0;
    if (exists && S_ISLNK(sb.st_mode)) {
        if (!(real = realpath(path, NULL)) || stat(real, &sb) != 0) {
            int e = errno;
            free(real);
            return af_error_set(err, AF_EINVAL, "%s: '%s' is a symbolic link that leads nowhere (%s)",
                                f->who, path, strerror(e));
        }
        path = real;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        af_status st = af_error_set(err, AF_EINVAL,
                                    "%s: '%s' is %s, not a regular file: give a file name", f->who,
                                    path, S_ISDIR(sb.st_mode) ? "a folder" : "a device, pipe or socket");
        free(real);
        return st;
    }
    af_status st = open_tmp(f, path, err);
    free(real);
    return st;
}

af_status af_file_check(const char *path, const char *who, af_error *err)
{
    af_file f;
    af_status st = af_file_open(&f, path, who, err);
    af_file_abort(&f);
    return st;
}

/* Create the temporary file beside path (a regular file or nothing). */
static af_status open_tmp(af_file *f, const char *path, af_error *err)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(path);
    f->path = malloc(len + 1);
    f->tmp = malloc(len + sizeof suffix);
    if (!f->path || !f->tmp) {
        release(f);
        return af_error_set(err, AF_ENOMEM, "%s: '%s': out of memory for the file names", f->who,
                            path);
    }
    memcpy(f->path, path, len + 1);
    memcpy(f->tmp, path, len);
    memcpy(f->tmp + len, suffix, sizeof suffix);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        release(f);
        return af_error_set(err, AF_EIO, "%s: cannot write '%s': %s", f->who, path, strerror(e));
    }
    (void)fchmod(fd, 0644); /* harmless if the file system has no modes */
    if (!(f->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unlink(f->tmp);
        release(f);
        return af_error_set(err, AF_EIO, "%s: cannot write '%s': %s", f->who, path, strerror(e));
    }
    return AF_OK;
}

af_status af_file_commit(af_file *f, af_error *err)
{
    if (!f->fp) {
        release(f);
        return af_error_set(err, AF_EINVAL, "%s: commit of a file that is not open", f->who);
    }
    /* errno still holds the cause of a failed write (ferror does not set
     * it); a clean stream is then checked by fclose */
    int bad = ferror(f->fp);
    int e = bad ? errno : 0;
    /* fclose flushes the stdio buffer: a full disk may only show up here */
    if (fclose(f->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    f->fp = NULL;
    af_status st = AF_OK;
    if (bad) {
        st = af_error_set(err, AF_EIO, "%s: cannot write '%s': %s", f->who, f->path,
                          e ? strerror(e) : "write error");
        unlink(f->tmp);
    } else if (rename(f->tmp, f->path) != 0) {
        e = errno;
        st = af_error_set(err, AF_EIO, "%s: cannot rename the temporary file to '%s': %s", f->who,
                          f->path, strerror(e));
        unlink(f->tmp);
    }
    release(f);
    return st;
}

void af_file_abort(af_file *f)
{
    if (f->fp) {
        fclose(f->fp);
        unlink(f->tmp);
    }
    release(f);
}

af_line_result af_line_read(FILE *fp, char *buf, size_t size, size_t *len)
{
    size_t k = 0;
    int c;
    while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
        if (c == '\0') {
            *len = k;
            return AF_LINE_NUL;
        }
        if (k + 1 >= size) {
            *len = k;
            return AF_LINE_LONG;
        }
        buf[k++] = (char)c;
    }
    buf[k] = '\0';
    *len = k;
    if (c == EOF) {
        if (ferror(fp))
            return AF_LINE_ERROR;
        if (k == 0)
            return AF_LINE_EOF;
    }
    return AF_LINE_OK;
}

void af_printable(char *dst, size_t size, const char *src)
{
    size_t k = 0, len = strlen(src);
    for (; k + 1 < size && k < len; k++)
        dst[k] = src[k] >= 0x20 && src[k] < 0x7f ? src[k] : '?';
    dst[k] = '\0';
    if (k < len && size >= 4)
        memcpy(dst + size - 4, "...", 4);
}

int af_has_suffix(const char *name, const char *suffix)
{
    size_t a = strlen(name), b = strlen(suffix);
    if (a < b)
        return 0;
    for (size_t k = 0; k < b; k++) {
        char c = name[a - b + k], d = suffix[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (d >= 'A' && d <= 'Z')
            d = (char)(d - 'A' + 'a');
        if (c != d)
            return 0;
    }
    return 1;
}
