/*
 * dropper.c — lose the next segment of one kind arriving at one socket.
 *
 *     dropper PID FD INODE SEGMENT        SEGMENT: SYN-ACK | ACK | FIN | data
 *
 * A plan's `drop` step (src/plan/types.ts).  The socket is the one that
 * process PID's descriptor FD names, and it must be socket INODE (the one the
 * runner found there): if the lab process has ended and its pid was taken by
 * another program, we refuse rather than filter that program's socket.  The
 * lab program itself makes no call:
 * we take our own descriptor for its socket with pidfd_getfd(2) (Linux 5.6),
 * attach a socket filter to the socket (the filter belongs to the socket, not
 * to a descriptor), and close our descriptor again, before we say "armed".
 *
 * TCP runs a socket's filter on every segment that arrives at it (tcp_filter()
 * in tcp_v4_rcv(), with skb->data at the TCP header), including the last ACK
 * of a handshake arriving at a listening socket (it is filtered by the
 * listener before the request socket is completed).  A classic BPF filter has
 * no memory from one segment to the next, so it cannot let the retransmission
 * through, and once the process closes its descriptor (LAST_ACK, FIN_WAIT_1
 * after close) nobody can detach it.  So the filter is an eBPF program with a
 * small array map: it counts the segments of the kind, drops the first and
 * passes every later one — truly one-shot, with nothing left to undo.  Loading
 * it needs CAP_BPF (kernel.unprivileged_bpf_disabled is 1 or 2 on most
 * systems) and pidfd_getfd needs ptrace rights over PID: in practice, root.
 *
 * The map also keeps the kernel's CLOCK_MONOTONIC time of the drop and of the
 * segment that got through next (the retransmission), so we report both:
 *
 *     {"kind":"armed"}
 *     {"kind":"dropped","t":…}           the segment was lost
 *     {"kind":"passed","t":…}            the next one of its kind got through
 *
 * and exit 0 after "passed", or when stdin closes (the run ended first).
 * When the drop cannot be armed, one line and exit 1:
 *
 *     {"kind":"unavailable","errno":"EPERM","error":"bpf(BPF_PROG_LOAD): …"}
 *
 * When FD of PID is not socket INODE, one line and exit 3, with nothing attached:
 *
 *     {"kind":"refused","error":"pid 123 fd 4 is inode 999, not the expected socket inode 777: …"}
 *
 * Bad arguments: a usage message on stderr and exit 2.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <linux/bpf.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif

#define POLL_MS 2		/* how often we look at the counter */

/* TCP header flag bits (byte 13 of the header) */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

enum payload { ANY_LEN, NO_PAYLOAD, PAYLOAD };

struct kind {
	const char *name;
	int mask, value;	/* (flags & mask) == value */
	enum payload len;
};

/* What each segment kind of a plan's drop step means, as bits of the TCP header. */
static const struct kind kinds[] = {
	{ "SYN-ACK", TH_SYN | TH_ACK | TH_FIN | TH_RST, TH_SYN | TH_ACK, ANY_LEN },
	{ "ACK",     TH_SYN | TH_ACK | TH_FIN | TH_RST, TH_ACK,          NO_PAYLOAD },
	{ "FIN",     TH_FIN | TH_RST,                   TH_FIN,          ANY_LEN },
	{ "data",    TH_SYN | TH_RST,                   0,               PAYLOAD },
};

static const char *
errno_name(int err)
{
	switch (err) {
	case EPERM:   return "EPERM";
	case EACCES:  return "EACCES";
	case ESRCH:   return "ESRCH";
	case EBADF:   return "EBADF";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOSYS:  return "ENOSYS";
	case EINVAL:  return "EINVAL";
	default:      return "EOTHER";
	}
}

static void
unavailable(const char *what)
{
	int err = errno;

	printf("{\"kind\":\"unavailable\",\"errno\":\"%s\",\"error\":\"%s: %s\"}\n",
	       errno_name(err), what, strerror(err));
	exit(1);
}

