/* advflow fuzzing: what the harnesses share (header-only, static).
 *
 * Each harness tests/fuzz/fuzz_NAME.c defines the libFuzzer entry point
 * LLVMFuzzerTestOneInput.  `make fuzz` links each with libFuzzer (clang
 * -fsanitize=fuzzer); the replay driver (replay.c, run by `make check`)
 * links all of them into one program without libFuzzer, so there each
 * entry point is renamed by defining FUZZ_ENTRY (e.g. fuzz_case_input).
 *
 * The readers take file names, so a harness writes its input to a file in
 * a private folder made once per process (mkdtemp under $TMPDIR or /tmp)
 * and removed at exit.  A failed check aborts, which libFuzzer and the
 * replay driver both report as a crash with the input that caused it.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_FUZZ_H
#define ADVFLOW_FUZZ_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif
int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* A property the library promises; abort (a "crash" with this input) when
 * it does not hold. */
#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

static char fuzz_dir_name[256];

static void fuzz_dir_remove(void)
{
    DIR *d = opendir(fuzz_dir_name);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%s/%s", fuzz_dir_name, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fuzz_dir_name);
}

/* dir/name into buf, the folder made on first use; aborts when it cannot
 * be made (nothing could be tested). */
static const char *fuzz_path(char *buf, size_t size, const char *name)
{
    if (!fuzz_dir_name[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir_name, sizeof fuzz_dir_name, "%s/advflow-fuzz-XXXXXX",
                 tmp && tmp[0] && strlen(tmp) < 200 ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir_name)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_dir_remove);
    }
    snprintf(buf, size, "%s/%s", fuzz_dir_name, name);
    return buf;
}

/* Write size bytes to path (replacing it); aborts on failure. */
static void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

#endif
