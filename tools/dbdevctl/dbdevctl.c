// SPDX-License-Identifier: GPL-2.0
/*
 * dbdevctl: the command line of /dev/dbdev (include/uapi/linux/dbdev.h).
 *
 * One process is one context, the device model of one VM: /dev/dbdev is
 * opened once, at the first command that needs it, and everything created
 * dies when the process exits; or, with --pid, the context of a running
 * VMM is borrowed for the run.  So a run is a sequence of commands: given
 * on the command line, separated by "--", or in a script, one per line.
 *
 * This file: options, the command table and its help, scripts,
 * expect-error and the reporting of failures.  parse.c has the syntax,
 * cmd.c the commands.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dbdevctl.h"

struct failure g_fail;

/* exit statuses: a command failed, or the command line is wrong */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

static const char *dev_path = "/dev/dbdev";
static int dev_fd = -1;
static int pid = -1, pid_fd = -1;	/* --pid, --fd */
static bool trace;
static bool keep_going;

/* ------------------------------------------------------------------------
 * Failures
 */

static int vfail(enum fail_kind kind, int err, const char *fmt, va_list ap)
{
	g_fail.kind = kind;
	g_fail.err = err;
	if (fmt)
		vsnprintf(g_fail.msg, sizeof(g_fail.msg), fmt, ap);
	else
		snprintf(g_fail.msg, sizeof(g_fail.msg), "%s", strerror(err));
	return 1;
}

int fail_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(FAIL_ERRNO, err, fmt, ap);
	va_end(ap);
	return 1;
}

int fail_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(FAIL_USAGE, 0, fmt, ap);
	va_end(ap);
	return 1;
}

int fail_check(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(FAIL_CHECK, 0, fmt, ap);
	va_end(ap);
	return 1;
}

/* ------------------------------------------------------------------------
 * Memory: there is no sensible way on without it
 */

static void *oom(void *p)
{
	if (!p) {
		perror(PROG);
		exit(1);
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	return oom(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t size)
{
	return oom(realloc(p, size ? size : 1));
}

char *xstrdup(const char *s)
{
	return oom(strdup(s));
}

/* ------------------------------------------------------------------------
 * The context
 */

static void PRINTF(1, 2) __attribute__((noreturn))
usage_exit(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: " PROG " [OPTIONS] COMMAND [ARGS...] [-- COMMAND...]...\n"
		"       " PROG " [OPTIONS] -f FILE\n"
		"See " PROG " --help.\n");
	exit(EXIT_USAGE);
}

/*
 * --pid PID [--fd N]: the context of another process, through a copy of
 * its file (pidfd_getfd(), which needs the right to ptrace it): fd N, or
 * the one fd of PID on /dev/dbdev.
 */
static int pid_context(int pid, int fd)
{
	char path[64], link[64];
	struct dirent *d;
	int pidfd, got, found = -1;
	DIR *dir;

	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		dir = opendir(path);
		if (!dir)
			usage_exit("--pid %d: %s: %s", pid, path, strerror(errno));
		while ((d = readdir(dir))) {
			ssize_t n;

			n = readlinkat(dirfd(dir), d->d_name, link, sizeof(link) - 1);
			if (n < 0)
				continue;
			link[n] = 0;
			if (strcmp(link, dev_path))
				continue;
			if (found >= 0)
				usage_exit("--pid %d: it has several contexts: choose one with --fd",
					   pid);
			found = atoi(d->d_name);
		}
		closedir(dir);
		if (found < 0)
			usage_exit("--pid %d: it has no %s open", pid, dev_path);
		fd = found;
	}
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		usage_exit("--pid %d: %s", pid, strerror(errno));
	got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (got < 0)
		usage_exit("--pid %d --fd %d: %s%s", pid, fd, strerror(errno),
			   errno == EPERM ? " (it takes the right to ptrace it)" : "");
	close(pidfd);
	return got;
}