static long
sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* The counter map: [0] segments of the kind seen, [1] time of the first, [2] of the second. */
static int
counter_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(uint32_t);
	attr.value_size = sizeof(uint64_t);
	attr.max_entries = 3;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static uint64_t
map_get(int map, uint32_t key)
{
	union bpf_attr attr;
	uint64_t value = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t) &key;
	attr.value = (uintptr_t) &value;
	sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
	return value;
}

/* eBPF instructions, as linux/filter.h's kernel-only macros spell them */
#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_REG(d, s)      INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i)      INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU_IMM(op, d, i)  INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU_REG(op, d, s)  INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define LD_ABS_B(off)      INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, off)
#define LDX(sz, d, s, o)   INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o)   INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST_IMM(sz, d, o, i) INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define XADD(d, s, o)      INSN(BPF_STX | BPF_ATOMIC | BPF_DW, d, s, o, BPF_ADD)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define CALL(f)            INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()             INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP(d, fd)      INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)

#define PASS 0x7fff		/* a jump offset patched to the "pass" instructions */

/*
 * The filter.  r6 = the skb (LD_ABS reads from skb->data: the TCP header),
 * r8 = how many segments of the kind came before this one, r9 = now.
 */
static int
load_filter(const struct kind *k, int map, char *log, size_t logsize)
{
	struct bpf_insn prog[] = {
		MOV_REG(BPF_REG_6, BPF_REG_1),
		LD_ABS_B(13),				/* r0 = the flags */
		ALU_IMM(BPF_AND, BPF_REG_0, k->mask),
		JMP_IMM(BPF_JNE, BPF_REG_0, k->value, PASS),
		LD_ABS_B(12),				/* r0 = data offset << 4 */
		ALU_IMM(BPF_RSH, BPF_REG_0, 4),
		ALU_IMM(BPF_LSH, BPF_REG_0, 2),		/* r0 = the header's length */
		LDX(BPF_W, BPF_REG_7, BPF_REG_6, offsetof(struct __sk_buff, len)),
		ALU_REG(BPF_SUB, BPF_REG_7, BPF_REG_0),	/* r7 = the payload's length */
		k->len == NO_PAYLOAD ? JMP_IMM(BPF_JNE, BPF_REG_7, 0, PASS) :
		k->len == PAYLOAD ? JMP_IMM(BPF_JEQ, BPF_REG_7, 0, PASS) :
		JMP_IMM(BPF_JA, 0, 0, 0),
		/* a segment of the kind: count it */
		ST_IMM(BPF_W, BPF_REG_10, -4, 0),
		LD_MAP(BPF_REG_1, map),
		MOV_REG(BPF_REG_2, BPF_REG_10),
		ALU_IMM(BPF_ADD, BPF_REG_2, -4),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, PASS),
		LDX(BPF_DW, BPF_REG_8, BPF_REG_0, 0),	/* r8 = count so far */
		MOV_IMM(BPF_REG_1, 1),
		XADD(BPF_REG_0, BPF_REG_1, 0),
		JMP_IMM(BPF_JGT, BPF_REG_8, 1, PASS),	/* the third and later: just pass */
		/* the first (dropped) or the second (the retransmission): note when */
		CALL(BPF_FUNC_ktime_get_ns),
		MOV_REG(BPF_REG_9, BPF_REG_0),
		ALU_IMM(BPF_ADD, BPF_REG_8, 1),
		STX(BPF_W, BPF_REG_10, BPF_REG_8, -4),
		LD_MAP(BPF_REG_1, map),
		MOV_REG(BPF_REG_2, BPF_REG_10),
		ALU_IMM(BPF_ADD, BPF_REG_2, -4),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		STX(BPF_DW, BPF_REG_0, BPF_REG_9, 0),
		JMP_IMM(BPF_JNE, BPF_REG_8, 1, PASS),
		MOV_IMM(BPF_REG_0, 0),			/* the first: drop it */
		EXIT(),
		/* pass: keep the whole segment */
		LDX(BPF_W, BPF_REG_0, BPF_REG_6, offsetof(struct __sk_buff, len)),
		EXIT(),
	};
	int n = sizeof(prog) / sizeof(prog[0]);
	union bpf_attr attr;

	for (int i = 0; i < n; i++)		/* aim each PASS at the last two instructions */
		if (BPF_CLASS(prog[i].code) == BPF_JMP && prog[i].off == PASS)
			prog[i].off = (n - 2) - (i + 1);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t) prog;
	attr.insn_cnt = n;
	attr.license = (uintptr_t) "GPL";
	attr.log_buf = (uintptr_t) log;
	attr.log_size = logsize;
	attr.log_level = 1;
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static void
usage(void)
{
	fprintf(stderr, "usage: dropper PID FD INODE SYN-ACK|ACK|FIN|data\n");
	exit(2);
}

