# SPDX-License-Identifier: GPL-2.0
#
# stress: 100,000 accesses to dbdev's devices, each of which must be
# served exactly once:
#   port I/O  25,000 bytes through the UART in loopback: each byte written
#             to THR must come back from RBR, in order, and nothing else
#             (an access served twice or lost would shift the stream)
#   MMIO      50,000 reads of the block's COUNTER, which counts its reads:
#             each must return the one before plus one
# Run it with `vmm --signal-us 1000` to interrupt the vCPU every
# millisecond meanwhile.  Exit status 0, 1 for a wrong byte, 2 for a
# leftover byte, 3 for a wrong count.

	.include "lib.inc"

	.set ROUNDS, 5			# of 5,000 bytes and 10,000 reads

main:
	movw $hello, %si
	call puts
	outb_uart UART_IER, 0
	outb_uart UART_FCR, 0
	outb_uart UART_MCR, UART_MCR_LOOP
	movl $0, %fs:REGS_COUNTER
	xorl %edi, %edi			# the next COUNTER value
	movw $ROUNDS, %bp

round:
	# 5,000 bytes, 10,000 port accesses
	movw uart_base, %dx
	movw $5000, %cx
1:	movb %cl, %al
	outb %al, %dx
	inb %dx, %al
	cmpb %cl, %al
	jne bad_byte
	loop 1b

	# 10,000 reads of COUNTER
	movw $10000, %cx
2:	movl %fs:REGS_COUNTER, %eax
	cmpl %edi, %eax
	jne bad_count
	incl %edi
	loop 2b

	decw %bp
	jnz round

	# nothing left over in the loopback
	addw $UART_LSR, %dx
	inb %dx, %al
	testb $UART_LSR_DR, %al
	jnz leftover
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	movw $done, %si
	call puts
	movb $0, %al
	jmp exit

bad_byte:
	movb $1, %bl
	jmp stop
leftover:
	movb $2, %bl
	jmp stop
bad_count:
	movb $3, %bl
stop:
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	movw $failed, %si
	call puts
	movb %bl, %al
	jmp exit

hello:
	.asciz "stress: 50,000 port-I/O and 50,000 MMIO accesses to dbdev's devices\n"
done:
	.asciz "stress: every access was served once, data exact\n"
failed:
	.asciz "stress: FAILED\n"
