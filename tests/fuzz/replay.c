/* advflow fuzzing: the replay driver, run by `make check` (and by
 * `make check-asan`, under the sanitizers) as build/tests/test_fuzz_replay.
 *
 * It feeds every file of tests/fuzz/seeds/NAME/ and tests/fuzz/regress/NAME/
 * to harness NAME (fuzz_NAME.c, linked in without libFuzzer), each input
 * in a child process of its own, so that one crash, hang or leak is
 * reported with its file and the others still run.  An input passes when
 * its child exits with status 0 within FUZZ_REPLAY_SECONDS (a failed
 * check aborts; under ASan a leak makes the exit status nonzero).
 *
 *   test_fuzz_replay [ROOT]          every corpus under ROOT (default tests/fuzz)
 *   test_fuzz_replay NAME FILE...    the given files through harness NAME
 *
 * The last line is the runner's summary, "fuzz_replay: N passed, N failed",
 * counting inputs.  GPL-3.0-or-later.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Generous: under the sanitizers an input takes up to a second. */
#define FUZZ_REPLAY_SECONDS 60

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);
int fuzz_case_input(const uint8_t *data, size_t size);
int fuzz_points_input(const uint8_t *data, size_t size);
int fuzz_array_input(const uint8_t *data, size_t size);
int fuzz_png_input(const uint8_t *data, size_t size);

static const struct {
    const char *name;
    fuzz_fn fn;
} harnesses[] = {
    {"case", fuzz_case_input},
    {"points", fuzz_points_input},
    {"array", fuzz_array_input},
    {"png", fuzz_png_input},
};
#define NHARNESSES ((int)(sizeof harnesses / sizeof harnesses[0]))

static int pass, fail;

/* Read the whole file into a buffer of exactly its size (so that ASan sees
 * a read past the input's end); NULL on failure. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    uint8_t *exact = bad ? NULL : malloc(len ? len : 1);
    if (exact)
        memcpy(exact, buf, len);
    free(buf);
    *size = len;
    return exact;
}

/* One input in a child process; counts it. */
static void replay(const char *name, fuzz_fn fn, const char *path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fuzz_replay: fork");
        fail++;
        return;
    }
    if (pid == 0) {
        alarm(FUZZ_REPLAY_SECONDS);
        size_t size;
        uint8_t *data = slurp(path, &size);
        if (!data) {
            fprintf(stderr, "fuzz_replay: cannot read %s: %s\n", path, strerror(errno));
            exit(2);
        }
        fn(data, size);
        free(data);
        exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            perror("fuzz_replay: waitpid");
            fail++;
            return;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        pass++;
        return;
    }
    fail++;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        printf("FAIL: %s %s: no result within %d s (a hang)\n", name, path, FUZZ_REPLAY_SECONDS);
    else if (WIFSIGNALED(status))
        printf("FAIL: %s %s: killed by signal %d\n", name, path, WTERMSIG(status));
    else
        printf("FAIL: %s %s: exit status %d\n", name, path, WEXITSTATUS(status));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order; a missing folder holds none. */
static int replay_dir(const char *name, fuzz_fn fn, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            char **n2 = realloc(names, cap * sizeof *names);
            if (!n2)
                break;
            names = n2;
        }
        if (!(names[count] = strdup(e->d_name)))
            break;
        count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, by_name);
    int done = 0;
    for (size_t k = 0; k < count; k++) {
        char path[4096];
        struct stat sb;
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        if (len < 0 || (size_t)len >= sizeof path) {
            printf("FAIL: %s/%s: name too long\n", dir, names[k]);
            fail++;
        } else if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            replay(name, fn, path);
            done++;
        }
        free(names[k]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    if (argc >= 3) {
        for (int h = 0; h < NHARNESSES; h++)
            if (!strcmp(argv[1], harnesses[h].name)) {
                for (int k = 2; k < argc; k++)
                    replay(harnesses[h].name, harnesses[h].fn, argv[k]);
                printf("fuzz_replay: %d passed, %d failed\n", pass, fail);
                return fail != 0;
            }
        fprintf(stderr, "fuzz_replay: unknown harness '%s' (case, points, array, png)\n", argv[1]);
        return 2;
    }
    const char *root = argc == 2 ? argv[1] : "tests/fuzz";
    for (int h = 0; h < NHARNESSES; h++) {
        int found = 0;
        for (int kind = 0; kind < 2; kind++) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s/%s/%s", root, kind ? "regress" : "seeds",
                     harnesses[h].name);
            found += replay_dir(harnesses[h].name, harnesses[h].fn, dir);
        }
        if (!found) {
            /* every harness has seeds: none found means a wrong folder */
            printf("FAIL: no inputs for harness %s under %s\n", harnesses[h].name, root);
            fail++;
        }
    }
    printf("fuzz_replay: %d passed, %d failed\n", pass, fail);
    return fail != 0;
}
