/* advflow: small internal helpers shared by the library's modules (not
 * installed).  GPL-3.0-or-later. */
#ifndef ADVFLOW_INTERNAL_H
#define ADVFLOW_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "advflow/gauss.h"

/* M_PI is not in strict C11. */
#define AF_PI 3.14159265358979323846

/* af_gauss_set_sigma with the variance s2 = sigma^2 given instead (finite,
 * >= 0, not checked).  MBO knows its kernel as the heat kernel of time h,
 * s2 = 2 h; passing 2 h itself rather than sqrt(2 h), which
 * af_gauss_set_sigma would square again (sqrt(x)^2 is often x + 1 ulp),
 * keeps MBO's multipliers, hence its steps, bit-identical to those it
 * computed before the gauss module was split out of it. */
void af_gauss_set_variance(af_gauss *p, double s2);

/* Outcome of af_line_read. */
typedef enum {
    AF_LINE_OK,    /* a line is in the buffer (possibly the last, without '\n') */
    AF_LINE_EOF,   /* nothing left */
    AF_LINE_LONG,  /* the line does not fit in the buffer */
    AF_LINE_NUL,   /* the line holds a NUL byte (at offset *len) */
    AF_LINE_ERROR  /* the stream reported a read error (errno set) */
} af_line_result;

/* Read one line of a text file into buf (size >= 1 bytes), without its
 * '\n', NUL-terminated, its length in *len.  Stops at the first NUL byte or
 * as soon as the line cannot fit, so that a call reads at most size bytes:
 * a file without newlines (or /dev/zero) fails at once instead of growing a
 * buffer.  The stream must be private to the caller (getc_unlocked). */
af_line_result af_line_read(FILE *fp, char *buf, size_t size, size_t *len);

/* Copy src into dst (size >= 1 bytes), NUL-terminated, with every byte
 * that is not printable ASCII replaced by '?' and a long text cut with
 * "...", so that a message can quote a file's bytes without sending
 * control sequences to a terminal. */
void af_printable(char *dst, size_t size, const char *src);

/* Does name end with suffix (ASCII letters compared case-insensitively)? */
int af_has_suffix(const char *name, const char *suffix);

#endif
