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
 * 5. String (rep) I/O
 */
static void test_io_string(void)
{
	uint8_t bytes[5] = { 1, 2, 3, 4, 5 }, rd[3];
	uint32_t words[3] = { 0xa1a2a3a4, 0xb1b2b3b4, 0xc1c2c3c4 }, rw[4];
	struct test_log log;
	struct dbdev_io io;
	uint32_t id;
	int fd, i;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	/* port I/O: every element to the same port */
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, 5, TEST_PIO, bytes, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 5);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 5);
	for (i = 0; i < 5; i++)
		CHECK_LOG(&log.e[i], DBDEV_IO_PIO, DBDEV_IO_WRITE, 1, TEST_PIO, 0,
			  bytes[i], i);

	/* MMIO: element i at addr + i * size */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 3, TEST_MMIO, words, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 3);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 3);
	for (i = 0; i < 3; i++)
		CHECK_LOG(&log.e[i], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO,
			  4 * i, words[i], 5 + i);

	/* port reads: the byte at offset 0 (the MMIO write's first) each time */
	memset(rd, 0, sizeof(rd));
	REQUIRE(do_io(fd, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 3, TEST_PIO, rd, &io), 0);
	CHECK(io.result, 0);
	CHECK(io.done, 3);
	for (i = 0; i < 3; i++)
		CHECK(rd[i], 0xa4);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 3);
	for (i = 0; i < 3; i++)
		CHECK_LOG(&log.e[i], DBDEV_IO_PIO, DBDEV_IO_READ, 1, TEST_PIO, 0,
			  0xa4, 8 + i);

	/* running into an unowned area: stops there */
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, 3,
		      TEST_MMIO + TEST_MMIO_SIZE - 8, words, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 2);
	memset(rw, 0x5a, sizeof(rw));
	REQUIRE(do_io(fd, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 4,
		      TEST_MMIO + TEST_MMIO_SIZE - 8, rw, &io), 0);
	CHECK(io.result, -ENODEV);
	CHECK(io.done, 2);
	CHECK(rw[0], words[0]);
	CHECK(rw[1], words[1]);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 4);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 8, words[0], 11);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 4, words[1], 12);
	CHECK_LOG(&log.e[2], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 8, words[0], 13);
	CHECK_LOG(&log.e[3], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO,
		  TEST_MMIO_SIZE - 4, words[1], 14);
	CHECK(log.head.reads, 5);
	CHECK(log.head.writes, 10);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 6. Malformed accesses fail the ioctl
 */
static void test_io_malformed(void)
{
	static uint8_t buf[8 * 1024];
	struct dbdev_io_one a;
	struct test_log log;
	uint32_t id;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

#define BAD_IO(setup, err) do {						\
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, TEST_MMIO, buf);	\
	setup;								\
	CHECK(xioctl(fd, DBDEV_IO, &a), err);				\
	CHECK(a.io.result, 0x7777);					\
} while (0)
	BAD_IO(a.io.size = 0, -EINVAL);
	BAD_IO(a.io.size = 9, -EINVAL);
	BAD_IO(a.io.count = 0, -EINVAL);
	BAD_IO(a.io.bus = 2, -EINVAL);
	BAD_IO(a.io.dir = 2, -EINVAL);
	BAD_IO(a.io.reserved0 = 1, -EINVAL);
	BAD_IO(a.flags = 1, -EINVAL);
	BAD_IO(a.flags = 0x80000000, -EINVAL);
	BAD_IO((a.io.bus = DBDEV_IO_PIO, a.io.size = 1, a.io.addr = 0x10000), -EINVAL);
	BAD_IO((a.io.bus = DBDEV_IO_PIO, a.io.size = 1, a.io.addr = ~0ULL), -EINVAL);
	BAD_IO(a.io.addr = UINT64_MAX - 2, -EINVAL);
	BAD_IO((a.io.addr = UINT64_MAX - 7, a.io.count = 3), -EINVAL);
	BAD_IO((a.io.size = 8, a.io.count = 513), -E2BIG);
	BAD_IO((a.io.size = 1, a.io.count = 4097), -E2BIG);
	BAD_IO((a.io.size = 8, a.io.count = 0x20000000), -E2BIG);
	BAD_IO((a.io.size = 8, a.io.count = UINT32_MAX), -E2BIG);
#undef BAD_IO

	/* nothing reached the device */
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.reads + log.head.writes, 0);

	/* the limits themselves are fine */
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 4, 1, UINT64_MAX - 3, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);
	io_init(&a, DBDEV_IO_PIO, DBDEV_IO_READ, 1, 1, 0xffff, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, -ENODEV);
	io_init(&a, DBDEV_IO_MMIO, DBDEV_IO_READ, 8, 512, TEST_MMIO, buf);
	CHECK(xioctl(fd, DBDEV_IO, &a), 0);
	CHECK(a.io.result, 0);
	CHECK(a.io.done, 512);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 7. Batches
 */
