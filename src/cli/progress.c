/* advflow CLI: the progress line of `advflow run`.  GPL-3.0-or-later.
 *
 * The library never prints, and a step is one call that may take minutes
 * on a large grid.  So the loop tells this module which phase it enters
 * (solving, redistancing, writing frames), and on a terminal a timer
 * thread redraws the line with the phase and its elapsed time while the
 * phase lasts longer than a second; after each step the line shows the
 * step, time, area and the time left. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define SLOW_S 1.0     /* show the phase of a step that has lasted this long */
#define TICK_NS 250000000L

struct progress_bar {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int have_thread, stop;
    int total;
    int k;               /* the step under way */
    const char *phase;   /* its phase (static text), NULL between steps */
    double step_start;   /* when step k began */
    double last_step_s;  /* how long the previous step took */
    char line[256];      /* the last step line */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* "12 s", "3.5 min", "2.1 h" */
static void duration(char *buf, size_t size, double s)
{
    if (s < 120)
        snprintf(buf, size, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, size, "%.1f min", s / 60);
    else
        snprintf(buf, size, "%.1f h", s / 3600);
}

/* With p->mu held. */
static void draw_phase(progress_bar *p)
{
    fprintf(stderr, "\rstep %d/%d: %s... %.1f s", p->k, p->total, p->phase, now_s() - p->step_start);
    if (p->last_step_s > 0)
        fprintf(stderr, " (the step before took %.1f s)", p->last_step_s);
    fputs("\033[K", stderr);
    fflush(stderr);
}

static void *timer(void *arg)
{
    progress_bar *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += TICK_NS;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cv, &p->mu, &ts);
        if (!p->stop && p->phase && now_s() - p->step_start > SLOW_S)
            draw_phase(p);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

progress_bar *progress_start(const options *o, int total)
{
    if (o->quiet || !isatty(2))
        return NULL;
    progress_bar *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->total = total;
    p->step_start = now_s();
    /* without the thread the line still changes between phases */
    p->have_thread = pthread_create(&p->thread, NULL, timer, p) == 0;
    return p;
}

void progress_phase(progress_bar *p, int k, const char *phase)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    if (k != p->k) {
        double t = now_s();
        if (p->k > 0 || p->phase)
            p->last_step_s = t - p->step_start;
        p->k = k;
        p->step_start = t;
    }
    p->phase = phase;
    /* after a slow step, say at once what the next one is doing */
    if (p->last_step_s > SLOW_S || now_s() - p->step_start > SLOW_S)
        draw_phase(p);
    pthread_mutex_unlock(&p->mu);
}

void progress_step(progress_bar *p, int k, double t, double area, double ms_per_step)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    char left[32];
    duration(left, sizeof left, ms_per_step * (p->total - k) / 1e3);
    snprintf(p->line, sizeof p->line, "step %d/%d  t = %.5g  area = %.5g  %.1f ms/step  ~%s left",
             k, p->total, t, area, ms_per_step, left);
    fprintf(stderr, "\r%s\033[K", p->line);
    fflush(stderr);
    p->phase = NULL;
    pthread_mutex_unlock(&p->mu);
}

void progress_estimate(const options *o, progress_bar *p, int total, double first_s)
{
    if (o->quiet || total < 2 || total * first_s <= 60)
        return;
    char all[32];
    duration(all, sizeof all, total * first_s);
    progress_clear(p);
    fprintf(stderr,
            "advflow: the first step took %.1f s: the %d planned steps may take about %s (less if "
            "the set vanishes or comes to rest; Ctrl-C stops the run and keeps what it wrote)\n",
            first_s, total, all);
}

void progress_clear(progress_bar *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    fputs("\r\033[K", stderr);
    pthread_mutex_unlock(&p->mu);
}

void progress_stop(progress_bar *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (p->have_thread)
        pthread_join(p->thread, NULL);
    if (p->line[0])
        fprintf(stderr, "\r%s\033[K\n", p->line);
    else
        fputs("\r\033[K", stderr);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