int dev_ioctl(unsigned long req, void *arg)
{
	if (dev_fd < 0) {
		dev_fd = open(dev_path, O_RDWR | O_CLOEXEC);
		if (dev_fd < 0) {
			int e = errno;

			fprintf(stderr, PROG ": %s: %s: %s%s\n", dev_path, errname(e),
				strerror(e),
				e == ENOENT ? " (is the dbdev module loaded?)" :
				e == EACCES ? " (it is root's, mode 0600)" : "");
			exit(1);
		}
	}
	while (ioctl(dev_fd, req, arg) < 0)
		if (errno != EINTR)	/* a failed call changes nothing */
			return errno;
	return 0;
}

/* ------------------------------------------------------------------------
 * Commands and their help
 */

static int cmd_help(int argc, char **argv);
static int cmd_echo(int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;	/* one line per form */
	const char *help;
};

static const struct command commands[] = {
	{ "create", cmd_create,
	  "create TYPE [--name NAME] [--params K=V,...] RESOURCE...\n"
	  "create TYPE [--name NAME] [--params K=V,...] --alloc CONSTRAINT...\n",
	  "Create a device of TYPE (dbdev-test: module dbdev_testdev) at the given\n"
	  "resources, or, with --alloc, where the context's allocator places the\n"
	  "constraints.  Prints the id, the type and the resources it got, as\n"
	  "`list` does.  Inside a transaction the device stays invisible to I/O\n"
	  "until commit.\n"
	  "\n"
	  "Resources (BASE+SIZE; the size follows the last '+'):\n"
	  "  pio:0x3f8+8  mmio:0xd0000000+0x1000  mem:0x100000000+2M  irq:4\n"
	  "  msi:pci:24+4  msi:msix:32+16  msi:generic:64+1  slot:3\n"
	  "  mac:02:db:de:00:00:01\n"
	  "Constraints:\n"
	  "  pio:SIZE[,align=N][,in=MIN-MAX]   (also mmio:SIZE, mem:SIZE; the\n"
	  "                                    default alignment is 1 for pio,\n"
	  "                                    0x1000 for mmio and mem)\n"
	  "  irq  irq=N                        any legacy IRQ, or IRQ N\n"
	  "  msi:pci:N  msi:msix:N  msi:generic:N   a block of N vectors\n"
	  "  slot  slot=N  slots:N[,at=FIRST]  KVM memory slots\n"
	  "  mac                               a MAC address from the pool\n"
	  "Options:\n"
	  "  -n, --name NAME      the device's name in the context (unique in it:\n"
	  "                       else ENOTUNIQ; `list NAME` finds it), and refer\n"
	  "                       to it as @NAME in later commands, also in other\n"
	  "                       runs on the context (--pid); @last is the\n"
	  "                       latest device of this run.  @NAME is its\n"
	  "                       id, @NAME.mmio the base of its first MMIO range,\n"
	  "                       @NAME.mmio1 of the second; also .pio .mem .irq\n"
	  "                       .msi .slot .mac\n"
	  "  -p, --params K=V,... the type's parameters, by the names its type\n"
	  "                       gives them (`types TYPE`); dbdev-test takes\n"
	  "                       store=BYTES (1 to 64K, default 4096) and\n"
	  "                       log=ENTRIES (1 to 4096, default 256)\n"
	  "  --params-hex BYTES   a raw parameter blob\n"
	  "  -a, --alloc          the items are constraints\n"
	  "Errors: EEXIST a range overlaps another on its bus, EBUSY a resource is\n"
	  "taken in its pool (both name the device in the way), ENOSPC a\n"
	  "constraint fits nowhere, ENOENT no such type, EINVAL a malformed item.\n"
	  "\n"
	  "  create dbdev-test --name uart pio:0x3f8+8 irq:4\n"
	  "  create dbdev-test --alloc mmio:0x1000 msi:pci:4 irq mac\n" },
	{ "alloc", cmd_alloc, "alloc [--name NAME] CONSTRAINT...\n",
	  "Reserve resources before their device exists, as create --alloc would\n"
	  "place them, and print them.  A device created with one of them,\n"
	  "exactly, takes it over; `free` gives back the others.  --name binds\n"
	  "@NAME.mmio, @NAME.irq, ... as for create.\n"
	  "  alloc --name r mmio:0x1000 irq\n"
	  "  create dbdev-test mmio:@r.mmio+0x1000 irq:@r.irq\n" },
	{ "free", cmd_free, "free RESOURCE...\n",
	  "Give back resources `alloc` reserved, each exactly as it printed it.\n"
	  "EBUSY for one a device took over.\n" },
	{ "destroy", cmd_destroy, "destroy ID...\n",
	  "Destroy devices.  Inside a transaction they go at commit.\n"
	  "  destroy 1    destroy @uart\n" },
	{ "list", cmd_list, "list [NAME]\n",
	  "The context's devices in id order, one per line: ID TYPE [@NAME]\n"
	  "RESOURCE..., with a comment for those created or destroyed in the open\n"
	  "transaction.  With NAME, only the device of that name (ENOENT if none).\n" },
	{ "read", cmd_read, "read pio|mmio ADDR SIZE [COUNT] [== VALUE...]\n",
	  "Read SIZE (1 to 8) bytes at ADDR and print the value in hex.  COUNT > 1\n"
	  "is string I/O: COUNT elements, from the same port (pio) or from\n"
	  "consecutive addresses (mmio).  With == VALUE..., print nothing and fail\n"
	  "unless the values read are those (COUNT defaults to their number).\n"
	  "An access that fails fails the command with its errno: ENODEV no device\n"
	  "there, ERANGE it runs past the end of its range, or the device's own.\n"
	  "  read mmio 0xd0000000 4\n"
	  "  read pio @uart.pio+5 1 == 0x60\n"
	  "  read mmio 0xd0000000 1 4 == 0x48 0x69 0x21 0x00\n" },
	{ "expect", cmd_expect, "expect pio|mmio ADDR SIZE VALUE...\n",
	  "Same as: read pio|mmio ADDR SIZE == VALUE...\n"
	  "  expect mmio 0xd0000000 4 0x12345678\n" },
	{ "write", cmd_write, "write pio|mmio ADDR SIZE VALUE...\n",
	  "Write VALUEs of SIZE (1 to 8) bytes at ADDR, little-endian as the guest\n"
	  "sees it; several values are string I/O, as for read.\n"
	  "  write mmio 0xd0000000 4 0x12345678\n"
	  "  write pio 0x3f8 1 0x48 0x69 0x21\n" },
	{ "batch", cmd_batch,
	  "batch ACCESS...\n",
	  "Run accesses in order in one DBDEV_IO_BATCH call and print a line for\n"
	  "each, in its own syntax with the values read.  A failed access does not\n"
	  "stop the others; the command fails as the first one that failed, or as\n"
	  "the first read that differs from its =VALUE.\n"
	  "  r:BUS:ADDR:SIZE[:COUNT][=VALUE[,VALUE...]]\n"
	  "  w:BUS:ADDR:SIZE:VALUE[,VALUE...]\n"
	  "  batch w:mmio:0xd0000000:4:0xcafe r:mmio:0xd0000000:4=0xcafe r:pio:0x80:1\n" },
	{ "begin", cmd_tx, "begin\n",
	  "Open a transaction: creates and destroys wait for commit and are\n"
	  "undone by cancel.  EBUSY if one is open.\n" },
	{ "commit", cmd_tx, "commit\n",
	  "Make every create and destroy of the transaction visible at once.\n" },
	{ "cancel", cmd_tx, "cancel\n", "Undo the open transaction.\n" },
	{ "log", cmd_log, "log ID\n",
	  "Drain the access log of a dbdev-test device, oldest first, one line per\n"
	  "access: SEQ BUS DIR BASE+OFFSET LEN DATA, then the device's counters.\n" },
	{ "ctl", cmd_ctl, "ctl ID OP [INPUT] [--out BYTES]\n",
	  "Send a device command (DBDEV_DEVICE_CTL), OP by its number or by the\n"
	  "name its type gives it (`types TYPE`), with room for BYTES of answer\n"
	  "(default 4096, at most 65536).  INPUT is KEY=VALUE,... for a command\n"
	  "whose input its type describes, or hex bytes (0011aabb or\n"
	  "00:11:aa:bb).  The answer is shown field by field where the type\n"
	  "describes it, else as a hex dump.\n"
	  "  ctl 1 read_log    ctl 1 fail after=2,error=-5    ctl @uart write_rx 6869\n" },
	{ "types", cmd_types, "types [TYPE]\n",
	  "The device types loaded, each with what it has (params:SIZE, ctl,\n"
	  "reset, state:vVERSION) and the fields of its parameters and commands\n"
	  "(NAME@OFFSET:FORMAT SIZE).\n" },
	{ "stats", cmd_stats, "stats ID\n",
	  "A device's counters: accesses it served and failed per bus, its\n"
	  "interrupts and notifications.\n" },
	{ "reset", cmd_reset, "reset ID\n",
	  "Put a device back in the state it had when it was created.\n" },
	{ "save", cmd_save, "save ID FILE\n",
	  "Write a device's state to FILE (DBDEV_DEVICE_SAVE).\n" },
	{ "restore", cmd_restore, "restore ID FILE\n",
	  "Load a state that `save` wrote into a device of the same type and\n"
	  "parameters, in this context or another.\n" },
	{ "pools", cmd_pools, "pools\npools set KEY=VALUE...\n",
	  "Show the context's resource pools, or change some of them (only\n"
	  "before the first device).  KEYs, as shown:\n"
	  "  pio=0-0xffff  mmio=0xd0000000-0xfebfffff,0x8000000000-0xffffffffff\n"
	  "  mem=0x100000000-0x7fffffffff  irq=5-23  msi=24-4095  slots=0-32763\n"
	  "  mac=02:db:de\n"
	  "Windows are MIN-MAX, inclusive; mmio takes 1 to 4, ascending.\n" },
	{ "echo", cmd_echo, "echo [TEXT...]\n", "Print TEXT, for scripts.\n" },
	{ "help", cmd_help, "help [COMMAND]\n",
	  "Show the overview, or a command's help (also: COMMAND --help).\n" },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *f, const struct command *c)
{
	const char *line = c->usage;
	bool first = true;

	while (*line) {
		size_t len = strcspn(line, "\n");

		fprintf(f, "%s %.*s\n", first ? "usage:" : "      ", (int)len, line);
		line += len + (line[len] == '\n');
		first = false;
	}
}

