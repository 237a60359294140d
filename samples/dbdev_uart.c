// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev sample driver: "dbdev-uart16550", a 16550A UART on 8 I/O ports.
 *
 * It models what a guest's driver looks at, Linux's 8250 driver first:
 * RBR/THR and the divisor latch behind LCR.DLAB, IER, IIR with its
 * priorities (received data, then THR empty, then modem status) and FIFO
 * bits, FCR with the receive trigger level, LCR, MCR with loopback, LSR,
 * MSR with its delta bits, and SCR.  A wider access covers consecutive
 * registers, one byte each, as on the ISA bus.
 *
 * The wire is a buffer that the VMM drains (DBDEV_UART_READ_TX): a byte
 * the guest writes to THR is sent at once, so THR is empty again, unless
 * the buffer is full; then THR stays busy until the VMM drains, and the
 * guest waits as for a slow line.  The device notifies the VMM
 * (dbdev_notify()) when the buffer stops being empty.  What the VMM feeds
 * (DBDEV_UART_WRITE_RX) waits in the receive FIFO.
 *
 * Interrupts: the UART's interrupt output is its first legacy IRQ resource
 * (dbdev_irq_set()), high while IIR reports an interrupt and MCR.OUT2 is
 * set, as on a PC, where OUT2 gates the UART's IRQ to the interrupt
 * controller (and loopback disconnects it).
 *
 * Reset, save and restore cover the registers and both FIFOs.
 *
 * Locking: uart->lock guards the registers and both FIFOs; it serialises
 * the callbacks and the VMM's commands, so the device needs no
 * DBDEV_DEVICE_SERIALIZED.
 */
#include <linux/kfifo.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <dbdev.h>
#include "uapi/linux/dbdev_samples.h"

