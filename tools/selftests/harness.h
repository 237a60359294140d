/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness of dbdev's userspace selftests: kselftest-style TAP, each
 * test in a child process of its own (a crash or a hang fails that test
 * only), checks that report and go on.  A test program defines its tests
 * with T() in an array and calls tap_main().
 *
 * Every test opens its own contexts on /dev/dbdev, or on $DBDEV_PATH; if
 * that cannot be opened, every test fails.
 */
#ifndef DBDEV_HARNESS_H
#define DBDEV_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dbdev.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TEST_TIMEOUT	120	/* seconds per test */

static const char *dev_path = "/dev/dbdev";
static int test_failed;		/* in the child running a test */
static const char *check_note;	/* printed with a failed check, if set */

static inline const char *err_name(long long v)
{
	const char *n = NULL;

	if (v < 0 && v > -4096)
		n = strerrorname_np((int)-v);
	return n ? n : "";
}

static inline void check_fail(const char *file, int line, const char *expr,
			      const char *wexpr, long long got, long long want)
{
	test_failed = 1;
	if (check_note)
		printf("# (%s)\n", check_note);
	printf("# %s:%d: CHECK(%s == %s) failed: got %lld (0x%llx)%s%s, want %lld (0x%llx)%s%s\n",
	       file, line, expr, wexpr, got, (unsigned long long)got,
	       *err_name(got) ? " -" : "", err_name(got),
	       want, (unsigned long long)want,
	       *err_name(want) ? " -" : "", err_name(want));
	fflush(stdout);
}

/* CHECK(got, want): compare as 64-bit integers, report and go on. */
#define CHECK(got, want) ({						\
	long long _g = (long long)(got), _w = (long long)(want);	\
	if (_g != _w)							\
		check_fail(__FILE__, __LINE__, #got, #want, _g, _w);	\
	_g == _w;							\
})
/* REQUIRE(got, want): as CHECK, but end the test on a mismatch. */
#define REQUIRE(got, want) do {						\
	if (!CHECK(got, want))						\
		return;							\
} while (0)
/* CHECK_MEM(a, b, n): n bytes equal */
#define CHECK_MEM(a, b, n) do {						\
	if (memcmp((a), (b), (n))) {					\
		test_failed = 1;					\
		printf("# %s:%d: CHECK_MEM(%s, %s, %s) failed: contents differ\n", \
		       __FILE__, __LINE__, #a, #b, #n);			\
		fflush(stdout);						\
	}								\
} while (0)

/* A context: an fd on the device, or -1 with the test failed. */
static inline int open_ctx(void)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		test_failed = 1;
		printf("# cannot open %s: %s\n", dev_path, strerror(errno));
		fflush(stdout);
	}
	return fd;
}

#define OPEN_CTX(fd) do {						\
	fd = open_ctx();						\
	if (fd < 0)							\
		return;							\
} while (0)

/* ioctl() as 0 or -errno */
static inline int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

struct test {
	const char *name;
	void (*fn)(void);
};

#define T(n)	{ #n, test_##n }

/* Run one test in a child: true if it passed. */
static inline bool run_test(const struct test *t)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		return false;
	}
	if (!pid) {
		alarm(TEST_TIMEOUT);
		test_failed = 0;
		t->fn();
		fflush(stdout);
		_exit(test_failed ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		printf("# waitpid: %s\n", strerror(errno));
		return false;
	}
	if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d (%s)\n", t->name,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
		return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static inline bool selected(const struct test *t, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], t->name))
			return true;
	return false;
}

/*
 * Run the @nr tests of @tests, or those named on the command line; exit
 * status 0 only if all pass.
 */
static inline int tap_main(int argc, char **argv, const struct test *tests,
			   unsigned int nr_tests, const char *title)
{
	unsigned int i, n = 0, nr = 0, fails = 0;
	const char *p = getenv("DBDEV_PATH");

	if (p && *p)
		dev_path = p;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nr_tests; i++)
		nr += selected(&tests[i], argc, argv);

	printf("TAP version 13\n");
	printf("1..%u\n", nr);
	printf("# %s on %s\n", title, dev_path);
	for (i = 0; i < nr_tests; i++) {
		bool ok;

		if (!selected(&tests[i], argc, argv))
			continue;
		ok = run_test(&tests[i]);
		fails += !ok;
		printf("%sok %u - %s\n", ok ? "" : "not ", ++n, tests[i].name);
	}
	printf("# %u passed, %u failed\n", nr - fails, fails);
	return fails ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * Helpers for the ABI, with the "dbdev-test" device type
 */

#define RES(t, b, s)	((struct dbdev_uresource){ .type = (t), .base = (b), .size = (s) })
#define RES_PIO(b, s)	RES(DBDEV_UR_PIO, b, s)
#define RES_MMIO(b, s)	RES(DBDEV_UR_MMIO, b, s)

static inline void create_init(struct dbdev_create_device *c, uint32_t flags,
			const void *items, uint32_t nr,
			struct dbdev_uresource *assigned, uint32_t max)
{
	memset(c, 0, sizeof(*c));
	c->argsz = sizeof(*c);
	c->flags = flags;
	strcpy(c->type, DBDEV_TEST_TYPE);
	c->nr_items = nr;
	c->items = (uintptr_t)items;
	c->assigned = (uintptr_t)assigned;
	c->assigned_max = max;
}

/* Create a dbdev-test device with explicit resources: -errno, or 0 and *id */
static inline int create_res(int fd, const struct dbdev_uresource *res, uint32_t nr,
		      uint32_t *id)
{
	struct dbdev_create_device c;
	int err;

	create_init(&c, 0, res, nr, NULL, 0);
	err = xioctl(fd, DBDEV_CREATE_DEVICE, &c);
	if (!err && id)
		*id = c.id;
	return err;
}

static inline int destroy_dev(int fd, uint32_t id)
{
	struct dbdev_destroy_device d = { .argsz = sizeof(d), .id = id };

	return xioctl(fd, DBDEV_DESTROY_DEVICE, &d);
}

#define LOG_MAX	64

struct test_log {
	struct dbdev_test_log head;
	struct dbdev_test_access e[LOG_MAX];
};

/* Drain the log of device @id: -errno, or 0 */
static inline int read_log(int fd, uint32_t id, struct test_log *log)
{
	struct dbdev_device_ctl c = {
		.argsz = sizeof(c), .id = id, .op = DBDEV_TEST_READ_LOG,
		.out_len = sizeof(*log), .buf = (uintptr_t)log,
	};

	memset(log, 0x5a, sizeof(*log));
	return xioctl(fd, DBDEV_DEVICE_CTL, &c);
}

#endif /* DBDEV_HARNESS_H */