static const char overview[] =
"usage: " PROG " [OPTIONS] COMMAND [ARGS...] [-- COMMAND [ARGS...]]...\n"
"       " PROG " [OPTIONS] -f FILE        (FILE - is standard input)\n"
"       " PROG " help [COMMAND]\n"
"\n"
"Drive /dev/dbdev, the in-kernel device bus of VMs.  One run is one context\n"
"(one VM's device model): what it creates lives until " PROG " exits.  Run\n"
"several commands against it by separating them with \"--\" or by putting\n"
"them in a script, one per line.\n"
"\n"
"Options:\n"
"  -d, --dev PATH   the device node (default /dev/dbdev)\n"
"  --pid PID [--fd N]  use the context of process PID (a running VMM): its\n"
"                   fd N, or its one fd on the device node; it takes the\n"
"                   right to ptrace PID\n"
"  -f, --file FILE  run the commands in FILE; - is standard input\n"
"  -x, --trace      print each command, after \"+ \", before running it\n"
"  -k, --keep-going report a failed command and go on; the exit status is\n"
"                   then that of the first failure\n"
"  -h, --help       this text\n"
"\n"
"Commands (" PROG " help COMMAND, or COMMAND --help, for more):\n"
"  create TYPE [OPTIONS] RESOURCE...            a device at these resources\n"
"  create TYPE [OPTIONS] --alloc CONSTRAINT...  ...where the allocator puts it\n"
"  destroy ID...\n"
"  alloc CONSTRAINT... | free RESOURCE...   reserve resources, give back\n"
"  list [NAME]                           the devices and their resources\n"
"  read pio|mmio ADDR SIZE [COUNT] [== VALUE...]\n"
"  expect pio|mmio ADDR SIZE VALUE...    read and check\n"
"  write pio|mmio ADDR SIZE VALUE...\n"
"  batch ACCESS...                       several accesses in one call\n"
"  begin | commit | cancel               transactions\n"
"  log ID                                drain a dbdev-test device's log\n"
"  ctl ID OP [INPUT] [--out BYTES]       a device type's own command\n"
"  types [TYPE]                          the device types and what they take\n"
"  stats ID | reset ID                   a device's counters; reset it\n"
"  save ID FILE | restore ID FILE        its state\n"
"  pools | pools set KEY=VALUE...        the allocator's pools\n"
"  expect-error ERRNAME[,ERRNAME...] COMMAND [ARGS...]\n"
"                                        succeed only if COMMAND fails so\n"
"  echo TEXT... | help [COMMAND]\n"
"\n"
"Resources: pio:0x3f8+8 mmio:0xd0000000+0x1000 mem:4G+2M irq:4 msi:pci:24+4\n"
"  msi:msix:B+N msi:generic:B+N slot:3 mac:02:db:de:00:00:01\n"
"Constraints: pio:8[,align=8][,in=0x100-0x1ff] mmio:0x1000 mem:2M irq irq=4\n"
"  msi:pci:4 slots:2[,at=3] slot=N mac\n"
"Numbers: 42, 0x2a, 0b101010, 0xd000_0000, 4K/M/G/T (powers of 1024), sums\n"
"  A+B, @NAME (a device's id), @NAME.mmio (the base of its first MMIO range;\n"
"  also .pio .mem .irq .msi .slot .mac, and .mmio1 for the second...).\n"
"  Octal, signs and trailing garbage are refused.\n"
"\n"
"Scripts: one command per line; '#' starts a comment; blank lines are fine;\n"
"  the first failure that is not expected stops the script (unless -k),\n"
"  naming its line.\n"
"\n"
"Exit status: 0 success; 1 a command failed (the kernel refused, or a value\n"
"  was not the expected one); 2 the command line or script is malformed.\n"
"\n"
"Example:\n"
"  " PROG " create dbdev-test mmio:0xd0000000+0x1000 -- write mmio 0xd0000000 4 \\\n"
"      0x12345678 -- read mmio 0xd0000000 4 -- list\n";

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc == 1) {
		fputs(overview, stdout);
		return 0;
	}
	if (argc > 2)
		return fail_usage("expected at most one command");
	if (!strcmp(argv[1], "expect-error")) {
		printf("usage: expect-error ERRNAME[,ERRNAME...] COMMAND [ARGS...]\n\n"
		       "Run COMMAND and succeed only if it fails with one of the errnos,\n"
		       "e.g. EEXIST, ENODEV (print its message on standard output).  A\n"
		       "malformed command or a wrong value still fails.\n"
		       "  expect-error EEXIST create dbdev-test mmio:0xd0000000+0x1000\n"
		       "  expect-error ENODEV read mmio 0xd0100000 4\n");
		return 0;
	}
	c = find_command(argv[1]);
	if (!c)
		return fail_usage("no command '%s' (see " PROG " help)", argv[1]);
	print_usage(stdout, c);
	printf("\n%s", c->help);
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

