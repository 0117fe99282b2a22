/* advflow: status codes and error messages.
 *
 * Every fallible advflow call returns an af_status and, when the caller
 * passes a non-NULL af_error, fills it with a one-line message that names
 * what was wrong (and the file and line, for file input).  The library never
 * prints: the caller decides what to show.
 *
 * The status never depends on err: a call given err == NULL fails (or not)
 * with the same status as with an af_error (tests/test_errnull.c).
 *
 * Out of memory and too big are told apart: AF_ENOMEM is an allocation that
 * failed (a run-time condition: the same input may work on another machine
 * or later; the CLI exits 1), AF_ETOOBIG a size advflow refuses before it
 * allocates (a grid beyond AF_GRID_MAX_CELLS: the input itself is the
 * problem; the CLI exits 2).
 *
 * Copyright (C) 2026 the advflow authors.  GPL-3.0-or-later.
 */
#ifndef ADVFLOW_STATUS_H
#define ADVFLOW_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AF_OK = 0,      /* success */
    AF_EINVAL = 1,  /* an argument or input value is out of range, NaN or inconsistent */
    AF_ENOMEM = 2,  /* an allocation failed (malloc, fftw_malloc, a GSL or cairo allocation) */
    AF_EIO = 3,     /* a file could not be opened, read, written or renamed */
    AF_EFORMAT = 4, /* a file was read but its contents are malformed (PNG, case file) */
    AF_EUNSUP = 5,  /* valid request that this version does not implement (e.g. dim = 3) */
    AF_EFAILED = 6, /* an internal computation failed (a library call reported an error) */
    AF_ETOOBIG = 7, /* a size beyond what advflow accepts (e.g. more cells than
                     * AF_GRID_MAX_CELLS): refused before anything is allocated */
    AF_EINTR = 8    /* the caller's interrupt flag was raised: the call was abandoned
                     * (its outputs are unspecified; its plan stays usable) */
} af_status;

/* Short English text for a status; never NULL, static storage. */
const char *af_strerror(af_status status);

/* Error descriptor filled by failing calls.  Caller-owned; may live on the
 * stack.  msg is always NUL-terminated; it is "" after af_error_clear. */
#define AF_ERROR_MSG_MAX 512
typedef struct {
    af_status status;
    char msg[AF_ERROR_MSG_MAX];
} af_error;

void af_error_clear(af_error *err);

/* Record status and a printf-style message in err (if err is not NULL) and
 * return status, so that failing paths read `return af_error_set(err, ...)`. */
af_status af_error_set(af_error *err, af_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
