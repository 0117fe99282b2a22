/* Tests of atomic writing (file.h): a committed file appears whole with
 * mode 0644 and no temporary beside it; an aborted or failed one leaves
 * nothing; folders, devices and dangling links are refused untouched; a
 * symbolic link is followed and stays a link. */
#include "testutil.h"
#include "testfiles.h"

#include <sys/stat.h>

#include "advflow/file.h"
#include "internal.h"

static int setup_dir(void **state)
{
    (void)state;
    return tu_setup_dir("file");
}

static void test_commit_and_abort(void **state)
{
    (void)state;
    char path[256];
    tpath(path, sizeof path, "a.txt");
    af_file f;
    af_error err;
    assert_int_equal(af_file_open(&f, path, "test", &err), AF_OK);
    fprintf(f.fp, "hello\n");
    assert_false(file_exists(path)); /* not before the commit */
    assert_int_equal(af_file_commit(&f, &err), AF_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 6);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
    /* an aborted rewrite leaves the old file as it was */
    assert_int_equal(af_file_open(&f, path, "test", &err), AF_OK);
    fprintf(f.fp, "a longer text that is dropped\n");
    af_file_abort(&f);
    af_file_abort(&f); /* twice is fine */
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 6);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
    assert_int_equal(af_file_check(path, "test", &err), AF_OK);
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

static void test_refused_targets(void **state)
{
    (void)state;
    char path[256], link[256];
    af_file f;
    af_error err;
    /* a folder, a device, an empty name, a missing folder, a dangling link */
    assert_int_equal(af_file_open(&f, tmpdir, "test", &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "a folder"));
    assert_int_equal(af_file_open(&f, "/dev/null", "test", &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "device"));
    struct stat sb;
    assert_int_equal(stat("/dev/null", &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
    assert_int_equal(af_file_open(&f, "", "test", &err), AF_EINVAL);
    assert_int_equal(af_file_open(&f, NULL, "test", &err), AF_EINVAL);
    tpath(path, sizeof path, "nodir/x.txt");
    assert_int_equal(af_file_open(&f, path, "test", &err), AF_EIO);
    assert_non_null(strstr(err.msg, path));
    tpath(link, sizeof link, "dangling");
    tpath(path, sizeof path, "nowhere.txt");
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(af_file_open(&f, link, "test", &err), AF_EINVAL);
    assert_non_null(strstr(err.msg, "leads nowhere"));
    af_file_abort(&f); /* a failed open leaves nothing to abort */
    assert_int_equal(count_entries(tmpdir, ".tmp."), 0);
}

static void test_link_followed(void **state)
{
    (void)state;
    char path[256], link[256];
    tpath(path, sizeof path, "target.txt");
    tpath(link, sizeof link, "link.txt");
    FILE *fp = fopen(path, "w");
    fputs("old\n", fp);
    fclose(fp);
    assert_int_equal(symlink(path, link), 0);
    af_file f;
    af_error err;
    assert_int_equal(af_file_open(&f, link, "test", &err), AF_OK);
    fputs("new text\n", f.fp);
    assert_int_equal(af_file_commit(&f, &err), AF_OK);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 9);
}

/* Messages quote file bytes without control characters. */
static void test_printable(void **state)
{
    (void)state;
    char buf[16];
    af_printable(buf, sizeof buf, "a\x1b[2Jb\xff");
    assert_string_equal(buf, "a?[2Jb?");
    af_printable(buf, sizeof buf, "0123456789abcdefghij");
    assert_string_equal(buf, "0123456789ab...");
    af_printable(buf, 1, "abc");
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_and_abort),
        cmocka_unit_test(test_refused_targets),
        cmocka_unit_test(test_link_followed),
        cmocka_unit_test(test_printable),
    };
    return cmocka_run_group_tests_name("file", tests, setup_dir, teardown_dir);
}