/* ------------------------------------------------------------------------
 * Running commands
 */

/* Print g_fail for @cmd at @where ("FILE:LINE: " or ""); the exit status. */
static int report(const char *where, const char *cmd)
{
	const struct command *c = find_command(cmd);

	switch (g_fail.kind) {
	case FAIL_ERRNO:
		fprintf(stderr, PROG ": %s%s: %s: %s\n", where, cmd,
			errname(g_fail.err), g_fail.msg);
		return EXIT_FAILED;
	case FAIL_CHECK:
		fprintf(stderr, PROG ": %s%s: mismatch: %s\n", where, cmd, g_fail.msg);
		return EXIT_FAILED;
	default:
		fprintf(stderr, PROG ": %s%s: %s\n", where, cmd, g_fail.msg);
		if (c)
			print_usage(stderr, c);
		return EXIT_USAGE;
	}
}

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/*
 * expect-error ERRNAME[,ERRNAME...]: the errnos into @want (0-terminated);
 * 0 or a usage failure.
 */
static int parse_expected(const char *list, int *want, size_t max)
{
	char *copy = xstrdup(list), *name, *next;
	size_t n = 0;

	for (name = copy; name; name = next) {
		next = strchr(name, ',');
		if (next)
			*next++ = 0;
		if (n + 1 == max || !(want[n++] = errnum(name))) {
			fail_usage("'%s' is not an errno name (EEXIST, ENODEV, ...)", name);
			free(copy);
			return 1;
		}
	}
	want[n] = 0;
	free(copy);
	return 0;
}

