/*
 * capture.c — the run's own TCP segments, as they cross the loopback interface.
 *
 * A resident helper, like sockdiag.c.  It opens an AF_PACKET socket bound to
 * "lo" (which needs root or CAP_NET_RAW) and answers commands on stdin:
 *
 *     ports 9877 40112     keep TCP segments to or from these ports (up to 64)
 *                          -> {"kind":"ports","count":2}
 *     sync                 every matching segment queued since the last sync,
 *                          one line each, then a line that ends the answer:
 *                          -> {"kind":"packet","t":…,"from":"127.0.0.1:40112",
 *                              "to":"127.0.0.1:9877","flags":["SYN"],
 *                              "tcpSeq":3012345678,"tcpAck":null,"len":0,
 *                              "window":65495}
 *                          -> {"kind":"synced","packets":1,"dropped":0}
 *
 * The first line it writes says whether capture works here:
 *     {"kind":"ready"}, or
 *     {"kind":"unavailable","errno":"EPERM","error":"socket(AF_PACKET): …"}
 * and then it exits.
 *
 * Each segment crosses lo twice, as far as a packet socket sees: once going
 * out (PACKET_OUTGOING) and once coming in (PACKET_HOST).  The filter keeps
 * the incoming copy: it is the one the receiving socket gets, stamped when
 * it arrives.  The port test is in the kernel (a classic BPF program rebuilt
 * at each "ports"), so other traffic on lo never fills our receive queue
 * however long the runner waits between syncs.
 *
 * "t" is CLOCK_MONOTONIC nanoseconds, the clock of the lab's events.  The
 * kernel stamps packets with CLOCK_REALTIME (SO_TIMESTAMPNS); we convert with
 * the offset between the two clocks read at the sync, which is exact unless
 * the realtime clock was stepped in between.
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPORTS 64		/* keeps every BPF jump within its 8-bit offset */
#define SNAPLEN  160		/* IPv6 (40) or IPv4 (≤ 60) header, and a TCP header (≤ 60) */
#define RCVBUF   (1 << 20)

static int nports;
static unsigned short ports[MAXPORTS];

static long long
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *
errno_name(int err)
{
	switch (err) {
	case EPERM:           return "EPERM";
	case EACCES:          return "EACCES";
	case EAFNOSUPPORT:    return "EAFNOSUPPORT";
	case ENODEV:          return "ENODEV";
	case EINVAL:          return "EINVAL";
	case ENOMEM:          return "ENOMEM";
	case ENOBUFS:         return "ENOBUFS";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	default:              return "other";	/* strerror in "error" says which */
	}
}

static void
unavailable(const char *what, int err)
{
	printf("{\"kind\":\"unavailable\",\"errno\":\"%s\",\"error\":\"%s: %s\"}\n",
	       errno_name(err), what, strerror(err));
	fflush(stdout);
	exit(1);
}

/*
 * The filter: drop our own outgoing copies; keep IPv4 (first fragments) and
 * IPv6 TCP whose source or destination port is one of ports[].  No ports:
 * keep nothing.  IPv6 extension headers are not followed: the lab sends none.
 * Jumps are relative to the next instruction; JMP(at, …) names targets by index.
 */
#define STMT(code, k)         ((struct sock_filter) BPF_STMT(code, k))
#define JMP(at, code, k, t, f) ((struct sock_filter) BPF_JUMP(code, k, (t) - (at) - 1, (f) - (at) - 1))

