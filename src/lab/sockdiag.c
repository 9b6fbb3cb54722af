/*
 * sockdiag.c — the kernel observer's view of TCP, through netlink sock_diag.
 *
 * A resident helper: for each request line on stdin, a list of ports such as
 *
 *     9877 40112
 *
 * it dumps every TCP socket of the machine (AF_INET and AF_INET6, all states,
 * any owner) with one SOCK_DIAG_BY_FAMILY request per family and prints one
 * JSON line with the sockets whose local or remote port is one of the ports:
 *
 *     {"ok":true,"sockets":[{"state":"LISTEN","local":"127.0.0.1:9877",
 *       "remote":"0.0.0.0:0","inode":81234,"timer":0,"expiresMs":0}, …]}
 *
 * or {"ok":false,"error":"…"}.  A socket with TCP info (not TIME_WAIT or a request
 * socket) also has "sent" (data bytes sent, without retransmissions) and
 * "received" (data bytes received in order): when one end has sent more than its
 * peer has received, data is still in flight, and the runner waits.  This is several times cheaper than reading and
 * parsing /proc/net/tcp, which matters because the runner samples TCP many
 * times per step while it waits for the connection states to settle.
 *
 * States are RFC 9293 names with underscores (the kernel's SYN_RECV and
 * NEW_SYN_RECV are SYN_RECEIVED; FIN_WAIT1 is FIN_WAIT_1).  A socket that is
 * bound but neither listening nor connected (Linux 6.8+ dumps it as
 * "bound-inactive") is CLOSED, with its local address.
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <stddef.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXPORTS 256

static int nports;
static unsigned short ports[MAXPORTS];

static const char *
state_name(int st)
{
	switch (st) {
	case 1:  return "ESTABLISHED";
	case 2:  return "SYN_SENT";
	case 3:  return "SYN_RECEIVED";
	case 4:  return "FIN_WAIT_1";
	case 5:  return "FIN_WAIT_2";
	case 6:  return "TIME_WAIT";
	case 7:  return "CLOSED";
	case 8:  return "CLOSE_WAIT";
	case 9:  return "LAST_ACK";
	case 10: return "LISTEN";
	case 11: return "CLOSING";
	case 12: return "SYN_RECEIVED";	/* TCP_NEW_SYN_RECV: a request socket */
	case 13: return "CLOSED";	/* TCP_BOUND_INACTIVE: bound, not listening */
	default: return NULL;
	}
}

static int
wanted(unsigned short port)
{
	for (int i = 0; i < nports; i++)
		if (ports[i] == port)
			return 1;
	return 0;
}

static void
addr_port(int family, const __be32 *addr, __be16 port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (family == AF_INET) {
		inet_ntop(AF_INET, addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(port));
	} else {
		struct in6_addr in6;
		memcpy(&in6, addr, sizeof(in6));
		if (IN6_IS_ADDR_V4MAPPED(&in6)) {
			inet_ntop(AF_INET, &in6.s6_addr[12], a, sizeof(a));
			snprintf(buf, len, "%s:%u", a, ntohs(port));
		} else {
			inet_ntop(AF_INET6, &in6, a, sizeof(a));
			snprintf(buf, len, "[%s]:%u", a, ntohs(port));
		}
	}
}

/* The data byte counts of struct tcp_info, when the kernel sent one that has them. */
static void
print_bytes(FILE *out, const struct nlmsghdr *h, const struct inet_diag_msg *m)
{
	const struct rtattr *attr = (const struct rtattr *) (m + 1);
	int len = (int) h->nlmsg_len - (int) NLMSG_LENGTH(sizeof(*m));

	for ( ; RTA_OK(attr, len); attr = RTA_NEXT(attr, len)) {
		const struct tcp_info *ti = RTA_DATA(attr);
		size_t n = RTA_PAYLOAD(attr);

		if (attr->rta_type != INET_DIAG_INFO)
			continue;
		if (n >= offsetof(struct tcp_info, tcpi_bytes_retrans) + sizeof(ti->tcpi_bytes_retrans))
			fprintf(out, ",\"sent\":%llu,\"received\":%llu",
			        (unsigned long long) (ti->tcpi_bytes_sent - ti->tcpi_bytes_retrans),
			        (unsigned long long) ti->tcpi_bytes_received);
		return;
	}
}