/* Run one command; 0 or the exit status of its failure, reported. */
static int run(int argc, char **argv, const char *where)
{
	const struct command *c;
	int want[9] = { 0 }, i, rc;
	bool expect = !strcmp(argv[0], "expect-error");
	const char *expected = expect && argc > 1 ? argv[1] : NULL;

	memset(&g_fail, 0, sizeof(g_fail));
	if (expect) {
		if (argc < 3) {
			fail_usage("expected ERRNAME[,ERRNAME...] COMMAND [ARGS...]");
			return report(where, argv[0]);
		}
		if (parse_expected(argv[1], want, ARRAY_SIZE(want)))
			return report(where, argv[0]);
		argc -= 2;
		argv += 2;
	}
	c = find_command(argv[0]);
	if (!c) {
		fprintf(stderr, PROG ": %sno command '%s' (see " PROG " --help)\n",
			where, argv[0]);
		return EXIT_USAGE;
	}
	if (wants_help(argc, argv)) {
		char *v[] = { "help", (char *)c->name };

		return cmd_help(2, v);
	}
	rc = c->fn(argc, argv);
	if (!expect)
		return rc ? report(where, c->name) : 0;

	if (!rc) {
		fprintf(stderr, PROG ": %s%s: succeeded, but %s was expected\n",
			where, c->name, expected);
		return EXIT_FAILED;
	}
	if (g_fail.kind != FAIL_ERRNO)
		return report(where, c->name);
	for (i = 0; want[i]; i++) {
		if (want[i] == g_fail.err) {
			printf("%s: %s (expected): %s\n", c->name, errname(g_fail.err),
			       g_fail.msg);
			return 0;
		}
	}
	fprintf(stderr, PROG ": %s%s: %s was expected, not %s: %s\n", where,
		c->name, expected, errname(g_fail.err), g_fail.msg);
	return EXIT_FAILED;
}