static int
attach_filter(int fd)
{
	struct sock_filter f[20 + 2 * MAXPORTS];
	struct sock_fprog prog;
	int i, n = 0, accept = 16 + 2 * nports, drop = accept + 1;

	if (nports == 0) {
		f[n++] = STMT(BPF_RET | BPF_K, 0);
	} else {
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE);		/* 0 */
		f[n++] = JMP(1, BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, drop, 2);
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL);		/* 2 */
		f[n++] = JMP(3, BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 4, 10);
		f[n++] = STMT(BPF_LD | BPF_B | BPF_ABS, 9);					/* 4: IPv4 protocol */
		f[n++] = JMP(5, BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 6, drop);
		f[n++] = STMT(BPF_LD | BPF_H | BPF_ABS, 6);					/* 6: fragment offset */
		f[n++] = JMP(7, BPF_JMP | BPF_JSET | BPF_K, 0x1fff, drop, 8);
		f[n++] = STMT(BPF_LDX | BPF_B | BPF_MSH, 0);					/* 8: X = IPv4 header length */
		f[n++] = STMT(BPF_JMP | BPF_JA, 14 - 9 - 1);					/* 9: on to the ports, at 14 */
		f[n++] = JMP(10, BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 11, drop);
		f[n++] = STMT(BPF_LD | BPF_B | BPF_ABS, 6);					/* 11: IPv6 next header */
		f[n++] = JMP(12, BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 13, drop);
		f[n++] = STMT(BPF_LDX | BPF_W | BPF_IMM, 40);					/* 13: X = IPv6 header length */
		f[n++] = STMT(BPF_LD | BPF_H | BPF_IND, 0);					/* 14: source port */
		for (i = 0; i < nports; i++, n++)
			f[n] = JMP(n, BPF_JMP | BPF_JEQ | BPF_K, ports[i], accept, n + 1);
		f[n++] = STMT(BPF_LD | BPF_H | BPF_IND, 2);					/* destination port */
		for (i = 0; i < nports; i++, n++)
			f[n] = JMP(n, BPF_JMP | BPF_JEQ | BPF_K, ports[i], accept, i == nports - 1 ? drop : n + 1);
		f[n++] = STMT(BPF_RET | BPF_K, SNAPLEN);					/* accept */
		f[n++] = STMT(BPF_RET | BPF_K, 0);						/* drop */
	}
	prog.len = (unsigned short) n;
	prog.filter = f;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int
open_lo(void)
{
	struct sockaddr_ll sll;
	int fd, on = 1, size = RCVBUF;
	unsigned char junk[SNAPLEN];

	if ( (fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		unavailable("socket(AF_PACKET)", errno);
	if (attach_filter(fd) < 0)		/* no ports yet: keeps nothing */
		unavailable("SO_ATTACH_FILTER", errno);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if ( (sll.sll_ifindex = (int) if_nametoindex("lo")) == 0)
		unavailable("if_nametoindex(lo)", errno);
	if (bind(fd, (struct sockaddr *) &sll, sizeof(sll)) < 0)
		unavailable("bind(lo)", errno);
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0)
		unavailable("SO_TIMESTAMPNS", errno);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));	/* CAP_NET_ADMIN only */
	while (recv(fd, junk, sizeof(junk), 0) >= 0)
		;			/* anything queued before the filter was attached */
	return fd;
}

static void
addr_port(int family, const void *addr, unsigned short port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, ntohs(port));
}

static void
print_flags(const struct tcphdr *th)
{
	static const struct { unsigned char bit; const char *name; } names[] = {
		{ TH_FIN, "FIN" }, { TH_SYN, "SYN" }, { TH_RST, "RST" }, { TH_PUSH, "PSH" },
		{ TH_ACK, "ACK" }, { TH_URG, "URG" }, { 0x40, "ECE" }, { 0x80, "CWR" },
	};
	int first = 1;

	fputs("[", stdout);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (th->th_flags & names[i].bit) {
			printf("%s\"%s\"", first ? "" : ",", names[i].name);
			first = 0;
		}
	}
	fputs("]", stdout);
}

