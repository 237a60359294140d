// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev_test: userspace selftests of the /dev/dbdev ABI
 * (include/uapi/linux/dbdev.h), with the built-in "dbdev-test" device type.
 *
 * Output is kselftest-style TAP.  Every test runs in a child process of
 * its own (a crash fails that test only) and opens its own contexts on
 * /dev/dbdev, or on $DBDEV_PATH.  If that cannot be opened, every test
 * fails.  Exit status 0 only if all tests pass.
 *
 * Usage: dbdev_test [NAME...]   (run only the tests named)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dbdev.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TEST_TIMEOUT	120	/* seconds per test */

/* ------------------------------------------------------------------------
 * The harness
 */

static const char *dev_path = "/dev/dbdev";
static int test_failed;		/* in the child running a test */

static const char *err_name(long long v)
{
	const char *n = NULL;

	if (v < 0 && v > -4096)
		n = strerrorname_np((int)-v);
	return n ? n : "";
}

static void check_fail(const char *file, int line, const char *expr,
		       const char *wexpr, long long got, long long want)
{
	test_failed = 1;
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
static int open_ctx(void)
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
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* ------------------------------------------------------------------------
 * Helpers for the ABI
 */

#define RES(t, b, s)	((struct dbdev_uresource){ .type = (t), .base = (b), .size = (s) })
#define RES_PIO(b, s)	RES(DBDEV_UR_PIO, b, s)
#define RES_MMIO(b, s)	RES(DBDEV_UR_MMIO, b, s)
#define CON(t, s)	((struct dbdev_uconstraint){ .type = (t), .size = (s) })

#define TEST_MMIO	0x10000000ULL
#define TEST_MMIO_SIZE	0x1000ULL
#define TEST_PIO	0x3f8ULL
#define TEST_PIO_SIZE	8ULL

static void create_init(struct dbdev_create_device *c, uint32_t flags,
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
static int create_res(int fd, const struct dbdev_uresource *res, uint32_t nr,
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

/* The usual test device: MMIO TEST_MMIO and ports TEST_PIO */
static int create_std(int fd, uint32_t *id)
{
	struct dbdev_uresource r[] = {
		RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE),
		RES_PIO(TEST_PIO, TEST_PIO_SIZE),
	};

	return create_res(fd, r, ARRAY_SIZE(r), id);
}

static __attribute__((unused)) int destroy_dev(int fd, uint32_t id)
{
	struct dbdev_destroy_device d = { .argsz = sizeof(d), .id = id };

	return xioctl(fd, DBDEV_DESTROY_DEVICE, &d);
}

static void io_init(struct dbdev_io_one *a, int bus, int dir, int size,
		    uint32_t count, uint64_t addr, void *data)
{
	memset(a, 0, sizeof(*a));
	a->argsz = sizeof(*a);
	a->io.bus = bus;
	a->io.dir = dir;
	a->io.size = size;
	a->io.count = count;
	a->io.addr = addr;
	a->io.data = (uintptr_t)data;
	a->io.result = 0x7777;	/* must be overwritten */
	a->io.done = 0x7777;
}

/* One access: the ioctl's -errno; the access's outcome in *io. */
static int do_io(int fd, int bus, int dir, int size, uint32_t count,
		 uint64_t addr, void *data, struct dbdev_io *io)
{
	struct dbdev_io_one a;
	int err;

	io_init(&a, bus, dir, size, count, addr, data);
	err = xioctl(fd, DBDEV_IO, &a);
	if (io)
		*io = a.io;
	return err;
}

/* The outcome of one simple access: the ioctl's -errno or io.result */
static int io_result(int fd, int bus, int dir, int size, uint64_t addr,
		     void *data)
{
	struct dbdev_io io;
	int err = do_io(fd, bus, dir, size, 1, addr, data, &io);

	return err ? err : io.result;
}

/* Read a 4-byte MMIO register: io.result, the value in *val */
static int mmio_read32(int fd, uint64_t addr, uint32_t *val)
{
	*val = 0xdeadbeef;
	return io_result(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, addr, val);
}

#define LOG_MAX	64

struct test_log {
	struct dbdev_test_log head;
	struct dbdev_test_access e[LOG_MAX];
};

/* Drain the log of device @id: -errno, or 0 */
static int read_log(int fd, uint32_t id, struct test_log *log)
{
	struct dbdev_device_ctl c = {
		.argsz = sizeof(c), .id = id, .op = DBDEV_TEST_READ_LOG,
		.out_len = sizeof(*log), .buf = (uintptr_t)log,
	};

	memset(log, 0x5a, sizeof(*log));
	return xioctl(fd, DBDEV_DEVICE_CTL, &c);
}

#define LIST_MAX	8

struct test_list {
	uint32_t nr_devices, nr_resources;
	struct dbdev_device_info d[LIST_MAX];
	struct dbdev_uresource r[LIST_MAX * 8];
};

/* List the devices: -errno, or 0 */
static int list_devs(int fd, struct test_list *l)
{
	struct dbdev_list_devices a = {
		.argsz = sizeof(a),
		.nr_devices = LIST_MAX, .nr_resources = LIST_MAX * 8,
		.devices = (uintptr_t)l->d, .resources = (uintptr_t)l->r,
	};
	int err;

	memset(l, 0x5a, sizeof(*l));
	err = xioctl(fd, DBDEV_LIST_DEVICES, &a);
	l->nr_devices = a.nr_devices;
	l->nr_resources = a.nr_resources;
	return err;
}

/* How many devices the context lists (-errno on failure) */
static __attribute__((unused)) int nr_devs(int fd)
{
	struct dbdev_list_devices a = { .argsz = sizeof(a) };
	int err = xioctl(fd, DBDEV_LIST_DEVICES, &a);

	if (err && err != -E2BIG)
		return err;
	return a.nr_devices;
}

/* Check one logged access */
#define CHECK_LOG(a, _bus, _dir, _len, _base, _off, _data, _seq) do {	\
	CHECK((a)->bus, _bus);						\
	CHECK((a)->dir, _dir);						\
	CHECK((a)->len, _len);						\
	CHECK((a)->reserved, 0);					\
	CHECK((a)->base, _base);					\
	CHECK((a)->offset, _off);					\
	CHECK((a)->data, _data);					\
	CHECK((a)->seq, _seq);						\
} while (0)

/* ------------------------------------------------------------------------
 * 1. Creating with explicit resources, and listing
 */
static void test_create_explicit(void)
{
	struct dbdev_uresource in[] = {
		RES_MMIO(TEST_MMIO, TEST_MMIO_SIZE),
		RES_PIO(TEST_PIO, TEST_PIO_SIZE),
	};
	struct dbdev_uresource out[4];
	struct dbdev_device_info info[2];
	struct dbdev_uresource lres[4];
	struct dbdev_list_devices l;
	struct dbdev_create_device c;
	int fd;

	OPEN_CTX(fd);
	memset(out, 0x5a, sizeof(out));
	create_init(&c, 0, in, 2, out, 4);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(c.id != 0, 1);
	CHECK(c.nr_assigned, 2);
	CHECK(c.conflict_id, 0);
	CHECK_MEM(out, in, sizeof(in));

	/* two calls: the counts, then the lists */
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	CHECK(ioctl(fd, DBDEV_LIST_DEVICES, &l), -1);
	CHECK(errno, E2BIG);
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 2);

	memset(info, 0x5a, sizeof(info));
	memset(lres, 0x5a, sizeof(lres));
	l.nr_devices = 2;
	l.nr_resources = 4;
	l.devices = (uintptr_t)info;
	l.resources = (uintptr_t)lres;
	REQUIRE(xioctl(fd, DBDEV_LIST_DEVICES, &l), 0);
	CHECK(l.nr_devices, 1);
	CHECK(l.nr_resources, 2);
	CHECK(info[0].id, c.id);
	CHECK(info[0].nr_resources, 2);
	CHECK(info[0].first_resource, 0);
	CHECK(info[0].flags, 0);
	CHECK(strcmp(info[0].type, DBDEV_TEST_TYPE), 0);
	CHECK_MEM(lres, in, sizeof(in));
	close(fd);
}