static void print_trace(int argc, char **argv)
{
	int i;

	if (!trace)
		return;
	printf("+");
	for (i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
}

/* One command per line; '#' at the start of a word ends the line. */
static int run_script(FILE *f, const char *name)
{
	char *line = NULL, **tok = NULL, *p, where[512];
	size_t cap = 0, tok_cap = 0;
	unsigned int lineno = 0;
	ssize_t len;
	int n, rc = 0, first = 0;

	while ((!rc || keep_going) && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%u: ", name, lineno);
		if (strlen(line) != (size_t)len) {
			fprintf(stderr, PROG ": %sa NUL byte in the line\n", where);
			first = first ? first : EXIT_USAGE;
			break;
		}
		n = 0;
		for (p = strtok(line, " \t\r\n\f\v"); p && *p != '#';
		     p = strtok(NULL, " \t\r\n\f\v")) {
			if ((size_t)n + 1 >= tok_cap) {
				tok_cap = tok_cap ? 2 * tok_cap : 16;
				tok = xrealloc(tok, tok_cap * sizeof(*tok));
			}
			tok[n++] = p;
		}
		if (!n)
			continue;
		tok[n] = NULL;
		print_trace(n, tok);
		rc = run(n, tok, where);
		if (!first)
			first = rc;
	}
	rc = first;
	if (!rc && ferror(f)) {
		fprintf(stderr, PROG ": %s: %s\n", name, strerror(errno));
		rc = EXIT_FAILED;
	}
	free(line);
	free(tok);
	return rc;
}

int main(int argc, char **argv)
{
	const char *script = NULL;
	int i, start, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(overview, stdout);
			return 0;
		}
		if (!strcmp(a, "-x") || !strcmp(a, "--trace")) {
			trace = true;
		} else if (!strcmp(a, "-k") || !strcmp(a, "--keep-going")) {
			keep_going = true;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--dev")) {
			if (i + 1 >= argc)
				usage_exit("%s needs a path", a);
			dev_path = argv[++i];
		} else if (!strcmp(a, "--pid") || !strcmp(a, "--fd")) {
			char *end;
			long v;

			if (i + 1 >= argc)
				usage_exit("%s needs a number", a);
			v = strtol(argv[++i], &end, 10);
			if (*end || v < 0 || v > INT32_MAX)
				usage_exit("%s '%s': not a number", a, argv[i]);
			*(a[2] == 'p' ? &pid : &pid_fd) = (int)v;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--file")) {
			if (i + 1 >= argc)
				usage_exit("%s needs a file", a);
			script = argv[++i];
		} else if (!strncmp(a, "--dev=", 6)) {
			dev_path = a + 6;
		} else if (!strncmp(a, "--file=", 7)) {
			script = a + 7;
		} else {
			usage_exit("unknown option '%s'", a);
		}
	}
	if (pid_fd >= 0 && pid < 0)
		usage_exit("%s", "--fd goes with --pid");
	if (pid >= 0)
		dev_fd = pid_context(pid, pid_fd);
	if (!script && i < argc && !strcmp(argv[i], "-"))
		script = argv[i++];
	if (script) {
		FILE *f = strcmp(script, "-") ? fopen(script, "r") : stdin;

		if (i < argc)
			usage_exit("'%s': a script and commands on the command line exclude each other",
				   argv[i]);
		if (!f) {
			fprintf(stderr, PROG ": %s: %s\n", script, strerror(errno));
			return EXIT_FAILED;
		}
		rc = run_script(f, f == stdin ? "<stdin>" : script);
		if (f != stdin)
			fclose(f);
		return rc;
	}
	if (i >= argc)
		usage_exit("%s", "no command");

	/* COMMAND ARGS... [-- COMMAND ARGS...]...: check the shape, then run */
	for (start = i; start < argc; start++)
		if (!strcmp(argv[start], "--") &&
		    (start == i || start + 1 == argc || !strcmp(argv[start + 1], "--")))
			usage_exit("%s", "an empty command before or after \"--\"");
	for (start = i; (!rc || keep_going) && start < argc; start = i + 1) {
		int r;

		for (i = start; i < argc && strcmp(argv[i], "--"); i++)
			;
		argv[i] = NULL;
		print_trace(i - start, argv + start);
		r = run(i - start, argv + start, "");
		if (!rc)
			rc = r;
	}
	return rc;
}