/* Register offsets and bits, as in the 16550A data sheet. */
enum {
	UART_RBR_THR_DLL = 0,
	UART_IER_DLM = 1,
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define UART_IER_RDI		0x01	/* received data available */
#define UART_IER_THRI		0x02	/* transmitter holding register empty */
#define UART_IER_MSI		0x08	/* modem status */
#define UART_IER_MASK		0x0f
#define UART_IIR_NO_INT		0x01
#define UART_IIR_MSI		0x00
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_RX_TIMEOUT	0x0c
#define UART_IIR_FIFOS		0xc0
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_FCR_TRIGGER	0xc0
#define UART_LCR_DLAB		0x80
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10
#define UART_MCR_MASK		0x1f
#define UART_LSR_DR		0x01
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
#define UART_MSR_DCTS		0x01
#define UART_MSR_TERI		0x04
#define UART_MSR_CTS		0x10
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80
#define UART_MSR_DSR		0x20

struct dbdev_uart {
	struct dbdev_device dev;
	struct mutex lock;		/* see the top of the file */
	u8 ier;
	u8 lcr;
	u8 mcr;
	u8 scr;
	u8 dll;
	u8 dlm;
	u8 fcr;				/* FIFO enable and trigger level */
	u8 msr_delta;			/* MSR bits 0-3, until MSR is read */
	bool thri;			/* THR-empty interrupt pending */
	/* apart from the rest, so that each is a 4 KiB allocation */
	DECLARE_KFIFO_PTR(rx, u8);
	DECLARE_KFIFO_PTR(tx, u8);
};

static struct dbdev_uart *to_uart(struct dbdev_device *dev)
{
	return container_of(dev, struct dbdev_uart, dev);
}

/* The modem inputs for MCR @mcr: looped back, or a cable that is up. */
static u8 dbdev_uart_modem_in(u8 mcr)
{
	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	return (mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	       (mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	       (mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

/* Bytes in the receive FIFO that raise the received-data interrupt. */
static unsigned int dbdev_uart_trigger(const struct dbdev_uart *u)
{
	static const u8 level[] = { 1, 4, 8, 14 };

	if (!(u->fcr & UART_FCR_ENABLE))
		return 1;
	return level[(u->fcr & UART_FCR_TRIGGER) >> 6];
}

/* The pending interrupt of the highest priority, as IIR reports it. */
static u8 dbdev_uart_pending(const struct dbdev_uart *u)
{
	unsigned int rx = kfifo_len(&u->rx);

	if ((u->ier & UART_IER_RDI) && rx)
		return rx >= dbdev_uart_trigger(u) ? UART_IIR_RDI :
						     UART_IIR_RX_TIMEOUT;
	if ((u->ier & UART_IER_THRI) && u->thri)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && u->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* Drive the interrupt output: an interrupt is pending and OUT2 lets it. */
static void dbdev_uart_update_irq(struct dbdev_uart *u)
{
	bool level = dbdev_uart_pending(u) != UART_IIR_NO_INT &&
		     (u->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;

	/* a UART created without an IRQ resource has no line to drive */
	dbdev_irq_set(&u->dev, 0, level);
}

/* IIR: the highest pending interrupt; reading it acknowledges THRE. */
static u8 dbdev_uart_iir(struct dbdev_uart *u)
{
	u8 id = dbdev_uart_pending(u);

	if (id == UART_IIR_THRI)
		u->thri = false;
	return (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFOS : 0) | id;
}

/* THR is empty whenever the wire (the buffer for the VMM) has room. */
static bool dbdev_uart_thr_empty(const struct dbdev_uart *u)
{
	return (u->mcr & UART_MCR_LOOP) || !kfifo_is_full(&u->tx);
}

static u8 dbdev_uart_read_reg(struct dbdev_uart *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 v = 0;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		if (!kfifo_get(&u->rx, &v))
			return 0;
		return v;
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return dbdev_uart_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return (dbdev_uart_thr_empty(u) ?
			UART_LSR_THRE | UART_LSR_TEMT : 0) |
		       (kfifo_is_empty(&u->rx) ? 0 : UART_LSR_DR);
	case UART_MSR:
		v = dbdev_uart_modem_in(u->mcr) | u->msr_delta;
		u->msr_delta = 0;
		return v;
	default:
		return u->scr;
	}
}

/* A byte the guest sends: to the VMM, or back to itself in loopback. */
static void dbdev_uart_transmit(struct dbdev_uart *u, u8 v)
{
	if (u->mcr & UART_MCR_LOOP) {
		kfifo_put(&u->rx, v);
	} else {
		if (kfifo_is_empty(&u->tx))
			dbdev_notify(&u->dev);
		/* a byte written while THR is busy is lost, as on the chip */
		kfifo_put(&u->tx, v);
	}
	u->thri = dbdev_uart_thr_empty(u);
}

/* MCR: the modem inputs may change (loopback), and with them MSR's deltas. */
static void dbdev_uart_write_mcr(struct dbdev_uart *u, u8 v)
{
	u8 before = dbdev_uart_modem_in(u->mcr), after;

	u->mcr = v & UART_MCR_MASK;
	after = dbdev_uart_modem_in(u->mcr);
	/* DCTS, DDSR and DDCD on any change; TERI when RI falls */
	u->msr_delta |= ((before ^ after) >> 4) & ~UART_MSR_TERI;
	if ((before & ~after) & UART_MSR_RI)
		u->msr_delta |= UART_MSR_TERI;
	if (!dbdev_uart_thr_empty(u))
		u->thri = false;
}

static void dbdev_uart_write_reg(struct dbdev_uart *u, unsigned int reg, u8 v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = v;
		else
			dbdev_uart_transmit(u, v);
		break;
	case UART_IER_DLM:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* enabling THRE with THR empty raises it at once */
		if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri = dbdev_uart_thr_empty(u);
		u->ier = v & UART_IER_MASK;
		break;
	case UART_IIR_FCR:
		u->fcr = v & (UART_FCR_ENABLE | UART_FCR_TRIGGER);
		if (v & UART_FCR_CLEAR_RX)
			kfifo_reset(&u->rx);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		dbdev_uart_write_mcr(u, v);
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default:		/* LSR and MSR: read-only */
		break;
	}
}

static int dbdev_uart_pio_read(struct dbdev_caller *caller,
			       struct dbdev_device *dev, u16 base, u16 offset,
			       void *data, unsigned int len)
{
	struct dbdev_uart *u = to_uart(dev);
	u8 *bytes = data;
	unsigned int i;

	mutex_lock(&u->lock);
	for (i = 0; i < len; i++)
		bytes[i] = dbdev_uart_read_reg(u, offset + i);
	dbdev_uart_update_irq(u);
	mutex_unlock(&u->lock);
	return 0;
}

static int dbdev_uart_pio_write(struct dbdev_caller *caller,
				struct dbdev_device *dev, u16 base, u16 offset,
				const void *data, unsigned int len)
{
	struct dbdev_uart *u = to_uart(dev);
	const u8 *bytes = data;
	unsigned int i;

	mutex_lock(&u->lock);
	for (i = 0; i < len; i++)
		dbdev_uart_write_reg(u, offset + i, bytes[i]);
	dbdev_uart_update_irq(u);
	mutex_unlock(&u->lock);
	return 0;
}

static const struct dbdev_device_ops dbdev_uart_ops = {
	.pio_read = dbdev_uart_pio_read,
	.pio_write = dbdev_uart_pio_write,
};

static struct dbdev_device *dbdev_uart_create(const void *params)
{
	struct dbdev_uart *u;

	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return ERR_PTR(-ENOMEM);
	if (kfifo_alloc(&u->rx, DBDEV_UART_RX_MAX, GFP_KERNEL_ACCOUNT) ||
	    kfifo_alloc(&u->tx, DBDEV_UART_TX_MAX, GFP_KERNEL_ACCOUNT)) {
		kfifo_free(&u->rx);
		kfree(u);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&u->lock);
	dbdev_device_init(&u->dev, &dbdev_uart_ops, 0);
	return &u->dev;
}

static void dbdev_uart_destroy(struct dbdev_device *dev)
{
	struct dbdev_uart *u = to_uart(dev);

	mutex_destroy(&u->lock);
	kfifo_free(&u->tx);
	kfifo_free(&u->rx);
	kfree(u);
}

/* DBDEV_UART_READ_TX: what the guest sent; THR empties if it was busy. */
static long dbdev_uart_read_tx(struct dbdev_uart *u, void *buf,
			       size_t in_len, size_t out_max)
{
	bool full = kfifo_is_full(&u->tx);
	unsigned int n;

	if (in_len)
		return -EINVAL;
	n = kfifo_out(&u->tx, (u8 *)buf, out_max);
	if (full && n)
		u->thri = true;
	return n;
}

/* DBDEV_UART_WRITE_RX: bytes for the guest, all or none. */
static long dbdev_uart_write_rx(struct dbdev_uart *u, const void *buf,
				size_t in_len)
{
	if (in_len > kfifo_avail(&u->rx))
		return -ENOSPC;
	kfifo_in(&u->rx, (const u8 *)buf, in_len);
	return 0;
}

static long dbdev_uart_ctl(struct dbdev_device *dev, u32 op, void *buf,
			   size_t in_len, size_t out_max)
{
	struct dbdev_uart *u = to_uart(dev);
	long ret;

	mutex_lock(&u->lock);
	switch (op) {
	case DBDEV_UART_READ_TX:
		ret = dbdev_uart_read_tx(u, buf, in_len, out_max);
		break;
	case DBDEV_UART_WRITE_RX:
		ret = dbdev_uart_write_rx(u, buf, in_len);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	dbdev_uart_update_irq(u);
	mutex_unlock(&u->lock);
	return ret;
}

/* Registers and FIFOs as at power-on; the interrupt output goes low. */
static void dbdev_uart_clear(struct dbdev_uart *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->scr = 0;
	u->dll = 0;
	u->dlm = 0;
	u->fcr = 0;
	u->msr_delta = 0;
	u->thri = false;
	kfifo_reset(&u->rx);
	kfifo_reset(&u->tx);
}

static int dbdev_uart_reset(struct dbdev_device *dev)
{
	struct dbdev_uart *u = to_uart(dev);

	mutex_lock(&u->lock);
	dbdev_uart_clear(u);
	dbdev_uart_update_irq(u);
	mutex_unlock(&u->lock);
	return 0;
}

/*
 * Version 1 of the saved state: this, then the receive FIFO's bytes, then
 * the transmit buffer's, oldest first.
 */
struct dbdev_uart_state {
	u8 ier;
	u8 lcr;
	u8 mcr;
	u8 scr;
	u8 dll;
	u8 dlm;
	u8 fcr;
	u8 msr_delta;
	u8 thri;
	u8 reserved[3];
	u32 rx_len;
	u32 tx_len;
};

static long dbdev_uart_save(struct dbdev_device *dev, void *buf, size_t len)
{
	struct dbdev_uart *u = to_uart(dev);
	struct dbdev_uart_state *st = buf;
	u8 *fifo = (u8 *)(st + 1);

	if (!buf)
		return sizeof(*st) + DBDEV_UART_RX_MAX + DBDEV_UART_TX_MAX;
	mutex_lock(&u->lock);
	*st = (struct dbdev_uart_state){
		.ier = u->ier, .lcr = u->lcr, .mcr = u->mcr, .scr = u->scr,
		.dll = u->dll, .dlm = u->dlm, .fcr = u->fcr,
		.msr_delta = u->msr_delta, .thri = u->thri,
	};
	st->rx_len = kfifo_out_peek(&u->rx, fifo, DBDEV_UART_RX_MAX);
	st->tx_len = kfifo_out_peek(&u->tx, fifo + st->rx_len,
				    DBDEV_UART_TX_MAX);
	mutex_unlock(&u->lock);
	return sizeof(*st) + st->rx_len + st->tx_len;
}

static int dbdev_uart_restore(struct dbdev_device *dev, u32 version,
			      const void *buf, size_t len)
{
	struct dbdev_uart *u = to_uart(dev);
	const struct dbdev_uart_state *st = buf;
	const u8 *fifo = (const u8 *)(st + 1);

	if (len < sizeof(*st) || st->ier & ~UART_IER_MASK ||
	    st->mcr & ~UART_MCR_MASK ||
	    st->fcr & ~(UART_FCR_ENABLE | UART_FCR_TRIGGER) ||
	    st->msr_delta & 0xf0 || st->thri > 1 ||
	    memchr_inv(st->reserved, 0, sizeof(st->reserved)) ||
	    st->rx_len > DBDEV_UART_RX_MAX || st->tx_len > DBDEV_UART_TX_MAX ||
	    len != sizeof(*st) + st->rx_len + st->tx_len)
		return -EINVAL;
	mutex_lock(&u->lock);
	dbdev_uart_clear(u);
	u->ier = st->ier;
	u->lcr = st->lcr;
	u->mcr = st->mcr;
	u->scr = st->scr;
	u->dll = st->dll;
	u->dlm = st->dlm;
	u->fcr = st->fcr;
	u->msr_delta = st->msr_delta;
	u->thri = st->thri;
	kfifo_in(&u->rx, fifo, st->rx_len);
	kfifo_in(&u->tx, fifo + st->rx_len, st->tx_len);
	if (st->tx_len)
		dbdev_notify(dev);
	dbdev_uart_update_irq(u);
	mutex_unlock(&u->lock);
	return 0;
}

/* For tools: both commands carry bytes */
static const struct dbdev_ctl_desc dbdev_uart_ctls[] = {
	{ .op = DBDEV_UART_READ_TX, .name = "read_tx",
	  .flags = DBDEV_CTL_OUT_BYTES },
	{ .op = DBDEV_UART_WRITE_RX, .name = "write_rx",
	  .flags = DBDEV_CTL_IN_BYTES },
};

static struct dbdev_type dbdev_uart_type = {
	.name = DBDEV_UART_TYPE,
	.owner = THIS_MODULE,
	.ctls = dbdev_uart_ctls,
	.nr_ctls = ARRAY_SIZE(dbdev_uart_ctls),
	.create = dbdev_uart_create,
	.destroy = dbdev_uart_destroy,
	.ctl = dbdev_uart_ctl,
	.reset = dbdev_uart_reset,
	.state_version = 1,
	.save = dbdev_uart_save,
	.restore = dbdev_uart_restore,
};

static int __init dbdev_uart_init(void)
{
	return dbdev_type_register(&dbdev_uart_type);
}
module_init(dbdev_uart_init);

static void __exit dbdev_uart_exit(void)
{
	dbdev_type_unregister(&dbdev_uart_type);
}
module_exit(dbdev_uart_exit);

MODULE_DESCRIPTION("dbdev sample: a 16550A UART on port I/O");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DBDEV_NS);
