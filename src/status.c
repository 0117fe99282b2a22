/* advflow: status codes and error messages.  GPL-3.0-or-later. */
#include "advflow/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *af_strerror(af_status status)
{
    switch (status) {
    case AF_OK: return "success";
    case AF_EINVAL: return "invalid argument";
    case AF_ENOMEM: return "out of memory";
    case AF_EIO: return "input/output error";
    case AF_EFORMAT: return "malformed file";
    case AF_EUNSUP: return "not supported";
    case AF_EFAILED: return "computation failed";
    case AF_ETOOBIG: return "size beyond advflow's limits";
    case AF_EINTR: return "interrupted";
    }
    return "unknown status";
}

void af_error_clear(af_error *err)
{
    if (err) {
        err->status = AF_OK;
        err->msg[0] = '\0';
    }
}

af_status af_error_set(af_error *err, af_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

#include "advflow/advflow.h"

#ifndef AF_VERSION
#define AF_VERSION "0.0.0"
#endif

const char *af_version(void) { return AF_VERSION; }
