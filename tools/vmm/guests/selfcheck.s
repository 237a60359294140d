# SPDX-License-Identifier: GPL-2.0
#
# selfcheck: checks the registers of the dbdev-uart16550 UART (IIR's
# priorities, the FIFO trigger, MSR's delta bits included) and of the
# dbdev-regs MMIO block from inside the guest, printing each check on the
# UART.  Exit status (port 0x501): 0 when all pass, else the number of the
# check that failed.

	.include "lib.inc"

# expect_al V: the check fails unless AL == V
.macro expect_al val
	cmpb $\val, %al
	jne fail
.endm

# expect_eax V: the check fails unless EAX == V
.macro expect_eax val
	cmpl $\val, %eax
	jne fail
.endm

main:
	# a known state, as the banner guest sets it up
	outb_uart UART_IER, 0
	outb_uart UART_LCR, UART_LCR_WLEN8
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2

	movw $hello, %si
	call puts

	begin 1, "UART scratch register keeps 0x55 and 0xaa"
	outb_uart UART_SCR, 0x55
	inb_uart UART_SCR
	expect_al 0x55
	outb_uart UART_SCR, 0xaa
	inb_uart UART_SCR
	expect_al 0xaa
	call ok

	begin 2, "UART IER keeps its low 4 bits (0xff reads 0x0f)"
	outb_uart UART_IER, 0xff
	inb_uart UART_IER
	expect_al 0x0f
	outb_uart UART_IER, 0
	inb_uart UART_IER
	expect_al 0
	call ok

	begin 3, "UART divisor latch DLL/DLM behind LCR.DLAB"
	outb_uart UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8
	outb_uart UART_DLL, 0x34
	outb_uart UART_DLM, 0x12
	inb_uart UART_DLL
	expect_al 0x34
	inb_uart UART_DLM
	expect_al 0x12
	inb_uart UART_LCR
	expect_al UART_LCR_DLAB | UART_LCR_WLEN8
	outb_uart UART_LCR, UART_LCR_WLEN8
	inb_uart UART_IER		# DLAB off: IER again, not DLM
	expect_al 0
	outb_uart UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8
	inb_uart UART_DLM		# and the latch kept its value
	expect_al 0x12
	outb_uart UART_DLL, 1		# back to 115200
	outb_uart UART_DLM, 0
	outb_uart UART_LCR, UART_LCR_WLEN8
	call ok

	begin 4, "UART LSR has THRE and TEMT, no data ready"
	inb_uart UART_LSR
	andb $UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR, %al
	expect_al UART_LSR_THRE | UART_LSR_TEMT
	call ok

	begin 5, "UART IIR shows the FIFOs (0xc0) after FCR enable, not before"
	outb_uart UART_FCR, 0
	inb_uart UART_IIR
	andb $UART_IIR_FIFO_MASK, %al
	expect_al 0
	outb_uart UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT
	inb_uart UART_IIR
	andb $UART_IIR_FIFO_MASK, %al
	expect_al 0xc0
	call ok

	begin 6, "UART loopback: MCR=LOOP|0x0a gives MSR&0xf0 == 0x90"
	outb_uart UART_MCR, UART_MCR_LOOP | 0x0a
	inb_uart UART_MSR
	andb $0xf0, %al
	movb %al, %bl
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	cmpb $0x90, %bl
	jne fail
	call ok

	# Nothing may be printed while in loopback: it would come back.
	begin 7, "UART loopback: a byte sent to THR arrives in RBR with LSR.DR"
	outb_uart UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	outb_uart UART_TX, 0x5a
	inb_uart UART_LSR
	movb %al, %bl
	inb_uart UART_RX
	movb %al, %bh
	inb_uart UART_LSR
	movb %al, %cl
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	testb $UART_LSR_DR, %bl		# data ready after the write
	jz fail
	cmpb $0x5a, %bh			# the byte itself
	jne fail
	testb $UART_LSR_DR, %cl		# and gone once read
	jnz fail
	call ok

	# KVM gives `rep insb` to the VMM as one exit of 8 elements, and dbdev
	# takes it as one access; `rep outsb` comes one byte per exit.
	begin 8, "UART loopback string I/O: rep outsb 8 bytes, rep insb them back"
	outb_uart UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	movw $loop_text, %si
	movw $8, %cx
	movw uart_base, %dx
	rep outsb
	movw $loop_buf, %di
	movw $8, %cx
	rep insb
	inb_uart UART_LSR
	movb %al, %bl
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	testb $UART_LSR_DR, %bl		# the FIFO is empty again
	jnz fail
	movl loop_text, %eax
	cmpl loop_buf, %eax
	jne fail
	movl loop_text + 4, %eax
	cmpl loop_buf + 4, %eax
	jne fail
	call ok

	begin 9, "regs ID reads the magic 0x47524244 (DBRG)"
	movl %fs:REGS_ID, %eax
	expect_eax REGS_MAGIC
	call ok

	begin 10, "regs VERSION reads 0x00010000"
	movl %fs:REGS_VERSION, %eax
	expect_eax REGS_VERSION_1
	call ok

	begin 11, "regs SCRATCH keeps what is written"
	movl $0x12345678, %fs:REGS_SCRATCH
	movl %fs:REGS_SCRATCH, %eax
	expect_eax 0x12345678
	movl $0xdeadbeef, %fs:REGS_SCRATCH
	movl %fs:REGS_SCRATCH, %eax
	expect_eax 0xdeadbeef
	call ok

	begin 12, "regs COUNTER counts its reads, a write sets it"
	movl $100, %fs:REGS_COUNTER
	movl %fs:REGS_COUNTER, %eax
	expect_eax 100
	movl %fs:REGS_COUNTER, %eax
	expect_eax 101
	movl %fs:REGS_COUNTER, %eax
	expect_eax 102
	call ok

	begin 13, "regs byte, word and misaligned accesses read all ones"
	movb %fs:REGS_ID, %al
	expect_al 0xff
	movw %fs:REGS_VERSION, %ax
	cmpw $0xffff, %ax
	jne fail
	movl %fs:REGS_ID + 2, %eax
	expect_eax 0xffffffff
	call ok

	begin 14, "regs misaligned and byte writes are ignored"
	movl $0x11111111, %fs:REGS_SCRATCH + 2
	movb $0x22, %fs:REGS_SCRATCH
	movl %fs:REGS_SCRATCH, %eax
	expect_eax 0xdeadbeef
	call ok

	begin 15, "regs offsets without a register read 0"
	movl %fs:0x14, %eax
	expect_eax 0
	movl %fs:0xffc, %eax
	expect_eax 0
	call ok

	# The three UART checks below run in loopback, with nothing printed
	# until the UART is back to normal, and with interrupts off: what they
	# look at is IIR, LSR and MSR, not the line.
	begin 16, "UART IIR: received data before THR empty; reading IIR acks THRE"
	outb_uart UART_FCR, 0
	outb_uart UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2
	outb_uart UART_IER, UART_IER_RDI | UART_IER_THRI
	outb_uart UART_TX, 0x33
	inb_uart UART_IIR
	movb %al, %bl			# RDI: the byte came back
	inb_uart UART_RX
	inb_uart UART_IIR
	movb %al, %bh			# then THRE
	inb_uart UART_IIR
	movb %al, %cl			# acknowledged: nothing
	call uart_normal
	cmpw $UART_IIR_THRI << 8 | UART_IIR_RDI, %bx
	jne fail
	cmpb $UART_IIR_NO_INT, %cl
	jne fail
	call ok

	begin 17, "UART FIFO trigger 4: 1 byte is a timeout (0x0c), 4 are data (0x04)"
	outb_uart UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_TRIGGER_4
	outb_uart UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2
	outb_uart UART_IER, UART_IER_RDI
	outb_uart UART_TX, 1
	inb_uart UART_IIR
	movb %al, %bl
	outb_uart UART_TX, 2
	outb_uart UART_TX, 3
	outb_uart UART_TX, 4
	inb_uart UART_IIR
	movb %al, %bh
	movw $4, %cx
