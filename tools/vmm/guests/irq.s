# SPDX-License-Identifier: GPL-2.0
#
# irq: the devices' interrupts, end to end.  The UART's IRQ 4 comes
# through the 8259 (programmed here: IRQ 4 at vector 0x24), the register
# block's MSI through the local APIC (vector 0x41); dbdev signals both with
# eventfds that KVM injects, the VMM never sees them.  Checks, each printed
# on the UART:
#   1  THR empty: enabling IER.THRI interrupts once; reading IIR in the
#      handler acknowledges it
#   2  OUT2 gates the line: with MCR.OUT2 clear nothing comes, setting it
#      lets the pending interrupt through
#   3  a level held after EOI comes again: the handler leaves THRE pending
#      three times and acknowledges it the fourth: four interrupts
#   4  received data: the line the VMM feeds on stdin arrives with
#      interrupts and is echoed back
#   5  MSI: each write to the block's DOORBELL is one interrupt
#   6  the UART through the IOAPIC instead (the 8259's IRQ 4 masked), its
#      pin level-triggered: THR empty once, then a level held after EOI
#      comes again, as in checks 1 and 3
# Exit status: 0 when all pass, else the number of the failed check.

	.include "lib.inc"

	.set IOAPIC_IOREGSEL, 0xfec00000
	.set IOAPIC_IOWIN, 0xfec00010
	.set IOAPIC_REDTBL4, 0x10 + 2 * 4	# pin 4: the UART's GSI
	.set IOAPIC_LEVEL, 1 << 15
	.set IOAPIC_VECTOR, 0x34

main:
	set_vector UART_VECTOR, uart_isr
	set_vector MSI_VECTOR, msi_isr
	call pic_init
	call lapic_on
	outb_uart UART_IER, 0
	outb_uart UART_LCR, UART_LCR_WLEN8
	outb_uart UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	inb_uart UART_IIR
	movw $hello, %si
	call puts
	sti

	begin 1, "THRE interrupts once"
	movw $0, thre
	outb_uart UART_IER, UART_IER_THRI
	wait_for thre, 1
	spin 1000
	cmpw $1, thre
	jne fail
	call ok

	begin 2, "MCR.OUT2 gates the interrupt line"
	call quiet
	movw $0, thre
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS
	outb_uart UART_IER, UART_IER_THRI
	spin 1000
	cmpw $0, thre
	jne fail
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	wait_for thre, 1
	cmpw $1, thre
	jne fail
	call ok

	begin 3, "a line still high after EOI interrupts again"
	call quiet
	movw $0, thre
	movw $3, hold			# three times: EOI without reading IIR
	outb_uart UART_IER, UART_IER_THRI
	wait_for thre, 4
	spin 1000
	cmpw $4, thre
	jne fail
	call ok

	begin 4, "input arrives with received-data interrupts"
	movw $prompt, %si
	call puts
	outb_uart UART_IER, UART_IER_RDI
	wait_for line_done, 1
	outb_uart UART_IER, 0
	cmpw $0, rda
	je fail
	movw $echo, %si
	call puts
	movw $line, %si
	call puts
	movw $echo_end, %si
	call puts

	begin 5, "each DOORBELL write is one MSI"
	movl $0, %fs:REGS_DOORBELL
	wait_for msis, 1
	movw $3, %cx
2:	movl $0, %fs:REGS_DOORBELL
	loop 2b
	wait_for msis, 4
	spin 1000
	cmpw $4, msis
	jne fail
	cmpl $4, %fs:REGS_DOORBELL
	jne fail
	call ok

	begin 6, "through the IOAPIC, level-triggered: THRE once, a held line again"
	call quiet
	cli
	movb $0xff, %al			# the 8259 lets nothing through
	outb %al, $0x21
	set_vector IOAPIC_VECTOR, uart_isr
	movb $1, via_ioapic
	gs_write32 IOAPIC_IOREGSEL, IOAPIC_REDTBL4 + 1	# to the APIC of CPU 0
	gs_write32 IOAPIC_IOWIN, 0
	gs_write32 IOAPIC_IOREGSEL, IOAPIC_REDTBL4	# fixed, level, unmasked
	gs_write32 IOAPIC_IOWIN, IOAPIC_VECTOR | IOAPIC_LEVEL
	sti
	movw $0, thre
	outb_uart UART_IER, UART_IER_THRI
	wait_for thre, 1
	spin 1000
	cmpw $1, thre
	jne fail
	call quiet
	movw $0, thre
	movw $3, hold
	outb_uart UART_IER, UART_IER_THRI
	wait_for thre, 4
	spin 1000
	cmpw $4, thre
	jne fail
	call quiet
	call ok

	cli
	movw $passed, %si
	call puts
	movb $0, %al
	jmp exit

# quiet: no UART interrupts enabled, and none left to arrive.  KVM
# injects a line's interrupt from a work item, which on a busy host CPU
# runs milliseconds after the UART raised the line (`call ok` with THRI
# on raises it for every byte): wait well beyond that.
quiet:
	outb_uart UART_IER, 0
	spin 1000
	ret

# The UART's interrupt: THRE (acknowledged by reading IIR, unless `hold`
# says to leave it pending) or received data (read until LSR.DR clears,
# up to a newline).
uart_isr:
	pushw %ax
	pushw %dx
	pushw %bx
	pushw %ds
	pushw %cs
	popw %ds
	cmpw $0, hold
	je 1f
	decw hold			# leave IIR unread: the line stays high
	incw thre
	jmp 9f
1:	inb_uart UART_IIR
	andb $UART_IIR_ID, %al
	cmpb $UART_IIR_THRI, %al
	jne 2f
	incw thre
	jmp 9f
2:	cmpb $UART_IIR_RDI, %al
	je 3f
	cmpb $UART_IIR_RX_TIMEOUT, %al
	jne 9f
3:	incw rda
4:	inb_uart UART_LSR
	testb $UART_LSR_DR, %al
	jz 9f
	inb_uart UART_RX
	cmpb $'\n', %al
	je 5f
	movw line_len, %bx
	cmpw $line_max, %bx
	jae 4b
	movb %al, line(%bx)
	incw line_len
	jmp 4b
5:	movw $1, line_done
9:	cmpb $0, via_ioapic
	jne 8f
	pic_eoi
	jmp 7f
8:	pushl %esi
	lapic_eoi			# which the APIC passes on to the IOAPIC
	popl %esi
7:	popw %ds
	popw %bx
	popw %dx
	popw %ax
	iret

via_ioapic:
	.byte 0
hold:
	.word 0
thre:
	.word 0
rda:
	.word 0
line_done:
	.word 0
line_len:
	.word 0
	.set line_max, 63
line:
	.space line_max + 1
hello:
	.asciz "irq: the UART on IRQ 4 through the 8259, the block's MSI at the local APIC\n"
prompt:
	.asciz "type a line: "
echo:
	.asciz "got '"
echo_end:
	.asciz "' ... ok\n"
passed:
	.asciz "irq: all 6 checks passed\n"