/* ------------------------------------------------------------------------
 * 2. Creating with constraints: the allocator's defaults
 */
static void check_res(const struct dbdev_uresource *r, uint32_t type,
		      uint32_t msi_type, uint64_t base, uint64_t size)
{
	CHECK(r->type, type);
	CHECK(r->msi_type, msi_type);
	CHECK(r->base, base);
	CHECK(r->size, size);
	CHECK(r->reserved, 0);
}

static void test_create_constraints(void)
{
	struct dbdev_uconstraint con[] = {
		CON(DBDEV_UC_MMIO, 0x1000),
		CON(DBDEV_UC_PIO, 8),
		CON(DBDEV_UC_LEGACY_IRQ, 0),
		CON(DBDEV_UC_PCI_MSI, 4),
		CON(DBDEV_UC_KVM_SLOT, 2),
		CON(DBDEV_UC_MAC, 0),
	};
	struct dbdev_uconstraint con2[] = {
		CON(DBDEV_UC_MMIO, 0x1000),
		CON(DBDEV_UC_LEGACY_IRQ, 1),
	};
	struct dbdev_uresource out[8];
	struct dbdev_create_device c;
	struct test_list l;
	uint32_t id1;
	int fd;

	OPEN_CTX(fd);
	memset(out, 0x5a, sizeof(out));
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con, ARRAY_SIZE(con), out, 8);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	id1 = c.id;
	CHECK(id1 != 0, 1);
	REQUIRE(c.nr_assigned, 7);
	check_res(&out[0], DBDEV_UR_MMIO, 0, 0xd0000000, 0x1000);
	check_res(&out[1], DBDEV_UR_PIO, 0, 0, 8);
	check_res(&out[2], DBDEV_UR_LEGACY_IRQ, 0, 5, 0);
	check_res(&out[3], DBDEV_UR_MSI, DBDEV_UMSI_PCI, 24, 4);
	check_res(&out[4], DBDEV_UR_KVM_SLOT, 0, 0, 0);
	check_res(&out[5], DBDEV_UR_KVM_SLOT, 0, 1, 0);
	check_res(&out[6], DBDEV_UR_MAC, 0, 0x02dbde000000ULL, 0);

	memset(out, 0x5a, sizeof(out));
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, con2, ARRAY_SIZE(con2), out, 8);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	CHECK(c.id != 0 && c.id != id1, 1);
	REQUIRE(c.nr_assigned, 2);
	check_res(&out[0], DBDEV_UR_MMIO, 0, 0xd0001000, 0x1000);
	check_res(&out[1], DBDEV_UR_LEGACY_IRQ, 0, 6, 0);

	/* the list has what the creations answered, in id order */
	REQUIRE(list_devs(fd, &l), 0);
	CHECK(l.nr_devices, 2);
	CHECK(l.nr_resources, 9);
	CHECK(l.d[0].id, id1);
	CHECK(l.d[1].id, c.id);
	CHECK(l.d[1].first_resource, 7);
	CHECK_MEM(&l.r[7], out, 2 * sizeof(out[0]));
	close(fd);
}