1:	inb_uart UART_RX
	loop 1b
	inb_uart UART_IIR
	movb %al, %cl
	call uart_normal
	andw $UART_IIR_ID << 8 | UART_IIR_ID, %bx
	cmpw $UART_IIR_RDI << 8 | UART_IIR_RX_TIMEOUT, %bx
	jne fail
	andb $UART_IIR_ID, %cl
	cmpb $UART_IIR_NO_INT, %cl
	jne fail
	call ok

	begin 18, "UART MSR: CTS changing in loopback sets DCTS until MSR is read"
	outb_uart UART_MCR, UART_MCR_LOOP
	inb_uart UART_MSR		# start with no delta
	outb_uart UART_IER, UART_IER_MSI
	outb_uart UART_MCR, UART_MCR_LOOP | UART_MCR_RTS
	inb_uart UART_IIR
	movb %al, %bl			# modem status interrupt: id 0
	inb_uart UART_MSR
	movb %al, %bh			# CTS and DCTS
	inb_uart UART_MSR
	movb %al, %cl			# DCTS gone
	call uart_normal
	andb $UART_IIR_ID, %bl
	cmpb $UART_IIR_MSI, %bl
	jne fail
	andb $0x11, %bh
	cmpb $0x11, %bh
	jne fail
	testb $0x0f, %cl
	jnz fail
	call ok

	movw $passed, %si
	call puts
	movb $0, %al
	jmp exit

# uart_normal: back from the checks in loopback: no interrupts enabled,
# FIFOs on, DTR, RTS, OUT2 (clobbers AL, DX)
uart_normal:
	outb_uart UART_IER, 0
	outb_uart UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	inb_uart UART_MSR
	ret

loop_text:
	.ascii "dbdev!\r\n"
loop_buf:
	.space 8
hello:
	.asciz "selfcheck: the UART and the MMIO registers, seen from the guest\n"
passed:
	.asciz "selfcheck: all 18 checks passed\n"
