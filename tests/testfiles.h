/* advflow tests: a scratch folder for the tests that write files
 * (header-only; include after testutil.h).  The group setup makes a fresh
 * folder /tmp/af_test_NAME_XXXXXX, the teardown removes it with all it
 * holds.  GPL-3.0-or-later. */
#ifndef ADVFLOW_TESTFILES_H
#define ADVFLOW_TESTFILES_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advflow/status.h"

static char tmpdir[64];

/* tmpdir/name into buf. */
static inline const char *tpath(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

/* Remove a tree of plain files and folders (made writable first). */
static inline void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[1024];
        int len = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (len < 0 || (size_t)len >= sizeof p)
            continue;
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            chmod(p, 0755);
            rm_tree(p);
        } else {
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* Make the scratch folder; 0 or -1 (for a cmocka group setup). */
static inline int tu_setup_dir(const char *name)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/af_test_%s_XXXXXX", name);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int teardown_dir(void **state)
{
    (void)state;
    rm_tree(tmpdir);
    return 0;
}

/* Entries of dir whose name contains part (all when part is NULL). */
static inline int count_entries(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!part || strstr(e->d_name, part))
            count++;
    }
    closedir(d);
    return count;
}

/* A call failed with status st, its message non-empty and naming path
 * (unless path is NULL). */
static inline void check_error(af_status got, const af_error *err, af_status st, const char *path)
{
    if (got != st)
        fail_msg("status %d (%s), expected %d; message: %s", (int)got, af_strerror(got), (int)st,
                 err->msg);
    assert_int_equal(err->status, st);
    assert_true(err->msg[0] != '\0');
    if (path && !strstr(err->msg, path))
        fail_msg("message '%s' does not name '%s'", err->msg, path);
}

static inline int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

#endif