/* One captured datagram (network header first).  1 if printed, 0 if not TCP we can read. */
static int
print_packet(const unsigned char *buf, size_t caplen, int proto, long long t)
{
	char from[64], to[64];
	const struct tcphdr *th;
	size_t iphl;
	long payload;

	if (proto == ETH_P_IP && caplen >= sizeof(struct ip)) {
		const struct ip *ip = (const struct ip *) buf;
		iphl = (size_t) ip->ip_hl * 4;
		if (caplen < iphl + sizeof(*th))
			return 0;
		th = (const struct tcphdr *) (buf + iphl);
		addr_port(AF_INET, &ip->ip_src, th->th_sport, from, sizeof(from));
		addr_port(AF_INET, &ip->ip_dst, th->th_dport, to, sizeof(to));
		payload = (long) ntohs(ip->ip_len) - (long) iphl - th->th_off * 4;
	} else if (proto == ETH_P_IPV6 && caplen >= sizeof(struct ip6_hdr) + sizeof(*th)) {
		const struct ip6_hdr *ip6 = (const struct ip6_hdr *) buf;
		th = (const struct tcphdr *) (buf + sizeof(*ip6));
		addr_port(AF_INET6, &ip6->ip6_src, th->th_sport, from, sizeof(from));
		addr_port(AF_INET6, &ip6->ip6_dst, th->th_dport, to, sizeof(to));
		payload = (long) ntohs(ip6->ip6_plen) - th->th_off * 4;
	} else
		return 0;

	printf("{\"kind\":\"packet\",\"t\":%lld,\"from\":\"%s\",\"to\":\"%s\",\"flags\":", t, from, to);
	print_flags(th);
	printf(",\"tcpSeq\":%u,\"tcpAck\":", ntohl(th->th_seq));
	if (th->th_flags & TH_ACK)
		printf("%u", ntohl(th->th_ack));
	else
		fputs("null", stdout);
	printf(",\"len\":%ld,\"window\":%u}\n", payload > 0 ? payload : 0, ntohs(th->th_win));
	return 1;
}

/* The kernel's receive time (CLOCK_REALTIME) of a datagram, from its control message. */
static long long
stamp_of(struct msghdr *msg)
{
	struct cmsghdr *c;
	struct timespec ts;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
	}
	return -1;
}

/* Print everything queued, until EAGAIN; then the line that ends the answer. */
static void
do_sync(int fd)
{
	long long offset = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	struct tpacket_stats st;
	socklen_t stlen = sizeof(st);
	int count = 0;

	for ( ; ; ) {
		unsigned char buf[SNAPLEN];
		char control[256];
		struct sockaddr_ll from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control, .msg_controllen = sizeof(control),
		};
		ssize_t n = recvmsg(fd, &msg, 0);
		long long real;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;		/* nothing more queued */
			printf("{\"kind\":\"error\",\"error\":\"recvmsg: %s\"}\n", strerror(errno));
			return;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;	/* the filter drops these; a second look costs nothing */
		real = stamp_of(&msg);
		count += print_packet(buf, (size_t) n, ntohs(from.sll_protocol),
		                      real < 0 ? clock_ns(CLOCK_MONOTONIC) : real - offset);
	}
	memset(&st, 0, sizeof(st));
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stlen);	/* drops since the last sync */
	printf("{\"kind\":\"synced\",\"packets\":%d,\"dropped\":%u}\n", count, st.tp_drops);
}

/* "ports 9877 40112": a new port set.  0, or -1 if a token is not a port. */
static int
parse_ports(char *args)
{
	char *tok, *save = NULL;
	int n = 0;
	unsigned short set[MAXPORTS];

	for (tok = strtok_r(args, " \t\r\n,", &save); tok != NULL; tok = strtok_r(NULL, " \t\r\n,", &save)) {
		char *end;
		long p = strtol(tok, &end, 10);

		if (*end != '\0' || p < 1 || p > 65535 || n == MAXPORTS)
			return -1;
		set[n++] = (unsigned short) p;
	}
	memcpy(ports, set, sizeof(set[0]) * n);
	nports = n;
	return 0;
}

int
main(void)
{
	char line[1024];
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* the runner's helper ends with the runner */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	fd = open_lo();
	printf("{\"kind\":\"ready\"}\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (strncmp(line, "ports", 5) == 0 && (line[5] == ' ' || line[5] == '\n')) {
			if (parse_ports(line + 5) < 0)
				printf("{\"kind\":\"error\",\"error\":\"bad request: expected up to %d port numbers\"}\n", MAXPORTS);
			else if (attach_filter(fd) < 0)
				printf("{\"kind\":\"error\",\"error\":\"SO_ATTACH_FILTER: %s\"}\n", strerror(errno));
			else
				printf("{\"kind\":\"ports\",\"count\":%d}\n", nports);
		} else if (strcmp(line, "sync\n") == 0)
			do_sync(fd);
		else
			printf("{\"kind\":\"error\",\"error\":\"unknown command\"}\n");
		fflush(stdout);
	}
	return 0;
}