/* A decimal number in [min, max], all of `s` (no sign, no space), or usage and exit 2. */
static long long
number(const char *s, const char *what, long long min, long long max)
{
	char *end;
	long long n;

	if (s[0] < '0' || s[0] > '9') {
		fprintf(stderr, "dropper: %s \"%s\" is not a number\n", what, s);
		usage();
	}
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		fprintf(stderr, "dropper: %s \"%s\" is not a number from %lld to %lld\n", what, s, min, max);
		usage();
	}
	return n;
}

static const struct kind *
kind_named(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static char log[65536];
	const struct kind *k;
	struct stat st;
	int pid, fd, pidfd, sock, map, prog, reported = 0;
	unsigned long long inode;

	if (argc != 5 || (k = kind_named(argv[4])) == NULL)
		usage();
	pid = (int) number(argv[1], "PID", 1, INT_MAX);
	fd = (int) number(argv[2], "FD", 0, INT_MAX);
	inode = (unsigned long long) number(argv[3], "INODE", 1, LLONG_MAX);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if ((map = counter_map()) < 0)
		unavailable("bpf(BPF_MAP_CREATE)");
	if ((prog = load_filter(k, map, log, sizeof(log))) < 0) {
		if (errno == EINVAL || errno == EACCES)	/* the verifier said no: a bug here */
			fprintf(stderr, "%s", log);
		unavailable("bpf(BPF_PROG_LOAD)");
	}
	if ((pidfd = syscall(SYS_pidfd_open, pid, 0)) < 0)
		unavailable("pidfd_open");
	if ((sock = syscall(SYS_pidfd_getfd, pidfd, fd, 0)) < 0)
		unavailable("pidfd_getfd");
	if (fstat(sock, &st) < 0)
		unavailable("fstat");
	if (!S_ISSOCK(st.st_mode) || (unsigned long long) st.st_ino != inode) {
		/* pidfd_open pinned the process: this is what PID's FD names now, and not ours to touch */
		printf("{\"kind\":\"refused\",\"error\":\"pid %d fd %d is %s %llu, not the expected socket inode %llu: "
		       "the process that held it has ended or closed it (a reused pid?); nothing attached\"}\n",
		       pid, fd, S_ISSOCK(st.st_mode) ? "socket inode" : "a non-socket, inode",
		       (unsigned long long) st.st_ino, inode);
		exit(3);
	}
	if (setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog)) < 0)
		unavailable("setsockopt(SO_ATTACH_BPF)");
	close(sock);		/* the socket keeps the filter; only the process's descriptors remain */
	close(pidfd);
	close(prog);		/* the socket holds the program, the program the map */
	printf("{\"kind\":\"armed\"}\n");

	for ( ; ; ) {
		struct pollfd in = { .fd = 0, .events = POLLIN };
		uint64_t seen;

		if (poll(&in, 1, POLL_MS) > 0) {
			char buf[64];

			if (read(0, buf, sizeof(buf)) <= 0)
				exit(0);		/* the run is over */
		}
		seen = map_get(map, 0);
		if (seen >= 1 && reported < 1) {
			printf("{\"kind\":\"dropped\",\"t\":%llu}\n", (unsigned long long) map_get(map, 1));
			reported = 1;
		}
		if (seen >= 2) {
			printf("{\"kind\":\"passed\",\"t\":%llu}\n", (unsigned long long) map_get(map, 2));
			exit(0);
		}
	}
}