/* ------------------------------------------------------------------------
 * 3. Injected I/O reaches the device and its log
 */
static void test_io_basic(void)
{
	uint32_t id, v32 = 0x11223344, r32;
	uint8_t v8 = 0xab, r8 = 0;
	struct test_log log;
	struct dbdev_io io;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO + 0x10,
		      &v32, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 1);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x10, &r32), 0);
	CHECK(r32, 0x11223344);
	CHECK(mmio_read32(fd, TEST_MMIO + 0x20, &r32), 0);
	CHECK(r32, 0);

	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 1, TEST_PIO + 1,
		      &v8, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 1);
	CHECK(io_result(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO + 1, &r8), 0);
	CHECK(r8, 0xab);

	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 5);
	CHECK(log.head.dropped, 0);
	CHECK(log.head.reads, 3);
	CHECK(log.head.writes, 2);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 0x10, 0x11223344, 0);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0x10, 0x11223344, 1);
	CHECK_LOG(&log.e[2], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0x20, 0, 2);
	CHECK_LOG(&log.e[3], DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, TEST_PIO, 1, 0xab, 3);
	CHECK_LOG(&log.e[4], DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO, 1, 0xab, 4);

	/* drained */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.dropped, 0);
	CHECK(log.head.reads, 3);
	CHECK(log.head.writes, 2);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 4. Accesses nobody serves, or that run past a range
 */
static void test_io_errors(void)
{
	uint64_t buf = 0;
	struct test_log log;
	struct dbdev_io io;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, 0x20000000, &buf, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 1, TEST_MMIO + TEST_MMIO_SIZE,
		      &buf, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, 0x80, &buf, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 0);

	/* starts inside, ends outside */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1,
		      TEST_MMIO + TEST_MMIO_SIZE - 2, &buf, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 8, 1,
		      TEST_MMIO + TEST_MMIO_SIZE - 1, &buf, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 2, 1,
		      TEST_PIO + TEST_PIO_SIZE - 1, &buf, &io), 0);
	CHECK(io.result, -ERANGE);
	CHECK(io.done, 0);

	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.reads, 0);
	CHECK(log.head.writes, 0);
	close(fd);
}

/* ------------------------------------------------------------------------
 * The table and main()
 */

struct test {
	const char *name;
	void (*fn)(void);
};

#define T(n)	{ #n, test_##n }

static const struct test tests[] = {
	T(create_explicit),
	T(create_constraints),
	T(io_basic),
	T(io_errors),
};

/* Run one test in a child: true if it passed. */
static bool run_test(const struct test *t)
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

static bool selected(const struct test *t, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], t->name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned int i, n = 0, nr = 0, fails = 0;
	const char *p = getenv("DBDEV_PATH");

	if (p && *p)
		dev_path = p;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		nr += selected(&tests[i], argc, argv);

	printf("TAP version 13\n");
	printf("1..%u\n", nr);
	printf("# dbdev selftests on %s\n", dev_path);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
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