/* Dump one family; print matching sockets (after *count earlier ones). 0, or an errno. */
static int
dump(FILE *out, int nl, int family, int *count)
{
	struct {
		struct nlmsghdr        nlh;
		struct inet_diag_req_v2 req;
	} rq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	static char buf[65536];
	static unsigned int seqno;

	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.nlh.nlmsg_seq = ++seqno;
	rq.req.sdiag_family = family;
	rq.req.sdiag_protocol = IPPROTO_TCP;
	rq.req.idiag_states = ~0U;	/* every state, including bound-inactive */
	rq.req.idiag_ext = 1 << (INET_DIAG_INFO - 1);	/* struct tcp_info, for the byte counts */

	if (sendto(nl, &rq, sizeof(rq), 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0)
		return errno;

	for ( ; ; ) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EPIPE;
		for (h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
			const struct inet_diag_msg *m;
			const char *state;
			char local[64], remote[64];

			if (h->nlmsg_seq != seqno)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error < 0 ? -e->error : EPROTO;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
				continue;
			m = NLMSG_DATA(h);
			if (!wanted(ntohs(m->id.idiag_sport)) && !wanted(ntohs(m->id.idiag_dport)))
				continue;
			if ( (state = state_name(m->idiag_state)) == NULL)
				continue;
			addr_port(m->idiag_family, m->id.idiag_src, m->id.idiag_sport, local, sizeof(local));
			addr_port(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport, remote, sizeof(remote));
			fprintf(out, "%s{\"state\":\"%s\",\"local\":\"%s\",\"remote\":\"%s\",\"inode\":%u,"
			       "\"timer\":%u,\"expiresMs\":%u",
			       (*count)++ ? "," : "", state, local, remote, m->idiag_inode,
			       m->idiag_timer, m->idiag_timer ? m->idiag_expires : 0);
			print_bytes(out, h, m);
			fputc('}', out);
		}
	}
}

static int
parse_ports(char *line)
{
	char *tok, *save = NULL;

	nports = 0;
	for (tok = strtok_r(line, " \t\r\n,", &save); tok != NULL; tok = strtok_r(NULL, " \t\r\n,", &save)) {
		char *end;
		long p = strtol(tok, &end, 10);

		if (*end != '\0' || p < 1 || p > 65535 || nports == MAXPORTS)
			return -1;
		ports[nports++] = (unsigned short) p;
	}
	return 0;
}

int
main(void)
{
	char line[4096];
	int nl;

	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* the runner's helper ends with the runner */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		int count = 0, err = 0;

		if (nl < 0) {
			printf("{\"ok\":false,\"error\":\"netlink socket: %s\"}\n", strerror(errno));
			fflush(stdout);
			continue;
		}
		if (parse_ports(line) < 0) {
			printf("{\"ok\":false,\"error\":\"bad request: expected up to %d port numbers\"}\n", MAXPORTS);
			fflush(stdout);
			continue;
		}
		{
			char *json = NULL;
			size_t size = 0;
			FILE *out = open_memstream(&json, &size);

			if (out == NULL) {
				printf("{\"ok\":false,\"error\":\"open_memstream: %s\"}\n", strerror(errno));
				fflush(stdout);
				continue;
			}
			err = dump(out, nl, AF_INET, &count);
			if (err == 0) {
				int err6 = dump(out, nl, AF_INET6, &count);
				if (err6 != 0 && err6 != EAFNOSUPPORT && err6 != ENOENT)
					err = err6;	/* a kernel without IPv6 is fine */
			}
			fclose(out);
			if (err)
				printf("{\"ok\":false,\"error\":\"sock_diag: %s\"}\n", strerror(err));
			else
				printf("{\"ok\":true,\"sockets\":[%s]}\n", json);
			free(json);
		}
		fflush(stdout);
	}
	return 0;
}