static void test_io_batch(void)
{
	uint32_t wval = 0xcafef00d, rval = 0, junk[4] = { 0 };
	struct dbdev_io ios[DBDEV_BATCH_MAX + 1];
	struct dbdev_io_batch b;
	struct test_log log;
	uint32_t id;
	int fd, i;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &id), 0);

	memset(ios, 0, sizeof(ios));
	for (i = 0; i < (int)ARRAY_SIZE(ios); i++) {
		ios[i] = (struct dbdev_io){
			.bus = DBDEV_IO_MMIO, .dir = DBDEV_IO_READ, .size = 4,
			.count = 1, .addr = TEST_MMIO + 0x200,
			.data = (uintptr_t)junk, .result = 0x7777, .done = 0x7777,
		};
	}
	ios[0].dir = DBDEV_IO_WRITE;
	ios[0].addr = TEST_MMIO + 0x100;
	ios[0].data = (uintptr_t)&wval;
	ios[1].addr = TEST_MMIO + 0x100;
	ios[1].data = (uintptr_t)&rval;
	ios[2].addr = 0x20000000;

	b = (struct dbdev_io_batch){ .argsz = sizeof(b), .nr = 3,
				     .ios = (uintptr_t)ios };
	REQUIRE(xioctl(fd, DBDEV_IO_BATCH, &b), 0);
	CHECK(ios[0].result, 0);
	CHECK(ios[0].done, 1);
	CHECK(ios[1].result, 0);
	CHECK(ios[1].done, 1);
	CHECK(ios[2].result, -ENODEV);
	CHECK(ios[2].done, 0);
	CHECK(rval, 0xcafef00d);
	REQUIRE(read_log(fd, id, &log), 0);
	REQUIRE(log.head.nr, 2);
	CHECK_LOG(&log.e[0], DBDEV_IO_MMIO, DBDEV_IO_WRITE, 4, TEST_MMIO, 0x100, 0xcafef00d, 0);
	CHECK_LOG(&log.e[1], DBDEV_IO_MMIO, DBDEV_IO_READ, 4, TEST_MMIO, 0x100, 0xcafef00d, 1);

	b.nr = 0;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	b.nr = DBDEV_BATCH_MAX + 1;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -E2BIG);
	b.nr = 3;
	b.reserved = 1;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	b.reserved = 0;

	/* the full batch is fine */
	for (i = 0; i < DBDEV_BATCH_MAX; i++) {
		ios[i] = ios[3];
		ios[i].result = 0x7777;
	}
	b.nr = DBDEV_BATCH_MAX;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), 0);
	CHECK(ios[0].result, 0);
	CHECK(ios[DBDEV_BATCH_MAX - 1].result, 0);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, LOG_MAX);
	CHECK(log.head.reads, 1 + DBDEV_BATCH_MAX);
	CHECK(log.head.dropped, 0);
	for (i = 0; i < 10 && log.head.nr; i++)		/* drain the rest */
		REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);

	/* one malformed access: none runs, nothing is written back */
	for (i = 0; i < 4; i++) {
		ios[i] = ios[DBDEV_BATCH_MAX];
		ios[i].dir = DBDEV_IO_WRITE;
		ios[i].result = 0x7777;
	}
	ios[2].size = 0;
	b.nr = 4;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	ios[2].size = 4;
	ios[3].bus = 7;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -EINVAL);
	ios[3].bus = DBDEV_IO_MMIO;
	ios[1].count = 2000;
	CHECK(xioctl(fd, DBDEV_IO_BATCH, &b), -E2BIG);
	for (i = 0; i < 4; i++)
		CHECK(ios[i].result, 0x7777);
	REQUIRE(read_log(fd, id, &log), 0);
	CHECK(log.head.nr, 0);
	CHECK(log.head.writes, 1);
	close(fd);
}

/* ------------------------------------------------------------------------
 * 8. Conflicts: what is in the way, and whose it is
 */
static void test_conflicts(void)
{
	struct dbdev_uconstraint irq = CON(DBDEV_UC_LEGACY_IRQ, 0);
	struct dbdev_uresource r, out[4];
	struct dbdev_create_device c;
	uint32_t a, b;
	int fd;

	OPEN_CTX(fd);
	REQUIRE(create_std(fd, &a), 0);

	/* an MMIO range overlapping device a's */
	r = RES_MMIO(TEST_MMIO + 0x800, 0x1000);
	create_init(&c, 0, &r, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EEXIST);
	CHECK(c.conflict_id, a);
	check_res(&c.conflict, DBDEV_UR_MMIO, 0, TEST_MMIO, TEST_MMIO_SIZE);
	CHECK(c.id, 0);

	/* overlapping from below, on the port bus */
	r = RES_PIO(TEST_PIO - 4, 5);
	create_init(&c, 0, &r, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EEXIST);
	CHECK(c.conflict_id, a);
	check_res(&c.conflict, DBDEV_UR_PIO, 0, TEST_PIO, TEST_PIO_SIZE);

	/* a fixed IRQ that another device holds */
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &irq, 1, out, 4);
	REQUIRE(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	b = c.id;
	REQUIRE(c.nr_assigned, 1);
	check_res(&out[0], DBDEV_UR_LEGACY_IRQ, 0, 5, 0);

	irq.flags = DBDEV_UC_FIXED;
	irq.fixed = 5;
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &irq, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), -EBUSY);
	CHECK(c.conflict_id, b);
	check_res(&c.conflict, DBDEV_UR_LEGACY_IRQ, 0, 5, 0);
	CHECK(c.id, 0);

	/* a fixed IRQ that is free is fine */
	irq.fixed = 7;
	create_init(&c, DBDEV_CREATE_CONSTRAINTS, &irq, 1, out, 4);
	CHECK(xioctl(fd, DBDEV_CREATE_DEVICE, &c), 0);
	check_res(&out[0], DBDEV_UR_LEGACY_IRQ, 0, 7, 0);

	/* the refused ones left nothing behind */
	CHECK(nr_devs(fd), 3);
	r = RES_MMIO(TEST_MMIO + TEST_MMIO_SIZE, 0x1000);
	CHECK(create_res(fd, &r, 1, NULL), 0);
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
	T(io_string),
	T(io_malformed),
	T(io_batch),
	T(conflicts),
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
