/* advflow CLI: SIGINT and SIGTERM.  GPL-3.0-or-later.
 *
 * No signal may leave a temporary file behind (af_file's NAME.tmp.XXXXXX,
 * outputs_stage's .advflow-part-NAME): while files are being written
 * (writes_begin .. writes_end, which nest) a signal waits for them, and
 * the program exits right after them with 128 + the signal.  Outside
 * writes a signal ends the program at once, except in `advflow run`
 * (signals_install(1)), where the first one only raises signal_stop: the
 * step's loops read it (af_mm_params.interrupt) and the run stops within
 * milliseconds, keeping what the last finished step wrote; a second one
 * exits at once (or after the files being written). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

volatile sig_atomic_t signal_stop = 0;
static volatile sig_atomic_t cooperative = 0;
static volatile sig_atomic_t writing = 0; /* nesting depth of writes */
static volatile sig_atomic_t pending = 0; /* exit when the writes are done */

static void on_signal(int sig)
{
    if (!signal_stop) {
        signal_stop = sig;
        if (cooperative)
            return;
    }
    if (writing) {
        pending = 1;
        return;
    }
    _exit(EXIT_SIGNAL(signal_stop));
}

void signals_install(int coop)
{
    cooperative = coop;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void writes_begin(void) { writing++; }

void writes_end(void)
{
    if (writing > 0)
        writing--;
    if (!writing && pending)
        _exit(EXIT_SIGNAL(signal_stop));
}

void writes_reset(void)
{
    writing = 1;
    writes_end();
}
